"""Knowledge base: categories and sections, articles in zh-hans and en, revisions,
attachments, votes and the log of searches that found nothing."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from loopdesk.core.models import BaseModel

from .constants import LANGUAGES


class Category(BaseModel):
    """A top-level topic of the help centre (退款与售后, Invoices…), named in both languages."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_zh = models.CharField(_("name (Chinese)"), max_length=120)
    description_en = models.CharField(_("description (English)"), max_length=300, blank=True)
    description_zh = models.CharField(_("description (Chinese)"), max_length=300, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name_en

    def name_for(self, language: str) -> str:
        return self.name_zh if language == "zh-hans" else self.name_en

    def description_for(self, language: str) -> str:
        return self.description_zh if language == "zh-hans" else self.description_en


class Section(BaseModel):
    """A group of articles inside a category."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="sections")
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_zh = models.CharField(_("name (Chinese)"), max_length=120)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name_en

    def name_for(self, language: str) -> str:
        return self.name_zh if language == "zh-hans" else self.name_en


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("In review")
    PUBLISHED = "published", _("Published")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    INTERNAL = "internal", _("Internal (agents only)")


class Article(BaseModel):
    """One language version of an article. Versions of the same article share
    `translation_key` (at most one per language); each has its own status and history.

    body_html is the sanitised rendering of body_md, written by the services together
    with the source, so pages never render Markdown on read.
    """

    translation_key = models.UUIDField(default=uuid.uuid4, editable=False)
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGES)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="articles")
    section = models.ForeignKey(
        Section, on_delete=models.SET_NULL, null=True, blank=True, related_name="articles"
    )
    title = models.CharField(_("title"), max_length=200)
    body_md = models.TextField(_("body (Markdown)"), blank=True)
    body_html = models.TextField(blank=True)
    body_text = models.TextField(blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    visibility = models.CharField(
        _("visibility"), max_length=20, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    revision = models.PositiveIntegerField(default=1)
    published_at = models.DateTimeField(null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    source_message = models.ForeignKey(
        "tickets.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    view_count = models.PositiveIntegerField(default=0)
    helpful_yes = models.PositiveIntegerField(default=0)
    helpful_no = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        constraints = [
            models.UniqueConstraint(
                fields=["translation_key", "language"], name="kb_article_one_per_language"
            )
        ]
        indexes = [
            models.Index(fields=["status", "visibility", "language"], name="kb_article_listing"),
            models.Index(fields=["category", "status"], name="kb_article_category"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status == ArticleStatus.PUBLISHED and self.visibility == Visibility.PUBLIC


class ArticleRevision(models.Model):
    """The content of an article as saved at one point; restoring one writes a new revision."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body_md = models.TextField(blank=True)
    tags = models.JSONField(default=list, blank=True)
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("article revision")
        verbose_name_plural = _("article revisions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="kb_revision_unique")
        ]

    def __str__(self) -> str:
        return f"{self.article_id}#{self.number}"


def attachment_key(instance: "ArticleAttachment", filename: str) -> str:
    """A generated storage key: the uploaded name is only ever displayed."""
    return f"kb/{instance.public_id.hex[:2]}/{instance.public_id.hex}"


class ArticleAttachment(BaseModel):
    """An image or file of an article, served by a public (published) or staff view."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_key, max_length=255)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.BigIntegerField()
    is_image = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("article attachment")
        verbose_name_plural = _("article attachments")

    def __str__(self) -> str:
        return self.filename


class ArticleVote(BaseModel):
    """One "was this helpful?" answer per visitor (session) and article."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="votes")
    voter_key = models.CharField(max_length=64)  # SHA-256 of the session key
    helpful = models.BooleanField()

    class Meta:
        verbose_name = _("article vote")
        verbose_name_plural = _("article votes")
        constraints = [
            models.UniqueConstraint(fields=["article", "voter_key"], name="kb_vote_one_per_voter")
        ]

    def __str__(self) -> str:
        return f"{self.article_id}:{'+' if self.helpful else '-'}"


class SearchGap(BaseModel):
    """A help-centre search that found nothing: a content gap for editors."""

    query = models.CharField(max_length=100)
    language = models.CharField(max_length=10, choices=LANGUAGES)
    count = models.PositiveIntegerField(default=1)
    last_seen_at = models.DateTimeField()

    class Meta:
        verbose_name = _("search without result")
        verbose_name_plural = _("searches without result")
        constraints = [models.UniqueConstraint(fields=["query", "language"], name="kb_gap_unique")]
        indexes = [models.Index(fields=["-count"], name="kb_gap_count")]

    def __str__(self) -> str:
        return self.query
