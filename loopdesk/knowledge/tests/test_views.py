"""Help centre (public), editor and the ticket page's knowledge panel."""

import pytest
from django.test import Client

from loopdesk.knowledge import services
from loopdesk.knowledge.constants import VOTES_PER_HOUR
from loopdesk.knowledge.models import Article, ArticleVote, SearchGap
from loopdesk.tickets.events import Actor
from loopdesk.tickets.services import message_add
from loopdesk.tickets.tests.factories import make_intake

from .factories import make_article, make_editor

pytestmark = pytest.mark.django_db


@pytest.fixture
def help_kb():
    editor = make_editor()
    category = services.category_create(
        user=editor, slug="refunds", name_en="Refunds", name_zh="退款与售后"
    )
    zh = make_article(
        title="如何申请退款",
        body="在**我的订单**中点击“申请退款”，款项 3-5 个工作日退回。",
        language="zh-hans",
        category=category,
        editor=editor,
        tags=["退款"],
    )
    en = make_article(
        title="How to request a refund",
        body="Open **My orders** and choose *Request refund*.",
        category=category,
        editor=editor,
        translation_of=zh,
    )
    internal = make_article(
        title="退款审批（内部）", body="退款超过五千元需主管审批", language="zh-hans",
        category=category, editor=editor, visibility="internal",
    )  # fmt: skip
    draft = make_article(
        title="退款草稿", body="退款", language="zh-hans", category=category, editor=editor,
        status="draft",
    )  # fmt: skip
    return {"zh": zh, "en": en, "internal": internal, "draft": draft, "editor": editor}


def test_browse_home_category_article_in_both_languages(help_kb):
    client = Client()
    assert (
        client.get("/help/", headers={"accept-language": "zh-CN"})["Location"] == "/help/zh-hans/"
    )
    home = client.get("/help/zh-hans/").content.decode()
    assert "退款与售后" in home and "帮助中心" in home or "Help centre" in home
    category = client.get("/help/zh-hans/categories/refunds/").content.decode()
    assert "如何申请退款" in category
    assert "退款审批" not in category and "退款草稿" not in category
    page = client.get(f"/help/zh-hans/articles/{help_kb['zh'].pk}/")
    assert page["Content-Language"] == "zh-hans"
    body = page.content.decode()
    assert "<strong>我的订单</strong>" in body
    # The language switch leads to the English version of the same article.
    assert f'href="/help/en/articles/{help_kb["en"].pk}/"' in body
    # Asking for the article under the other language redirects to its translation.
    other = client.get(f"/help/en/articles/{help_kb['zh'].pk}/")
    assert other["Location"] == f"/help/en/articles/{help_kb['en'].pk}/"
    help_kb["zh"].refresh_from_db()
    assert help_kb["zh"].view_count == 1


def test_internal_and_draft_articles_are_not_public(help_kb):
    client = Client()
    for key in ("internal", "draft"):
        assert client.get(f"/help/zh-hans/articles/{help_kb[key].pk}/").status_code == 404
    body = client.get("/help/zh-hans/search/", {"q": "退款"}).content.decode()
    assert f"/help/zh-hans/articles/{help_kb['zh'].pk}/" in body
    assert "审批" not in body and "草稿" not in body


def test_search_highlights_and_logs_gaps(help_kb):
    client = Client()
    body = client.get("/help/zh-hans/search/", {"q": "申请退款"}).content.decode()
    assert "<mark>退款</mark>" in body and "<mark>申请</mark>" in body
    body = client.get("/help/en/search/", {"q": "refnud"}).content.decode()  # typo
    assert "How to request a <mark>refund</mark>" in body
    client.get("/help/en/search/", {"q": "Teleport my parcel"})
    client.get("/help/en/search/", {"q": "teleport my parcel "})
    assert SearchGap.objects.get(language="en").count == 2
    editor = Client()
    editor.force_login(help_kb["editor"])
    assert "teleport my parcel" in editor.get("/kb/gaps/").content.decode()


