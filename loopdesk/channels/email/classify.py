"""Is a parsed message automatic (auto-reply, list or bulk mail) or a bounce?

Pure functions over ``ParsedEmail`` (and, for bounces, the ``email.message.Message`` tree
the parser built). The ingest service decides what to do with the answer: never send an
acknowledgement to either, and attach a bounce to the ticket of its original Message-ID.

Auto-reply rules (first match wins, the reason names the rule):
- ``Auto-Submitted`` with any value other than ``no`` (RFC 3834);
- ``Precedence: bulk | junk | list | auto_reply``;
- ``X-Auto-Response-Suppress`` containing ``All`` (what Exchange puts on its own automatic
  mail; Zammad uses the same test; other values such as ``DR, RN`` only ask for no receipts);
- ``X-Autoreply`` / ``X-Autorespond`` / ``X-Autoresponder`` present (other than ``no``);
- ``List-Id`` or ``List-Unsubscribe`` (list and bulk mail);
- an empty ``Return-Path: <>`` (RFC 5321 null sender: DSNs and auto-replies);
- a sender such as ``mailer-daemon@``, ``postmaster@``, ``no-reply@``/``noreply@``/
  ``do-not-reply@``;
- a subject starting with an unmistakable auto-reply prefix (``Automatic reply:``,
  ``Auto-Reply:``, ``Out of Office:``, ``自动回复:`` ...); looser out-of-office wording
  (``Out of office``, ``Abwesenheitsnotiz``, ``自动答复``, ``不在席``, ``vacation``) counts
  only together with a weak hint (``X-Auto-Response-Suppress`` of any value, an Exchange
  inbox-rule loop header, an autoresponder ``X-Mailer``).

Bounce rules:
- ``multipart/report; report-type=delivery-status`` (RFC 3464): the per-recipient fields
  give recipients, status and diagnostic; ``Action: failed`` makes it a bounce.
  ``Action: delayed`` (a warning: the MTA is still trying) is NOT a bounce, and neither are
  ``delivered``/``relayed``/``expanded``; those reports are auto-replies only.
  ``permanent`` is true for 5.x.x statuses, false for 4.x.x.
- vendor bounces without a DSN (qmail, Exim, Postfix, Exchange, QQ/163/Aliyun "退信"):
  only when the sender is a mail system (mailer-daemon, postmaster, an empty Return-Path,
  or a "Mail Delivery System" display name) and the subject or body reads like a bounce.
  Recipients, status and the original Message-ID are then read from the text.
"""

from __future__ import annotations

import re
from email.message import Message

from loopdesk.channels.email.parsed import AutoReply, Bounce, ParsedEmail

_SYSTEM_LOCALS = {
    "mailer-daemon": "mailer-daemon",
    "mailerdaemon": "mailer-daemon",
    "postmaster": "postmaster",
    "noreply": "no-reply",
    "no-reply": "no-reply",
    "no_reply": "no-reply",
    "donotreply": "no-reply",
    "do-not-reply": "no-reply",
    "do_not_reply": "no-reply",
    "dontreply": "no-reply",
    "mail-daemon": "mailer-daemon",
}
_DAEMON_LOCALS = {
    "mailer-daemon",
    "mailerdaemon",
    "postmaster",
    "mail-daemon",
    "mdaemon",
    "bounce",
    "bounces",
}
_DAEMON_NAMES = re.compile(
    r"(?i)mail delivery (sub)?system|mail delivery subsystem|mailer[- ]daemon|postmaster|"
    r"系统退信|退信|邮件系统|mail system|网易邮件中心"
)

