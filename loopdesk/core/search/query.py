"""Reading: query text in, group ids (ticket pks, article pks) out, best first."""

import logging

from . import backends, typos
from .constants import MAX_LIMIT, MAX_QUERY_TERMS
from .models import DocumentKind
from .tokenizer import query_terms

logger = logging.getLogger(__name__)

TICKET_KINDS = (DocumentKind.TICKET.value, DocumentKind.MESSAGE.value)


def search_ticket_ids(query: str, *, limit: int = 2000, public_only: bool = False) -> list[int]:
    """Ticket pks matching every query term, in the subject, customer fields or messages.

    Each term must match somewhere in the ticket (its own document or any of its
    message documents); terms may match in different documents. Ranked by relevance,
    subject hits weighted 10:1 over other text. `public_only` ignores internal notes.
    When nothing matches, English terms the index does not know are retried with
    one-edit typo variants.
    """
    return search_group_ids(query, kinds=TICKET_KINDS, limit=limit, public_only=public_only)


def search_group_ids(
    query: str,
    *,
    kinds: tuple[str, ...],
    limit: int = 2000,
    public_only: bool = False,
    match: str = "all",
) -> list[int]:
    """The generic search: group ids whose documents of these kinds match the query.

    `match="all"`: every term must match (the search box). `match="any"`: at least one
    term must, groups matching more terms first (suggestions from free text, where a
    customer's sentence is never all in one article).
    """
    if not isinstance(query, str):
        return []
    terms = query_terms(query, search_mode=match == "any")[:MAX_QUERY_TERMS]
    limit = min(limit, MAX_LIMIT)
    if not terms or limit < 1:
        return []
    min_terms = 1 if match == "any" else None
    found = backends.group_ids(
        alternatives=[[term] for term in terms],
        kinds=kinds,
        public_only=public_only,
        limit=limit,
        min_terms=min_terms,
    )
    if found:
        return found
    candidates = [term for term in terms if typos.is_typo_candidate(term)]
    if not candidates:
        return []
    expanded = typos.expand(terms, only=backends.unknown_terms(candidates, kinds=kinds))
    if expanded is None:
        return []
    logger.debug("search retried with typo variants terms=%d", len(terms))
    return backends.group_ids(
        alternatives=backends.known_alternatives(expanded, kinds),
        kinds=kinds,
        public_only=public_only,
        limit=limit,
        min_terms=min_terms,
    )
