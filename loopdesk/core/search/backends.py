"""The full-text query on each database, behind one function.

Semantics (both databases): a group (ticket) matches when every term matches at least
one of its documents; different terms may match different documents (the subject and
any message). A term given as several alternatives matches when any alternative does.
Score: for each term, the best-scoring document of the group; summed over terms.
With `min_terms` (the "any" mode of suggestions), a group matching at least that many
terms qualifies; groups matching more terms come first, then by score.

A term of several space-separated words is a phrase: the words adjacent, in order.

User text never reaches SQL or MATCH: terms come from the tokenizer (letters, digits and
single spaces only), are checked again here, quoted by us and passed as parameters. The
only values formatted into the SQL text are placeholders and term positions (integers).
"""

import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

from .constants import ARTICLE_MARKER, RANK_WINDOW, TITLE_WEIGHT
from .models import DocumentKind

FTS_TABLE = "core_searchdocument_fts"
FLOOR_TTL = 300  # seconds a term's ranking floor is reused
_SAFE_TERM = re.compile(r"[^\W_]+(?: [^\W_]+)*")  # words; several make a phrase
_SQLITE_RANK = f"bm25({TITLE_WEIGHT}, 1.0)"  # columns: title_tokens, tokens
_ARTICLE_ONLY = (DocumentKind.ARTICLE.value,)
_ARTICLE_VOCABULARY_SQL = (
    "SELECT word FROM ts_stat("
    "'SELECT search_vector FROM core_searchdocument WHERE kind = ''article''')"
)


def group_ids(
    *,
    alternatives: list[list[str]],
    kinds: tuple[str, ...],
    public_only: bool,
    limit: int,
    min_terms: int | None = None,
) -> list[int]:
    """Matching group ids, best first; ties go to the newest (highest) id.

    Every term must match unless `min_terms` is given (then at least that many must).
    """
    terms = [[alt for alt in alts if _SAFE_TERM.fullmatch(alt)] for alts in alternatives]
    if min_terms is None:
        if not terms or not all(terms):
            return []
        required = len(terms)
    else:
        terms = [alts for alts in terms if alts]
        required = max(1, min(min_terms, len(terms)))
    if not terms or not kinds or limit < 1:
        return []
    if connection.vendor not in ("sqlite", "postgresql"):
        raise ImproperlyConfigured(
            f"Search supports SQLite and PostgreSQL, not {connection.vendor}."
        )
    floors = rank_floors(terms, kinds)
    if connection.vendor == "sqlite":
        sql, params = _sqlite_query(terms, kinds=kinds, public_only=public_only, floors=floors)
    else:
        sql, params = _postgres_query(terms, kinds=kinds, public_only=public_only, floors=floors)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, required, limit])
        return [int(row[0]) for row in cursor.fetchall()]


def rank_floors(terms: list[list[str]], kinds: tuple[str, ...]) -> list[int]:
    """Per term, the lowest document id worth ranking (see RANK_WINDOW): the id of its
    RANK_WINDOW-th newest match. All zeros (rank every match) when any term has fewer
    matches: a selective term (an error code, a name) means the user looks for
    something specific, maybe old, and must not lose it to the other terms' windows.
    One index walk per term in id order, reading no text and computing no score.
    Typo retries (a term with many alternative spellings) are ranked whole: their
    variants are words the index knows but rarely all common, and walking a merge of
    hundreds of them costs what it saves."""
    if any(len(alts) > 1 for alts in terms):
        return [0] * len(terms)
    floors = [_term_floor(alts, kinds) for alts in terms]
    return [0] * len(terms) if 0 in floors else floors


def _term_floor(alts: list[str], kinds: tuple[str, ...]) -> int:
    """One term's floor (0: fewer matches than the window), cached FLOOR_TTL seconds: it
    moves only as new documents arrive, a stale one merely widens the window a little, and
    on PostgreSQL finding it reads every match's heap row (about 20 ms for a word in every
    fifth ticket at 100,000 tickets), which common words, searched most, would pay each time.
    """
    if connection.vendor == "sqlite":
        expression = _fts5_expression(alts, kinds)
        sql = (
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "  # noqa: S608
            "ORDER BY rowid DESC LIMIT 1 OFFSET %s"
        )
    else:
        expression = _tsquery_expression(alts, kinds)
        sql = (
            "SELECT id FROM core_searchdocument "
            "WHERE search_vector @@ to_tsquery('simple', %s) "
            "ORDER BY id DESC LIMIT 1 OFFSET %s"
        )
    digest = hashlib.sha256(f"{RANK_WINDOW}:{expression}".encode()).hexdigest()[:32]
    key = f"loopdesk:search:floor:{connection.vendor}:{digest}"
    floor = cache.get(key)
    if floor is None:
        with _gin_probes(), connection.cursor() as cursor:
            cursor.execute(sql, [expression, RANK_WINDOW - 1])
            row = cursor.fetchone()
        floor = int(row[0]) if row else 0
        cache.set(key, floor, FLOOR_TTL)
    return floor