_STRONG_SUBJECT = re.compile(
    r"(?i)^\s*(automatic reply|auto-?reply|autoreply|auto response|autoresponse|auto-response|"
    r"out of (?:the )?office(?: auto-?reply)?|自动回复|自動回覆|自動回复|自动答复|自動応答|自動返信|자동 ?응답|"
    r"abwesenheitsnotiz|r[ée]ponse automatique|respuesta autom[aá]tica|resposta autom[aá]tica|"
    r"risposta automatica|automatisch antwoord|automatische antwort|autosvar|автоответ)\s*[:：]"
)
_WEAK_SUBJECT = re.compile(
    r"(?i)out of (the )?office|abwesenheitsnotiz|abwesend|自动答复|自动回复|不在席|不在のお知らせ|休暇|"
    r"vacation|on leave|away from (the )?office|automatic reply|自動回覆|休假"
)
# Vendor headers whose presence (any value but "no") marks an autoresponder.
_AUTORESPONDER_HEADERS = (
    "x-autoreply",
    "x-autorespond",
    "x-autoresponder",
    "x-autoreply-from",
    "x-mail-autoreply",
)
_AUTORESPONDER_MAILER = re.compile(r"(?i)vacation|autorespond|auto-?reply|out of office")

_BOUNCE_SUBJECT = re.compile(
    r"(?i)undeliver|delivery status notification|delivery (has )?failed|delivery failure|failure notice|"
    r"mail delivery failed|returned mail|returned to sender|non-?delivery|could not be delivered|"
    r"delivery notification|mail system error|系统退信|退信|投递失败|发送失败|邮件被退回|无法传递|无法送达|"
    r"未送达|無法傳遞|無法送達|配信不能|配送不能|"
    r"unzustellbar|nicht zustellbar"
)
_BOUNCE_BODY = re.compile(
    r"(?i)this is the qmail-send program|i'm afraid i wasn't able to deliver|"
    r"this message was created automatically by mail delivery software|"
    r"could not be delivered to one or more of its recipients|this is the mail system at host|"
    r"i'm sorry to have to inform you that your message could not|delivery to the following recipients? failed|"
    r"your message (couldn't|could not|wasn't|was not) (be )?delivered|the following addresse?s? (had|failed)|"
    r"delivery has failed to these recipients|address not found|user unknown|mailbox unavailable|"
    r"很抱歉您发送的邮件被退回|此邮件是系统自动生成的退信|邮件无法投递|投递失败|无法送达|发送失败|退信"
)
_DELAY_BODY = re.compile(
    r"(?i)delivery (is )?delayed|will retry|has not yet been delivered|still trying|暂时无法|延迟"
)

_STATUS = re.compile(r"(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.])")
_SMTP_CODE = re.compile(r"(?<!\d)([45]\d\d)[ -](?=\S)")
_EMAIL = re.compile(
    r"[A-Za-z0-9._%+\-=#!$&'*/?^`{|}~]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9\-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9\-]{1,63})+"
)
_MSGID_IN_TEXT = re.compile(
    r"(?i)message-id:[ \t]*(?:<([^<>\s]{3,250})>|([^<>\s]{1,250}@[^<>\s]{1,250}))"
)
_ID_WORD = re.compile(r"(?i)(message-id|references|in-reply-to)\s*:")
_LABELED_RCPT = re.compile(
    r"(?im)(?:收件人|收信人|接收人|recipient|original recipient|final recipient)(?:地址|address)?\s*[:：]\s*"
    r"(?:rfc822\s*;\s*)?<?([^\s<>;,]+@[^\s<>;,]+)"
)
_QMAIL_RCPT = re.compile(r"(?m)^<([^<>\s]+@[^<>\s]+)>:")
_EXIM_RCPT = re.compile(r"(?m)^[ \t]{2,}([^\s<>@]+@[^\s<>]+)")
_ANGLE_RCPT = re.compile(r"<([^<>\s]+@[^<>\s]+)>")
_TOKEN_END = re.compile(r"[\s;(]")
_NOREPLY_PREFIX = re.compile(r"(no|do-?not|dont)[-_.]?reply[-_.+].*")
_ALL_WORD = re.compile(r"(?i)\ball\b")


