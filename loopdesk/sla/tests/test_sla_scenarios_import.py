"""Imported tickets (API scope tickets:import) carry their original timestamps, so their
SLA history is computed from when things really happened."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from loopdesk.accounts.models import ApiScope
from loopdesk.accounts.services import api_key_create
from loopdesk.sla.models import TicketClock
from loopdesk.sla.services.calendars import (
    WeeklyInterval,
    calendar_create,
    calendar_load_china_preset,
)
from loopdesk.sla.services.policies import TargetSpec, sla_policy_create
from loopdesk.tickets.models import Ticket
from tests.api.conftest import ApiClient, assert_problem

SH = ZoneInfo("Asia/Shanghai")
FRIDAY_1730 = datetime(2026, 10, 9, 17, 30, tzinfo=SH)


@pytest.fixture
def policy(db):
    calendar = calendar_create(
        name="China office",
        timezone="Asia/Shanghai",
        intervals=[WeeklyInterval(weekday=d, start=time(9), end=time(18)) for d in range(5)],
    )
    calendar_load_china_preset(calendar=calendar, year=2026)
    return sla_policy_create(
        name="Import",
        calendar=calendar,
        targets=[
            TargetSpec("first_response", 120, None),
            TargetSpec("resolution", 9 * 60, None),
        ],
    )


def client(user, scopes) -> ApiClient:
    return ApiClient(Client(), api_key_create(user=user, name="k", scopes=scopes).secret)


def new_ticket(api: ApiClient, team, **extra):
    return api.post(
        "/tickets",
        {
            "subject": "Imported",
            "requester": {"email": "old@example.com"},
            "body_text": "From the old system",
            "priority": 1,
            "team_id": team.pk,
            **extra,
        },
    )


def test_imported_ticket_and_reply_keep_their_times_and_sla_history(policy, agent, team_a):
    api = client(agent, ["tickets:read", "tickets:write", "tickets:import"])
    response = new_ticket(api, team_a, created_at=FRIDAY_1730.isoformat())
    assert response.status_code == 201, response.content
    number = response.json()["number"]
    ticket = Ticket.objects.get(number=number)
    assert ticket.created_at == FRIDAY_1730
    assert set(ticket.events.values_list("created_at", flat=True)) == {FRIDAY_1730}
    assert ticket.messages.get().created_at == FRIDAY_1730
    first = TicketClock.objects.get(ticket=ticket, metric="first_response")
    assert first.started_at == FRIDAY_1730
    assert first.due_at == datetime(2026, 10, 10, 10, 30, tzinfo=SH)  # make-up Saturday

    # The agent answered on Saturday at 10:00 and solved it: on time.
    replied = datetime(2026, 10, 10, 10, 0, tzinfo=SH)
    response = api.post(
        f"/tickets/{number}/messages",
        {
            "kind": "reply",
            "body_text": "Fixed",
            "status": "solved",
            "created_at": replied.isoformat(),
        },
    )
    assert response.status_code == 201, response.content
    ticket.refresh_from_db()
    assert ticket.first_response_at == replied and ticket.solved_at == replied
    first = TicketClock.objects.get(ticket=ticket, metric="first_response")
    assert (first.state, first.fulfilled_at, first.breached) == ("fulfilled", replied, False)
    assert first.used_seconds == 90 * 60
    resolution = TicketClock.objects.get(ticket=ticket, metric="resolution")
    assert resolution.state == "fulfilled" and resolution.fulfilled_at == replied
    fulfilled = ticket.events.filter(type="sla.fulfilled")
    assert fulfilled.count() == 2
    assert set(fulfilled.values_list("created_at", flat=True)) == {replied}
    body = api.get(f"/tickets/{number}").json()
    assert [(c["metric"], c["state"]) for c in body["sla"]] == [
        ("first_response", "fulfilled"),
        ("resolution", "fulfilled"),
    ]


def test_timestamps_need_the_import_scope(policy, agent, team_a):
    api = client(agent, ["tickets:read", "tickets:write"])
    response = new_ticket(api, team_a, created_at=FRIDAY_1730.isoformat())
    assert_problem(response, 403)
    assert not Ticket.objects.exists()


@pytest.mark.parametrize(
    "value", ["2026-10-09T17:30:00", "1999-12-31T23:00:00+00:00", "2099-01-01T00:00:00+00:00"]
)
def test_bad_import_times_are_rejected(policy, agent, team_a, value):
    api = client(agent, list(ApiScope.values))
    assert_problem(new_ticket(api, team_a, created_at=value), 400, "created_at")
    assert not Ticket.objects.exists()


def test_imported_message_cannot_precede_the_ticket(policy, agent, team_a):
    api = client(agent, list(ApiScope.values))
    number = new_ticket(api, team_a, created_at=FRIDAY_1730.isoformat()).json()["number"]
    earlier = datetime(2026, 10, 1, tzinfo=SH).isoformat()
    response = api.post(
        f"/tickets/{number}/messages", {"kind": "reply", "body_text": "x", "created_at": earlier}
    )
    assert_problem(response, 400, "created_at")
    assert Ticket.objects.get(number=number).messages.count() == 1
