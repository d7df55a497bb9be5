"""Inbound mail, from raw bytes to a ticket: the one entry of every mail path.

1. Store the raw message (InboundEmail + file) and commit, before parsing anything.
2. Parse (never raises), then classify: our own mail coming back, bounce, auto-reply.
3. Thread (threading.py) and hand an InboundMessage to the intake service.
4. Index the Message-ID, record the outcome on the InboundEmail row, acknowledge.

Bad mail ends in quarantine with the reason and its raw bytes; infrastructure errors
(database down) propagate with the row left `received`, so the caller retries.
"""

import hashlib
import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loopdesk.core.exceptions import ValidationFailed
from loopdesk.customers.models import IdentityKind
from loopdesk.tickets import events
from loopdesk.tickets.constants import MAX_ATTACHMENTS_PER_MESSAGE, Channel
from loopdesk.tickets.events import Actor
from loopdesk.tickets.models import Ticket, TicketEventType
from loopdesk.tickets.services import AttachmentUpload
from loopdesk.tickets.services.lifecycle import TicketFields

from ..intake import InboundMessage, SenderIdentity, intake_message
from ..models import (
    BouncedAddress,
    EmailMessageId,
    InboundEmail,
    InboundResult,
    InboundStatus,
    Mailbox,
    OutboundEmail,
    OutboundStatus,
    ThreadRule,
)
from .outbound import OUR_MSGID_PREFIX, loop_marker, mark_delivery, queue_acknowledgement
from .parse import parse_email
from .parsed import ParsedEmail
from .threading import find_thread, recipient_addresses

logger = logging.getLogger(__name__)

HEAD_BYTES = 64 * 1024  # what is kept of a message over the size cap


@dataclass(frozen=True)
class IngestOutcome:
    result: str  # InboundResult
    ticket_number: int | None = None
    msgid: str = ""
    reason: str = ""
    inbound_id: int | None = None

    def as_json(self) -> dict:
        return {
            "result": self.result,
            "ticket": self.ticket_number,
            "message_id": self.msgid or None,
            "reason": self.reason or None,
        }


def ingest_raw(
    raw: bytes,
    *,
    source: str,
    mailbox: Mailbox | None = None,
    imap_uid: int | None = None,
) -> IngestOutcome:
    digest = hashlib.sha256(raw).hexdigest()
    replay = (
        InboundEmail.objects.filter(sha256=digest, status=InboundStatus.PROCESSED)
        .select_related("ticket")
        .first()
    )
    if replay is not None:  # the same bytes again (a webhook retry, a re-piped file)
        return IngestOutcome(
            result=InboundResult.DUPLICATE,
            ticket_number=replay.ticket.number if replay.ticket else None,
            msgid=replay.msgid,
            reason=_("The same message was already processed."),
            inbound_id=replay.pk,
        )
    inbound = _store_raw(raw, digest=digest, source=source, mailbox=mailbox, imap_uid=imap_uid)
    if inbound.truncated:
        return _too_large(inbound, raw[:HEAD_BYTES], size=len(raw))
    return process(inbound, raw)


def reprocess(inbound_id: int) -> IngestOutcome:
    """Run a stored message through parsing and intake again (quarantine action)."""
    inbound = InboundEmail.objects.select_related("mailbox").get(pk=inbound_id)
    if inbound.status == InboundStatus.PROCESSED:
        raise ValidationFailed(_("This message was already processed."))
    with inbound.raw.open("rb") as handle:
        raw = handle.read()
    if inbound.truncated:
        return _too_large(inbound, raw, size=inbound.size, notify=False)
    return process(inbound, raw)


def discard(inbound_id: int, *, user) -> None:
    inbound = InboundEmail.objects.get(pk=inbound_id)
    if inbound.status == InboundStatus.PROCESSED:
        raise ValidationFailed(_("A processed message cannot be discarded."))
    inbound.status = InboundStatus.DISCARDED
    inbound.reason = (inbound.reason + "\n" if inbound.reason else "") + _(
        "Discarded by %(user)s."
    ) % {"user": user}
    inbound.save(update_fields=["status", "reason", "updated_at"])