def detect_auto_reply(parsed: ParsedEmail) -> AutoReply | None:
    h = parsed.headers

    auto_submitted = _first_token(h.get("auto-submitted", ""))
    if auto_submitted and auto_submitted != "no":
        return AutoReply(reason=f"Auto-Submitted: {auto_submitted}")

    precedence = _first_token(h.get("precedence", ""))
    if precedence in {"bulk", "junk", "list", "auto_reply", "auto-reply"}:
        return AutoReply(reason=f"Precedence: {precedence}")

    suppress = h.get("x-auto-response-suppress", "")
    if _ALL_WORD.search(suppress):
        return AutoReply(reason="X-Auto-Response-Suppress: All")

    for name in _AUTORESPONDER_HEADERS:
        value = h.get(name)
        if value is not None and _first_token(value) not in {"no", "false", "0"}:
            return AutoReply(reason=f"{_title(name)}: {value[:40]}".rstrip(": "))
    if _first_token(h.get("x-autogenerated", "")) == "reply":  # not "Forward": a person's mail
        return AutoReply(reason="X-Autogenerated: Reply")
    if _first_token(h.get("x-precedence", "")) in {"bulk", "junk", "list", "auto_reply"}:
        return AutoReply(reason=f"X-Precedence: {_first_token(h['x-precedence'])}")
    if "autoresponder" in h.get("x-post-messageclass", "").lower():
        return AutoReply(reason="X-POST-MessageClass: Autoresponder")
    if _first_token(h.get("x-fc-machinegenerated", "")) == "true":
        return AutoReply(reason="X-FC-MachineGenerated: true")

    if h.get("list-id"):
        return AutoReply(reason="List-Id (mailing list)")
    if h.get("list-unsubscribe"):
        return AutoReply(reason="List-Unsubscribe (bulk mail)")

    if parsed.return_path == "":
        return AutoReply(reason="Return-Path: <> (null sender)")

    system = _system_sender(parsed.sender.address)
    if system:
        return AutoReply(reason=f"sender: {system}")

    subject = parsed.subject
    strong = _STRONG_SUBJECT.match(subject)
    if strong:
        return AutoReply(reason=f"subject: {strong.group(1)}")
    if _WEAK_SUBJECT.search(subject) and _weak_header_hint(h):
        return AutoReply(reason="subject: out of office, with an autoresponder header")

    if parsed.headers.get("content-type", "").lower().startswith("multipart/report"):
        return AutoReply(reason="delivery or read report")
    return None


def detect_bounce(parsed: ParsedEmail, raw_message: Message | None = None) -> Bounce | None:
    """A failed-delivery notification, or None (delays and success reports are not bounces)."""
    original_id = ""
    reports: list[Message] = []
    enclosed: list[Message] = []
    header_texts: list[str] = []
    if raw_message is not None:
        _collect(raw_message, reports, enclosed, header_texts, 0)

    for inner in enclosed:
        original_id = _id_from_headers(inner)
        if original_id:
            break
    if not original_id:
        for text in header_texts:
            original_id = _id_from_text(text, parsed.message_id)
            if original_id:
                break

    if reports:
        return _bounce_from_dsn(reports, parsed, original_id)
    return _bounce_from_text(parsed, original_id)


def _bounce_from_dsn(
    reports: list[Message], parsed: ParsedEmail, original_id: str
) -> Bounce | None:
    failed: list[tuple[str, str, str]] = []  # (recipient, status, diagnostic)
    for report in reports:
        for block in _dsn_blocks(report):
            action = _first_token(block.get("action", ""))
            recipient = _recipient(
                block.get("final-recipient") or block.get("original-recipient", "")
            )
            if not action and not recipient:
                continue  # the per-message block
            status = _status(block.get("status", ""))
            diagnostic = re.sub(r"(?i)^smtp\s*;\s*", "", block.get("diagnostic-code", ""))
            if action == "failed" or (not action and status.startswith("5")):
                failed.append((recipient, status, diagnostic))
    if not failed:
        return None
    statuses = [s for _, s, _ in failed if s]
    status = statuses[0] if statuses else "5.0.0"
    if not original_id:
        original_id = _id_from_text(parsed.text, parsed.message_id)
    recipients = tuple(dict.fromkeys(r for r, _, _ in failed if r))
    if not recipients:
        recipients = tuple(_failed_recipients_header(parsed))
    return Bounce(
        original_message_id=original_id,
        recipients=recipients,
        status=status,
        permanent=status.startswith("5"),
        diagnostic=next((d for _, _, d in failed if d), "")[:500],
    )


