"""Text to search tokens: jieba for Chinese, folded and stemmed words for the rest.

jieba runs as rjieba, the Python binding of jieba-rs: the same dictionary and the same
DAG + HMM algorithm. On real text it cuts the same words as the Python original (374,000
distinct Chinese runs compared, none differed; loopdesk/core/tests/test_jieba_parity.py),
at about a tenth of the CPU, with the dictionary compiled into the extension (no ~62 MiB
dict of Python strings per process, no cache file). Contrived strings can differ; after
upgrading from a Python-jieba index, `reindex_all()` makes the index agree everywhere.

Documents and queries go through the same pipeline, so whatever the database's own
tokenizer does afterwards (FTS5 unicode61, PostgreSQL 'simple') only ever sees
lower-case words separated by single spaces.
"""

import re
import threading
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

import rjieba
import snowballstemmer

from .constants import MAX_INPUT_CHARS, MAX_TOKEN_CHARS, QUERY_STOPWORDS

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# A run of Han characters (segmented by jieba) or a run of other letters and digits.
# [^\W_...] is "a word character that is neither underscore nor Han".
_RUNS = re.compile(rf"([{_HAN}]+)|([^\W_{_HAN}]+)")
_HAS_HAN = re.compile(f"[{_HAN}]")
_STEMMABLE = re.compile(r"[a-z]{3,}")
_HYPHENATED = re.compile(r"(?<![\w-])[a-z0-9]+(?:-[a-z0-9]+)+(?![\w-])")

_stemmer = snowballstemmer.stemmer("english")
_stemmer_lock = threading.Lock()  # snowballstemmer objects keep state between calls


def tokenize(text: str) -> str:
    """Document tokens joined by single spaces (Chinese in jieba's search mode).

    Search mode adds the sub-words of long words (中华人民共和国 also yields 人民), so a
    query for any of them finds the document. Hyphenated words are also indexed joined,
    at the end (Wi-Fi → wi fi … wifi; 138-0013-8000 → … 13800138000), so a query typed
    without the hyphens finds them too; the words stay adjacent for phrase queries.
    """
    normalised = _normalise(text)
    tokens = [stem for _raw, stem in _runs(normalised, search_mode=True)]
    for match in _HYPHENATED.finditer(normalised):
        joined = match.group().replace("-", "")
        if len(joined) <= MAX_TOKEN_CHARS:
            tokens.append(_stem(_fold(joined)))
    return " ".join(tokens)


def query_terms(query: str, *, search_mode: bool = False) -> list[str]:
    """The distinct terms of a query, in order; a term of several words is a phrase.

    - Whitespace-separated chunks are the unit: a chunk that yields several non-Chinese
      words (a@example.com, E-17, 138-0013-8000) is one phrase term, so it matches
      those words in that order and not scattered over the ticket.
    - Chinese is cut in precise mode, one term per word: its words are a subset of what
      search mode indexed for the same text, so every query word can match.
    - Stopwords standing alone are dropped unless that leaves nothing.
    """
    return list(query_term_labels(query, search_mode=search_mode))


def query_term_labels(query: str, *, search_mode: bool = False) -> dict[str, str]:
    """query_terms() mapped to what the user typed for each (refund → "refunds").

    The labels explain a match ("matched on: 退款, refunds") in the user's own words.
    `search_mode=True` also yields the sub-words of Chinese words (开发票 → 发票) and
    drops one-character terms, for "any word" matching of free text.
    """
    labels: dict[str, str] = {}
    stopwords: set[str] = set()
    for chunk in _normalise(query).split():
        pairs = list(_runs(chunk, search_mode=search_mode))
        if len(pairs) > 1 and not _HAS_HAN.search(chunk):
            labels.setdefault(" ".join(stem for _raw, stem in pairs), chunk)
            continue
        for raw, stem in pairs:
            labels.setdefault(stem, raw)
            if raw in QUERY_STOPWORDS:
                stopwords.add(stem)
    kept = {term: label for term, label in labels.items() if term not in stopwords}
    if search_mode:
        # Free text matched on any word: one character (了, 坏, a 5) matches everything.
        long_enough = {term: label for term, label in kept.items() if len(term) > 1}
        kept = long_enough or kept
    return kept or labels


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text[:MAX_INPUT_CHARS]).casefold()


def _tokens(text: str, *, search_mode: bool) -> Iterator[tuple[str, str]]:
    return _runs(_normalise(text), search_mode=search_mode)


def _runs(text: str, *, search_mode: bool) -> Iterator[tuple[str, str]]:
    """(raw, indexed) pairs of normalised text: raw is the folded word, indexed its stem."""
    for match in _RUNS.finditer(text):
        han, other = match.groups()
        if han:
            for word in _cut(han, search_mode=search_mode):
                if len(word) <= MAX_TOKEN_CHARS:
                    yield word, word
        elif len(other) <= MAX_TOKEN_CHARS:
            word = _fold(other)
            yield word, _stem(word)


def _fold(word: str) -> str:
    """ASCII-fold a word when it folds entirely (café → cafe); keep other scripts."""
    if word.isascii():
        return word
    stripped = "".join(
        ch for ch in unicodedata.normalize("NFKD", word) if not unicodedata.combining(ch)
    )
    return stripped if stripped.isascii() else word


@lru_cache(maxsize=50_000)
def _stem(word: str) -> str:
    if not _STEMMABLE.fullmatch(word):
        return word
    with _stemmer_lock:
        return _stemmer.stemWord(word)


def _cut(han: str, *, search_mode: bool) -> list[str]:
    """Precise mode (HMM on, jieba's default) or search mode (adds sub-words)."""
    if search_mode:
        return rjieba.cut_for_search(han)
    return rjieba.cut(han)
