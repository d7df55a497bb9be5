"""Agent notifications by email: assignment and @mention, each with a preference."""

import pytest
from django.core import mail

from loopdesk.tickets.events import Actor
from loopdesk.tickets.services import message_add
from loopdesk.tickets.services.lifecycle import ticket_assign

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_assignment_mails_the_new_assignee_unless_they_did_it_or_opted_out(
    ticket, agent, supervisor
):
    mail.outbox.clear()
    ticket_assign(ticket=ticket, actor=Actor.person(supervisor), assignee=agent)
    assert [m.to for m in mail.outbox] == [[agent.email]]
    assert f"#{ticket.number}" in mail.outbox[0].subject
    assert mail.outbox[0].extra_headers["Auto-Submitted"] == "auto-generated"

    mail.outbox.clear()
    ticket_assign(ticket=ticket, actor=Actor.person(supervisor), assignee=None)
    ticket_assign(ticket=ticket, actor=Actor.person(agent), assignee=agent)  # took it
    assert mail.outbox == []

    agent.notify_assigned = False
    agent.save()
    ticket_assign(ticket=ticket, actor=Actor.person(supervisor), assignee=None)
    ticket_assign(ticket=ticket, actor=Actor.person(supervisor), assignee=agent)
    assert mail.outbox == []


def test_mention_mail_respects_the_preference(ticket, agent, supervisor):
    supervisor.notify_mentioned = False
    supervisor.save()
    mail.outbox.clear()
    handle = supervisor.email.split("@")[0]
    message_add(
        ticket=ticket,
        actor=Actor.person(agent),
        kind="note",
        body_text=f"@{handle} please look",
        author_user=agent,
    )
    assert mail.outbox == []


def test_preferences_are_saved_from_my_settings(client, agent):
    client.force_login(agent)
    response = client.post(
        "/accounts/settings/",
        {
            "language": "zh-hans",
            "timezone": "Asia/Shanghai",
            "signature": "",
            "notify_mentioned": "on",
        },
    )
    assert response.status_code == 302
    agent.refresh_from_db()
    assert (agent.notify_assigned, agent.notify_mentioned) == (False, True)
