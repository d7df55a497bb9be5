"""Which ticket an inbound mail belongs to (F-03), decided in this order:

1. our signed reply address token (tamper-proof, see tokens.py);
2. In-Reply-To / References against Message-IDs we received or issued (one indexed
   lookup in EmailMessageId);
3. the subject tag `[#100234]`, but only when the sender is a participant of that ticket
   (its contact, or a contact who wrote on it): a stranger cannot join a ticket by
   typing its number;
4. otherwise a new ticket.
"""

import re
from dataclasses import dataclass

from loopdesk.core.exceptions import ValidationFailed
from loopdesk.customers.identities import normalise_email
from loopdesk.customers.models import ContactIdentity, IdentityKind
from loopdesk.tickets.constants import Direction
from loopdesk.tickets.models import Message, Ticket

from ..models import EmailMessageId, ThreadRule
from . import tokens
from .parsed import ParsedEmail

SUBJECT_TAG = re.compile(r"\[#(\d{1,18})\]")
MAX_REFERENCES = 50


@dataclass(frozen=True)
class ThreadMatch:
    ticket: Ticket | None
    rule: str  # ThreadRule


def find_thread(parsed: ParsedEmail) -> ThreadMatch:
    ticket = _by_token(parsed)
    if ticket is not None:
        return ThreadMatch(ticket, ThreadRule.TOKEN)
    ticket = _by_headers(parsed)
    if ticket is not None:
        return ThreadMatch(ticket, ThreadRule.HEADERS)
    ticket = _by_subject_tag(parsed)
    if ticket is not None:
        return ThreadMatch(ticket, ThreadRule.SUBJECT_TAG)
    return ThreadMatch(None, ThreadRule.NEW)


def recipient_addresses(parsed: ParsedEmail) -> list[str]:
    addresses = [a.address for a in (*parsed.to, *parsed.cc)]
    for header in ("delivered-to", "x-original-to", "envelope-to"):
        if parsed.headers.get(header):
            addresses.append(parsed.headers[header])
    return addresses


def _by_token(parsed: ParsedEmail) -> Ticket | None:
    number = tokens.ticket_number_from(recipient_addresses(parsed))
    if number is None:
        return None
    return Ticket.objects.filter(number=number).first()


def _by_headers(parsed: ParsedEmail) -> Ticket | None:
    # Newest first: In-Reply-To, then References from the end.
    ids = list(dict.fromkeys([*parsed.in_reply_to, *reversed(parsed.references)]))
    ids = [i[:255] for i in ids if i][:MAX_REFERENCES]
    if not ids:
        return None
    known = {
        row.msgid: row.ticket
        for row in EmailMessageId.objects.filter(msgid__in=ids).select_related("ticket")
    }
    return next((known[msgid] for msgid in ids if msgid in known), None)


def _by_subject_tag(parsed: ParsedEmail) -> Ticket | None:
    match = SUBJECT_TAG.search(parsed.subject or "")
    if match is None or not parsed.sender.address:
        return None
    ticket = Ticket.objects.filter(number=int(match.group(1))).first()
    if ticket is None:
        return None
    contact_id = sender_contact_id(parsed.sender.address)
    if contact_id is None:
        return None
    if ticket.contact_id == contact_id:
        return ticket
    wrote_on_it = Message.objects.filter(
        ticket=ticket, author_contact_id=contact_id, direction=Direction.INBOUND
    ).exists()
    return ticket if wrote_on_it else None


def sender_contact_id(address: str) -> int | None:
    try:
        value = normalise_email(address)
    except ValidationFailed:  # an address the identity rules refuse has no contact
        return None
    return (
        ContactIdentity.objects.filter(kind=IdentityKind.EMAIL, value=value)
        .values_list("contact_id", flat=True)
        .first()
    )
