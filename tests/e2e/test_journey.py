"""An agent's day in the browser: triage, take, reply and solve, check the history."""

import pytest

from loopdesk.accounts.models import Role
from loopdesk.tickets.tests import factories

from .helpers import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_agent_takes_replies_and_solves(live_server, new_page):
    team = factories.make_team("Support")
    agent = factories.make_user(role=Role.AGENT, teams=[team], email="mei@loopdesk.test")
    ticket = factories.make_ticket(
        team=team, subject="空调不制冷 AC not cooling", text="It blows warm air."
    )

    page = new_page(1280)
    log_in(page, live_server.url, agent.email, factories.PASSWORD)

    page.click("#view-tabs a[data-view=unassigned]")
    page.wait_for_url("**view=unassigned**")
    page.wait_for_selector(f"#ticket-list a:has-text('{ticket.subject}')")
    # Back after an htmx view switch reloads the page; it never swaps a fragment into <body>.
    page.click("#view-tabs a[data-view=mine]")
    page.wait_for_url("**view=mine**")
    page.go_back()
    page.wait_for_url("**view=unassigned**")
    page.wait_for_selector("#view-tabs a[data-view=unassigned][aria-current=page]")
    assert page.locator(".topbar").count() == 1
    assert page.locator("#ticket-list").count() == 1
    page.keyboard.press("?")  # the shortcut help
    assert page.is_visible("#shortcuts-help")
    page.keyboard.press("Escape")
    page.keyboard.press("j")  # first row, then open it
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/tickets/{ticket.number}/")
    assert "It blows warm air." in page.inner_text("#thread")

    page.keyboard.press("a")  # shortcut: assign to me
    page.wait_for_selector("#ticket-fields .saved-note")
    assert page.eval_on_selector("#f-assignee", "el => el.selectedOptions[0].text") == str(agent)

    page.keyboard.press("r")  # shortcut: focus the reply box
    page.keyboard.type("Please clean the filter; it should cool again. ")
    page.click("#reply-panel button:has-text('Send and mark Solved')")
    page.wait_for_selector("#thread .msg-outbound")
    assert "Please clean the filter" in page.inner_text("#thread .msg-outbound")
    assert page.inner_text("#ticket-head .badge.st-solved") == "Solved"

    page.click("#tab-history")
    page.wait_for_selector("#history .timeline li")
    history = page.inner_text("#history")
    assert "replied to the customer" in history
    assert "Status: Open → Solved" in history
    assert f"Assignee: — → {agent}" in history
