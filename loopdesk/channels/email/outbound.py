"""Outbound mail (F-05): every mail about a ticket is an OutboundEmail row, queued as a
task after commit and delivered by `deliver()` through the mailbox's SMTP server (or
Django's EMAIL_BACKEND), with retries.

Threading: Message-ID at our domain (random part: unguessable), In-Reply-To/References
from the ticket's thread index, `[#number]` in the subject and a signed Reply-To.
Loop protection: automatic mail (acknowledgements, notices, notifications) carries
Auto-Submitted and X-Auto-Response-Suppress, is capped per recipient and per ticket, and
never goes to an address that bounced.
"""

import logging
import re
import secrets
from datetime import timedelta
from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape, linebreaks

from loopdesk.tickets import events
from loopdesk.tickets.constants import Channel
from loopdesk.tickets.events import Actor
from loopdesk.tickets.models import Message, Ticket, TicketEventType

from ..models import (
    BouncedAddress,
    EmailMessageId,
    InboundEmail,
    Mailbox,
    OutboundEmail,
    OutboundKind,
    OutboundStatus,
)
from . import tokens

logger = logging.getLogger(__name__)

OUR_MSGID_PREFIX = "loopdesk."
NO_MAIL_CHANNELS = (Channel.CHAT, Channel.WECHAT)  # their adapters deliver replies
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def loop_marker() -> str:
    return f"loopdesk@{settings.LOOPDESK_MAIL_DOMAIN}".lower()


def new_msgid(ticket_number: int | None) -> str:
    number = ticket_number if ticket_number is not None else 0
    return f"{OUR_MSGID_PREFIX}{number}.{secrets.token_hex(8)}@{settings.LOOPDESK_MAIL_DOMAIN}"


def one_line(text: str, limit: int = 250) -> str:
    return " ".join(CONTROL.sub(" ", text or "").split())[:limit]


def address_header(name: str, address: str) -> str:
    """A safe "Name <addr>": a name with CR/LF, commas or quotes never adds a recipient."""
    return formataddr((one_line(name, 100), address))


def mailbox_for(ticket: Ticket | None) -> Mailbox | None:
    if ticket is not None:
        inbound = (
            InboundEmail.objects.filter(ticket=ticket, mailbox__is_active=True)
            .select_related("mailbox")
            .order_by("-id")
            .first()
        )
        if inbound is not None:
            return inbound.mailbox
        if ticket.team_id:
            by_team = Mailbox.objects.filter(is_active=True, default_team_id=ticket.team_id)
            if mailbox := by_team.order_by("id").first():
                return mailbox
    return Mailbox.objects.filter(is_active=True).order_by("id").first()


def _from_header(mailbox: Mailbox | None) -> str:
    if mailbox is None:
        return settings.DEFAULT_FROM_EMAIL
    return address_header(mailbox.from_name or mailbox.name, mailbox.address)


def _reply_to(mailbox: Mailbox | None, ticket: Ticket) -> str:
    address = mailbox.address if mailbox else settings.DEFAULT_FROM_EMAIL.rpartition("<")[2]
    return tokens.reply_address(address.strip(">"), ticket.number)


def _thread(ticket: Ticket) -> tuple[str, str]:
    rows = list(
        EmailMessageId.objects.filter(ticket=ticket)
        .order_by("-id")
        .values_list("msgid", "outbound")[:20]
    )
    inbound = [m for m, out in rows if not out]
    in_reply_to = inbound[0] if inbound else (rows[0][0] if rows else "")
    references = " ".join(f"<{m}>" for m, _out in reversed(rows))
    return (f"<{in_reply_to}>" if in_reply_to else ""), references


def mark_delivery(message_id: int | None, *, status: str, error: str = "") -> None:
    """Show the delivery state with the ticket message (channel_meta, no extra query)."""
    if not message_id:
        return
    message = Message.objects.filter(pk=message_id).only("channel_meta").first()
    if message is None:
        return
    meta = dict(message.channel_meta or {})
    meta["delivery"] = status
    meta["delivery_error"] = error[:300]
    Message.objects.filter(pk=message_id).update(channel_meta=meta)


