"""A supervisor builds the VIP acceptance rule in the form editor, dry-runs it over the
existing tickets and saves it; an agent then inserts a canned reply on a ticket."""

import pytest

from loopdesk.accounts.models import Role
from loopdesk.automation import engine
from loopdesk.automation.models import Rule
from loopdesk.automation.services import canned_create
from loopdesk.customers.services import contact_update
from loopdesk.tickets.models import TicketEvent
from loopdesk.tickets.tests import factories

from .helpers import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def settled(page) -> None:
    """Wait until htmx has swapped and processed the new form (a select changed before
    that would fire no request)."""
    page.wait_for_timeout(50)
    page.wait_for_function(
        "!document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping, .htmx-added')"
    )


@pytest.fixture(autouse=True)
def _fresh_rules():
    engine.reset()
    yield
    engine.reset()


def test_build_dry_run_and_save_the_vip_rule(live_server, new_page, shot):
    team = factories.make_team("Support")
    boss = factories.make_user(role=Role.SUPERVISOR, teams=[team], email="lin@loopdesk.test")
    vip = factories.make_contact(email="wang@example.com", name="王女士")
    contact_update(contact=vip, tier="vip")
    vip_ticket = factories.make_ticket(team=team, contact=vip, subject="专线中断 Line down")
    factories.make_ticket(team=team, subject="Printer question")
    events_before = TicketEvent.objects.count()

    page = new_page(1280)
    log_in(page, live_server.url, boss.email, factories.PASSWORD)
    page.click(".topnav a:has-text('Automation')")
    page.wait_for_url("**/automation/rules/")
    page.click("a:has-text('New rule')")
    page.wait_for_url("**/automation/rules/new/")

    page.fill("#rule-name", "VIP waiting for a reply")
    form_url = "**/automation/rules/new/"
    with page.expect_response(form_url):  # the form re-renders for a time rule
        page.select_option("#rule-kind", "time")
    settled(page)
    page.wait_for_selector("text=A time rule is checked every minute")
    # Condition 1: customer is VIP.
    with page.expect_response(form_url):  # operators follow the field
        page.select_option("select[name=c0_field]", "customer_vip")
    settled(page)
    page.select_option("select[name=c0_op]", "is")
    page.fill("input[name=c0_value]", "yes")
    # Condition 2: no agent reply for 2 business hours.
    with page.expect_response(form_url):
        page.click("button:has-text('Add condition')")
    settled(page)
    with page.expect_response(form_url):
        page.select_option("select[name=c1_field]", "hours_since_last_agent_reply")
    settled(page)
    page.wait_for_selector("input[name=c1_bh]")
    page.select_option("select[name=c1_op]", "greater_than")
    page.fill("input[name=c1_value]", "2")
    page.check("input[name=c1_bh]")
    # Actions: escalate to the team supervisor, raise the priority to P1.
    with page.expect_response(form_url):
        page.select_option("select[name=a0_type]", "escalate")
    settled(page)
    page.wait_for_selector("textarea[name=a0_body]")
    with page.expect_response(form_url):
        page.click("button:has-text('Add action')")
    settled(page)
    page.wait_for_selector("select[name=a1_type]")
    page.select_option("select[name=a1_field]", "priority")
    page.fill("input[name=a1_value]", "1")

    # A mistake first: a clear message on the row, nothing saved.
    page.fill("input[name=c1_value]", "soon")
    with page.expect_response(form_url):
        page.click("button[value=save]")
    settled(page)
    page.wait_for_selector("[data-row=condition-1] .field-error")
    assert "number of hours" in page.inner_text("[data-row=condition-1] .field-error")
    assert not Rule.objects.exists()
    page.fill("input[name=c1_value]", "0")  # 0 hours: every VIP ticket matches right now

    with page.expect_response(form_url):
        page.click("button[value=dry_run]")
    settled(page)
    page.wait_for_selector(".dry-run")
    result = page.inner_text(".dry-run")
    assert "1 of the 2 most recent tickets matches now." in result
    assert f"#{vip_ticket.number}" in result and "priority" in result
    shot(page, "automation-dry-run")
    assert TicketEvent.objects.count() == events_before  # the dry run changed nothing

    page.fill("input[name=c1_value]", "2")
    page.click("button[value=save]")
    page.wait_for_url("**/automation/rules/")
    assert "VIP waiting for a reply" in page.inner_text(".rules-table")
    rule = Rule.objects.get()
    assert rule.kind == "time" and rule.is_active
    assert rule.conditions["all"][1]["business_hours"] is True
    assert [a["type"] for a in rule.actions] == ["escalate", "set_field"]
    shot(page, "automation-rules")

    # The same page on a phone: the editor rows wrap instead of overflowing.
    phone = new_page(390, 800)
    log_in(phone, live_server.url, boss.email, factories.PASSWORD)
    phone.goto(f"{live_server.url}/automation/rules/{rule.pk}/")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, width
    shot(phone, "automation-editor-phone")


def test_agent_inserts_a_canned_reply(live_server, new_page):
    team = factories.make_team("Support")
    agent = factories.make_user(role=Role.AGENT, teams=[team], email="mei@loopdesk.test")
    ticket = factories.make_ticket(team=team, subject="{{ agent.email }} hi")
    canned_create(
        user=agent,
        title="Greeting",
        language="en",
        body="Hello {{ contact.name }}, #{{ ticket.number }}",
    )
    page = new_page(1280)
    log_in(page, live_server.url, agent.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/tickets/{ticket.number}/")
    page.wait_for_selector("#automation-panel .canned-list")
    page.click("#automation-panel button:has-text('Greeting')")
    page.wait_for_function("document.querySelector('#reply-body').value.includes('Hello')")
    assert page.input_value("#reply-body") == f"Hello Customer, #{ticket.number}"
