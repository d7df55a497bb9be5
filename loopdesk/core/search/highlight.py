"""Where a query matched in a text: spans, a highlighted snippet, the matched terms.

The database says *which* documents match; this module shows *where*, on the original
text, with the same rules as the index: Chinese query words are found as substrings
(jieba's search mode indexed every sub-word a precise-mode query word can be), other
words match when their folded stem equals a query term's (refunds ~ refund), or, with
`typos=True`, is one edit away from it (the typo fallback of the search).
"""

from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .tokenizer import _HAS_HAN, _RUNS, _fold, _normalise, _stem
from .typos import is_typo_candidate

ELLIPSIS = "…"


@dataclass(frozen=True)
class Highlight:
    """A snippet of the text as safe HTML (matches in <mark>) and the terms that matched."""

    html: SafeString
    matched: list[str] = field(default_factory=list)


def match_spans(text: str, terms: list[str], *, typos: bool = False) -> list[tuple[int, int, str]]:
    """(start, end, term) of every match of a query term in `text`, in order, not overlapping."""
    words: set[str] = set()
    han_terms: set[str] = set()
    for term in terms:
        for word in term.split():
            (han_terms if _HAS_HAN.search(word) else words).add(word)
    spans: list[tuple[int, int, str]] = []
    for run in _RUNS.finditer(text):
        han, other = run.groups()
        if han:
            spans += _han_spans(han, run.start(), han_terms)
            continue
        stem = _stem(_fold(_normalise(other)))
        term = stem if stem in words else (_near(stem, words) if typos else None)
        if term is not None:
            spans.append((run.start(), run.end(), term))
    spans.sort()
    merged: list[tuple[int, int, str]] = []
    for span in spans:
        if merged and span[0] < merged[-1][1]:
            continue
        merged.append(span)
    return merged


def highlight(
    text: str,
    terms: list[str],
    *,
    max_chars: int = 200,
    typos: bool = False,
    spans: list[tuple[int, int, str]] | None = None,
) -> Highlight:
    """A window of `text` around its first match, escaped, matches wrapped in <mark>.

    `spans` are match_spans() of `text` when the caller has them already; the text must
    then be given with its whitespace already collapsed (" ".join(text.split())).
    """
    if spans is None:
        text = " ".join(text.split())
        spans = match_spans(text, terms, typos=typos)
    matched = list(dict.fromkeys(term for _s, _e, term in spans))
    if not spans:
        cut = text[:max_chars]
        return Highlight(mark_safe(escape(cut) + (ELLIPSIS if len(text) > max_chars else "")))  # noqa: S308
    start = max(0, spans[0][0] - max_chars // 4)
    if start:
        # Start at a word boundary when one is near.
        space = text.find(" ", start, spans[0][0])
        start = space + 1 if space != -1 else start
    end = min(len(text), start + max_chars)
    parts = [ELLIPSIS] if start else []
    position = start
    for span_start, span_end, _term in spans:
        if span_start < position or span_end > end:
            continue
        parts += [escape(text[position:span_start]), "<mark>", escape(text[span_start:span_end])]
        parts.append("</mark>")
        position = span_end
    parts.append(escape(text[position:end]))
    if end < len(text):
        parts.append(ELLIPSIS)
    return Highlight(mark_safe("".join(parts)), matched)  # noqa: S308 - every piece escaped


def mark_all(
    text: str,
    terms: list[str],
    *,
    typos: bool = False,
    spans: list[tuple[int, int, str]] | None = None,
) -> SafeString:
    """The whole text escaped, every match wrapped in <mark> (titles)."""
    parts, position = [], 0
    for start, end, _term in match_spans(text, terms, typos=typos) if spans is None else spans:
        parts += [escape(text[position:start]), "<mark>", escape(text[start:end]), "</mark>"]
        position = end
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece escaped


def _han_spans(han: str, offset: int, terms: set[str]) -> list[tuple[int, int, str]]:
    found = []
    for term in terms:
        index = han.find(term)
        while index != -1:
            found.append((offset + index, offset + index + len(term), term))
            index = han.find(term, index + len(term))
    return found


def _near(word: str, terms: set[str]) -> str | None:
    """The query term one edit (Damerau) away from `word`, if any."""
    if not is_typo_candidate(word):
        return None
    for term in terms:
        if is_typo_candidate(term) and _one_edit(word, term):
            return term
    return None


def _one_edit(a: str, b: str) -> bool:
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))
