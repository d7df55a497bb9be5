"""SLA in the workspace: inbox badge, the "breaching soon" view, the ticket's SLA panel and
the notifications bell/list — in both languages and within the query budgets."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from loopdesk.accounts.models import Notification, Role
from loopdesk.sla.constants import ClockState, Metric
from loopdesk.sla.models import SlaPolicy, TicketClock
from loopdesk.tickets.tests import factories

from .conftest import login
from .test_query_counts import INBOX_QUERIES, MAX_QUERIES, _count, _scope_size_known  # noqa: F401

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def policy(db):
    # Inactive, so the policy matcher leaves the tickets alone: the clocks are the tests'.
    return SlaPolicy.objects.create(name="Gold", is_active=False)


def clock(ticket, policy, *, due_in=None, state=ClockState.RUNNING, metric=Metric.RESOLUTION, **kw):
    now = timezone.now()
    return TicketClock.objects.create(
        ticket=ticket,
        metric=metric,
        cycle=kw.pop("cycle", 1),
        policy=policy,
        target_minutes=kw.pop("target_minutes", 240),
        business_hours=True,
        state=state,
        started_at=now - timedelta(hours=1),
        due_at=now + due_in if due_in is not None else None,
        warn_at=now + due_in - timedelta(minutes=30) if due_in is not None else None,
        **kw,
    )


def _numbers(response) -> list[int]:
    return [t.number for t in response.context["tickets"]]


def test_inbox_badges_show_time_left_overdue_and_paused(agent_client, team_a, policy):
    late = factories.make_ticket(team=team_a, subject="Late")
    soon = factories.make_ticket(team=team_a, subject="Soon")
    fine = factories.make_ticket(team=team_a, subject="Fine")
    paused = factories.make_ticket(team=team_a, subject="Paused")
    factories.make_ticket(team=team_a, subject="No SLA")
    clock(late, policy, due_in=timedelta(hours=-2, minutes=-5))
    clock(soon, policy, due_in=timedelta(minutes=20, seconds=30))
    clock(fine, policy, due_in=timedelta(days=2, hours=3, minutes=1))
    clock(paused, policy, state=ClockState.PAUSED, used_seconds=600)

    html = agent_client.get(reverse("tickets:inbox")).content.decode()
    assert "sla-overdue" in html and ">2 h 5 min overdue<" in html
    assert "sla-soon" in html and ">20 min left<" in html
    assert "sla-ok" in html and ">2 d 3 h left<" in html
    assert 'sla-paused">SLA paused<' in html
    assert html.count('class="badge sla ') == 4


def test_inbox_badges_in_chinese(team_a, policy):
    zh = factories.make_user(role=Role.AGENT, teams=[team_a], language="zh-hans")
    late = factories.make_ticket(team=team_a)
    clock(late, policy, due_in=timedelta(minutes=-90, seconds=-10))
    html = login(zh).get(reverse("tickets:inbox")).content.decode()
    assert "已超时 1 小时 30 分钟" in html
    assert "即将超时" in html  # the view tab


def test_breaching_soon_lists_running_clocks_by_due_time_with_keyset_pages(
    agent_client, team_a, team_b, policy
):
    expected = []
    for i in range(30):
        t = factories.make_ticket(team=team_a, subject=f"T{i}")
        # Out of creation order, some overdue; all within the horizon.
        clock(t, policy, due_in=timedelta(minutes=((i * 37) % 30) * 10 - 60))
        expected.append((((i * 37) % 30) * 10 - 60, t.number))
    later = factories.make_ticket(team=team_a, subject="Next week")
    clock(later, policy, due_in=timedelta(days=7))
    done = factories.make_ticket(team=team_a, subject="Met")
    clock(done, policy, state=ClockState.FULFILLED)
    fired = factories.make_ticket(team=team_a, subject="Already breached")
    clock(fired, policy, due_in=timedelta(minutes=-90), breach_fired_at=timezone.now())
    hidden = factories.make_ticket(team=team_b, subject="Other team")
    clock(hidden, policy, due_in=timedelta(minutes=-500))
    expected = [n for _, n in sorted(expected)]

    url = reverse("tickets:inbox")
    first = agent_client.get(url, {"view": "sla_at_risk"})
    assert first.status_code == 200
    tabs = first.content.decode()
    assert 'data-view="sla_at_risk"' in tabs and ">30<" in tabs  # the count
    page = _numbers(first)
    cursor = first.context["next_cursor"]
    assert cursor
    second = agent_client.get(url, {"view": "sla_at_risk", "after": cursor}, **HX)
    assert page + _numbers(second) == expected
    assert second.context["next_cursor"] is None
    # Cursors are values, not offsets: a ticket fulfilled meanwhile does not shift page 2.
    TicketClock.objects.filter(ticket__number=page[0]).update(state=ClockState.FULFILLED)
    again = agent_client.get(url, {"view": "sla_at_risk", "after": cursor}, **HX)
    assert _numbers(again) == _numbers(second)


def test_inbox_stays_in_budget_with_clocks(
    agent_client, agent, team_a, policy, django_assert_max_num_queries
):
    def add(n):
        for i in range(n):
            t = factories.make_ticket(team=team_a, assignee=agent if i % 2 else None, tags=["a"])
            clock(t, policy, due_in=timedelta(minutes=i * 7 - 30))
            clock(t, policy, metric=Metric.FIRST_RESPONSE, state=ClockState.PAUSED)

    for view in ("open", "sla_at_risk"):
        url = reverse("tickets:inbox") + f"?view={view}"
        add(5)
        with django_assert_max_num_queries(INBOX_QUERIES):
            few = _count(agent_client, url)
        add(25)
        with django_assert_max_num_queries(INBOX_QUERIES):
            many = _count(agent_client, url)
        assert few == many


def test_ticket_sla_panel_loads_lazily_and_shows_each_clock(
    agent_client, ticket, policy, django_assert_max_num_queries
):
    clock(
        ticket,
        policy,
        metric=Metric.FIRST_RESPONSE,
        state=ClockState.FULFILLED,
        fulfilled_at=timezone.now() - timedelta(minutes=30),
    )
    clock(ticket, policy, metric=Metric.RESOLUTION, due_in=timedelta(minutes=-45, seconds=-10))
    clock(
        ticket,
        policy,
        metric=Metric.NEXT_RESPONSE,
        cycle=2,
        state=ClockState.PAUSED,
        used_seconds=3000,
        target_minutes=60,
    )

    page = agent_client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    assert reverse("sla:ticket_sla", args=[ticket.number]) in page  # hx-get, load
    url = reverse("sla:ticket_sla", args=[ticket.number])
    with django_assert_max_num_queries(MAX_QUERIES):
        html = agent_client.get(url, **HX).content.decode()
    assert "First response" in html and "Fulfilled" in html and "met at" in html
    assert "Resolution" in html and "Breached" in html and "45 min overdue" in html
    assert "Next response #2" in html and "Paused" in html and "10 min left when resumed" in html
    assert "Gold" in html and "4 h 0 min" in html
    # The full page works without htmx too.
    assert agent_client.get(url).status_code == 200


def test_ticket_page_budget_holds_with_clocks(
    agent_client, ticket, policy, django_assert_max_num_queries
):
    for metric in Metric.values:
        clock(ticket, policy, metric=metric, due_in=timedelta(hours=1))
    with django_assert_max_num_queries(MAX_QUERIES):
        _count(agent_client, reverse("tickets:detail", args=[ticket.number]))


def test_sla_panel_of_an_invisible_ticket_is_404(other_agent, ticket, policy):
    clock(ticket, policy, due_in=timedelta(hours=1))
    response = login(other_agent).get(reverse("sla:ticket_sla", args=[ticket.number]), **HX)
    assert response.status_code == 404


def test_ticket_without_clocks_says_no_policy(agent_client, ticket):
    html = agent_client.get(reverse("sla:ticket_sla", args=[ticket.number]), **HX).content.decode()
    assert "No SLA policy applies" in html


def test_bell_counts_unread_and_the_list_marks_read(agent, other_agent, ticket):
    client = login(agent)
    for i in range(3):
        Notification.objects.create(user=agent, ticket=ticket, kind="sla.breached", text=f"N{i}")
    foreign = Notification.objects.create(user=other_agent, ticket=ticket, kind="x", text="Theirs")

    page = client.get(reverse("tickets:inbox")).content.decode()
    assert reverse("sla:bell") in page  # loaded lazily: no query on every page
    bell = client.get(reverse("sla:bell"), **HX).content.decode()
    assert 'class="bell-count">3<' in bell and "3 unread notifications" in bell

    listing = client.get(reverse("sla:notifications")).content.decode()
    assert "N0" in listing and "N2" in listing and "Theirs" not in listing

    first = Notification.objects.filter(user=agent).order_by("pk").first()
    response = client.post(
        reverse("sla:notifications_read"), {"id": first.pk, "ticket": ticket.number}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("tickets:detail", args=[ticket.number])
    assert 'class="bell-count">2<' in client.get(reverse("sla:bell")).content.decode()

    # Someone else's id changes nothing.
    client.post(reverse("sla:notifications_read"), {"id": foreign.pk})
    foreign.refresh_from_db()
    assert foreign.read_at is None

    client.post(reverse("sla:notifications_read"), {"all": "1"})
    assert "bell-count" not in client.get(reverse("sla:bell")).content.decode()
    assert not Notification.objects.filter(user=agent, read_at__isnull=True).exists()


def test_notifications_page_rejects_a_bad_cursor_and_needs_login(agent_client, client):
    assert agent_client.get(reverse("sla:notifications"), {"after": "!!"}).status_code == 422
    assert client.get(reverse("sla:notifications")).status_code == 302
    assert client.get(reverse("sla:bell")).status_code == 302


def test_history_reads_sla_events_in_the_viewers_language_and_time_zone(team_a, policy):
    from loopdesk.sla.services.scheduler import sla_tick

    zh = factories.make_user(role=Role.AGENT, teams=[team_a], language="zh-hans")
    ticket = factories.make_ticket(team=team_a)
    due = timezone.now() - timedelta(minutes=5)
    TicketClock.objects.create(
        ticket=ticket,
        metric=Metric.FIRST_RESPONSE,
        policy=policy,
        target_minutes=60,
        business_hours=False,
        state=ClockState.RUNNING,
        started_at=due - timedelta(hours=1),
        due_at=due,
        warn_at=due - timedelta(minutes=15),
    )
    assert sla_tick().breaches == 1
    html = login(zh).get(reverse("tickets:history", args=[ticket.number]), **HX)
    text = html.content.decode()
    assert "SLA 目标已超时" in text  # the event
    assert "首次响应" in text  # the metric's label, not "first_response"
    local = timezone.localtime(due, timezone=__import__("zoneinfo").ZoneInfo(zh.timezone))
    assert local.strftime("%Y-%m-%d %H:%M") in text
    assert "SLA policy: Gold" in text


def test_panel_shows_business_time_left_next_to_wall_time(agent_client, ticket):
    from datetime import time

    from loopdesk.sla.models import BusinessCalendar, CalendarInterval
    from loopdesk.sla.selectors import ticket_sla_clocks
    from loopdesk.sla.templatetags.sla import duration_short

    calendar = BusinessCalendar.objects.create(name="Office", timezone="Asia/Shanghai")
    for weekday in range(7):  # 09:00–10:00 every day: one business hour per day
        CalendarInterval.objects.create(
            calendar=calendar, weekday=weekday, start=time(9), end=time(10)
        )
    policy = SlaPolicy.objects.create(name="Office hours", is_active=False, calendar=calendar)
    now = timezone.now()
    TicketClock.objects.create(
        ticket=ticket,
        metric=Metric.RESOLUTION,
        policy=policy,
        target_minutes=240,
        business_hours=True,
        state=ClockState.RUNNING,
        started_at=now,
        due_at=now + timedelta(days=2, hours=12),  # 2 or 3 business hours from now
        warn_at=now + timedelta(days=1),
    )
    html = agent_client.get(reverse("sla:ticket_sla", args=[ticket.number]), **HX).content
    text = html.decode()
    assert "2 d 12 h left" in text or "2 d 11 h left" in text
    # Two or three business hours, depending on where in today's 09:00–10:00 we are;
    # the same figure the ticket API gives.
    [out] = ticket_sla_clocks(ticket=ticket)
    assert 120 <= out["remaining_minutes"] <= 180
    shown = duration_short(out["remaining_minutes"] * 60)
    assert f"{shown} of business hours" in text
