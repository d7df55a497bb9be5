"""The search-module pieces the knowledge base added: labels, hyphen joining, "any" mode,
the article marker, typo variants only for unknown words, highlighting."""

import pytest

from loopdesk.core import search
from loopdesk.core.search import backends
from loopdesk.core.search.highlight import highlight, mark_all
from loopdesk.core.search.tokenizer import query_term_labels

pytestmark = pytest.mark.django_db


def test_labels_keep_what_the_user_typed_and_any_mode_drops_single_characters():
    assert query_term_labels("Refunds for invoices") == {"refund": "refunds", "invoic": "invoices"}
    assert list(query_term_labels("手机坏了怎么保修")) == ["手机", "坏", "保修"]
    assert list(query_term_labels("手机坏了怎么保修", search_mode=True)) == ["手机", "保修"]
    assert "发票" in query_term_labels("开发票", search_mode=True)


def test_hyphenated_words_are_also_indexed_joined():
    tokens = search.tokenize("Wi-Fi 138-0013-8000 E-17").split()
    assert {"wi", "fi", "wifi", "13800138000", "e17"} <= set(tokens)


def _doc(object_id, title, body="", kind="article"):
    search.index_document(
        kind=kind, object_id=object_id, group_id=object_id, title=title, body=body
    )


def test_any_mode_ranks_documents_matching_more_words_first():
    _doc(1, "退款", "退款 退款 退款")
    _doc(2, "退款 发票")
    _doc(3, "保修")
    assert search.search_group_ids("退款 发票 保修", kinds=("article",)) == []
    found = search.search_group_ids("退款 发票 保修", kinds=("article",), match="any")
    assert found[0] == 2 and set(found) == {1, 2, 3}


def test_article_search_ignores_tickets_even_if_they_contain_the_marker_word():
    _doc(10, "ticket", "qqkbarticleqq refund", kind="message")
    _doc(11, "Refund policy")
    assert search.search_group_ids("refund", kinds=("article",)) == [11]
    assert search.search_group_ids("qqkbarticleqq", kinds=("message",)) == [10]


def test_typo_variants_only_for_words_the_index_lacks():
    _doc(20, "Refund policy", "How refunds work")
    assert backends.unknown_terms(["refund", "polici", "refnud"], kinds=("article",)) == {"refnud"}
    assert search.search_group_ids("refnud", kinds=("article",)) == [20]
    # Known words that never occur together are not retried as typos.
    _doc(21, "Warranty")
    assert search.search_group_ids("refund warranty", kinds=("article",)) == []


def test_highlight_escapes_and_marks_stems_chinese_and_typos():
    text = "<b>Refunds</b> are paid in 3 days; 退款原路退回。"
    result = highlight(text, ["refund", "退款"])
    assert str(result.html) == (
        "&lt;b&gt;<mark>Refunds</mark>&lt;/b&gt; are paid in 3 days; <mark>退款</mark>原路退回。"
    )
    assert result.matched == ["refund", "退款"]
    assert str(mark_all("Password reset", ["pasword"], typos=True)) == "<mark>Password</mark> reset"
    assert str(mark_all("Password reset", ["pasword"])) == "Password reset"
    long = "word " * 100 + "refund " + "word " * 100
    snippet = str(highlight(long, ["refund"], max_chars=60).html)
    assert snippet.startswith("…") and snippet.endswith("…") and "<mark>refund</mark>" in snippet
