"""suggest_articles (portal deflection) and similar solved tickets."""

import pytest

from loopdesk.knowledge.selectors import suggest_articles

from .factories import make_article, make_category, make_editor

pytestmark = pytest.mark.django_db


@pytest.fixture
def kb():
    editor = make_editor()
    category = make_category(editor)
    made = {
        "refund": make_article(
            title="如何申请退款",
            body="在订单页面点击“申请退款”，退款将在 3-5 个工作日内原路退回。",
            language="zh-hans",
            category=category,
            editor=editor,
        ),
        "invoice": make_article(
            title="如何开具增值税发票",
            body="下单后可在“我的订单”中申请开具电子发票，支持增值税专用发票。",
            language="zh-hans",
            category=category,
            editor=editor,
        ),
        "refund_en": make_article(
            title="How to request a refund",
            body="Open the order and choose *Request refund*. Refunds arrive in 3-5 days.",
            category=category,
            editor=editor,
        ),
        "internal": make_article(
            title="退款审批内部流程",
            body="退款超过 5000 元需要主管审批。",
            language="zh-hans",
            category=category,
            editor=editor,
            visibility="internal",
        ),
        "draft": make_article(
            title="退款草稿",
            body="退款",
            language="zh-hans",
            category=category,
            editor=editor,
            status="draft",
        ),
    }
    return made


def test_customer_sentence_suggests_matching_articles_with_reasons(kb):
    suggestions = suggest_articles("我买的手机坏了，想退款，还要开发票", language="zh-hans")
    ids = [s.id for s in suggestions]
    assert set(ids[:2]) == {kb["refund"].pk, kb["invoice"].pk}
    assert kb["internal"].pk not in ids and kb["draft"].pk not in ids
    by_id = {s.id: s for s in suggestions}
    assert "退款" in by_id[kb["refund"].pk].matched_terms
    assert "发票" in by_id[kb["invoice"].pk].matched_terms
    assert by_id[kb["refund"].pk].url == f"/help/zh-hans/articles/{kb['refund'].pk}/"
    assert "<mark>退款</mark>" in by_id[kb["refund"].pk].snippet_html


def test_language_filter_and_english_stems(kb):
    suggestions = suggest_articles("refunds for my order", language="en")
    assert [s.id for s in suggestions] == [kb["refund_en"].pk]
    assert suggestions[0].matched_terms[0] == "refunds"  # the word the customer typed


def test_staff_suggestions_include_internal_articles(kb):
    ids = [s.id for s in suggest_articles("退款审批", public_only=False)]
    assert ids[0] == kb["internal"].pk
    assert kb["draft"].pk not in ids


@pytest.mark.parametrize(
    "text",
    [
        '"',
        "*",
        "NEAR(退款",
        "title:退款",
        "-退款",
        "退款 OR 1=1; --",
        "\x00",
        "",
        " " * 5000,
        "退款" * 3000,
    ],
)
def test_hostile_text_never_raises(kb, text):
    result = suggest_articles(text)
    assert isinstance(result, list)
    assert all(s.id in {kb["refund"].pk, kb["invoice"].pk, kb["refund_en"].pk} for s in result)


def test_limit_is_respected(kb):
    assert len(suggest_articles("退款 发票 refund", limit=1)) == 1
    assert suggest_articles("退款", limit=0) == []
