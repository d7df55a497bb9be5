"""The intake door (F-01): every channel turns its input into an InboundMessage and
calls `intake_message()`, which is the only external way to create a ticket.

Intake resolves the contact by identity, threads into an existing ticket or opens a new
one, stores attachments and records events, all in one transaction. It is idempotent:
the unique (channel, external_id) constraint on Message decides which delivery wins; a
duplicate rolls back everything it started and returns the first delivery's result.
"""

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loopdesk.accounts.models import User
from loopdesk.core.exceptions import ValidationFailed
from loopdesk.customers.models import Contact
from loopdesk.customers.services import contact_resolve
from loopdesk.tickets.constants import Channel, MessageKind, StatusCategory
from loopdesk.tickets.events import Actor
from loopdesk.tickets.models import Message, Ticket, TicketEvent
from loopdesk.tickets.services import AttachmentUpload, message_add, ticket_create
from loopdesk.tickets.services.lifecycle import TicketFields
from loopdesk.tickets.services.replies import check_attachments

logger = logging.getLogger(__name__)

MAX_EXTERNAL_ID = 255


@dataclass
class SenderIdentity:
    kind: str  # customers.IdentityKind: email, phone, wechat, external
    value: str
    name: str = ""
    language: str = ""  # for a new contact: "zh-hans" or "en" when the channel can tell


@dataclass
class InboundMessage:
    """A channel-neutral inbound message.

    `ticket` is a thread decision the adapter already made and authorised (e.g. a portal
    reply to the customer's own ticket, or an email matched by its Message-ID chain).
    `contact` skips identity resolution when the adapter already knows the person
    (an agent creating a ticket for a chosen contact).
    `created_by` is the staff user entering it on the customer's behalf (phone, walk-in).
    """

    channel: str
    subject: str
    text: str = ""
    html: str = ""
    sender: SenderIdentity | None = None
    contact: Contact | None = None
    attachments: list[AttachmentUpload] = field(default_factory=list)
    external_id: str | None = None
    ticket: Ticket | None = None
    thread_hints: dict = field(default_factory=dict)
    raw_ref: str = ""
    created_by: User | None = None
    fields: TicketFields = field(default_factory=TicketFields)
    strict: bool = False  # forms and API reject an over-long subject instead of truncating
    # Imports only (API scope tickets:import): when the message was really received.
    occurred_at: datetime | None = None
    channel_meta: dict = field(default_factory=dict)  # e.g. the mail thread rule


@dataclass(frozen=True)
class IntakeResult:
    ticket: Ticket
    message: Message
    created: bool
    duplicate: bool


def intake_message(inbound: InboundMessage) -> IntakeResult:
    if inbound.channel not in Channel.values:
        raise ValidationFailed(
            _("Unknown channel: %(channel)s") % {"channel": inbound.channel}, field="channel"
        )
    if inbound.external_id is not None:
        inbound.external_id = inbound.external_id.strip()[:MAX_EXTERNAL_ID] or None
    check_attachments(inbound.attachments)

    existing = _existing(inbound)
    if existing is not None:
        return existing
    if inbound.occurred_at is not None:
        check_import_time(inbound.occurred_at, field="created_at")
    try:
        return _intake_imported(inbound) if inbound.occurred_at else _intake(inbound)
    except IntegrityError:
        # Another delivery of the same external id committed first: report its result.
        existing = _existing(inbound)
        if existing is None:
            raise
        logger.info("intake duplicate resolved by constraint channel=%s", inbound.channel)
        return existing


def _existing(inbound: InboundMessage) -> IntakeResult | None:
    if not inbound.external_id:
        return None
    message = (
        Message.objects.select_related("ticket")
        .filter(channel=inbound.channel, external_id=inbound.external_id)
        .first()
    )
    if message is None:
        return None
    return IntakeResult(ticket=message.ticket, message=message, created=False, duplicate=True)