def _store_raw(
    raw: bytes, *, digest: str, source: str, mailbox: Mailbox | None, imap_uid: int | None
) -> InboundEmail:
    truncated = len(raw) > settings.LOOPDESK_EMAIL_MAX_BYTES
    inbound = InboundEmail(
        mailbox=mailbox,
        source=source,
        size=len(raw),
        sha256=digest,
        truncated=truncated,
        imap_uid=imap_uid,
    )
    inbound.raw.save("raw.eml", ContentFile(raw[:HEAD_BYTES] if truncated else raw), save=False)
    inbound.save()
    return inbound


def process(inbound: InboundEmail, raw: bytes) -> IngestOutcome:
    inbound.attempts += 1
    parsed = parse_email(raw)
    inbound.msgid = parsed.message_id[:255]
    inbound.sender = parsed.sender.address[:254]
    inbound.subject = parsed.subject[:250]
    inbound.defects = (parsed.defects + parsed.charset_notes)[:50]
    try:
        return _route(inbound, parsed)
    except ValidationFailed as exc:  # intake refused what the mail says
        return _finish(inbound, InboundResult.QUARANTINED, reason=exc.message)
    except DatabaseError:
        raise  # infrastructure: the row stays `received` and the caller retries
    except Exception as exc:  # a bug must not lose the mail or loop: quarantine it
        logger.exception("mail ingest failed inbound=%s", inbound.pk)
        return _finish(
            inbound, InboundResult.QUARANTINED, reason=f"{type(exc).__name__}: {exc}"[:1000]
        )


def _route(inbound: InboundEmail, parsed: ParsedEmail) -> IngestOutcome:
    mailboxes = {m.address.lower(): m for m in Mailbox.objects.filter(is_active=True)}
    own = _own_mail_reason(parsed, mailboxes)
    if own:
        return _finish(inbound, InboundResult.AUTO_REPLY, reason=own)
    if parsed.bounce is not None:
        return _bounce(inbound, parsed)
    if parsed.auto_reply is not None:
        return _auto_reply(inbound, parsed)
    if not parsed.sender.address:
        return _finish(
            inbound, InboundResult.QUARANTINED, reason=_("The message has no usable sender.")
        )
    match = find_thread(parsed)
    ticket = match.ticket
    rule = match.rule
    if ticket is not None and ticket.status_category == "closed":
        rule = ThreadRule.FOLLOW_UP
        if settings.LOOPDESK_EMAIL_CLOSED_REPLY == "new":
            ticket, rule = None, ThreadRule.NEW
    if inbound.mailbox is None:
        inbound.mailbox = _mailbox_addressed(parsed, mailboxes)
    fields = TicketFields()
    if inbound.mailbox is not None and inbound.mailbox.default_team_id:
        fields.team = inbound.mailbox.default_team
    text, attachments = _body_and_attachments(parsed)
    result = intake_message(
        InboundMessage(
            channel=Channel.EMAIL,
            subject=parsed.subject or _("(no subject)"),
            text=text,
            html=parsed.html,
            sender=SenderIdentity(
                kind=IdentityKind.EMAIL,
                value=parsed.sender.address,
                name=parsed.sender.name,
                language=guess_language(parsed.subject, text),
            ),
            attachments=attachments,
            external_id=parsed.message_id or f"sha256:{inbound.sha256}",
            ticket=ticket,
            raw_ref=inbound.raw.name,
            fields=fields,
            channel_meta={"thread_rule": rule, "inbound": inbound.public_id.hex},
        )
    )
    if result.duplicate:
        return _finish(
            inbound,
            InboundResult.DUPLICATE,
            ticket=result.ticket,
            message=result.message,
            reason=_("A message with this Message-ID was already received."),
        )
    with transaction.atomic():  # one commit for the bookkeeping after intake
        if parsed.message_id:
            _index_msgid(parsed.message_id, ticket=result.ticket, message=result.message)
        if result.created:
            queue_acknowledgement(
                ticket=result.ticket,
                message=result.message,
                mailbox=inbound.mailbox,
                in_reply_to=parsed.message_id,
            )
        return _finish(
            inbound,
            InboundResult.CREATED if result.created else InboundResult.APPENDED,
            ticket=result.ticket,
            message=result.message,
            rule=rule if not result.created or rule == ThreadRule.FOLLOW_UP else ThreadRule.NEW,
        )


