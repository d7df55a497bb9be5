"""The intake door (F-01): every channel turns its input into an InboundMessage and
calls `intake_message()`, which is the only external way to create a ticket.

Intake resolves the contact by identity, threads into an existing ticket or opens a new
one, stores attachments and records events, all in one transaction. It is idempotent:
the unique (channel, external_id) constraint on Message decides which delivery wins; a
duplicate rolls back everything it started and returns the first delivery's result.
"""

import logging
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from loopdesk.accounts.models import User
from loopdesk.core.exceptions import ValidationFailed
from loopdesk.customers.models import Contact
from loopdesk.customers.services import contact_resolve
from loopdesk.tickets.constants import Channel, MessageKind, StatusCategory
from loopdesk.tickets.events import Actor
from loopdesk.tickets.models import Message, Ticket
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
    try:
        return _intake(inbound)
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
    contact = inbound.contact
    if contact is None:
        if inbound.sender is None:
            raise ValidationFailed(_("The sender is unknown."), field="sender")
        contact, _created = contact_resolve(
            kind=inbound.sender.kind, value=inbound.sender.value, name=inbound.sender.name
        )
    actor = Actor.channel(inbound.channel, contact=contact, user=inbound.created_by)

    ticket = inbound.ticket
    parent = None
    if ticket is not None and ticket.status_category == StatusCategory.CLOSED:
        parent, ticket = ticket, None  # a reply to a closed ticket opens a follow-up
    created = ticket is None
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
    )
    ticket.refresh_from_db()
    return IntakeResult(ticket=ticket, message=message, created=created, duplicate=False)