# --- queueing ---------------------------------------------------------------------------


def _create(
    *,
    kind: str,
    to: str,
    subject: str,
    ticket: Ticket | None = None,
    message: Message | None = None,
    mailbox: Mailbox | None = None,
    automatic: bool,
    in_reply_to: str = "",
    references: str = "",
) -> OutboundEmail:
    outbound = OutboundEmail.objects.create(
        ticket=ticket,
        message=message,
        mailbox=mailbox,
        kind=kind,
        automatic=automatic,
        recipient=to.lower()[:254],
        to=[to],
        subject=one_line(subject, 300),
        msgid=new_msgid(ticket.number if ticket else None),
        in_reply_to=in_reply_to[:255],
        references=references,
    )
    if ticket is not None:
        EmailMessageId.objects.create(
            msgid=outbound.msgid, ticket=ticket, message=message, outbound=True
        )
    suppressed = _suppression(outbound) if automatic else ""
    if suppressed:
        outbound.status = OutboundStatus.SUPPRESSED
        outbound.last_error = suppressed
        outbound.save(update_fields=["status", "last_error", "updated_at"])
        logger.info("automatic mail suppressed id=%s reason=%s", outbound.pk, suppressed)
    else:
        transaction.on_commit(lambda: _enqueue(outbound.pk))
    return outbound


def _suppression(outbound: OutboundEmail) -> str:
    if BouncedAddress.objects.filter(address=outbound.recipient, permanent=True).exists():
        return "recipient address bounced"
    since = timezone.now() - timedelta(hours=1)
    recent = (
        OutboundEmail.objects.filter(automatic=True, created_at__gte=since)
        .exclude(status=OutboundStatus.SUPPRESSED)
        .exclude(pk=outbound.pk)
    )
    # Bounded counts (LIMIT cap): a storm never makes the check itself expensive.
    cap = settings.LOOPDESK_EMAIL_AUTO_PER_RECIPIENT_HOUR
    if len(recent.filter(recipient=outbound.recipient).values_list("pk")[:cap]) >= cap:
        return f"more than {cap} automatic mails to this recipient in an hour"
    cap = settings.LOOPDESK_EMAIL_AUTO_PER_TICKET_HOUR
    per_ticket = recent.filter(ticket_id=outbound.ticket_id).values_list("pk")[:cap]
    if outbound.kind != OutboundKind.ACK and outbound.ticket_id and len(per_ticket) >= cap:
        return f"more than {cap} automatic mails for this ticket in an hour"
    return ""


def _enqueue(outbound_id: int, *, run_after=None) -> None:
    from ..tasks import send_email_task

    task = send_email_task if run_after is None else send_email_task.using(run_after=run_after)
    task.enqueue(outbound_id=outbound_id)


def queue_reply(*, message_id: int) -> OutboundEmail | None:
    """An agent's public reply, to the ticket's contact."""
    message = Message.objects.select_related("ticket", "ticket__contact").get(pk=message_id)
    ticket = message.ticket
    contact = ticket.contact
    if ticket.channel in NO_MAIL_CHANNELS:
        return None
    if not contact.primary_email:
        mark_delivery(message.pk, status="no_address")
        return None
    if OutboundEmail.objects.filter(message=message, kind=OutboundKind.REPLY).exists():
        return None  # a hook retry must not send twice
    in_reply_to, references = _thread(ticket)
    mailbox = mailbox_for(ticket)
    mark_delivery(message.pk, status="queued")  # before: outside a transaction it sends now
    return _create(
        kind=OutboundKind.REPLY,
        to=contact.primary_email,
        subject=f"Re: [#{ticket.number}] {ticket.subject}",
        ticket=ticket,
        message=message,
        mailbox=mailbox,
        automatic=False,
        in_reply_to=in_reply_to,
        references=references,
    )


