"""A supervisor turns on round robin for a team with a waiting ticket; an agent goes
online from the header switch and gets it; the history explains the decision."""

import pytest

from loopdesk.accounts.models import Role
from loopdesk.routing.models import TeamRouting
from loopdesk.tickets.models import Ticket
from loopdesk.tickets.tests import factories

from .helpers import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_going_online_assigns_the_waiting_ticket(live_server, browser, shot):
    team = factories.make_team("Repair")
    boss = factories.make_user(role=Role.SUPERVISOR, teams=[team], email="lin@loopdesk.test")
    agent = factories.make_user(role=Role.AGENT, teams=[team], email="li.na@loopdesk.test")
    ticket = factories.make_ticket(team=team, subject="空调不制冷 AC not cooling")

    boss_page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(boss_page, live_server.url, boss.email, factories.PASSWORD)
    boss_page.click(".topnav a:has-text('Routing')")
    boss_page.click(f"a:has-text('{team.name}')")
    boss_page.check("input[name=strategy][value=round_robin]")
    boss_page.click("button:has-text('Save strategy')")
    boss_page.wait_for_selector("text=1 ticket waiting for an agent")
    assert TeamRouting.objects.get(team=team).strategy == "round_robin"

    page = browser.new_context(viewport={"width": 390, "height": 800}).new_page()
    log_in(page, live_server.url, agent.email, factories.PASSWORD)
    switch = page.locator("#agent-status select[name=status]")
    switch.wait_for()
    assert switch.input_value() == "offline"
    switch.select_option("online")
    page.wait_for_selector("#agent-status.status-online")
    assert Ticket.objects.get(pk=ticket.pk).assignee_id == agent.pk

    page.goto(f"{live_server.url}/tickets/{ticket.number}/history/")
    timeline = page.locator("#history")
    timeline.get_by_text("routed the ticket").wait_for()
    text = timeline.inner_text()
    assert "Round robin" in text and f"1. {agent}" in text
    assert "was the only available agent" in text
    shot(page, "routing-history-mobile")
