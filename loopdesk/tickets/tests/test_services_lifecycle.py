import pytest

from loopdesk.core.exceptions import ValidationFailed
from loopdesk.tickets.constants import StatusCategory
from loopdesk.tickets.events import Actor
from loopdesk.tickets.models import CustomFieldDefinition, Status, TicketEvent, TicketEventType
from loopdesk.tickets.services import ticket_update
from loopdesk.tickets.tests.factories import make_ticket


def status(key):
    return Status.objects.get(key=key)


def test_create_records_event_and_numbers_increase(team_a):
    first = make_ticket(team=team_a)
    second = make_ticket(team=team_a)

    assert second.number == first.number + 1
    assert first.status.key == "new"
    created = TicketEvent.objects.get(ticket=first, type=TicketEventType.CREATED)
    assert created.cause_kind == "channel" and created.cause_ref == "email"
    assert created.changes["team"] == [None, {"id": team_a.pk, "name": "Team A"}]


def test_update_writes_one_event_per_change_with_old_and_new(ticket, agent):
    actor = Actor.person(agent, "customer called")

    ticket_update(
        ticket=ticket,
        actor=actor,
        changes={"priority": 1, "assignee": agent, "tags": ["VIP", "vip", "退款"]},
    )

    ticket.refresh_from_db()
    assert ticket.priority == 1 and ticket.assignee == agent
    assert ticket.status.key == "open"  # assigning a new ticket opens it
    types = list(
        ticket.events.exclude(type=TicketEventType.CREATED)
        .exclude(type=TicketEventType.CUSTOMER_REPLIED)
        .order_by("pk")
        .values_list("type", "actor_user", "cause_ref")
    )
    assert (TicketEventType.PRIORITY_CHANGED, agent.pk, "customer called") in types
    assert (TicketEventType.ASSIGNED, agent.pk, "customer called") in types
    assert (TicketEventType.STATUS_CHANGED, agent.pk, "customer called") in types
    tags = ticket.events.get(type=TicketEventType.TAGS_CHANGED)
    assert tags.changes == {"tags": [[], ["vip", "退款"]]}


def test_no_event_when_nothing_changes(ticket, agent):
    before = ticket.events.count()
    ticket_update(ticket=ticket, actor=Actor.person(agent), changes={"priority": ticket.priority})
    assert ticket.events.count() == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"priority": 9}, "priority"),
        ({"priority": "high"}, "priority"),
        ({"type": "nonsense"}, "type"),
        ({"tags": [f"t{i}" for i in range(1000)]}, "tags"),
        ({"tags": ["a,b"]}, "tags"),
        ({"tags": ["x" * 51]}, "tags"),
        ({"subject": ""}, "subject"),
        ({"subject": "x" * 251}, "subject"),
        ({"custom_fields": {"nope": 1}}, "custom_fields"),
    ],
)
def test_invalid_changes_are_rejected_and_nothing_is_written(ticket, agent, changes, field):
    events_before = ticket.events.count()
    with pytest.raises(ValidationFailed) as err:
        ticket_update(ticket=ticket, actor=Actor.person(agent), changes={"priority": 2, **changes})
    assert err.value.field == field
    ticket.refresh_from_db()
    assert ticket.priority == 3  # the valid part of the same call was rolled back too
    assert ticket.events.count() == events_before


def test_unknown_field_rejected(ticket, agent):
    with pytest.raises(ValidationFailed):
        ticket_update(ticket=ticket, actor=Actor.person(agent), changes={"number": 1})


def test_assignee_must_be_team_member(ticket, other_agent, agent):
    with pytest.raises(ValidationFailed, match="not a member"):
        ticket_update(ticket=ticket, actor=Actor.person(agent), changes={"assignee": other_agent})


def test_moving_team_drops_assignee_outside_it(ticket, agent, team_b, other_agent):
    ticket_update(ticket=ticket, actor=Actor.person(agent), changes={"assignee": agent})
    ticket_update(ticket=ticket, actor=Actor.person(agent), changes={"team": team_b})
    ticket.refresh_from_db()
    assert ticket.team == team_b and ticket.assignee is None


