"""Channel configuration and the email channel's own records.

- Mailbox: one support address, how to fetch it (IMAP) and how to send as it (SMTP).
- InboundEmail: every received raw message, stored before parsing; its outcome, or why
  it sits in quarantine. Nothing received is ever dropped without a row here.
- EmailMessageId: the thread index, Message-ID -> ticket, for mail we received and sent.
- OutboundEmail: every mail we send about a ticket, with delivery state and attempts.
- BouncedAddress: addresses a DSN reported as failing; automatic mail skips them.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from loopdesk.core.models import BaseModel


class Security(models.TextChoices):
    SSL = "ssl", _("SSL/TLS")
    STARTTLS = "starttls", _("STARTTLS")
    NONE = "none", _("None (loopback or trusted network only)")


class ProcessedAction(models.TextChoices):
    SEEN = "seen", _("Mark as read")
    MOVE = "move", _("Move to folder")
    DELETE = "delete", _("Delete")


class Mailbox(BaseModel):
    name = models.CharField(_("name"), max_length=100)
    address = models.EmailField(_("address"), unique=True)
    from_name = models.CharField(_("sender name"), max_length=100, blank=True)
    default_team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("default team"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    imap_host = models.CharField(_("IMAP host"), max_length=255, blank=True)
    imap_port = models.PositiveIntegerField(_("IMAP port"), default=993)
    imap_security = models.CharField(
        _("IMAP security"), max_length=10, choices=Security.choices, default=Security.SSL
    )
    imap_user = models.CharField(_("IMAP user"), max_length=255, blank=True)
    imap_password = models.TextField(blank=True, help_text="Encrypted (loopdesk.core.crypto).")
    imap_folder = models.CharField(_("IMAP folder"), max_length=255, default="INBOX")
    processed_action = models.CharField(
        _("after processing"),
        max_length=10,
        choices=ProcessedAction.choices,
        default=ProcessedAction.SEEN,
    )
    processed_folder = models.CharField(_("move to folder"), max_length=255, blank=True)
    poll_interval = models.PositiveIntegerField(_("poll interval (seconds)"), default=60)

    smtp_host = models.CharField(_("SMTP host"), max_length=255, blank=True)
    smtp_port = models.PositiveIntegerField(_("SMTP port"), default=465)
    smtp_security = models.CharField(
        _("SMTP security"), max_length=10, choices=Security.choices, default=Security.SSL
    )
    smtp_user = models.CharField(_("SMTP user"), max_length=255, blank=True)
    smtp_password = models.TextField(blank=True, help_text="Encrypted (loopdesk.core.crypto).")

    # IMAP sync state: a message is fetched once per (uid_validity, uid).
    uid_validity = models.BigIntegerField(null=True, blank=True)
    last_uid = models.BigIntegerField(default=0)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)  # never contains credentials

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>"


class InboundSource(models.TextChoices):
    IMAP = "imap", _("IMAP")
    PIPE = "pipe", _("Command line / MTA pipe")
    WEBHOOK = "webhook", _("Provider webhook")


class InboundStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    PROCESSED = "processed", _("Processed")
    QUARANTINED = "quarantined", _("Quarantined")
    DISCARDED = "discarded", _("Discarded")


class InboundResult(models.TextChoices):
    CREATED = "created", _("Created a ticket")
    APPENDED = "appended", _("Added to a ticket")
    DUPLICATE = "duplicate", _("Duplicate")
    AUTO_REPLY = "auto_reply", _("Automatic reply")
    BOUNCE = "bounce", _("Bounce")
    QUARANTINED = "quarantined", _("Quarantined")


class ThreadRule(models.TextChoices):
    TOKEN = "token", _("Signed reply address")
    HEADERS = "headers", _("In-Reply-To / References")
    SUBJECT_TAG = "subject_tag", _("Ticket number in the subject, sender is a participant")
    NEW = "new", _("No match: new ticket")
    FOLLOW_UP = "follow_up", _("Reply to a closed ticket: linked follow-up")


def raw_key(instance: "InboundEmail", filename: str) -> str:
    return f"mail/raw/{instance.public_id.hex[:2]}/{instance.public_id.hex}.eml"


class InboundEmail(BaseModel):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    mailbox = models.ForeignKey(
        Mailbox, on_delete=models.SET_NULL, null=True, blank=True, related_name="inbound"
    )
    source = models.CharField(max_length=10, choices=InboundSource.choices)
    raw = models.FileField(upload_to=raw_key, max_length=255)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    truncated = models.BooleanField(default=False)  # over the size cap: only the head is kept
    msgid = models.CharField(max_length=255, blank=True, db_index=True)  # Message-ID header
    sender = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=250, blank=True)
    status = models.CharField(
        max_length=12, choices=InboundStatus.choices, default=InboundStatus.RECEIVED
    )
    result = models.CharField(max_length=12, choices=InboundResult.choices, blank=True)
    reason = models.TextField(blank=True)
    thread_rule = models.CharField(max_length=12, choices=ThreadRule.choices, blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    message = models.ForeignKey(
        "tickets.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    defects = models.JSONField(default=list, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    processed_at = models.DateTimeField(null=True, blank=True)
    imap_uid = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("received email")
        verbose_name_plural = _("received email")
        indexes = [
            models.Index(fields=["status", "-created_at"], name="inmail_status_created"),
            models.Index(fields=["message"], name="inmail_message"),
        ]

    def __str__(self) -> str:
        return f"{self.sender}: {self.subject}"


class EmailMessageId(models.Model):
    """Message-IDs we received or issued, and the ticket each belongs to (the thread index:
    a reply's In-Reply-To/References is one indexed lookup, not a scan of messages)."""

    msgid = models.CharField(max_length=255, unique=True)
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(
        "tickets.Message", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    outbound = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.msgid


class OutboundKind(models.TextChoices):
    REPLY = "reply", _("Agent reply")
    ACK = "ack", _("Acknowledgement")
    NOTICE = "notice", _("Notice to the sender")
    NOTIFICATION = "notification", _("Agent notification")
    AUTOMATIC = "automatic", _("Automatic mail")


class OutboundStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SUPPRESSED = "suppressed", _("Not sent")


class OutboundEmail(BaseModel):
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    message = models.ForeignKey(
        "tickets.Message", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    mailbox = models.ForeignKey(
        Mailbox, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=OutboundKind.choices)
    automatic = models.BooleanField(default=False)
    recipient = models.CharField(max_length=254)  # the first To, lower-cased: send caps
    to = models.JSONField(default=list)
    cc = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=300)
    msgid = models.CharField(max_length=255, unique=True)
    in_reply_to = models.CharField(max_length=255, blank=True)
    references = models.TextField(blank=True)
    status = models.CharField(
        max_length=12, choices=OutboundStatus.choices, default=OutboundStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)  # scrubbed of credentials
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sent email")
        verbose_name_plural = _("sent email")
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="outmail_recipient"),
            models.Index(fields=["ticket", "-created_at"], name="outmail_ticket"),
            models.Index(fields=["message"], name="outmail_message"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient}"


class BouncedAddress(BaseModel):
    address = models.CharField(max_length=254, unique=True)
    status = models.CharField(max_length=20, blank=True)
    diagnostic = models.TextField(blank=True)
    permanent = models.BooleanField(default=True)
    count = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("bouncing address")
        verbose_name_plural = _("bouncing addresses")

    def __str__(self) -> str:
        return self.address