def queue_acknowledgement(
    *, ticket: Ticket, message: Message, mailbox: Mailbox | None, in_reply_to: str
) -> OutboundEmail | None:
    """The receipt with the ticket number, for a new ticket from a (non-automatic) mail,
    threaded under the customer's message."""
    contact = message.author_contact or ticket.contact  # intake's objects: no refetch
    if not contact.primary_email:
        return None
    with translation.override(contact.language or settings.LANGUAGE_CODE):
        subject = render_to_string("channels/emails/ack.subject.txt", {"ticket": ticket}).strip()
    reference = f"<{in_reply_to}>" if in_reply_to else ""
    return _create(
        kind=OutboundKind.ACK,
        to=contact.primary_email,
        subject=subject,
        ticket=ticket,
        message=message,
        mailbox=mailbox or mailbox_for(ticket),
        automatic=True,
        in_reply_to=reference,
        references=reference,
    )


def queue_too_large_notice(
    *, to: str, subject: str, limit_mb: int, in_reply_to: str, mailbox: Mailbox | None
) -> OutboundEmail:
    with translation.override(settings.LANGUAGE_CODE):
        title = render_to_string(
            "channels/emails/too_large.subject.txt", {"subject": one_line(subject, 150)}
        ).strip()
    return _create(
        kind=OutboundKind.NOTICE,
        to=to,
        subject=title,
        mailbox=mailbox,
        automatic=True,
        in_reply_to=f"<{in_reply_to}>" if in_reply_to else "",
    )


def queue_assignment_notice(*, ticket_id: int, user_id: int) -> OutboundEmail | None:
    from loopdesk.accounts.models import User

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email or not user.notify_assigned:
        return None
    ticket = Ticket.objects.get(pk=ticket_id)
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = render_to_string(
            "channels/emails/assigned.subject.txt", {"ticket": ticket}
        ).strip()
    return _create(
        kind=OutboundKind.NOTIFICATION,
        to=user.email,
        subject=subject,
        ticket=ticket,
        automatic=True,
    )


def resend(*, outbound_id: int) -> OutboundEmail:
    """Queue a failed mail again (the agent's "resend" action)."""
    outbound = OutboundEmail.objects.get(pk=outbound_id)
    if outbound.status not in (OutboundStatus.FAILED, OutboundStatus.SUPPRESSED):
        return outbound
    OutboundEmail.objects.filter(pk=outbound.pk).update(
        status=OutboundStatus.QUEUED, attempts=0, last_error=""
    )
    mark_delivery(outbound.message_id, status="queued")
    transaction.on_commit(lambda: _enqueue(outbound.pk))
    outbound.refresh_from_db()
    return outbound


# --- delivery ---------------------------------------------------------------------------


def deliver(*, outbound_id: int) -> str:
    """Send one queued mail. Claimed by a conditional UPDATE, so two workers never both
    send it; a failure is retried later (backoff) up to LOOPDESK_EMAIL_SEND_ATTEMPTS."""
    claimed = OutboundEmail.objects.filter(pk=outbound_id, status=OutboundStatus.QUEUED).update(
        status=OutboundStatus.SENDING, attempts=F("attempts") + 1
    )
    outbound = (
        OutboundEmail.objects.select_related("ticket", "ticket__contact", "message", "mailbox")
        .filter(pk=outbound_id)
        .first()
    )
    if outbound is None or not claimed:
        return outbound.status if outbound else "missing"
    try:
        mail = build(outbound)
        connection = _connection(outbound.mailbox)
        mail.connection = connection
        mail.send()
    except Exception as exc:  # noqa: BLE001 - any transport error is retried or shown
        return _failed(outbound, exc)
    OutboundEmail.objects.filter(pk=outbound.pk).update(
        status=OutboundStatus.SENT, sent_at=timezone.now(), last_error=""
    )
    mark_delivery(outbound.message_id, status="sent")
    logger.info("mail sent id=%s kind=%s ticket=%s", outbound.pk, outbound.kind, outbound.ticket_id)
    return OutboundStatus.SENT


def _connection(mailbox: Mailbox | None):
    if mailbox is not None and mailbox.smtp_host:
        from .transport import smtp_connection

        connection = smtp_connection(mailbox)
        if connection is not None:
            return connection
    return get_connection()