def test_solve_and_close_set_timestamps_and_closed_is_final(ticket, agent):
    actor = Actor.person(agent)
    ticket_update(ticket=ticket, actor=actor, changes={"status": status("solved")})
    ticket.refresh_from_db()
    assert ticket.solved_at is not None and ticket.status_category == StatusCategory.SOLVED

    ticket_update(ticket=ticket, actor=actor, changes={"status": status("closed")})
    ticket.refresh_from_db()
    assert ticket.closed_at is not None
    with pytest.raises(ValidationFailed, match="closed"):
        ticket_update(ticket=ticket, actor=actor, changes={"status": status("open")})


def test_allowed_transitions_are_enforced(ticket, agent):
    new = status("new")
    new.allowed_next.set([status("open")])
    with pytest.raises(ValidationFailed, match="cannot move"):
        ticket_update(
            ticket=ticket, actor=Actor.person(agent), changes={"status": status("solved")}
        )
    ticket_update(ticket=ticket, actor=Actor.person(agent), changes={"status": status("open")})


def test_custom_fields_validated_by_kind(ticket, agent):
    CustomFieldDefinition.objects.create(key="serial", label="Serial", kind="text")
    CustomFieldDefinition.objects.create(key="units", label="Units", kind="number")
    CustomFieldDefinition.objects.create(key="bought", label="Bought", kind="date")
    CustomFieldDefinition.objects.create(
        key="model", label="Model", kind="select", options=["A1", "B2"]
    )
    CustomFieldDefinition.objects.create(
        key="parts", label="Parts", kind="multiselect", options=["x", "y"]
    )
    CustomFieldDefinition.objects.create(key="warranty", label="Warranty", kind="checkbox")
    actor = Actor.person(agent)

    ticket_update(
        ticket=ticket,
        actor=actor,
        changes={
            "custom_fields": {
                "serial": " SN-1 ",
                "units": "3",
                "bought": "2026-01-31",
                "model": "A1",
                "parts": ["x", "x", "y"],
                "warranty": True,
            }
        },
    )
    ticket.refresh_from_db()
    assert ticket.custom_fields == {
        "serial": "SN-1",
        "units": 3,
        "bought": "2026-01-31",
        "model": "A1",
        "parts": ["x", "y"],
        "warranty": True,
    }
    for bad in (
        {"units": "many"},
        {"units": float("inf")},
        {"bought": "31/01/2026"},
        {"model": "Z9"},
        {"parts": ["z"]},
        {"warranty": "maybe"},
        {"serial": "x" * 2001},
    ):
        with pytest.raises(ValidationFailed):
            ticket_update(ticket=ticket, actor=actor, changes={"custom_fields": bad})
    ticket_update(ticket=ticket, actor=actor, changes={"custom_fields": {"serial": None}})
    ticket.refresh_from_db()
    assert "serial" not in ticket.custom_fields
    event = ticket.events.filter(type=TicketEventType.CUSTOM_FIELDS_CHANGED).last()
    assert event.changes == {"serial": ["SN-1", None]}


def test_required_custom_field_on_create(team_a):
    CustomFieldDefinition.objects.create(
        key="serial", label="Serial", kind="text", required=True, ticket_types=["repair"]
    )
    make_ticket(team=team_a, type="question")  # not required for this type
    with pytest.raises(ValidationFailed, match="Serial"):
        make_ticket(team=team_a, type="repair")
    assert make_ticket(
        team=team_a, type="repair", custom_fields={"serial": "S1"}
    ).custom_fields == {"serial": "S1"}


def test_bulk_update_reports_failures_per_ticket(team_a, agent):
    from loopdesk.tickets.services import tickets_bulk_update

    good = make_ticket(team=team_a)
    closed = make_ticket(team=team_a)
    ticket_update(ticket=closed, actor=Actor.person(agent), changes={"status": status("closed")})

    result = tickets_bulk_update(
        tickets=[good, closed], actor=Actor.person(agent), changes={"status": status("pending")}
    )

    assert result.updated == [good.number]
    assert list(result.errors) == [closed.number]


def test_status_history_reads_in_the_viewers_language(ticket, agent):
    from django.utils import translation

    from loopdesk.tickets.views.presenters import display_value

    ticket_update(ticket=ticket, actor=Actor.person(agent), changes={"status": status("pending")})
    old, new = ticket.events.get(type=TicketEventType.STATUS_CHANGED).changes["status"]
    assert new == {
        "id": status("pending").pk,
        "name": "Pending customer",
        "name_zh_hans": "等待客户回复",
    }
    with translation.override("zh-hans"):
        assert display_value("status", new) == "等待客户回复"
    with translation.override("en"):
        assert display_value("status", old) == "New"