HAN = re.compile(r"[\u4e00-\u9fff]")
KANA = re.compile(r"[\u3040-\u30ff]")


def guess_language(subject: str, text: str) -> str:
    """zh-hans for mail written in Chinese, else en (the two interface languages): the
    acknowledgement and replies to a new contact then come in a language they read."""
    sample = f"{subject}\n{text[:2000]}"
    return "zh-hans" if HAN.search(sample) and not KANA.search(sample) else "en"


def _mailbox_addressed(parsed: ParsedEmail, mailboxes: dict[str, Mailbox]) -> Mailbox | None:
    """The mailbox a piped or forwarded mail was sent to (plus-tokens ignored)."""
    for address in recipient_addresses(parsed):
        local, _at, domain = (address or "").lower().rpartition("@")
        if local and (mailbox := mailboxes.get(f"{local.split('+', 1)[0]}@{domain}")):
            return mailbox
    return None


def _body_and_attachments(parsed: ParsedEmail) -> tuple[str, list[AttachmentUpload]]:
    text = parsed.text
    limit = settings.LOOPDESK_MAX_ATTACHMENT_BYTES
    uploads, skipped = [], []
    for part in parsed.attachments:
        if len(uploads) >= MAX_ATTACHMENTS_PER_MESSAGE or len(part.content) > limit:
            skipped.append(part.filename)
            continue
        uploads.append(
            AttachmentUpload(
                filename=part.filename, content=part.content, content_type=part.content_type
            )
        )
    if skipped:
        text += "\n\n" + _(
            "[Not imported (too many or too large; they are in the original message): %(names)s]"
        ) % {"names": ", ".join(skipped[:50])}
    if not text.strip() and not parsed.html.strip() and not uploads:
        text = parsed.subject or _("(empty message)")
    return text, uploads


def _index_msgid(msgid: str, *, ticket: Ticket, message) -> None:
    try:
        with transaction.atomic():
            EmailMessageId.objects.create(msgid=msgid[:255], ticket=ticket, message=message)
    except IntegrityError:
        pass  # already known (a resent copy): the first ticket keeps it


def _own_mail_reason(parsed: ParsedEmail, mailboxes: dict[str, Mailbox]) -> str:
    domain = settings.LOOPDESK_MAIL_DOMAIN.lower()
    loop = parsed.headers.get("x-loop", "").lower()
    if loop and loop_marker() in loop:
        return _("Our own mail came back (X-Loop).")
    msgid = parsed.message_id.lower()
    if msgid.startswith(OUR_MSGID_PREFIX) and msgid.endswith("@" + domain):
        return _("Our own mail came back (Message-ID).")
    if parsed.sender.address and parsed.sender.address.lower() in mailboxes:
        return _("Sent from one of our own mailboxes.")
    return ""


def _related_ticket(parsed: ParsedEmail) -> Ticket | None:
    match = find_thread(parsed)
    return match.ticket if match.rule in (ThreadRule.TOKEN, ThreadRule.HEADERS) else None


def _auto_reply(inbound: InboundEmail, parsed: ParsedEmail) -> IngestOutcome:
    ticket = _related_ticket(parsed)
    if ticket is not None:
        events.record(
            ticket=ticket,
            type=TicketEventType.EMAIL_AUTO_REPLY,
            actor=Actor.channel(Channel.EMAIL),
            changes={
                "from": [None, parsed.sender.address],
                "subject": [None, parsed.subject[:200]],
                "excerpt": [None, " ".join(parsed.text.split())[:300]],
            },
        )
    return _finish(
        inbound, InboundResult.AUTO_REPLY, ticket=ticket, reason=parsed.auto_reply.reason
    )


