"""English typo tolerance: a term and every string one edit away from it.

Used only when the exact query found nothing. The variants go straight into the
full-text query as alternatives (OR), so the index itself is the vocabulary: variants
that no document contains cost one index probe each and match nothing.
"""

import re
import string

from .constants import TYPO_MAX_CHARS, TYPO_MAX_TERMS, TYPO_MIN_CHARS

_LETTERS = string.ascii_lowercase
_ENGLISH = re.compile(r"[a-z]+")


def is_typo_candidate(term: str) -> bool:
    return TYPO_MIN_CHARS <= len(term) <= TYPO_MAX_CHARS and bool(_ENGLISH.fullmatch(term))


def edits1(term: str) -> list[str]:
    """The term first, then its deletions, transpositions, replacements and insertions.

    Terms are stems, and so are indexed words: "refnud" → "refund" matches "refunds".
    """
    splits = [(term[:i], term[i:]) for i in range(len(term) + 1)]
    variants = [a + b[1:] for a, b in splits if b]
    variants += [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    variants += [a + c + b[1:] for a, b in splits if b for c in _LETTERS if c != b[0]]
    variants += [a + c + b for a, b in splits for c in _LETTERS]
    return list(dict.fromkeys([term, *variants]))


def expand(terms: list[str], only: set[str] | None = None) -> list[list[str]] | None:
    """Alternatives per term with the first few English terms expanded (of `only`, when
    given: the terms the index does not know); None if none can be."""
    expanded = 0
    result: list[list[str]] = []
    for term in terms:
        wanted = only is None or term in only
        if wanted and expanded < TYPO_MAX_TERMS and is_typo_candidate(term):
            result.append(edits1(term))
            expanded += 1
        else:
            result.append([term])
    return result if expanded else None
