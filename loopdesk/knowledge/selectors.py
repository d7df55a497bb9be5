"""Reads of the knowledge base: listings, search, suggestions, similar solved tickets.

Search goes through core.search (one index for tickets and articles). The index ranks
and returns ids; this module applies the visibility rules (published, public, language)
on the Article queryset and explains each hit: highlighted title and snippet and the
query words it matched, in the words the user typed.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from loopdesk.core.exceptions import NotFound
from loopdesk.core.search import DocumentKind, SearchDocument, search_group_ids
from loopdesk.core.search.highlight import highlight, mark_all, match_spans
from loopdesk.core.search.tokenizer import query_term_labels
from loopdesk.tickets.constants import StatusCategory

from . import permissions
from .constants import LANGUAGE_CODES, MAX_QUERY_CHARS, MAX_SUGGEST_CHARS
from .models import Article, ArticleRevision, ArticleStatus, Category, SearchGap, Visibility

ARTICLE_KINDS = (DocumentKind.ARTICLE.value,)
SUBJECT_KINDS = (DocumentKind.TICKET.value,)
MAX_REASONS = 6  # matched words shown per similar ticket
SIMILAR_TERMS = 8
CANDIDATES = 500  # ranked ids fetched from the index before the visibility filter


@dataclass(frozen=True)
class ArticleSuggestion:
    """One suggested article, explainable: "matched on: 退款, 发票"."""

    id: int
    title: str
    url: str
    snippet: str  # plain text
    snippet_html: SafeString  # escaped, matches in <mark>
    matched_terms: list[str]
    language: str


@dataclass(frozen=True)
class ArticleHit:
    article: Article
    title_html: SafeString
    snippet_html: SafeString
    matched_terms: list[str]


@dataclass
class ArticleResults:
    query: str
    hits: list[ArticleHit] = field(default_factory=list)
    partial: bool = False  # no article had every word: these match some of them


@dataclass(frozen=True)
class SimilarTicket:
    ticket: object
    matched_terms: list[str]


# --- querysets ---------------------------------------------------------------------------


def published_public() -> QuerySet[Article]:
    return Article.objects.filter(status=ArticleStatus.PUBLISHED, visibility=Visibility.PUBLIC)


def articles_for_staff(user) -> QuerySet[Article]:
    """Every article for staff who may read the knowledge base; nothing for anyone else."""
    if not permissions.is_staff_reader(user):
        return Article.objects.none()
    return Article.objects.all()


def article_for_staff(*, user, article_id: int) -> Article:
    try:
        return articles_for_staff(user).select_related("category", "section").get(pk=article_id)
    except (Article.DoesNotExist, ValueError, OverflowError, TypeError) as exc:
        raise NotFound(_("Article not found.")) from exc


def public_article(*, article_id: int) -> Article:
    try:
        return published_public().select_related("category", "section").get(pk=article_id)
    except (Article.DoesNotExist, ValueError, OverflowError, TypeError) as exc:
        raise NotFound(_("Article not found.")) from exc


def translations(article: Article) -> list[Article]:
    return list(
        Article.objects.filter(translation_key=article.translation_key)
        .exclude(pk=article.pk)
        .order_by("language")
    )


def public_translation(article: Article, language: str) -> Article | None:
    if article.language == language:
        return article
    return (
        published_public()
        .filter(translation_key=article.translation_key, language=language)
        .first()
    )


def categories_with_counts(*, language: str) -> list[Category]:
    """Categories that have published public articles in this language, with counts."""
    articles = Q(
        articles__status=ArticleStatus.PUBLISHED,
        articles__visibility=Visibility.PUBLIC,
        articles__language=language,
    )
    return list(
        Category.objects.annotate(article_count=Count("articles", filter=articles))
        .filter(article_count__gt=0)
        .order_by("position", "pk")
    )


def category_articles(*, category: Category, language: str) -> list[Article]:
    return list(
        published_public()
        .filter(category=category, language=language)
        .select_related("section")
        .order_by("section__position", "section_id", "title")
    )


def staff_article_list(
    *, user, status: str = "", language: str = "", query: str = "", limit: int = 200
) -> list[Article]:
    articles = articles_for_staff(user).select_related("category")
    if status in ArticleStatus.values:
        articles = articles.filter(status=status)
    if language in LANGUAGE_CODES:
        articles = articles.filter(language=language)
    if query.strip():
        ids = search_group_ids(query[:MAX_QUERY_CHARS], kinds=ARTICLE_KINDS, limit=CANDIDATES)
        by_id = {a.pk: a for a in articles.filter(pk__in=ids)}
        return [by_id[pk] for pk in ids if pk in by_id][:limit]
    return list(articles.order_by("-updated_at")[:limit])


def revisions(article: Article) -> list[ArticleRevision]:
    return list(article.revisions.select_related("created_by").order_by("-number"))


def search_gaps(*, limit: int = 50) -> list[SearchGap]:
    return list(SearchGap.objects.order_by("-count", "-last_seen_at")[:limit])


# --- search ---------------------------------------------------------------------------------


def _ordered(queryset: QuerySet[Article], ids: list[int], limit: int) -> list[Article]:
    """The visible articles among ranked ids, in rank order; reads chunks of ids only
    until `limit` are found (usually the first)."""
    found: list[Article] = []
    chunk = max(limit * 2, 20)
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        by_id = {a.pk: a for a in queryset.filter(pk__in=part)}
        found += [by_id[pk] for pk in part if pk in by_id]
        if len(found) >= limit:
            break
    return found[:limit]


def _explain(
    article: Article, labels: dict[str, str], *, chars: int = 200, typos_allowed: bool = True
) -> ArticleHit:
    """Highlighted title and snippet and the query words the article matched.

    Words are matched exactly; only when some word is missing (and the hit did not come
    from the "any word" fallback) are one-edit variants highlighted, as the typo
    fallback of the search matched them."""
    terms = list(labels)
    body = " ".join(article.body_text.split())
    tags = " ".join(article.tags)
    spans = _spans(article.title, tags, body, terms, typos=False)
    found = {word for part in spans for _s, _e, term in part for word in term.split()}
    missing = any(word not in found for term in terms for word in term.split())
    if missing and typos_allowed:
        spans = _spans(article.title, tags, body, terms, typos=True)
    title_spans, tag_spans, body_spans = spans
    matched = dict.fromkeys(t for part in spans for _s, _e, t in part)
    return ArticleHit(
        article=article,
        title_html=mark_all(article.title, terms, spans=title_spans),
        snippet_html=highlight(body, terms, max_chars=chars, spans=body_spans).html,
        matched_terms=[labels.get(term, term) for term in matched],
    )


def _spans(title: str, tags: str, body: str, terms: list[str], *, typos: bool):
    return tuple(match_spans(text, terms, typos=typos) for text in (title, tags, body))


def article_search(
    *,
    query: str,
    language: str | None = None,
    public_only: bool = True,
    user=None,
    limit: int = 20,
) -> ArticleResults:
    """Published articles for a search box, best first; the public by default.

    Every query word must match (with English typo tolerance); when no article has them
    all, articles matching most of them are returned and `partial` is set.
    `public_only=False` needs a staff `user` and adds internal articles.
    """
    query = (query or "")[:MAX_QUERY_CHARS]
    results = ArticleResults(query=query)
    labels = query_term_labels(query)
    if not labels:
        return results
    if public_only or not permissions.is_staff_reader(user):
        candidates = published_public()
        public_only = True
    else:
        candidates = articles_for_staff(user).filter(status=ArticleStatus.PUBLISHED)
    if language in LANGUAGE_CODES:
        candidates = candidates.filter(language=language)
    candidates = candidates.select_related("category")
    ids = search_group_ids(query, kinds=ARTICLE_KINDS, limit=CANDIDATES, public_only=public_only)
    articles = _ordered(candidates, ids, limit)
    if not articles and len(labels) > 1:
        ids = search_group_ids(
            query, kinds=ARTICLE_KINDS, limit=CANDIDATES, public_only=public_only, match="any"
        )
        articles = _ordered(candidates, ids, limit)
        results.partial = bool(articles)
    results.hits = [
        _explain(article, labels, typos_allowed=not results.partial) for article in articles
    ]
    return results


def article_url(article: Article, *, public: bool = True) -> str:
    if public and article.is_public:
        return reverse("knowledge:help_article", args=[article.language, article.pk])
    return reverse("knowledge:staff_article", args=[article.pk])


def suggest_articles(
    text: str, *, language: str | None = None, limit: int = 5, public_only: bool = True
) -> list[ArticleSuggestion]:
    """Articles for what a customer (or agent) is typing: published ones matching any of
    the words, those matching more words first, each with the words it matched.

    `public_only=False` adds internal articles: only for staff-facing pages.
    Safe for any input (it is cut to 2,000 characters and tokenised; no query syntax).
    """
    text = (text or "")[:MAX_SUGGEST_CHARS] if isinstance(text, str) else ""
    labels = query_term_labels(text, search_mode=True)
    if not labels or limit < 1:
        return []
    candidates = (
        published_public()
        if public_only
        else Article.objects.filter(status=ArticleStatus.PUBLISHED)
    )
    if language in LANGUAGE_CODES:
        candidates = candidates.filter(language=language)
    ids = search_group_ids(
        text, kinds=ARTICLE_KINDS, limit=CANDIDATES, public_only=public_only, match="any"
    )
    suggestions = []
    for article in _ordered(candidates, ids, 50):  # the best 50 are judged, at most
        if len(suggestions) >= min(limit, 20):
            break
        hit = _explain(article, labels, chars=160, typos_allowed=False)
        if not _strong(hit, article, labels):
            continue
        suggestions.append(
            ArticleSuggestion(
                id=article.pk,
                title=article.title,
                url=article_url(article, public=True),
                snippet=_plain(article.body_text, 160),
                snippet_html=hit.snippet_html,
                matched_terms=hit.matched_terms[:MAX_REASONS],
                language=article.language,
            )
        )
    return suggestions


def _strong(hit: ArticleHit, article: Article, labels: dict[str, str]) -> bool:
    """Worth suggesting: it shares two of the words, or one word in its title (or the
    text had only one word). One common word somewhere in the body is not a reason."""
    if len(labels) == 1 or len(hit.matched_terms) >= 2:
        return True
    return bool(match_spans(article.title, list(labels)))


def _plain(text: str, chars: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= chars else text[:chars].rstrip() + "…"


# --- similar solved tickets ----------------------------------------------------------------


def similar_solved_tickets(*, user, ticket, limit: int = 5) -> list[SimilarTicket]:
    """Solved or closed tickets the user may see whose subjects share the most words with
    this ticket's subject and first message, each with the shared words."""
    from loopdesk.tickets.models import Message, Ticket

    first = (
        Message.objects.filter(ticket=ticket, kind="reply", direction="inbound")
        .order_by("pk")
        .values_list("body_text", flat=True)
        .first()
    )
    text = f"{ticket.subject}\n{(first or '')[:200]}"
    # The subject's words first, then the message's, at most 8: each word costs one
    # pass over the tickets that contain it.
    labels = dict(list(query_term_labels(text, search_mode=True).items())[:SIMILAR_TERMS])
    if not labels:
        return []
    text = " ".join(labels.values())
    # Subjects only: they say what a ticket is about in a few words, and there is one
    # per ticket (messages are six times as many documents to rank for common words).
    ids = search_group_ids(text, kinds=SUBJECT_KINDS, limit=200, public_only=True, match="any")
    ids = [pk for pk in ids if pk != ticket.pk]
    visible = (
        Ticket.objects.visible_to(user)
        .filter(pk__in=ids, status_category__in=[StatusCategory.SOLVED, StatusCategory.CLOSED])
        .select_related("status")
    )
    by_id = {t.pk: t for t in visible}
    chosen = [by_id[pk] for pk in ids if pk in by_id][: limit * 2]
    if not chosen:
        return []
    tokens: dict[int, set[str]] = {t.pk: set() for t in chosen}
    documents = SearchDocument.objects.filter(
        kind__in=SUBJECT_KINDS, group_id__in=list(tokens)
    ).values_list("group_id", "title_tokens", "tokens")
    for group_id, title_tokens, body_tokens in documents:
        tokens[group_id].update(title_tokens.split(), body_tokens.split())
    similar = []
    for t in chosen:
        shared = [
            label
            for term, label in labels.items()
            if all(word in tokens[t.pk] for word in term.split())
        ]
        if len(shared) >= min(2, len(labels)):
            similar.append(SimilarTicket(ticket=t, matched_terms=shared[:MAX_REASONS]))
    return similar[:limit]
