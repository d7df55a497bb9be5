import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from loopdesk.core.models import BaseModel

from ..constants import Channel, Direction, MessageKind


class Message(BaseModel):
    """One entry of a ticket's thread: a public reply (either way) or an internal note."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=10, choices=MessageKind.choices)
    direction = models.CharField(max_length=10, choices=Direction.choices)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author_contact = models.ForeignKey(
        "customers.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
    )
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True, help_text="Sanitised with nh3 before it is stored.")
    external_id = models.CharField(max_length=255, null=True, blank=True)
    raw_ref = models.CharField(
        max_length=255, blank=True, help_text="Storage key of the raw payload (e.g. the .eml)."
    )
    # What the channel knows about this message, shown with it without another query:
    # e.g. {"thread_rule": "headers"} for mail, {"delivery": "failed", "error": "..."}.
    channel_meta = models.JSONField(default=dict, blank=True)
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="mentioned_in", through="tickets.Mention"
    )

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [models.Index(fields=["ticket", "created_at", "id"], name="msg_ticket_created")]
        constraints = [
            # The idempotency guarantee of intake: one message per external id per channel.
            models.UniqueConstraint(
                fields=["channel", "external_id"],
                condition=Q(external_id__isnull=False),
                name="message_channel_external_id_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} on ticket {self.ticket_id}"

    @property
    def is_note(self) -> bool:
        return self.kind == MessageKind.NOTE


class Mention(models.Model):
    """An agent @mentioned in a note; `notified_at` makes the notification idempotent."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["message", "user"], name="mention_unique")]

    def __str__(self) -> str:
        return f"@{self.user_id} in {self.message_id}"


def attachment_key(instance: "Attachment", filename: str) -> str:
    # A generated key: the user's file name never reaches the file system.
    return f"attachments/{instance.public_id.hex[:2]}/{instance.public_id.hex}"


class Attachment(BaseModel):
    """A file on a message. Served only through a permission-checked download view."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="attachments"
    )
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_key, max_length=255)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=150, default="application/octet-stream")
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.filename