@transaction.atomic
def _intake(inbound: InboundMessage) -> IntakeResult:
    from loopdesk.sla.services.clocks import sla_apply_events, sla_sync_deferred

    contact = inbound.contact
    if contact is None:
        if inbound.sender is None:
            raise ValidationFailed(_("The sender is unknown."), field="sender")
        contact, _created = contact_resolve(
            kind=inbound.sender.kind,
            value=inbound.sender.value,
            name=inbound.sender.name,
            language=inbound.sender.language,
        )
    actor = Actor.channel(inbound.channel, contact=contact, user=inbound.created_by)

    ticket = inbound.ticket
    parent = None
    if ticket is not None and ticket.status_category == StatusCategory.CLOSED:
        parent, ticket = ticket, None  # a reply to a closed ticket opens a follow-up
    created = ticket is None
    # A new ticket writes two events (created, customer replied): the SLA clocks fold them
    # once, at the end, instead of once per event (same clocks, half the statements).
    with sla_sync_deferred():
        if created:
            ticket = ticket_create(
                subject=inbound.subject,
                contact=contact,
                channel=inbound.channel,
                actor=actor,
                fields=inbound.fields,
                strict_subject=inbound.strict,
                parent=parent,
            )
        message = message_add(
            ticket=ticket,
            actor=actor,
            kind=MessageKind.REPLY,
            body_text=inbound.text,
            body_html=inbound.html,
            channel=inbound.channel,
            author_contact=contact,
            attachments=inbound.attachments,
            external_id=inbound.external_id,
            raw_ref=inbound.raw_ref,
            channel_meta=inbound.channel_meta,
            ticket_locked=created,  # a ticket created in this transaction is ours alone
        )
    ticket = message.ticket  # the locked, current row message_add wrote through
    sla_apply_events(ticket=ticket, new_ticket=created)
    return IntakeResult(ticket=ticket, message=message, created=created, duplicate=False)


# --- imports with original timestamps -------------------------------------------------

IMPORT_EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)


def check_import_time(when: datetime, *, field: str, not_before: datetime | None = None) -> None:
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValidationFailed(_("The time needs a UTC offset, e.g. +08:00."), field=field)
    if not IMPORT_EARLIEST <= when <= timezone.now():
        raise ValidationFailed(_("An imported time must lie between 2000 and now."), field=field)
    if not_before is not None and when < not_before:
        raise ValidationFailed(
            _("An imported message cannot be older than the ticket's last change."), field=field
        )


def last_event_id() -> int:
    return TicketEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def import_backdate(
    *,
    ticket: Ticket,
    message: Message | None,
    after_event_id: int,
    started: datetime,
    when: datetime,
) -> None:
    """Give what an import just wrote its original time: the message, the events after
    `after_event_id` and every ticket timestamp the call set (those >= `started`); then
    bring the SLA clocks up to date from the backdated events (the sync was deferred)."""
    from loopdesk.sla.services.clocks import sla_apply_events

    written = TicketEvent.objects.filter(ticket_id=ticket.pk, pk__gt=after_event_id)
    written.update(created_at=when)
    if message is not None:
        Message.objects.filter(pk=message.pk).update(created_at=when)
    stamps = (
        "created_at",
        "updated_at",
        "first_response_at",
        "solved_at",
        "closed_at",
        "last_customer_message_at",
        "last_agent_message_at",
    )
    current = Ticket.objects.filter(pk=ticket.pk).values(*stamps).get()
    Ticket.objects.filter(pk=ticket.pk).update(
        **{k: when for k, v in current.items() if v is not None and v >= started}
    )
    sla_apply_events(ticket=ticket)
    # The SLA events this wrote describe the imported moment, so they carry its time too.
    written.filter(created_at__gte=started).update(created_at=when)


@transaction.atomic
def _intake_imported(inbound: InboundMessage) -> IntakeResult:
    from loopdesk.sla.services.clocks import sla_sync_deferred

    started, after = timezone.now(), last_event_id()
    with sla_sync_deferred():
        result = _intake(inbound)
    import_backdate(
        ticket=result.ticket,
        message=result.message,
        after_event_id=after,
        started=started,
        when=inbound.occurred_at,
    )
    result.ticket.refresh_from_db()
    return result
