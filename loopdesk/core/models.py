from django.db import models
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    """Abstract base: every domain row knows when it was created and last changed."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class Counter(models.Model):
    """A named monotonic counter (ticket numbers) for databases without sequences (SQLite)."""

    name = models.CharField(max_length=64, primary_key=True)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class IdempotencyRecord(BaseModel):
    """The stored answer to a request sent with an Idempotency-Key, replayed on retry.

    The unique constraint (not a lookup) decides which of two concurrent retries wins.
    """

    owner_key = models.CharField(max_length=64)  # "user:<pk>"
    key = models.CharField(max_length=255)
    scope = models.CharField(max_length=100)  # operation, e.g. "tickets.create"
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    response = models.JSONField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner_key", "scope", "key"], name="core_idempotency_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"


# The search document model lives with the search module; imported here so that
# Django registers it when the app's models load.
from loopdesk.core.search.models import DocumentKind, SearchDocument  # noqa: E402,F401
