"""The only writers of knowledge-base rows. Each function is one transaction; every
content change writes a revision and re-indexes the article in that transaction."""

import hashlib
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from loopdesk.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from loopdesk.core.search import DocumentKind, delete_documents, index_document

from . import permissions
from .constants import GAP_QUERY_CHARS, LANGUAGE_CODES, MAX_BODY_CHARS, MAX_TAGS, MAX_TITLE_CHARS
from .models import (
    Article,
    ArticleRevision,
    ArticleStatus,
    ArticleVote,
    Category,
    SearchGap,
    Section,
    Visibility,
)
from .rendering import html_to_text, render_markdown
from .uploads import attachment_add  # noqa: F401 - re-exported: services are the writers

# --- categories and sections -----------------------------------------------------------


def _require_editor(user) -> None:
    if not permissions.can_publish(user):
        raise PermissionDenied(_("Only supervisors and admins can do this."))


def _require_writer(user) -> None:
    if not permissions.can_write(user):
        raise PermissionDenied(_("You cannot edit knowledge-base articles."))


_CONTROLS = dict.fromkeys([*range(0, 9), 11, 12, *range(14, 32), 127])


def _text(value) -> str:
    """Text without NUL and other control characters (PostgreSQL refuses NUL)."""
    return str(value or "").translate(_CONTROLS)


def _clean_name(value: str, field: str) -> str:
    value = " ".join(_text(value).split())
    if not value:
        raise ValidationFailed(_("This field is required."), field=field)
    if len(value) > 120:
        raise ValidationFailed(_("At most 120 characters."), field=field)
    return value


@transaction.atomic
def category_create(
    *,
    user,
    slug: str,
    name_en: str,
    name_zh: str,
    description_en: str = "",
    description_zh: str = "",
    position: int = 0,
) -> Category:
    _require_editor(user)
    from django.utils.text import slugify

    slug = slugify(slug or name_en)[:80]
    if not slug:
        raise ValidationFailed(_("A slug of letters, digits or dashes is required."), field="slug")
    if Category.objects.filter(slug=slug).exists():
        raise ValidationFailed(_("This slug is already used."), field="slug")
    return Category.objects.create(
        slug=slug,
        name_en=_clean_name(name_en, "name_en"),
        name_zh=_clean_name(name_zh, "name_zh"),
        description_en=_text(description_en)[:300],
        description_zh=_text(description_zh)[:300],
        position=max(0, position),
    )


