"""API ticket create: a fixed statement budget, the same for the 1st and the 20th ticket.

The budget covers the intake (contact, custom fields, status, number, ticket, tags, search
documents, events, SLA sync, message) and the response, which loads the new ticket with its
relations in two statements (not one lazy query per relation). After-commit hooks do not run
in this non-transactional test; they are priced by `python -m bench http`.
"""

from django.db import connection
from django.test.utils import CaptureQueriesContext

CREATE_BUDGET = 18  # 35 before the response loaded its relations in one go, message_add
# stopped re-reading the ticket and intake's ticket and first message took no savepoints


def _create(api, i: int):
    with CaptureQueriesContext(connection) as ctx:
        response = api.post(
            "/tickets",
            {
                "subject": f"空调不制冷 #{i}",
                "body_text": "出风口一直吹热风 warranty",
                "requester": {"email": "repeat@example.com", "name": "张三"},
                "tags": ["ac", "vip"],
                "assignee_id": None,
            },
        )
    assert response.status_code == 201, response.content
    assert response.json()["tags"] == ["ac", "vip"]
    return len(ctx.captured_queries), ctx


def test_create_costs_a_fixed_number_of_statements(api_as, agent, team_a):
    api = api_as(agent)
    _create(api, 0)  # the first creates the contact; later ones find it
    second, _ = _create(api, 1)
    for i in range(2, 20):
        _create(api, i)
    twentieth, ctx = _create(api, 20)
    assert second == twentieth
    assert twentieth <= CREATE_BUDGET, "\n".join(q["sql"][:120] for q in ctx.captured_queries)
    # The response's relations come from one joined SELECT and one tags prefetch.
    lazy = [
        q["sql"]
        for q in ctx.captured_queries[-4:]
        if q["sql"].startswith(('SELECT "customers_contact"', 'SELECT "accounts_team"'))
    ]
    assert lazy == []


SLA_CREATE_BUDGET = 22  # 32 before a new ticket's SLA fold skipped reading the state and
# clocks it cannot have yet and wrote its clocks and sla.* events in one INSERT each


def test_create_under_an_sla_policy(api_as, agent, team_a, django_capture_on_commit_callbacks):
    from loopdesk.sla.constants import Metric
    from loopdesk.sla.models import SlaPolicy, SlaTarget, TicketClock
    from loopdesk.tickets.models import TicketEvent

    # Committed, as an admin's policy is before tickets arrive (core.config_cache).
    with django_capture_on_commit_callbacks(execute=True):
        policy = SlaPolicy.objects.create(name="Standard")
        SlaTarget.objects.create(policy=policy, metric=Metric.FIRST_RESPONSE, minutes=60)
        SlaTarget.objects.create(policy=policy, metric=Metric.RESOLUTION, minutes=480)
    api = api_as(agent)
    _create(api, 0)
    count, ctx = _create(api, 1)
    assert count <= SLA_CREATE_BUDGET, "\n".join(q["sql"][:120] for q in ctx.captured_queries)
    ticket_id = TicketEvent.objects.order_by("-pk").values_list("ticket_id", flat=True)[0]
    clocks = TicketClock.objects.filter(ticket_id=ticket_id)
    assert sorted(c.metric for c in clocks) == [Metric.FIRST_RESPONSE, Metric.RESOLUTION]
    assert all(c.due_at and c.policy_id == policy.pk for c in clocks)
    sla_events = list(
        TicketEvent.objects.filter(ticket_id=ticket_id, type__startswith="sla.")
        .order_by("pk")
        .values_list("type", flat=True)
    )
    assert sla_events == ["sla.policy_applied", "sla.started", "sla.started"]