@transaction.atomic
def _bounce(inbound: InboundEmail, parsed: ParsedEmail) -> IngestOutcome:
    bounce = parsed.bounce
    ticket = None
    original = None
    if bounce.original_message_id:
        known = (
            EmailMessageId.objects.filter(msgid=bounce.original_message_id[:255])
            .select_related("ticket")
            .first()
        )
        ticket = known.ticket if known else None
        original = OutboundEmail.objects.filter(msgid=bounce.original_message_id[:255]).first()
    if ticket is None:
        ticket = _related_ticket(parsed)
    recipients = list(bounce.recipients) or ([original.recipient] if original else [])
    if bounce.permanent:
        for address in recipients:
            flagged, created = BouncedAddress.objects.get_or_create(
                address=address[:254],
                defaults={"status": bounce.status[:20], "diagnostic": bounce.diagnostic[:2000]},
            )
            if not created:
                flagged.count += 1
                flagged.status = bounce.status[:20]
                flagged.diagnostic = bounce.diagnostic[:2000]
                flagged.save(update_fields=["count", "status", "diagnostic", "updated_at"])
        if original is not None:
            original.status = OutboundStatus.FAILED
            original.last_error = (bounce.diagnostic or bounce.status)[:2000]
            original.save(update_fields=["status", "last_error", "updated_at"])
            if original.message_id:
                mark_delivery(original.message_id, status="bounced", error=original.last_error)
    if ticket is not None:
        events.record(
            ticket=ticket,
            type=TicketEventType.EMAIL_BOUNCED,
            actor=Actor.channel(Channel.EMAIL),
            changes={
                "recipients": [None, ", ".join(recipients)[:300]],
                "status": [None, bounce.status],
                "diagnostic": [None, bounce.diagnostic[:300]],
            },
        )
    reason = _("Delivery to %(to)s failed: %(status)s %(diagnostic)s") % {
        "to": ", ".join(recipients) or "?",
        "status": bounce.status,
        "diagnostic": bounce.diagnostic[:200],
    }
    return _finish(inbound, InboundResult.BOUNCE, ticket=ticket, reason=reason.strip())


def _too_large(inbound: InboundEmail, head: bytes, *, size: int, notify: bool = True):
    parsed = parse_email(head)
    inbound.msgid = parsed.message_id[:255]
    inbound.sender = parsed.sender.address[:254]
    inbound.subject = parsed.subject[:250]
    limit_mb = settings.LOOPDESK_EMAIL_MAX_BYTES // (1024 * 1024)
    reason = _("The message is %(size)s MB; the limit is %(limit)s MB.") % {
        "size": round(size / (1024 * 1024), 1),
        "limit": limit_mb,
    }
    outcome = _finish(inbound, InboundResult.QUARANTINED, reason=reason)
    if notify and parsed.sender.address and parsed.auto_reply is None and parsed.bounce is None:
        from .outbound import queue_too_large_notice

        queue_too_large_notice(
            to=parsed.sender.address,
            subject=parsed.subject,
            limit_mb=limit_mb,
            in_reply_to=parsed.message_id,
            mailbox=inbound.mailbox,
        )
    return outcome


def _finish(
    inbound: InboundEmail,
    result: str,
    *,
    ticket: Ticket | None = None,
    message=None,
    reason: str = "",
    rule: str = "",
) -> IngestOutcome:
    inbound.result = result
    inbound.status = (
        InboundStatus.QUARANTINED
        if result == InboundResult.QUARANTINED
        else InboundStatus.PROCESSED
    )
    inbound.reason = reason
    inbound.ticket = ticket
    inbound.message = message
    inbound.thread_rule = rule
    inbound.processed_at = timezone.now()
    inbound.save()
    if result == InboundResult.QUARANTINED:
        logger.warning("mail quarantined inbound=%s reason=%s", inbound.pk, reason[:200])
    return IngestOutcome(
        result=result,
        ticket_number=ticket.number if ticket else None,
        msgid=inbound.msgid,
        reason=reason,
        inbound_id=inbound.pk,
    )