def _bounce_from_text(parsed: ParsedEmail, original_id: str) -> Bounce | None:
    if not _from_mail_system(parsed):
        return None
    text = parsed.text or ""
    head = text[:20_000]
    subject_hit = bool(_BOUNCE_SUBJECT.search(parsed.subject))
    body_hit = bool(_BOUNCE_BODY.search(head))
    if not (subject_hit or body_hit):
        return None
    if _DELAY_BODY.search(parsed.subject) or (
        _DELAY_BODY.search(head[:3000])
        and not re.search(r"(?i)permanent|failed|gave up|giving up|退信", head[:3000])
    ):
        return None  # a delay warning, not a failure

    recipients = list(_failed_recipients_header(parsed))
    # Quoted original headers carry Message-IDs that look like addresses: not recipients.
    scan = "\n".join(line for line in head[:8000].splitlines() if not _ID_WORD.search(line))
    for pattern in (_LABELED_RCPT, _QMAIL_RCPT, _EXIM_RCPT, _ANGLE_RCPT):
        for m in pattern.finditer(scan):
            addr = m.group(1).strip().strip(".,;:").lower()
            if _EMAIL.fullmatch(addr) and addr not in recipients and addr != parsed.sender.address:
                recipients.append(addr)
        if recipients:
            break
    if not recipients:
        for m in _EMAIL.finditer(scan[:4000]):
            addr = m.group(0).lower()
            if (
                addr != parsed.sender.address
                and not _system_sender(addr)
                and addr not in recipients
            ):
                recipients.append(addr)
            if len(recipients) >= 5:
                break

    status = ""
    m = _STATUS.search(head)
    if m:
        status = m.group(0)
    else:
        code = _SMTP_CODE.search(head)
        if code:
            status = f"{code.group(1)[0]}.0.0"
    if not status:
        status = "5.0.0"
    if not original_id:
        original_id = _id_from_text(text, parsed.message_id)
    return Bounce(
        original_message_id=original_id,
        recipients=tuple(recipients[:20]),
        status=status,
        permanent=status.startswith("5"),
        diagnostic=_diagnostic_line(head),
    )


# --- helpers --------------------------------------------------------------------------


def _collect(part: Message, reports: list, enclosed: list, header_texts: list, depth: int) -> None:
    if depth > 10:
        return
    ctype = _ctype(part)
    payload = getattr(part, "_payload", None)
    if ctype in ("message/delivery-status", "message/global-delivery-status"):
        reports.append(part)
        return
    if ctype in ("message/rfc822", "message/global", "message/global-headers") and isinstance(
        payload, list
    ):
        enclosed.extend(p for p in payload[:1] if isinstance(p, Message))
        return
    if ctype in ("text/rfc822-headers", "text/global-headers") and isinstance(payload, str):
        header_texts.append(_decode_part_text(part))
        return
    if isinstance(payload, list):
        for child in payload[:50]:
            if isinstance(child, Message):
                _collect(child, reports, enclosed, header_texts, depth + 1)


def _ctype(part: Message) -> str:
    from loopdesk.channels.email.parse import _content_type  # the parser's cached reading

    return _content_type(part)


def _decode_part_text(part: Message) -> str:
    try:
        data = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001
        data = None
    if not isinstance(data, bytes):
        raw = getattr(part, "_payload", "")
        data = str(raw).encode("utf-8", "surrogateescape")
    return data[:200_000].decode("utf-8", "replace")


