"""Knowledge base in the browser: a customer finds an answer in the help centre in
Chinese; an agent inserts an article into a reply from the ticket page."""

import pytest

from loopdesk.accounts.models import Role
from loopdesk.knowledge.models import Article
from loopdesk.knowledge.sample_articles import create_sample_articles
from loopdesk.tickets.tests import factories

from .helpers import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _publish_samples():
    editor = factories.make_user(role=Role.SUPERVISOR, email="kb.editor@loopdesk.test")
    return create_sample_articles(
        user=editor, keys={"refund_request", "refund_time", "invoice_request", "tracking"}
    )


def test_customer_searches_the_help_centre_in_chinese(live_server, new_page, shot):
    made = _publish_samples()
    wanted = made[("refund_time", "zh-hans")]

    page = new_page(390, 844)  # a phone
    page.goto(f"{live_server.url}/help/")
    page.wait_for_url("**/help/en/")
    page.click("a[hreflang=zh-hans]")  # the language switch
    page.wait_for_url("**/help/zh-hans/")
    page.fill("#help-q", "退款多久到账")
    page.press("#help-q", "Enter")
    page.wait_for_url("**/help/zh-hans/search/**")
    first = page.locator(".kb-results li").first
    assert first.locator("mark").first.inner_text() in {"退款", "到账", "多久"}
    link = first.locator("h2 a")
    assert link.get_attribute("href") == f"/help/zh-hans/articles/{wanted.pk}/"
    # Nothing overflows the phone's width.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "kb-help-search-zh")
    link.click()
    page.wait_for_url(f"**/help/zh-hans/articles/{wanted.pk}/")
    assert page.locator("h1").inner_text() == "退款多久到账"
    page.click("#vote button[value=yes]")
    page.wait_for_selector("#vote [role=status]")
    wanted.refresh_from_db()
    assert wanted.helpful_yes == 1


def test_agent_inserts_an_article_into_a_reply(live_server, new_page, shot):
    made = _publish_samples()
    refund = made[("refund_request", "zh-hans")]
    invoice = made[("invoice_request", "zh-hans")]
    team = factories.make_team("Support")
    agent = factories.make_user(role=Role.AGENT, teams=[team], email="kb.agent@loopdesk.test")
    ticket = factories.make_ticket(
        team=team, subject="我想申请退款", text="订单还没发货，怎么申请退款？"
    )

    page = new_page(1400, 1000)
    log_in(page, live_server.url, agent.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/tickets/{ticket.number}/")
    suggestion = page.locator(f"#kb-results [data-kb-article='{refund.pk}']")
    suggestion.wait_for()
    assert "退款" in suggestion.inner_text()  # matched on: 退款
    suggestion.locator("[data-kb-insert=link]").click()
    body = page.input_value("#reply-body")
    assert body.endswith(f"/help/zh-hans/articles/{refund.pk}/")
    assert body.startswith("如何申请退款: http")

    page.fill("#kb-q", "发票")
    page.wait_for_selector(f"#kb-results [data-kb-article='{invoice.pk}']")
    page.locator(f"#kb-results [data-kb-article='{invoice.pk}'] [data-kb-insert=text]").click()
    body = page.input_value("#reply-body")
    assert "如何开具发票" in body and "电子发票会在 24 小时内发送到您的邮箱" in body
    shot(page, "kb-ticket-panel")
    page.click("#reply-panel button.btn-primary")
    page.wait_for_selector(f"#thread .msg-outbound:has-text('/help/zh-hans/articles/{refund.pk}/')")
    assert Article.objects.filter(pk=refund.pk, status="published").exists()
