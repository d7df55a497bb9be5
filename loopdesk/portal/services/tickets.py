"""What a customer does to a ticket from the portal: reply (through intake), close
(mark solved) and reopen (through the tickets services, with a channel actor)."""

from django.utils.translation import gettext as _

from loopdesk.channels.intake import InboundMessage, IntakeResult, intake_message
from loopdesk.core.exceptions import ValidationFailed
from loopdesk.customers.models import Contact
from loopdesk.tickets.constants import Channel, StatusCategory
from loopdesk.tickets.events import Actor
from loopdesk.tickets.models import Ticket
from loopdesk.tickets.services import AttachmentUpload, ticket_set_status
from loopdesk.tickets.services.lifecycle import status_default


def portal_reply(
    *, ticket: Ticket, contact: Contact, text: str, attachments: list[AttachmentUpload]
) -> IntakeResult:
    """The caller has authorised the ticket (it is in the contact's portal scope). A reply
    to a closed ticket opens a follow-up ticket (intake decides)."""
    return intake_message(
        InboundMessage(
            channel=Channel.PORTAL,
            subject=ticket.subject,
            text=text,
            ticket=ticket,
            contact=contact,
            attachments=attachments,
        )
    )


def portal_ticket_close(*, ticket: Ticket, contact: Contact) -> Ticket:
    if not ticket.is_open:
        raise ValidationFailed(_("This request is already closed."), field="status")
    return ticket_set_status(
        ticket=ticket,
        status=status_default(StatusCategory.SOLVED),
        actor=Actor.channel(Channel.PORTAL, contact=contact),
    )


def portal_ticket_reopen(*, ticket: Ticket, contact: Contact) -> Ticket:
    if ticket.status_category != StatusCategory.SOLVED:
        raise ValidationFailed(_("Only a solved request can be reopened."), field="status")
    return ticket_set_status(
        ticket=ticket,
        status=status_default(StatusCategory.OPEN),
        actor=Actor.channel(Channel.PORTAL, contact=contact),
    )
