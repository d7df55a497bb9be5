"""Storage for search: one row per searchable thing, whatever app it belongs to."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    TICKET = "ticket", _("Ticket")
    MESSAGE = "message", _("Message")
    ARTICLE = "article", _("Article")


class SearchDocument(models.Model):
    """The pre-tokenised text of one ticket, message or article.

    `group_id` is what a search returns: the ticket pk for ticket and message documents
    (so a hit in any message finds its ticket), the article pk for articles. The
    full-text structures are database specific and are not part of the Django model:
    an FTS5 table kept in sync by triggers on SQLite, a generated tsvector column with a
    GIN index on PostgreSQL (migration 0003).
    """

    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    object_id = models.BigIntegerField()
    group_id = models.BigIntegerField()
    is_public = models.BooleanField(default=True)
    title_tokens = models.TextField(blank=True)
    tokens = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "core"
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id"], name="searchdoc_kind_object_unique"
            )
        ]
        # Unindexing a ticket removes its message documents by group.
        indexes = [models.Index(fields=["kind", "group_id"], name="searchdoc_kind_group")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}"