def test_partial_matches_are_labelled(help_kb):
    body = Client().get("/help/en/search/", {"q": "refund teleport"}).content.decode()
    assert "How to request a <mark>refund</mark>" in body
    assert "these contain some of them" in body


def test_vote_once_per_session_and_rate_limited_per_address(help_kb):
    article = help_kb["zh"]
    client = Client()
    url = f"/help/articles/{article.pk}/vote/"
    assert client.post(url, {"helpful": "yes"}, headers={"hx-request": "true"}).status_code == 200
    again = client.post(url, {"helpful": "no"}, headers={"hx-request": "true"})
    assert "已经投过票" in again.content.decode() or "already voted" in again.content.decode()
    article.refresh_from_db()
    assert (article.helpful_yes, article.helpful_no) == (1, 0)
    assert client.post(url, {"helpful": "maybe"}).status_code == 400
    for _ in range(VOTES_PER_HOUR - 2):
        Client().post(url, {"helpful": "no"})
    assert Client().post(url, {"helpful": "no"}).status_code == 429
    assert ArticleVote.objects.count() == VOTES_PER_HOUR - 1


def test_search_is_rate_limited(help_kb, settings):
    from loopdesk.knowledge.constants import SEARCHES_PER_MINUTE

    # The root conftest pins the rate-limit clock inside one window.
    client = Client()

    for _ in range(SEARCHES_PER_MINUTE):
        assert client.get("/help/en/search/", {"q": "refund"}).status_code == 200
    response = client.get("/help/en/search/", {"q": "refund"})
    assert response.status_code == 429 and response["Retry-After"]


def test_editor_create_edit_history_diff_restore(help_kb, agent):
    client = Client()
    client.force_login(agent)
    category = help_kb["zh"].category
    response = client.post(
        "/kb/new/",
        {
            "title": "Printer offline",
            "language": "en",
            "category": category.pk,
            "tags": "printer, 打印机",
            "visibility": "public",
            "body_md": "Restart the printer.",
        },
    )
    article = Article.objects.get(title="Printer offline")
    assert response["Location"] == f"/kb/articles/{article.pk}/"
    assert article.tags == ["printer", "打印机"] and article.status == "draft"
    client.post(
        f"/kb/articles/{article.pk}/edit/",
        {
            "title": "Printer offline",
            "category": category.pk,
            "visibility": "public",
            "body_md": "Restart the printer, then reconnect Wi-Fi.",
        },
    )
    diff = client.get(f"/kb/articles/{article.pk}/history/2/").content.decode()
    assert 'class="add">+Restart the printer, then reconnect Wi-Fi.' in diff
    assert 'class="del">-Restart the printer.' in diff
    client.post(f"/kb/articles/{article.pk}/history/1/restore/")
    article.refresh_from_db()
    assert article.revision == 3 and article.body_md == "Restart the printer."
    # An agent sends to review but cannot publish.
    client.post(f"/kb/articles/{article.pk}/status/", {"status": "published"})
    article.refresh_from_db()
    assert article.status == "draft"
    client.post(f"/kb/articles/{article.pk}/status/", {"status": "review"})
    article.refresh_from_db()
    assert article.status == "review"


def test_editor_form_errors_are_shown_and_nothing_saved(help_kb, agent):
    client = Client()
    client.force_login(agent)
    response = client.post("/kb/new/", {"title": "", "language": "en", "visibility": "public"})
    assert response.status_code == 422
    assert Article.objects.count() == 4


def test_editor_pages_need_staff(help_kb, technician):
    assert Client().get("/kb/")["Location"].startswith("/accounts/login")
    tech = Client()
    tech.force_login(technician)
    assert tech.get("/kb/").status_code == 200  # technicians read
    assert tech.get("/kb/new/").status_code == 404
    assert tech.get("/kb/articles/999999/").status_code == 404


