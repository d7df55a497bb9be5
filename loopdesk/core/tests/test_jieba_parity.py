"""The search index is cut by rjieba (jieba-rs); jieba, the Python original, is the
reference. On real text both give the same words, in precise and in search mode, so an
index built before the switch keeps matching new queries. On contrived strings they can
differ (hypothesis found 全全全全个: jieba 全全|全全个, jieba-rs 全全全|全个, a tie in the
unknown-word model); what search needs there is that rjieba agrees with itself: every
word of a query (precise mode) is among the words indexed for the same text (search
mode)."""

import logging
import re

import jieba
import pytest
import rjieba
from hypothesis import given, settings
from hypothesis import strategies as st

from loopdesk.core.demo import texts
from loopdesk.knowledge.sample_articles import ARTICLES, QUALITY_QUERIES

HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
CLASSICS = [
    "中华人民共和国",
    "南京市长江大桥",
    "结过婚的和尚未结过婚的",
    "工信处女干事每月经过下属科室都要亲口交代24口交换机等技术性器件的安装工作",
    "我们中出了一个叛徒",
    "空调不制冷怎么办开发票退款申请",
]


@pytest.fixture(scope="module")
def reference() -> jieba.Tokenizer:
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


def _corpus_runs() -> list[str]:
    text = _strings([vars(texts), ARTICLES, QUALITY_QUERIES, CLASSICS])
    return sorted({run for s in text for run in HAN.findall(s)})


def test_same_words_as_jieba_on_our_texts(reference):
    runs = _corpus_runs()
    assert len(runs) > 400  # the corpus really was found
    for run in runs:
        assert rjieba.cut(run) == list(reference.cut(run)), run
        assert rjieba.cut_for_search(run) == list(reference.cut_for_search(run)), run


# Common Han characters, so strings hit dictionary words and the HMM's unknown-word path.
_common = st.sampled_from(sorted(set("".join(_corpus_runs()))))


@settings(max_examples=300, deadline=None)
@given(st.lists(_common, min_size=1, max_size=30).map("".join))
def test_query_words_are_among_indexed_words_on_generated_text(text):
    assert set(rjieba.cut(text)) <= set(rjieba.cut_for_search(text))
    assert "".join(rjieba.cut(text)) == text


def test_the_known_divergence_is_still_only_a_contrived_string(reference):
    text = "全全全全个"
    assert list(reference.cut(text)) == ["全全", "全全个"]
    assert rjieba.cut(text) == ["全全全", "全个"]
