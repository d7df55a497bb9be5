"""/kb/articles and /kb/categories. Keys act as their user: staff read every article,
writers (admin, supervisor, agent) write drafts, editors (admin, supervisor) publish."""

from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from loopdesk.accounts.api_auth import ApiKeyAuth, principal
from loopdesk.accounts.models import ApiScope
from loopdesk.core.api_common import PageQuery, page_body, sent_fields
from loopdesk.core.exceptions import NotFound, ValidationFailed
from loopdesk.core.pagination import SortKey, keyset_page

from . import selectors, services
from .constants import MAX_QUERY_CHARS
from .models import Article, Category, Section
from .schemas import (
    ArticleIn,
    ArticleOut,
    ArticlePageOut,
    ArticlePatch,
    CategoryIn,
    CategoryOut,
    CategoryPatch,
    Language,
    RevisionOut,
    StatusName,
)

router = Router(tags=["knowledge"])
KB_READ = ApiKeyAuth(ApiScope.KB_READ)
KB_WRITE = ApiKeyAuth(ApiScope.KB_WRITE)


class ArticleFilters(Schema):
    q: str = Field("", max_length=1000, description="Search (Chinese or English); ranked.")
    language: Language | None = None
    status: StatusName | None = None
    category_id: int | None = None


def _article(request: HttpRequest, article_id: int) -> Article:
    return selectors.article_for_staff(user=principal(request).user, article_id=article_id)


def _category(category_id: int) -> Category:
    category = Category.objects.filter(pk=category_id).first() if category_id < 2**63 else None
    if category is None:
        raise NotFound(_("Category not found."))
    return category


def _category_ref(category_id: int) -> Category:
    category = Category.objects.filter(pk=category_id).first() if 0 < category_id < 2**63 else None
    if category is None:
        raise ValidationFailed(
            _("Unknown category: %(id)s") % {"id": category_id}, field="category_id"
        )
    return category


def _section_ref(section_id: int | None) -> Section | None:
    if section_id is None:
        return None
    section = Section.objects.filter(pk=section_id).first() if 0 < section_id < 2**63 else None
    if section is None:
        raise ValidationFailed(
            _("Unknown section: %(id)s") % {"id": section_id}, field="section_id"
        )
    return section


ARTICLE_FIELDS = [
    "id", "language", "title", "body_md", "body_html", "tags", "status", "visibility",
    "category_id", "section_id", "revision", "published_at", "created_at", "updated_at",
]  # fmt: skip


def _out(request: HttpRequest, article: Article, hit=None) -> dict:
    data = {name: getattr(article, name) for name in ARTICLE_FIELDS}
    data["translation_key"] = str(article.translation_key)
    data["url"] = (
        request.build_absolute_uri(selectors.article_url(article)) if article.is_public else None
    )
    data["search"] = None
    if hit is not None:
        data["search"] = {
            "title_html": str(hit.title_html),
            "snippet_html": str(hit.snippet_html),
            "matched_terms": hit.matched_terms,
        }
    return data


@router.get(
    "/kb/articles",
    response=ArticlePageOut,
    auth=KB_READ,
    operation_id="kb_articles_list",
    summary="List or search articles",
    description=(
        "Scope: kb:read. Without `q`: newest first, cursor-paginated. With `q`: published "
        "articles (public and internal) ranked by relevance, each with a highlighted "
        "`search` part; one page of `page[size]` results."
    ),
)
def articles_list(request: HttpRequest, page: Query[PageQuery], filters: Query[ArticleFilters]):
    user = principal(request).user
    if filters.q.strip():
        results = selectors.article_search(
            query=filters.q[:MAX_QUERY_CHARS],
            language=filters.language,
            public_only=False,
            user=user,
            limit=page.size,
        )
        hits = [h for h in results.hits if filters.category_id in (None, h.article.category_id)]
        return {"data": [_out(request, h.article, h) for h in hits], "links": {"next": None}}
    articles = selectors.articles_for_staff(user)
    condition = Q()
    if filters.language:
        condition &= Q(language=filters.language)
    if filters.status:
        condition &= Q(status=filters.status)
    if filters.category_id is not None:
        condition &= Q(category_id=filters.category_id)
    result = keyset_page(
        articles.filter(condition),
        keys=[SortKey("updated_at", True, "datetime")],
        size=page.size,
        after=page.after,
    )
    return page_body(request, result, [_out(request, a) for a in result.items])


@router.post(
    "/kb/articles",
    response={201: ArticleOut},
    auth=KB_WRITE,
    operation_id="kb_articles_create",
    summary="Create an article (a draft)",
    description="Scope: kb:write. `translation_of` links it as another language version.",
)
def articles_create(request: HttpRequest, payload: ArticleIn):
    user = principal(request).user
    category = _category_ref(payload.category_id)
    source = None
    if payload.translation_of is not None:
        try:
            source = selectors.article_for_staff(user=user, article_id=payload.translation_of)
        except NotFound as exc:
            raise ValidationFailed(_("Unknown article."), field="translation_of") from exc
    article = services.article_create(
        user=user,
        language=payload.language,
        title=payload.title,
        body_md=payload.body_md,
        category=category,
        section=_section_ref(payload.section_id),
        tags=payload.tags,
        visibility=payload.visibility,
        translation_of=source,
    )
    return Status(201, _out(request, article))


