"""Knowledge-base test data, written through the services (never raw rows)."""

from itertools import count

from loopdesk.accounts.models import Role
from loopdesk.tickets.tests.factories import make_user

from .. import services
from ..models import Article, ArticleStatus, Category

_seq = count(1)


def make_editor():
    return make_user(role=Role.SUPERVISOR, email=f"kb-editor-{next(_seq)}@loopdesk.test")


def make_category(editor=None, *, slug: str | None = None, name: str = "General") -> Category:
    n = next(_seq)
    return services.category_create(
        user=editor or make_editor(),
        slug=slug or f"cat-{n}",
        name_en=f"{name} {n}",
        name_zh=f"{name} {n}",
    )


def make_article(
    *,
    title: str,
    body: str = "",
    language: str = "en",
    category: Category | None = None,
    editor=None,
    status: str = ArticleStatus.PUBLISHED,
    visibility: str = "public",
    tags=(),
    translation_of: Article | None = None,
) -> Article:
    editor = editor or make_editor()
    article = services.article_create(
        user=editor,
        language=language,
        title=title,
        body_md=body,
        category=category or make_category(editor),
        tags=tags,
        visibility=visibility,
        translation_of=translation_of,
    )
    if status != ArticleStatus.DRAFT:
        article = services.article_set_status(user=editor, article=article, status=status)
    return article