def known_alternatives(
    alternatives: list[list[str]], kinds: tuple[str, ...] = ()
) -> list[list[str]]:
    """Drop the typo variants that no document contains (PostgreSQL only).

    The planner cannot estimate a tsquery of hundreds of ORed lexemes and scans the
    whole table; a GIN probe per variant costs well under a millisecond. FTS5 looks each
    alternative up in its index anyway, so SQLite gets the list unchanged.
    """
    if connection.vendor != "postgresql":
        return alternatives
    variants = sorted({alt for alts in alternatives if len(alts) > 1 for alt in alts})
    if not variants:
        return alternatives
    if kinds == _ARTICLE_ONLY:
        known = _article_vocabulary() & set(variants)
    else:
        with _gin_probes(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT alt FROM unnest(%s::text[]) AS alt WHERE EXISTS ("
                "SELECT 1 FROM core_searchdocument d "
                "WHERE d.search_vector @@ to_tsquery('simple', quote_literal(alt)))",
                [[alt for alt in variants if _SAFE_TERM.fullmatch(alt)]],
            )
            known = {row[0] for row in cursor.fetchall()}
    return [
        [alt for alt in alts if alt in known] if len(alts) > 1 else alts for alts in alternatives
    ]


def _article_vocabulary() -> set[str]:
    """Every word of the article documents (PostgreSQL), cached until an article changes.

    A few thousand articles have a few thousand distinct words: one ts_stat pass beats
    hundreds of GIN probes over the ticket-sized index (each probe of a common word
    builds a bitmap of its ticket messages)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), max(updated_at) FROM core_searchdocument WHERE kind = %s",
            [DocumentKind.ARTICLE.value],
        )
        count, newest = cursor.fetchone()
        key = f"loopdesk:search:article-vocabulary:{count}:{newest.timestamp() if newest else 0}"
        vocabulary = cache.get(key)
        if vocabulary is None:
            cursor.execute(_ARTICLE_VOCABULARY_SQL)
            vocabulary = {row[0] for row in cursor.fetchall()}
            cache.set(key, vocabulary, timeout=600)
    return vocabulary


@contextmanager
def _gin_probes() -> Iterator[None]:
    """Existence probes (`... @@ q LIMIT 1`) on PostgreSQL: with the LIMIT, the planner
    bets on a sequential scan finding a row early, which for a word no document has means
    reading the whole table (0.45 s at 750,000 documents), or on walking the `kind` btree
    with the same result. The GIN index answers in well under a millisecond, so only
    bitmap scans are allowed for the probes (SET LOCAL, then back on)."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")
        try:
            yield
        finally:
            cursor.execute("SET LOCAL enable_seqscan = on; SET LOCAL enable_indexscan = on")


def unknown_terms(terms: list[str], *, kinds: tuple[str, ...]) -> set[str]:
    """The terms no document of these kinds contains: one index probe each (LIMIT 1).

    Only these are worth typo variants; a query of known words that never occur
    together is not a typo."""
    unknown = set()
    filters = _filters(kinds, public_only=False)
    for term in terms:
        if not _SAFE_TERM.fullmatch(term):
            unknown.add(term)
            continue
        if connection.vendor == "sqlite":
            sql = (
                f"SELECT 1 FROM {FTS_TABLE} JOIN core_searchdocument d "  # noqa: S608
                f"ON d.id = {FTS_TABLE}.rowid WHERE {FTS_TABLE} MATCH %s AND {filters} LIMIT 1"
            )
            params = [_fts5_expression([term], kinds), *kinds]
        else:
            sql = (
                "SELECT 1 FROM core_searchdocument d "  # noqa: S608
                f"WHERE d.search_vector @@ to_tsquery('simple', %s) AND {filters} LIMIT 1"
            )
            params = [_tsquery_expression([term], kinds), *kinds]
        with _gin_probes(), connection.cursor() as cursor:
            cursor.execute(sql, params)
            if cursor.fetchone() is None:
                unknown.add(term)
    return unknown


