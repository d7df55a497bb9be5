"""Every field operator, evaluated by the one engine on real tickets."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from loopdesk.automation.conditions import Facts, compile_conditions, matches
from loopdesk.automation.definition import Conditions
from loopdesk.customers.services import contact_update
from loopdesk.sla.services.calendars import WeeklyInterval, calendar_create
from loopdesk.tickets.events import Actor
from loopdesk.tickets.models import Category, TicketEvent
from loopdesk.tickets.services import ticket_update
from loopdesk.tickets.tests import factories

pytestmark = pytest.mark.django_db


def check(ticket, cond, *, now=None, events=()):
    conditions = Conditions.model_validate({"all": [cond]})
    all_, any_ = compile_conditions(conditions)
    ticket = (
        type(ticket).objects.select_related("status", "contact__organization").get(pk=ticket.pk)
    )
    return matches(all_, any_, Facts(ticket=ticket, now=now or timezone.now(), events=list(events)))


@pytest.fixture
def t(team_a, agent):
    ticket = factories.make_ticket(
        team=team_a,
        assignee=agent,
        subject="Invoice 发票 needed",
        text="Please send the receipt",
        tags=["billing", "vip"],
    )
    return ticket


def _case(cond, expected, id_=None):
    return pytest.param(cond, expected, id=id_ or f"{cond['field']}-{cond['op']}-{expected}")


@pytest.mark.parametrize(
    ("cond", "expected"),
    [
        _case({"field": "subject", "op": "is", "value": "invoice 发票 needed"}, True),
        _case({"field": "subject", "op": "is_not", "value": "other"}, True),
        _case({"field": "subject", "op": "contains", "value": "发票"}, True),
        _case({"field": "subject", "op": "contains", "value": "refund"}, False),
        _case({"field": "subject", "op": "starts_with", "value": "INVOICE"}, True),
        _case({"field": "subject", "op": "starts_with", "value": "发票"}, False),
        _case({"field": "message", "op": "contains", "value": "receipt"}, True),
        _case({"field": "subject_or_message", "op": "contains", "value": "receipt"}, True),
        _case({"field": "status", "op": "is", "value": "open"}, True),
        _case({"field": "status", "op": "in_list", "value": ["new", "pending"]}, False),
        _case({"field": "status_category", "op": "is_not", "value": "solved"}, True),
        _case({"field": "priority", "op": "greater_than", "value": 2}, True),
        _case({"field": "priority", "op": "less_than", "value": 3}, False),
        _case({"field": "priority", "op": "in_list", "value": [3, 4]}, True),
        _case({"field": "type", "op": "is", "value": "question"}, True),
        _case({"field": "channel", "op": "is", "value": "email"}, True),
        _case({"field": "tags", "op": "contains", "value": "VIP"}, True),
        _case({"field": "tags", "op": "is_not", "value": "billing"}, False),
        _case({"field": "tags", "op": "contains", "value": ["x", "billing"]}, True, "tags-any-of"),
        _case({"field": "customer_vip", "op": "is", "value": False}, True),
        _case({"field": "hours_since_created", "op": "less_than", "value": 1}, True),
        _case({"field": "hours_since_created", "op": "greater_than", "value": 1}, False),
        _case({"field": "hours_since_last_customer_message", "op": "less_than", "value": 1}, True),
        _case({"field": "hours_since_updated", "op": "less_than", "value": 1}, True),
        _case({"field": "contact_email", "op": "contains", "value": "@example.com"}, True),
        _case({"field": "within_business_hours", "op": "is", "value": True}, True),
    ],
)
def test_operator(t, cond, expected):
    assert check(t, cond) is expected


def test_id_fields(t, team_a, agent, other_agent):
    assert check(t, {"field": "team", "op": "is", "value": team_a.pk})
    assert check(t, {"field": "assignee", "op": "is_not", "value": other_agent.pk})
    assert check(t, {"field": "assignee", "op": "in_list", "value": [agent.pk]})
    assert check(t, {"field": "category", "op": "is", "value": None})
    assert check(t, {"field": "organization", "op": "is", "value": None})


def test_custom_field(t):
    assert check(t, {"field": "custom_field", "key": "serial", "op": "is", "value": None})


def test_changed_and_changed_to(t, admin):
    category = Category.objects.create(name="Billing")
    ticket_update(
        ticket=t, actor=Actor.person(admin), changes={"priority": 1, "category": category}
    )
    events = list(TicketEvent.objects.filter(ticket=t, type__endswith="_changed"))
    assert check(t, {"field": "priority", "op": "changed"}, events=events)
    assert check(t, {"field": "priority", "op": "changed_to", "value": 1}, events=events)
    assert not check(t, {"field": "priority", "op": "changed_to", "value": 2}, events=events)
    assert check(t, {"field": "category", "op": "changed_to", "value": category.pk}, events=events)
    assert not check(t, {"field": "status", "op": "changed"}, events=events)
    assert not check(t, {"field": "priority", "op": "changed"})  # no event: nothing changed


def test_vip(t):
    contact_update(contact=t.contact, tier="vip")
    assert check(t, {"field": "customer_vip", "op": "is", "value": True})


def test_business_hours_and_hours_since_in_business_time(t):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from loopdesk.tickets.models import Ticket

    calendar_create(
        name="Weekdays",
        timezone="Asia/Shanghai",
        intervals=[WeeklyInterval(weekday=d, start=time(9), end=time(18)) for d in range(5)],
    )
    sh = ZoneInfo("Asia/Shanghai")
    friday_17 = datetime(2026, 11, 20, 17, tzinfo=sh)
    Ticket.objects.filter(pk=t.pk).update(created_at=friday_17)
    from django.test import override_settings

    with override_settings(LOOPDESK_AUTOMATION_CALENDAR="Weekdays"):
        saturday = datetime(2026, 11, 21, 12, tzinfo=sh)
        monday_0930 = datetime(2026, 11, 23, 9, 30, tzinfo=sh)
        assert not check(
            t, {"field": "within_business_hours", "op": "is", "value": True}, now=saturday
        )
        assert check(
            t, {"field": "within_business_hours", "op": "is", "value": True}, now=monday_0930
        )
        two_business = {
            "field": "hours_since_created",
            "op": "greater_than",
            "value": 2,
            "business_hours": True,
        }
        assert not check(t, two_business, now=monday_0930)  # 1.5 business hours
        assert check(t, two_business, now=monday_0930 + timedelta(minutes=30))
        wall = {"field": "hours_since_created", "op": "greater_than", "value": 2}
        assert check(t, wall, now=saturday)  # 19 wall-clock hours


def test_any_group(t):
    conditions = Conditions.model_validate(
        {
            "all": [{"field": "channel", "op": "is", "value": "email"}],
            "any": [
                {"field": "subject", "op": "contains", "value": "nothing"},
                {"field": "subject", "op": "contains", "value": "invoice"},
            ],
        }
    )
    all_, any_ = compile_conditions(conditions)
    assert matches(all_, any_, Facts(ticket=t, now=timezone.now()))


def test_hostile_text_is_plain_text(t):
    # No regex is ever built from user input: pattern characters are literal.
    nasty = "(a+)+$" * 10
    assert not check(t, {"field": "subject", "op": "contains", "value": nasty})
    assert not check(t, {"field": "subject", "op": "contains", "value": ".*"})