def _failed(outbound: OutboundEmail, exc: Exception) -> str:
    from .transport import mailbox_secrets, scrub

    secrets = [settings.EMAIL_HOST_PASSWORD]
    if outbound.mailbox is not None:
        secrets += mailbox_secrets(outbound.mailbox)
    error = scrub(f"{type(exc).__name__}: {exc}", secrets)[:1000]
    retry = outbound.attempts < settings.LOOPDESK_EMAIL_SEND_ATTEMPTS and _can_defer()
    status = OutboundStatus.QUEUED if retry else OutboundStatus.FAILED
    OutboundEmail.objects.filter(pk=outbound.pk).update(status=status, last_error=error)
    logger.warning("mail send failed id=%s attempt=%s: %s", outbound.pk, outbound.attempts, error)
    if retry:
        delay = timedelta(minutes=2 ** min(outbound.attempts, 6))
        _enqueue(outbound.pk, run_after=timezone.now() + delay)
        return OutboundStatus.QUEUED
    mark_delivery(outbound.message_id, status="failed", error=error)
    if outbound.ticket_id and outbound.kind == OutboundKind.REPLY:
        events.record(
            ticket=outbound.ticket,
            type=TicketEventType.EMAIL_DELIVERY_FAILED,
            actor=Actor.channel(Channel.EMAIL),
            message=outbound.message,
            changes={"to": [None, outbound.recipient], "error": [None, error[:300]]},
        )
    return OutboundStatus.FAILED


def _can_defer() -> bool:
    from django_tasks import default_task_backend

    return bool(getattr(default_task_backend, "supports_defer", False))


def build(outbound: OutboundEmail) -> EmailMultiAlternatives:
    ticket = outbound.ticket
    headers = {
        "Message-ID": f"<{outbound.msgid}>",
        "X-Loop": loop_marker(),
    }
    if outbound.in_reply_to:
        headers["In-Reply-To"] = outbound.in_reply_to
    if outbound.references:
        headers["References"] = outbound.references
    if outbound.automatic:
        headers["Auto-Submitted"] = (
            "auto-generated" if outbound.kind == OutboundKind.NOTIFICATION else "auto-replied"
        )
        headers["X-Auto-Response-Suppress"] = "All"
    reply_to = []
    if ticket is not None:
        headers["X-Loopdesk-Ticket"] = str(ticket.number)
        if outbound.kind != OutboundKind.NOTIFICATION:
            reply_to = [_reply_to(outbound.mailbox, ticket)]
    text, html, attachments = _content(outbound)
    mail = EmailMultiAlternatives(
        subject=one_line(outbound.subject, 300),
        body=text,
        from_email=_from_header(outbound.mailbox),
        to=list(outbound.to),
        cc=list(outbound.cc or []),
        reply_to=reply_to,
        headers=headers,
    )
    if html:
        mail.attach_alternative(html, "text/html")
    for name, content, content_type in attachments:
        mail.attach(name, content, content_type)
    return mail


def _content(outbound: OutboundEmail) -> tuple[str, str, list]:
    ticket = outbound.ticket
    message = outbound.message
    language = settings.LANGUAGE_CODE
    if ticket is not None and outbound.kind != OutboundKind.NOTIFICATION:
        language = ticket.contact.language or language
    context = {
        "ticket": ticket,
        "message": message,
        "url": f"{settings.BASE_URL}/tickets/{ticket.number}/" if ticket else "",
        "limit_mb": settings.LOOPDESK_EMAIL_MAX_BYTES // (1024 * 1024),
    }
    attachments = []
    with translation.override(language):
        if outbound.kind == OutboundKind.REPLY and message is not None:
            text = render_to_string("channels/emails/reply.txt", context)
            body_html = message.body_html or linebreaks(escape(message.body_text))
            html = render_to_string("channels/emails/reply.html", {**context, "body": body_html})
            for attachment in message.attachments.all():
                with attachment.file.open("rb") as handle:
                    attachments.append(
                        (attachment.filename, handle.read(), attachment.content_type)
                    )
            return text, html, attachments
        template = {
            OutboundKind.ACK: "channels/emails/ack.txt",
            OutboundKind.NOTICE: "channels/emails/too_large.txt",
            OutboundKind.NOTIFICATION: "channels/emails/assigned.txt",
        }.get(outbound.kind, "channels/emails/ack.txt")
        return render_to_string(template, context), "", []
