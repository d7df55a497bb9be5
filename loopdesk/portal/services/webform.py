"""The public web form (F-06): a request through the intake door like every channel,
spam held for review, and deflection clicks on suggested articles."""

import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils.translation import gettext as _

from loopdesk.channels.intake import InboundMessage, IntakeResult, SenderIdentity, intake_message
from loopdesk.core.exceptions import ValidationFailed
from loopdesk.customers.identities import normalise_email
from loopdesk.customers.models import Contact
from loopdesk.customers.services import contact_update
from loopdesk.tickets.constants import Channel, TicketType
from loopdesk.tickets.models import Ticket
from loopdesk.tickets.services import AttachmentUpload
from loopdesk.tickets.services.lifecycle import TicketFields

from ..mail import send_customer_mail
from ..models import DeflectionClick, HeldSubmission
from .auth import contact_by_email

logger = logging.getLogger(__name__)

FORM_SALT = "loopdesk.portal.form"
DONE_SALT = "loopdesk.portal.done"
LINK_SALT = "loopdesk.portal.suggestion"
FORM_MAX_AGE = timedelta(hours=12)
MAX_NAME = 200


# --- form tokens: CSRF-safe without cookies (the embedded form runs in a third-party
# iframe, where browsers withhold our cookies) -------------------------------------------


def form_token_new() -> tuple[str, str]:
    """(form session id, signed token) for one rendering of the form."""
    form_session = secrets.token_urlsafe(18)
    return form_session, signing.dumps({"s": form_session}, salt=FORM_SALT)


def form_token_read(token: str) -> str:
    try:
        data = signing.loads(token or "", salt=FORM_SALT, max_age=FORM_MAX_AGE)
        return str(data["s"])[:64]
    except (signing.BadSignature, KeyError, TypeError) as exc:
        raise ValidationFailed(
            _("This form has expired. Please reload the page and send it again."), field="form"
        ) from exc


def done_token(*, ticket: Ticket) -> str:
    return signing.dumps({"n": ticket.number}, salt=DONE_SALT)


def done_token_read(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=DONE_SALT, max_age=timedelta(days=1))["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def suggestion_link(*, url: str, title: str, form_session: str, query: str) -> str:
    """A signed click-through: the redirect can only lead to a suggested article."""
    return signing.dumps(
        {"u": url, "t": title[:300], "s": form_session, "q": query[:250]}, salt=LINK_SALT
    )


def suggestion_link_read(token: str) -> dict | None:
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=FORM_MAX_AGE)
    except signing.BadSignature:
        return None
    url = str(data.get("u", ""))
    # Suggestions are our own pages: a path, never another host.
    if not url.startswith("/") or url.startswith("//") or "\\" in url:
        return None
    return data


# --- submission --------------------------------------------------------------------------


def webform_submit(
    *,
    form_session: str,
    email: str,
    name: str,
    subject: str,
    description: str,
    ticket_type: str,
    custom_fields: dict,
    attachments: list[AttachmentUpload],
    contact: Contact | None = None,
    language: str = "",
) -> IntakeResult:
    """Open a request (or return the first result when the same form is sent twice:
    the form session is the message's external id, so a double click makes one ticket)."""
    if ticket_type not in TicketType.values:
        raise ValidationFailed(_("Choose a request type."), field="type")
    if not description.strip() and not attachments:
        raise ValidationFailed(_("Please describe your request."), field="description")
    sender = None
    if contact is None:
        sender = SenderIdentity(
            kind="email", value=normalise_email(email), name=name.strip()[:MAX_NAME]
        )
    channel = Channel.PORTAL if contact is not None else Channel.WEB
    new_contact = contact is None and contact_by_email(sender.value) is None
    result = intake_message(
        InboundMessage(
            channel=channel,
            subject=subject,
            text=description,
            sender=sender,
            contact=contact,
            attachments=attachments,
            external_id=f"form:{form_session}",
            strict=True,
            fields=TicketFields(type=ticket_type, custom_fields=custom_fields),
        )
    )
    if new_contact and not result.duplicate and language in dict(settings.LANGUAGES):
        # A first-time customer: later mail (replies, surveys) follows the language they
        # wrote in. An existing contact's language is theirs to keep.
        created = result.ticket.contact
        if created.language != language:
            contact_update(contact=created, language=language)
    DeflectionClick.objects.filter(form_session=form_session, submitted=False).update(
        submitted=True
    )
    if not result.duplicate:
        to = contact_email_for(contact, email)
        if to:
            ticket_id = result.ticket.pk
            transaction.on_commit(lambda: _enqueue_confirmation(ticket_id, to, language))
    return result


def contact_email_for(contact: Contact | None, typed: str) -> str:
    if contact is None:
        return normalise_email(typed)
    from .csat import contact_email

    return contact_email(contact)


def _enqueue_confirmation(ticket_id: int, email: str, language: str) -> None:
    from ..tasks import send_request_confirmation_task

    send_request_confirmation_task.enqueue(ticket_id=ticket_id, email=email, language=language)


def request_confirmation_mail(*, ticket_id: int, email: str, language: str = "") -> bool:
    """The confirmation, in the language of the form the customer just used."""
    ticket = Ticket.objects.select_related("contact").filter(pk=ticket_id).first()
    if ticket is None:
        return False
    send_customer_mail(
        to=email,
        template="request_received",
        context={"ticket": ticket, "path": f"/portal/tickets/{ticket.number}/"},
        language=language or ticket.contact.language,
        ticket_number=ticket.number,
    )
    return True


def webform_hold(*, email: str, subject: str, body: str, reason: str, ip_hash: str) -> None:
    """Keep a probable spam post for review instead of opening a ticket."""
    HeldSubmission.objects.create(
        email=(email or "")[:254],
        subject=(subject or "")[:250],
        body=(body or "")[:20_000],
        reason=reason[:50],
        ip_hash=ip_hash[:64],
    )
    logger.info("web form post held reason=%s", reason)


def deflection_click_record(*, form_session: str, url: str, title: str, query: str) -> None:
    DeflectionClick.objects.create(
        form_session=form_session[:64],
        article_url=url[:500],
        article_title=title[:300],
        query=query[:250],
    )