@transaction.atomic
def category_update(*, user, category: Category, **changes) -> Category:
    _require_editor(user)
    allowed = {"name_en", "name_zh", "description_en", "description_zh", "position"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationFailed(_("Unknown field."), field=sorted(unknown)[0])
    for name, value in changes.items():
        if name.startswith("name_"):
            value = _clean_name(value, name)
        elif name.startswith("description_"):
            value = _text(value)[:300]
        else:
            value = max(0, int(value))
        setattr(category, name, value)
    category.save(update_fields=[*changes, "updated_at"])
    return category


@transaction.atomic
def category_delete(*, user, category: Category) -> None:
    _require_editor(user)
    if category.articles.exists():
        raise ValidationFailed(_("Move or delete the category's articles first."))
    category.delete()


@transaction.atomic
def section_create(
    *, user, category: Category, name_en: str, name_zh: str, position: int = 0
) -> Section:
    _require_editor(user)
    return Section.objects.create(
        category=category,
        name_en=_clean_name(name_en, "name_en"),
        name_zh=_clean_name(name_zh, "name_zh"),
        position=max(0, position),
    )


# --- articles ------------------------------------------------------------------------


def _clean_title(title: str) -> str:
    title = " ".join(_text(title).split())
    if not title:
        raise ValidationFailed(_("A title is required."), field="title")
    if len(title) > MAX_TITLE_CHARS:
        raise ValidationFailed(
            _("The title is longer than %(n)d characters.") % {"n": MAX_TITLE_CHARS},
            field="title",
        )
    return title


def _clean_body(body: str) -> str:
    body = _text((body or "").replace("\r\n", "\n"))
    if len(body) > MAX_BODY_CHARS:
        raise ValidationFailed(
            _("The article is longer than %(n)d characters.") % {"n": MAX_BODY_CHARS},
            field="body",
        )
    return body


def _clean_tags(tags: Iterable[str]) -> list[str]:
    cleaned = []
    for tag in tags or []:
        tag = " ".join(_text(tag).split()).lower()[:40]
        if tag and tag not in cleaned:
            cleaned.append(tag)
    if len(cleaned) > MAX_TAGS:
        raise ValidationFailed(_("At most %(n)d tags.") % {"n": MAX_TAGS}, field="tags")
    return cleaned


def _check_language(language: str) -> str:
    if language not in LANGUAGE_CODES:
        raise ValidationFailed(_("Language must be zh-hans or en."), field="language")
    return language


def _check_section(category: Category, section: Section | None) -> None:
    if section is not None and section.category_id != category.pk:
        raise ValidationFailed(_("The section belongs to another category."), field="section")


def _render(article: Article) -> None:
    article.body_html = render_markdown(article.body_md)
    article.body_text = html_to_text(article.body_html)


def _index(article: Article) -> None:
    """Title weighted over body; tags count as body words. Drafts and internal articles
    are indexed too (agents search them) but never public."""
    index_document(
        kind=DocumentKind.ARTICLE,
        object_id=article.pk,
        group_id=article.pk,
        title=article.title,
        body=" ".join(article.tags) + "\n" + article.body_text,
        is_public=article.is_public,
    )


def _write_revision(article: Article, user, note: str) -> None:
    ArticleRevision.objects.create(
        article=article,
        number=article.revision,
        title=article.title,
        body_md=article.body_md,
        tags=article.tags,
        note=_text(note)[:200],
        created_by=user,
    )


@transaction.atomic
def article_create(
    *,
    user,
    language: str,
    title: str,
    body_md: str,
    category: Category,
    section: Section | None = None,
    tags: Iterable[str] = (),
    visibility: str = Visibility.PUBLIC,
    translation_of: Article | None = None,
    source_message=None,
    note: str = "",
) -> Article:
    """A new draft (revision 1). `translation_of` links it as another language version."""
    _require_writer(user)
    _check_language(language)
    _check_section(category, section)
    if visibility not in Visibility.values:
        raise ValidationFailed(_("Unknown visibility."), field="visibility")
    article = Article(
        language=language,
        title=_clean_title(title),
        body_md=_clean_body(body_md),
        category=category,
        section=section,
        tags=_clean_tags(tags),
        visibility=visibility,
        author=user,
        source_message=source_message,
    )
    if translation_of is not None:
        if translation_of.language == language:
            raise ValidationFailed(
                _("A translation must be in another language."), field="language"
            )
        article.translation_key = translation_of.translation_key
    _render(article)
    try:
        with transaction.atomic():
            article.save()
    except IntegrityError:
        raise ValidationFailed(
            _("This article already has a version in that language."), field="language"
        ) from None
    _write_revision(article, user, note or _("Created"))
    _index(article)
    return article


CONTENT_FIELDS = ("title", "body_md", "tags")


@transaction.atomic
def article_update(
    *,
    user,
    article: Article,
    title: str | None = None,
    body_md: str | None = None,
    tags: Iterable[str] | None = None,
    category: Category | None = None,
    section: Section | None | bool = False,
    visibility: str | None = None,
    note: str = "",
) -> Article:
    """Change an article; a content change (title, body, tags) writes a new revision.

    `section=False` leaves the section as it is; None removes it.
    """
    _require_writer(user)
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.status == ArticleStatus.PUBLISHED and not permissions.can_publish(user):
        raise PermissionDenied(_("Only supervisors and admins can change a published article."))
    before = {name: getattr(article, name) for name in CONTENT_FIELDS}
    if title is not None:
        article.title = _clean_title(title)
    if body_md is not None:
        article.body_md = _clean_body(body_md)
    if tags is not None:
        article.tags = _clean_tags(tags)
    if category is not None:
        article.category = category
        if section is False and article.section and article.section.category_id != category.pk:
            article.section = None
    if section is not False:
        article.section = section or None
    _check_section(article.category, article.section)
    if visibility is not None:
        if visibility not in Visibility.values:
            raise ValidationFailed(_("Unknown visibility."), field="visibility")
        article.visibility = visibility
    content_changed = any(getattr(article, name) != before[name] for name in CONTENT_FIELDS)
    if content_changed:
        article.revision += 1
        _render(article)
    article.save()
    if content_changed:
        _write_revision(article, user, note)
    _index(article)
    return article


TRANSITIONS = {
    ArticleStatus.DRAFT: {ArticleStatus.REVIEW, ArticleStatus.PUBLISHED},
    ArticleStatus.REVIEW: {ArticleStatus.DRAFT, ArticleStatus.PUBLISHED},
    ArticleStatus.PUBLISHED: {ArticleStatus.DRAFT},
}


@transaction.atomic
def article_set_status(*, user, article: Article, status: str) -> Article:
    """draft → review → published (and back to draft). Writers send to review; editors
    publish and unpublish."""
    _require_writer(user)
    article = Article.objects.select_for_update().get(pk=article.pk)
    if status not in ArticleStatus.values:
        raise ValidationFailed(_("Unknown status."), field="status")
    if status == article.status:
        return article
    if status not in TRANSITIONS[ArticleStatus(article.status)]:
        raise ValidationFailed(_("This status change is not allowed."), field="status")
    if (
        status == ArticleStatus.PUBLISHED or article.status == ArticleStatus.PUBLISHED
    ) and not permissions.can_publish(user):
        raise PermissionDenied(_("Only supervisors and admins can publish or unpublish."))
    article.status = status
    fields = ["status", "updated_at"]
    if status == ArticleStatus.PUBLISHED:
        article.published_at = timezone.now()
        fields.append("published_at")
    article.save(update_fields=fields)
    _index(article)
    return article


@transaction.atomic
def article_restore(*, user, article: Article, number: int) -> Article:
    """Bring back an old revision's content as a new revision (history is never rewritten)."""
    revision = ArticleRevision.objects.filter(article=article, number=number).first()
    if revision is None:
        raise NotFound(_("No such revision."))
    return article_update(
        user=user,
        article=article,
        title=revision.title,
        body_md=revision.body_md,
        tags=revision.tags,
        note=_("Restored revision %(n)d") % {"n": number},
    )


@transaction.atomic
def article_delete(*, user, article: Article) -> None:
    _require_editor(user)
    delete_documents(kind=DocumentKind.ARTICLE, object_ids=[article.pk])
    for attachment in article.attachments.all():
        attachment.file.delete(save=False)
    article.delete()


@transaction.atomic
def article_draft_from_message(*, user, message, category: Category | None = None) -> Article:
    """ "Turn this reply into an article": a draft in the viewer's language holding the
    reply's text, titled after the ticket, linked to the message it came from."""
    _require_writer(user)
    if message.kind != "reply" or message.direction != "outbound":
        raise ValidationFailed(_("Only an agent's public reply can become an article."))
    category = category or Category.objects.order_by("position", "pk").first()
    if category is None:
        raise ValidationFailed(_("Create a knowledge-base category first."), field="category")
    language = "zh-hans" if (user.language or "").startswith("zh") else "en"
    return article_create(
        user=user,
        language=language,
        title=message.ticket.subject[:MAX_TITLE_CHARS] or _("Untitled"),
        body_md=message.body_text,
        category=category,
        source_message=message,
        note=_("From a reply on ticket #%(number)s") % {"number": message.ticket.number},
    )


# --- visitors ------------------------------------------------------------------------


def voter_key(session_key: str) -> str:
    return hashlib.sha256(f"kb-vote:{session_key}".encode()).hexdigest()


@transaction.atomic
def vote_record(*, article: Article, voter: str, helpful: bool) -> bool:
    """One vote per voter and article; returns False when this voter had voted already.

    The unique constraint decides (no check-then-act); counters move with F()."""
    try:
        with transaction.atomic():
            ArticleVote.objects.create(article=article, voter_key=voter, helpful=helpful)
    except IntegrityError:
        return False
    counter = "helpful_yes" if helpful else "helpful_no"
    Article.objects.filter(pk=article.pk).update(**{counter: F(counter) + 1})
    return True


def article_record_view(*, article: Article) -> None:
    Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + 1)


def search_gap_record(*, query: str, language: str) -> None:
    """Count a search that found nothing (normalised, so "Refund " and "refund" add up)."""
    query = " ".join(_text(query).split()).casefold()[:GAP_QUERY_CHARS]
    if not query or language not in LANGUAGE_CODES:
        return
    now = timezone.now()
    updated = SearchGap.objects.filter(query=query, language=language).update(
        count=F("count") + 1, last_seen_at=now
    )
    if updated:
        return
    try:
        with transaction.atomic():
            SearchGap.objects.create(query=query, language=language, last_seen_at=now)
    except IntegrityError:  # a concurrent first search of the same text
        SearchGap.objects.filter(query=query, language=language).update(
            count=F("count") + 1, last_seen_at=now
        )