@router.get(
    "/kb/articles/{article_id}",
    response=ArticleOut,
    auth=KB_READ,
    operation_id="kb_articles_get",
    summary="Get an article",
    description="Scope: kb:read.",
)
def articles_get(request: HttpRequest, article_id: int):
    return _out(request, _article(request, article_id))


@router.patch(
    "/kb/articles/{article_id}",
    response=ArticleOut,
    auth=KB_WRITE,
    operation_id="kb_articles_update",
    summary="Update an article",
    description=(
        "Scope: kb:write. Content changes (title, body, tags) write a new revision. "
        "`status` moves draft → review → published (publishing needs a supervisor or admin)."
    ),
)
def articles_update(request: HttpRequest, article_id: int, payload: ArticlePatch):
    user = principal(request).user
    article = _article(request, article_id)
    fields = sent_fields(payload, nullable=frozenset({"section_id"}))
    status = fields.pop("status", None)
    changes: dict = {}
    if "category_id" in fields:
        changes["category"] = _category_ref(fields.pop("category_id"))
    if "section_id" in fields:
        changes["section"] = _section_ref(fields.pop("section_id"))
    changes.update(fields)
    if changes:
        article = services.article_update(user=user, article=article, **changes)
    if status is not None:
        article = services.article_set_status(user=user, article=article, status=status)
    return _out(request, _article(request, article.pk))


@router.delete(
    "/kb/articles/{article_id}",
    response={204: None},
    auth=KB_WRITE,
    operation_id="kb_articles_delete",
    summary="Delete an article",
    description="Scope: kb:write; supervisors and admins only. Its revisions go with it.",
)
def articles_delete(request: HttpRequest, article_id: int):
    services.article_delete(user=principal(request).user, article=_article(request, article_id))
    return Status(204, None)


@router.get(
    "/kb/articles/{article_id}/revisions",
    response=list[RevisionOut],
    auth=KB_READ,
    operation_id="kb_articles_revisions",
    summary="An article's revisions, newest first",
    description="Scope: kb:read.",
)
def articles_revisions(request: HttpRequest, article_id: int):
    return selectors.revisions(_article(request, article_id))


@router.post(
    "/kb/articles/{article_id}/revisions/{number}/restore",
    response=ArticleOut,
    auth=KB_WRITE,
    operation_id="kb_articles_restore",
    summary="Restore a revision",
    description="Scope: kb:write. The old content becomes a new revision.",
)
def articles_restore(request: HttpRequest, article_id: int, number: int):
    article = services.article_restore(
        user=principal(request).user, article=_article(request, article_id), number=number
    )
    return _out(request, article)


@router.get(
    "/kb/categories",
    response=list[CategoryOut],
    auth=KB_READ,
    operation_id="kb_categories_list",
    summary="List categories",
    description="Scope: kb:read.",
)
def categories_list(request: HttpRequest):
    return list(Category.objects.order_by("position", "pk"))


@router.post(
    "/kb/categories",
    response={201: CategoryOut},
    auth=KB_WRITE,
    operation_id="kb_categories_create",
    summary="Create a category",
    description="Scope: kb:write; supervisors and admins only.",
)
def categories_create(request: HttpRequest, payload: CategoryIn):
    category = services.category_create(user=principal(request).user, **payload.dict())
    return Status(201, category)


@router.get(
    "/kb/categories/{category_id}",
    response=CategoryOut,
    auth=KB_READ,
    operation_id="kb_categories_get",
    summary="Get a category",
    description="Scope: kb:read.",
)
def categories_get(request: HttpRequest, category_id: int):
    return _category(category_id)


@router.patch(
    "/kb/categories/{category_id}",
    response=CategoryOut,
    auth=KB_WRITE,
    operation_id="kb_categories_update",
    summary="Update a category",
    description="Scope: kb:write; supervisors and admins only.",
)
def categories_update(request: HttpRequest, category_id: int, payload: CategoryPatch):
    category = _category(category_id)
    return services.category_update(
        user=principal(request).user, category=category, **sent_fields(payload)
    )


@router.delete(
    "/kb/categories/{category_id}",
    response={204: None},
    auth=KB_WRITE,
    operation_id="kb_categories_delete",
    summary="Delete an empty category",
    description="Scope: kb:write; supervisors and admins only. A category with articles is a 400.",
)
def categories_delete(request: HttpRequest, category_id: int):
    services.category_delete(user=principal(request).user, category=_category(category_id))
    return Status(204, None)
