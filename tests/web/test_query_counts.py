"""Query counts stay constant: the inbox first page and the ticket page cost the same
with 5 or 30 tickets/messages, and stay within a small fixed budget."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from loopdesk.tickets.events import Actor
from loopdesk.tickets.models import CustomFieldDefinition, Ticket
from loopdesk.tickets.services import AttachmentUpload, message_add
from loopdesk.tickets.tests import factories

MAX_QUERIES = 12
# session, user, team ids, the four view counts (one statement), page ids, page rows,
# tags prefetch, and the filter choices (statuses, teams, assignees).
INBOX_QUERIES = 10


@pytest.fixture(autouse=True)
def _scope_size_known(agent):
    """Steady state: what a process learns once for minutes (the size of the agent's team
    scope, which picks the query plan) is not part of a page's budget."""
    Ticket.objects.visible_to(agent)


def _count(client, url, **extra) -> int:
    cache.clear()  # the tab counts are cached for seconds: they count in the budget
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **extra)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("view", ["mine", "unassigned", "my_teams", "open", "recent"])
def test_inbox_first_page(agent_client, agent, team_a, view, django_assert_max_num_queries):
    url = reverse("tickets:inbox") + f"?view={view}"
    for i in range(5):
        factories.make_ticket(team=team_a, assignee=agent if i % 2 else None, tags=["a", f"t{i}"])
    with django_assert_max_num_queries(INBOX_QUERIES):
        few = _count(agent_client, url)
    for i in range(25):
        factories.make_ticket(team=team_a, assignee=agent if i % 2 else None, tags=["a", f"t{i}"])
    with django_assert_max_num_queries(INBOX_QUERIES):
        many = _count(agent_client, url)
    assert few == many
    with django_assert_max_num_queries(MAX_QUERIES):
        _count(agent_client, url, HTTP_HX_REQUEST="true")


def test_ticket_page(
    agent_client, agent, ticket, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    # Committed, as an admin's change is before anyone opens a page (an uncommitted config
    # write bypasses the configuration cache of its own process: core.config_cache).
    with django_capture_on_commit_callbacks(execute=True):
        CustomFieldDefinition.objects.create(key="serial", label="Serial", kind="text")
    url = reverse("tickets:detail", args=[ticket.number])

    def add(n):
        for i in range(n):
            message_add(
                ticket=ticket,
                actor=Actor.person(agent),
                kind="note" if i % 3 else "reply",
                author_user=agent,
                body_text=f"Message {i}",
                attachments=[AttachmentUpload(filename=f"f{i}.txt", content=b"x")] if i % 2 else [],
            )

    add(4)  # plus the customer's first message: 5
    with django_assert_max_num_queries(MAX_QUERIES):
        few = _count(agent_client, url)
    add(15)
    with django_assert_max_num_queries(MAX_QUERIES):
        many = _count(agent_client, url)
    assert few == many
    for lazy in ("tickets:history", "tickets:related"):
        with django_assert_max_num_queries(MAX_QUERIES):
            _count(agent_client, reverse(lazy, args=[ticket.number]), HTTP_HX_REQUEST="true")