def _filters(kinds: tuple[str, ...], public_only: bool) -> str:
    placeholders = ", ".join(["%s"] * len(kinds))
    return f"d.kind IN ({placeholders})" + (" AND d.is_public" if public_only else "")


def _sqlite_query(
    terms: list[list[str]], *, kinds: tuple[str, ...], public_only: bool, floors: list[int]
) -> tuple[str, list]:
    """One FTS5 query per term (bm25, title weighted), grouped by ticket."""
    filters = _filters(kinds, public_only)
    parts, params = [], []
    for position, alts in enumerate(terms):
        # The rank column, not a bm25() call: SQLite flattens these subqueries into the
        # aggregate, where auxiliary functions cannot run but columns can be read.
        parts.append(
            f"SELECT d.group_id AS g, {position} AS t, {FTS_TABLE}.rank AS r "  # noqa: S608
            f"FROM {FTS_TABLE} JOIN core_searchdocument d ON d.id = {FTS_TABLE}.rowid "
            f"WHERE {FTS_TABLE} MATCH %s AND {FTS_TABLE}.rank MATCH %s "
            f"AND {FTS_TABLE}.rowid >= %s AND {filters}"
        )
        params += [_fts5_expression(alts, kinds), _SQLITE_RANK, floors[position], *kinds]
    # bm25() is lower-is-better: best per term is MIN, best overall the smallest sum.
    sql = (
        "SELECT g FROM (SELECT g, t, MIN(r) AS r FROM ("  # noqa: S608 - see module docstring
        + " UNION ALL ".join(parts)
        + ") GROUP BY g, t) GROUP BY g HAVING COUNT(*) >= %s "
        "ORDER BY COUNT(*) DESC, SUM(r), g DESC LIMIT %s"
    )
    return sql, params


def _fts5_expression(alts: list[str], kinds: tuple[str, ...] = ()) -> str:
    """Quoted strings joined by OR: FTS5 reads operators and columns only outside quotes.

    An article-only search also requires the article marker word (see constants)."""
    expression = " OR ".join('"' + alt.replace('"', '""') + '"' for alt in alts)
    if kinds == _ARTICLE_ONLY:
        return f'({expression}) AND "{ARTICLE_MARKER}"'
    return expression


def _postgres_query(
    terms: list[list[str]], *, kinds: tuple[str, ...], public_only: bool, floors: list[int]
) -> tuple[str, list]:
    """One tsquery per term over the weighted tsvector (GIN), ranked with ts_rank."""
    filters = _filters(kinds, public_only)
    parts, params = [], []
    for position, alts in enumerate(terms):
        # Matched with the article marker (when searching articles), ranked without it:
        # ts_rank of an AND query weighs how close the words are, and the marker is
        # always at the end of the document.
        parts.append(
            f"SELECT d.group_id AS g, {position} AS t, ts_rank(d.search_vector, q) AS r "  # noqa: S608
            "FROM core_searchdocument d, to_tsquery('simple', %s) AS q, "
            "to_tsquery('simple', %s) AS m "
            f"WHERE d.search_vector @@ m AND d.id >= %s AND {filters}"
        )
        params += [
            _tsquery_expression(alts),
            _tsquery_expression(alts, kinds),
            floors[position],
            *kinds,
        ]
    sql = (
        "SELECT g FROM (SELECT g, t, MAX(r) AS r FROM ("  # noqa: S608 - see module docstring
        + " UNION ALL ".join(parts)
        + ") AS hits GROUP BY g, t) AS best GROUP BY g HAVING COUNT(*) >= %s "
        "ORDER BY COUNT(*) DESC, SUM(r) DESC, g DESC LIMIT %s"
    )
    return sql, params


def _tsquery_expression(alts: list[str], kinds: tuple[str, ...] = ()) -> str:
    """Quoted lexemes joined by | (to_tsquery reads operators only outside quotes)."""
    expression = " | ".join("'" + alt.replace("'", "''") + "'" for alt in alts)
    if kinds == _ARTICLE_ONLY:
        return f"({expression}) & '{ARTICLE_MARKER}'"
    return expression
