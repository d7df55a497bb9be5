"""Add messages to tickets: customer messages, agent replies and internal notes."""

import hashlib
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from loopdesk.accounts.models import Role, User
from loopdesk.core import search
from loopdesk.core.exceptions import ValidationFailed
from loopdesk.customers.models import Contact

from .. import events
from ..constants import MAX_ATTACHMENTS_PER_MESSAGE, Channel, Direction, MessageKind, StatusCategory
from ..events import Actor
from ..lock_objects import ticket_lock
from ..models import Attachment, Message, Status, Ticket, TicketEventType
from .lifecycle import _apply_status, status_default
from .text import clean_body_text, clean_filename, html_to_text, sanitize_html

MENTION = re.compile(r"(?<![\w.])@([A-Za-z0-9._+-]{1,64})")


@dataclass(frozen=True)
class AttachmentUpload:
    filename: str
    content: bytes
    content_type: str = "application/octet-stream"


def check_attachments(attachments: list[AttachmentUpload]) -> None:
    """Reject before anything is written: too many files or one too large."""
    if len(attachments) > MAX_ATTACHMENTS_PER_MESSAGE:
        raise ValidationFailed(
            _("At most %(max_attachments_per_message)s attachments per message.")
            % {"max_attachments_per_message": MAX_ATTACHMENTS_PER_MESSAGE},
            field="attachments",
        )
    limit = settings.LOOPDESK_MAX_ATTACHMENT_BYTES
    for upload in attachments:
        if len(upload.content) > limit:
            raise ValidationFailed(
                _("%(filename)s is larger than %(limit)s MB.")
                % {"filename": clean_filename(upload.filename), "limit": limit // (1024 * 1024)},
                field="attachments",
            )


def _store_attachments(
    ticket: Ticket, message: Message, attachments: list[AttachmentUpload]
) -> None:
    for upload in attachments:
        attachment = Attachment(
            ticket=ticket,
            message=message,
            filename=clean_filename(upload.filename),
            content_type=(upload.content_type or "application/octet-stream")[:150],
            size=len(upload.content),
            sha256=hashlib.sha256(upload.content).hexdigest(),
        )
        attachment.file.save("upload", ContentFile(upload.content), save=False)
        attachment.save()


def mentioned_users(text: str) -> list[User]:
    handles = {h.lower().rstrip(".") for h in MENTION.findall(text or "")}
    if not handles:
        return []
    wanted = sorted(handles)[:20]
    any_handle = Q()
    for handle in wanted:
        any_handle |= Q(email__istartswith=f"{handle}@")
    staff = User.objects.filter(any_handle, is_active=True).exclude(role=Role.TECHNICIAN)
    by_handle: dict[str, User] = {}
    for user in staff:  # default ordering, first match wins (as .first() per handle did)
        by_handle.setdefault(user.handle.lower(), user)
    return [by_handle[h] for h in wanted if h in by_handle]


def _enqueue_mention_notifications(message_id: int) -> None:
    from ..tasks import notify_mentions_task

    notify_mentions_task.enqueue(message_id=message_id)


def message_add(
    *,
    ticket: Ticket,
    actor: Actor,
    kind: str,
    body_text: str = "",
    body_html: str = "",
    channel: str | None = None,
    author_user: User | None = None,
    author_contact: Contact | None = None,
    attachments: list[AttachmentUpload] | None = None,
    external_id: str | None = None,
    raw_ref: str = "",
    set_status: Status | None = None,
    channel_meta: dict | None = None,
    ticket_locked: bool = False,
) -> Message:
    """Add one message and apply its lifecycle effects in the same transaction.

    - A customer message reopens a solved ticket and moves a pending one back to open.
    - The first public agent reply sets first_response_at; a reply to a new ticket opens it.
    - `set_status` lets an agent reply and change the status in one step ("reply and solve").
    - @handles in notes notify and add those agents as followers.
    Raises IntegrityError on a duplicate (channel, external_id): intake relies on it.
    `ticket_locked=True`: the caller's transaction already holds the ticket's lock and `ticket`
    is its current state (intake, which created the ticket in that transaction).
    """
    attachments = attachments or []
    if kind not in MessageKind.values:
        raise ValidationFailed(_("Unknown message kind."), field="kind")
    if author_user is None and author_contact is None:
        raise ValidationFailed(_("A message needs an author."))
    body_html = sanitize_html(body_html)
    body_text = clean_body_text(body_text or html_to_text(body_html))
    if not body_text.strip() and not attachments:
        raise ValidationFailed(_("The message is empty."), field="body")
    check_attachments(attachments)
    from_customer = author_contact is not None and author_user is None
    direction = (
        Direction.INBOUND
        if from_customer
        else Direction.INTERNAL
        if kind == MessageKind.NOTE
        else Direction.OUTBOUND
    )
    if from_customer and kind == MessageKind.NOTE:
        raise ValidationFailed(_("Customers cannot add internal notes."), field="kind")

    # A caller holding the lock owns the transaction and rolls it back as a whole on any
    # error here: no savepoint of our own.
    with transaction.atomic(savepoint=not ticket_locked):
        locked = ticket if ticket_locked else ticket_lock(ticket_id=ticket.pk)
        if locked.status_category == StatusCategory.CLOSED and not kind == MessageKind.NOTE:
            raise ValidationFailed(
                _("This ticket is closed; a follow-up ticket is needed."), field="ticket"
            )
        now = timezone.now()
        message = Message.objects.create(
            ticket=locked,
            kind=kind,
            direction=direction,
            channel=channel or (locked.channel if from_customer else Channel.AGENT),
            author_user=author_user,
            author_contact=author_contact,
            body_text=body_text,
            body_html=body_html,
            external_id=external_id,
            raw_ref=raw_ref,
            channel_meta=channel_meta or {},
        )
        _store_attachments(locked, message, attachments)
        search.index_message(message)
        dirty = {"updated_at", "message_count"}
        locked.message_count += 1  # the row is locked: the value read is the current one

        if from_customer:
            locked.last_customer_message_at = now
            dirty.add("last_customer_message_at")
            events.record(
                ticket=locked, type=TicketEventType.CUSTOMER_REPLIED, actor=actor, message=message
            )
            if locked.status_category in (StatusCategory.SOLVED, StatusCategory.PENDING):
                reason = Actor(
                    kind=actor.kind,
                    user=actor.user,
                    contact=actor.contact,
                    ref=actor.ref or "customer replied",
                )
                if _apply_status(locked, status_default(StatusCategory.OPEN), reason, reopen=True):
                    dirty |= {"status", "status_category", "solved_at"}
        elif kind == MessageKind.REPLY:
            locked.last_agent_message_at = now
            dirty.add("last_agent_message_at")
            if locked.first_response_at is None:
                locked.first_response_at = now
                dirty.add("first_response_at")
            events.record(
                ticket=locked, type=TicketEventType.REPLY_SENT, actor=actor, message=message
            )
            if set_status is None and locked.status_category == StatusCategory.NEW:
                set_status = status_default(StatusCategory.OPEN)
        else:
            events.record(
                ticket=locked, type=TicketEventType.NOTE_ADDED, actor=actor, message=message
            )
            mentioned = [u for u in mentioned_users(body_text) if u != author_user]
            if mentioned:
                message.mentions.add(*mentioned)
                locked.followers.add(*mentioned)
                transaction.on_commit(
                    lambda message_id=message.pk: _enqueue_mention_notifications(message_id)
                )
                events.record(
                    ticket=locked,
                    type=TicketEventType.MENTIONED,
                    actor=actor,
                    message=message,
                    changes={"mentioned": [None, [events.ref(u) for u in mentioned]]},
                )
        if (
            set_status is not None
            and not from_customer
            and _apply_status(locked, set_status, actor)
        ):
            dirty |= {"status", "status_category", "solved_at", "closed_at"}
        locked.save(update_fields=sorted(dirty))
    return message