def _dsn_blocks(report: Message) -> list[dict[str, str]]:
    """The field groups of a delivery-status part, as {lower-case name: value}. The
    parser splits message/delivery-status into header blocks; anything it left as text
    (message/global-delivery-status, odd blank lines) is split here."""
    payload = getattr(report, "_payload", None)
    blocks: list[dict[str, str]] = []
    texts: list[str] = []
    if isinstance(payload, list):
        for block in payload:
            if not isinstance(block, Message):
                continue
            blocks.append({k.strip().lower(): _text(v) for k, v in block.raw_items()})
            if isinstance(getattr(block, "_payload", None), str):
                texts.append(block._payload)  # noqa: SLF001
    elif isinstance(payload, str):
        texts.append(payload)
    for text in texts:
        text = _text(text, keep_lines=True)
        for chunk in re.split(r"\n[ \t]*\n", re.sub(r"\r\n?", "\n", text)):
            fields: dict[str, str] = {}
            for line in re.sub(r"\n[ \t]+", " ", chunk).split("\n"):
                name, sep, value = line.partition(":")
                if sep and name.strip():
                    fields.setdefault(name.strip().lower(), _clean(value))
            if fields:
                blocks.append(fields)
    return blocks


def _text(value, keep_lines: bool = False) -> str:
    """A raw compat32 value (surrogate-escaped str) as text; UTF-8 assumed (RFC 6533)."""
    raw = str(value).encode("utf-8", "surrogateescape")[:200_000]
    text = raw.decode("utf-8", "replace")
    return text if keep_lines else _clean(text)


def _clean(value: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[\x00-\x1f\x7f]", " ", value)).strip()[:1000]


def _recipient(value: str) -> str:
    """``rfc822; a@b`` -> ``a@b``."""
    if not value:
        return ""
    _, sep, addr = value.partition(";")
    addr = (addr if sep else value).strip().strip("<>").strip().lower()
    return addr if re.fullmatch(r"[^\s@<>]{1,64}@[^\s@<>]{1,255}", addr) else ""


def _status(value: str) -> str:
    m = _STATUS.search(value or "")
    return m.group(0) if m else ""


def _id_from_headers(msg: Message) -> str:
    value = msg.get("message-id")
    if value is None:
        return ""
    text = str(value).encode("ascii", "surrogateescape").decode("ascii", "replace")
    m = re.search(r"<([^<>\s]{3,250})>", text)
    if m:
        return m.group(1)
    text = text.strip()
    return text[:250] if text and " " not in text else ""


def _id_from_text(text: str, own_id: str) -> str:
    for m in _MSGID_IN_TEXT.finditer(text or ""):
        value = (m.group(1) or m.group(2) or "").strip("<>")
        if value and value != own_id:
            return value
    return ""


def _failed_recipients_header(parsed: ParsedEmail) -> list[str]:
    value = parsed.headers.get("x-failed-recipients", "")
    return [m.group(0).lower() for m in _EMAIL.finditer(value)]


_DIAGNOSTIC = re.compile(
    r"(?i)^(\d{3}[ -]|.*\bsaid:|remote server returned|diagnostic|.*smtp error|退信原因|原因|reason)"
)


def _diagnostic_line(text: str) -> str:
    for line in text.splitlines()[:200]:
        stripped = line.strip()
        if _STATUS.search(stripped) or _DIAGNOSTIC.match(stripped):
            return stripped[:500]
    return ""


def _from_mail_system(parsed: ParsedEmail) -> bool:
    if parsed.return_path == "":
        return True
    local = parsed.sender.address.split("@", 1)[0]
    if local in _DAEMON_LOCALS:
        return True
    return bool(parsed.sender.name and _DAEMON_NAMES.search(parsed.sender.name))


def _system_sender(address: str) -> str:
    local = address.split("@", 1)[0].lower()
    if local in _SYSTEM_LOCALS:
        return _SYSTEM_LOCALS[local]
    if _NOREPLY_PREFIX.fullmatch(local):
        return "no-reply"
    return ""


def _weak_header_hint(h: dict[str, str]) -> bool:
    if "x-auto-response-suppress" in h or "x-ms-exchange-inbox-rules-loop" in h:
        return True
    if h.get("x-ms-exchange-generated-message-source"):
        return True
    mailer = f"{h.get('x-mailer', '')} {h.get('user-agent', '')}"
    return bool(_AUTORESPONDER_MAILER.search(mailer))


def _first_token(value: str) -> str:
    return _TOKEN_END.split(value.strip().lower(), maxsplit=1)[0] if value.strip() else ""


def _title(name: str) -> str:
    return "-".join(p.capitalize() for p in name.split("-"))