def test_ticket_panel_suggests_articles_and_similar_solved_tickets(help_kb, agent, team_a):
    solved = make_intake(
        subject="订单退款申请一直没到账", text="申请退款一周了还没有到账", team=team_a
    )
    from loopdesk.tickets.models import Status
    from loopdesk.tickets.services import ticket_set_status

    ticket_set_status(
        ticket=solved.ticket,
        status=Status.objects.filter(category="solved").first(),
        actor=Actor.person(agent),
    )
    current = make_intake(subject="我要退款", text="订单退款怎么申请", team=team_a)
    client = Client()
    client.force_login(agent)
    body = client.get(f"/kb/tickets/{current.ticket.number}/panel/").content.decode()
    assert "如何申请退款" in body
    assert "退款审批" in body  # agents see internal articles
    assert "退款草稿" not in body
    assert f"#{solved.ticket.number}" in body and "退款" in body
    assert 'data-kb-insert="link"' in body and f"/help/zh-hans/articles/{help_kb['zh'].pk}/" in body
    found = client.get(
        f"/kb/tickets/{current.ticket.number}/panel/",
        {"q": "refund"},
        headers={"hx-request": "true"},
    ).content.decode()
    assert "How to request a <mark>refund</mark>" in found and 'id="kb-results"' in found


def test_ticket_panel_is_scoped_to_visible_tickets(help_kb, other_agent, team_a):
    current = make_intake(subject="我要退款", text="订单退款", team=team_a)
    client = Client()
    client.force_login(other_agent)
    assert client.get(f"/kb/tickets/{current.ticket.number}/panel/").status_code == 404


def test_turn_reply_into_article_in_one_click(help_kb, agent, team_a):
    intake = make_intake(subject="打印机脱机", text="打印机显示脱机", team=team_a)
    reply = message_add(
        ticket=intake.ticket,
        kind="reply",
        body_text="请重启打印机并重新连接 Wi-Fi。",
        actor=Actor.person(agent),
        author_user=agent,
    )
    client = Client()
    client.force_login(agent)
    page = client.get(f"/tickets/{intake.ticket.number}/").content.decode()
    assert f"/kb/messages/{reply.pk}/to-article/" in page
    response = client.post(f"/kb/messages/{reply.pk}/to-article/")
    article = Article.objects.get(source_message=reply)
    assert response["Location"] == f"/kb/articles/{article.pk}/edit/"
    assert article.title == "打印机脱机" and article.status == "draft"
    other = Client()
    other.force_login(make_editor_outside_team())
    assert other.post(f"/kb/messages/{reply.pk}/to-article/").status_code == 404


def make_editor_outside_team():
    from loopdesk.accounts.models import Role
    from loopdesk.tickets.tests.factories import make_user

    return make_user(role=Role.AGENT, email="outside@loopdesk.test")


def test_categories_page_for_editors(help_kb):
    client = Client()
    client.force_login(help_kb["editor"])
    client.post(
        "/kb/categories/",
        {"c-slug": "invoices", "c-name_en": "Invoices", "c-name_zh": "发票"},
    )
    body = client.get("/kb/categories/").content.decode()
    assert "发票 / Invoices" in body


def test_markdown_preview_is_sanitised_and_for_writers_only(help_kb, agent, technician):
    client = Client()
    client.force_login(agent)
    response = client.post(
        "/kb/preview/", {"body_md": "**ok** [x](javascript:alert(1)) <script>alert(1)</script>"}
    )
    html = response.content.decode()
    assert "<strong>ok</strong>" in html
    assert "<script>" not in html and 'href="javascript' not in html
    tech = Client()
    tech.force_login(technician)
    assert tech.post("/kb/preview/", {"body_md": "x"}).status_code == 404
    assert Client().post("/kb/preview/", {"body_md": "x"}).status_code == 302
