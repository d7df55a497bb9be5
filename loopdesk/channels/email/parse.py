"""RFC 822/MIME bytes -> ``ParsedEmail``. Never raises.

Built on the standard library's ``email`` package with the ``compat32`` policy: it keeps
header values raw (8-bit bytes as surrogate escapes) and tolerates broken headers, so all
decoding of words, names, charsets and transfer encodings is done here, where every
failure becomes a defect or a replacement character instead of an exception.
"""

from __future__ import annotations

import binascii
import email.message
import email.utils
import html as html_lib
import io
import mimetypes
import quopri
import re
from dataclasses import dataclass, field
from datetime import UTC
from email.generator import BytesGenerator
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32

from loopdesk.channels.email import charsets, classify
from loopdesk.channels.email.parsed import Address, AutoReply, ParsedAttachment, ParsedEmail

MAX_DEPTH = 30  # nesting of multiparts and message/rfc822
MAX_PARTS = 500  # MIME parts walked per message
MAX_ADDRESSES = 200  # per address header (To, Cc, Reply-To)
MAX_REFERENCES = 50
MAX_ID_LENGTH = 250
MAX_SUBJECT = 1000
MAX_HEADER_VALUE = 2000
MAX_RAW_HEADER = 64 * 1024  # bytes of one header value that are decoded
MAX_DEFECTS = 50
MAX_FILENAME = 200
MAX_TEXT_BYTES = 4 * 1024 * 1024  # per text part

# Headers copied into ParsedEmail.headers (lower-cased names); any x-loopdesk-* too.
KEPT_HEADERS = frozenset(
    {
        "auto-submitted",
        "precedence",
        "x-auto-response-suppress",
        "x-autoreply",
        "x-autorespond",
        "x-autoresponder",
        "x-loop",
        "list-id",
        "list-unsubscribe",
        "list-post",
        "return-path",
        "x-failed-recipients",
        "x-mailer",
        "user-agent",
        "content-type",
        "sender",
        "delivered-to",
        "x-original-to",
        "thread-index",
        "thread-topic",
        "x-ms-exchange-inbox-rules-loop",
        "x-ms-exchange-generated-message-source",
        "x-spam-flag",
        "x-spam-status",
        "x-spam-score",
        "feedback-id",
        "x-mailgun-sid",
        "x-report-abuse",
        "importance",
        "x-priority",
        "organization",
    }
)
# Headers where every occurrence matters: values joined with ", ".
_JOINED_HEADERS = frozenset({"x-loop", "delivered-to"})

_FOLD = re.compile(rb"\r?\n(?=[ \t])|\r(?=[ \t])")
_ENCODED_WORD = re.compile(rb"=\?([^?\s]{1,75})\?([bBqQ])\?([^?]*)\?=")
_WSP_ONLY = re.compile(rb"[ \t\r\n]*\Z")
_Q_HEX = re.compile(rb"=([0-9A-Fa-f]{2})")
_HEADER_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_SPACES = re.compile(r"\s+", re.ASCII)  # ideographic and no-break spaces are content
_BODY_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ANGLE_ID = re.compile(r"<([^<>]*)>")
_ADDR_OK = re.compile(r"[^\s@<>(),;:\"\\\[\]]{1,128}@[^\s@<>(),;:\"\\\[\]]{1,255}")
_HEADER_LINE = re.compile(rb"[!-9;-~]{1,200}:")
_BAD_HEADER_LINE = re.compile(rb"(?m)^(?!From |[!-9;-~]{1,200}:|[ \t]|\r?$)")
_BOUNDARY_GUESS = re.compile(rb"^--([^\s\"]{1,200}?)[ \t]*\r?$", re.M)
_FILENAME_BAD = re.compile(r"[\\/\x00-\x1f\x7f]")
# HTML to text, linear on hostile input: no pattern may rescan the rest of the document.
_HTML_DROP_OPEN = re.compile(r"(?i)<(script|style|head|title)\b")
_HTML_BREAK = re.compile(r"(?i)<\s*(br|/p|/div|/li|/tr|/h[1-6]|/blockquote|/table)\b[^<>]*>")
_META_CHARSET = re.compile(rb"""(?i)<meta[^>]{0,200}?charset\s*=\s*["']?([A-Za-z0-9_:.\-]{1,40})""")
_HTML_TAG = re.compile(r"<[^<>]*>")
_BLANKS = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")


@dataclass
class _Context:
    defects: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    attachments: list[ParsedAttachment] = field(default_factory=list)
    hint: str | None = None  # charset of the message's text, for undeclared 8-bit headers
    parts: int = 0

    def defect(self, text: str) -> None:
        if text not in self.defects and len(self.defects) < MAX_DEFECTS:
            self.defects.append(text)

    def note(self, text: str) -> None:
        if text and text not in self.notes and len(self.notes) < MAX_DEFECTS:
            self.notes.append(text)


@dataclass
class _Body:
    texts: list[str] = field(default_factory=list)
    htmls: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------
# Entry point


def parse_email(raw: bytes) -> ParsedEmail:
    """Parse one RFC 822 message. Never raises: what cannot be read becomes a defect."""
    try:
        data = _as_bytes(raw)
    except Exception:  # noqa: BLE001
        data = b""
    try:
        return _parse(data)
    except Exception as exc:  # noqa: BLE001 - the contract is "never raises"
        try:
            return _parse_minimal(data, exc)
        except Exception as again:  # noqa: BLE001
            return ParsedEmail(
                message_id="",
                subject="",
                sender=Address(address=""),
                defects=[f"unreadable message ({type(exc).__name__}, {type(again).__name__})"],
            )


def _as_bytes(raw) -> bytes:
    if raw is None:
        return b""
    if isinstance(raw, str):
        return raw.encode("utf-8", "surrogateescape")
    return bytes(raw)


def _parse(data: bytes) -> ParsedEmail:
    ctx = _Context()
    if data[:1] in (b"\r", b"\n", b" ", b"\t"):
        stripped = data.lstrip(b"\r\n \t")
        if _HEADER_LINE.match(stripped):
            ctx.defect("blank lines before the headers removed")
            data = stripped
    data = _repair_header_block(data, ctx)
    msg = BytesParser(policy=compat32).parsebytes(data)
    ctx.hint = _first_charset(msg)
    parsed = _headers_to_parsed(msg, ctx)

    body = _Body()
    _walk(msg, 0, body, ctx)
    if len(body.texts) > 1:
        text = "\n\n".join(t.rstrip() for t in body.texts if t.strip()) + "\n"
    else:
        text = "".join(body.texts)
    html = "\n".join(body.htmls)
    if not text.strip() and html:
        text = html_to_text(html)
    parsed.text = text
    parsed.html = html
    parsed.attachments = ctx.attachments

    _classify(parsed, msg, ctx)
    parsed.defects = ctx.defects
    parsed.charset_notes = ctx.notes
    return parsed


def _classify(parsed: ParsedEmail, msg: Message, ctx: _Context) -> None:
    try:
        parsed.bounce = classify.detect_bounce(parsed, msg)
    except Exception as exc:  # noqa: BLE001
        ctx.defect(f"bounce detection failed ({type(exc).__name__})")
    try:
        parsed.auto_reply = classify.detect_auto_reply(parsed)
    except Exception as exc:  # noqa: BLE001
        ctx.defect(f"auto-reply detection failed ({type(exc).__name__})")
    if parsed.bounce is not None:
        parsed.auto_reply = AutoReply(reason="bounce")


# ---------------------------------------------------------------------------------------
# Header block repair and headers


def _repair_header_block(data: bytes, ctx: _Context) -> bytes:
    """Drop header lines that have no colon when real headers follow them, so one broken
    line does not turn the rest of the headers into body text (what the parser does)."""
    end = _header_end(data)
    if end <= 0:
        return data
    block = data[:end]
    if not _BAD_HEADER_LINE.search(block):
        return data
    lines = block.split(b"\n")
    bad = []
    for i, line in enumerate(lines):
        stripped = line.rstrip(b"\r")
        if not stripped or stripped[:1] in (b" ", b"\t") or _HEADER_LINE.match(stripped):
            continue
        if i == 0 and stripped.startswith(b"From "):
            continue  # mbox envelope line
        bad.append(i)
    if not bad:
        return data
    last_good = max((i for i, ln in enumerate(lines) if _HEADER_LINE.match(ln)), default=-1)
    drop = {i for i in bad if i < last_good}
    if not drop:
        return data
    ctx.defect("header line without a colon removed")
    kept = b"\n".join(ln for i, ln in enumerate(lines) if i not in drop)
    return kept + data[end:]


def _header_end(data: bytes) -> int:
    """Index of the blank line ending the header block (-1 when there is none)."""
    candidates = [i for i in (data.find(b"\n\n"), data.find(b"\n\r\n")) if i >= 0]
    return min(candidates) if candidates else -1


def _raw(value) -> bytes:
    """A compat32 header value (str with surrogate escapes, or Header) as the original bytes."""
    if not isinstance(value, str):
        value = str(value)
    try:
        return value.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogateescape")


def clean_header_text(value: str) -> str:
    """One line: CR/LF, tabs and control characters become spaces, runs collapsed."""
    value = _SURROGATE.sub("\ufffd", value)
    value = _HEADER_CONTROL.sub(" ", value)
    return _SPACES.sub(" ", value).strip()


def decode_header_bytes(raw: bytes, hint: str | None = None, ctx: _Context | None = None) -> str:
    """RFC 2047 words (also broken ones) and undeclared 8-bit bytes -> clean one-line text.
    Only the first MAX_RAW_HEADER bytes are read: every value we keep is far shorter."""
    raw = _FOLD.sub(b"", raw[:MAX_RAW_HEADER])
    pieces: list[str] = []
    run_charset: str | None = None
    run_words: list[tuple[bytes, bytes]] = []  # (encoding, payload) of adjacent words

    def flush() -> None:
        nonlocal run_charset, run_words
        if run_words:
            pieces.append(_decode_run(run_charset or "", run_words, hint, ctx))
        run_charset, run_words = None, []

    pos = 0
    for m in _ENCODED_WORD.finditer(raw):
        gap = raw[pos : m.start()]
        if gap and not (run_words and _WSP_ONLY.match(gap)):
            flush()
            pieces.append(_decode_literal(gap, hint, ctx))
        label = m.group(1).split(b"*", 1)[0].decode("ascii", "replace").lower()
        if run_words and label != run_charset:
            flush()
        run_charset = label
        run_words.append((m.group(2).upper(), m.group(3)))
        pos = m.end()
    flush()
    if pos < len(raw):
        pieces.append(_decode_literal(raw[pos:], hint, ctx))
    return clean_header_text("".join(pieces))


def _decode_literal(raw: bytes, hint: str | None, ctx: _Context | None) -> str:
    if raw.isascii():
        return raw.decode("ascii")
    decoded = charsets.decode_8bit_header(raw, hint)
    if ctx is not None and decoded.note:
        ctx.note(decoded.note)
    return decoded.text


def _decode_run(
    label: str, words: list[tuple[bytes, bytes]], hint: str | None, ctx: _Context | None
) -> str:
    """Adjacent encoded words in one charset are joined as bytes before decoding, so a
    multi-byte character split across two words (Foxmail, Outlook) survives."""
    chunks: list[bytes] = []
    b_words = [payload for enc, payload in words if enc == b"B"]
    if len(b_words) == len(words) and any(len(p) % 4 for p in b_words[:-1]):
        # Base64 split mid-quantum across words: decode the concatenation.
        chunks.append(_b64_tolerant(b"".join(p.rstrip(b"=") for p in b_words), None))
    else:
        for enc, payload in words:
            chunks.append(_b64_tolerant(payload, None) if enc == b"B" else _q_decode(payload))
    data = b"".join(chunks)
    decoded = charsets.decode_bytes(data, label, detect=False, hint=hint)
    if ctx is not None and decoded.note:
        ctx.note(decoded.note)
    return decoded.text


def _q_decode(payload: bytes) -> bytes:
    return _Q_HEX.sub(lambda m: bytes((int(m.group(1), 16),)), payload.replace(b"_", b" "))


_B64_ALPHABET = re.compile(rb"[A-Za-z0-9+/]*")
_B64_LINE_OK = re.compile(rb"[A-Za-z0-9+/=]*")
_B64_FOREIGN = re.compile(rb"[^A-Za-z0-9+/=]")
_B64_CHUNK = re.compile(rb"[A-Za-z0-9+/]+=*")


def _b64_tolerant(data: bytes, ctx: _Context | None, what: str = "base64") -> bytes:
    """Base64 as mail really carries it: lines with foreign characters are dropped,
    padding in the middle starts a new chunk, a truncated tail is cut to whole bytes."""
    core = data.translate(None, b" \t\r\n").rstrip(b"=")
    if _B64_ALPHABET.fullmatch(core):
        if len(core) % 4 == 1:
            core = core[:-1]
            if ctx is not None:
                ctx.defect(f"invalid {what} data (truncated)")
        try:
            return binascii.a2b_base64(core + b"=" * (-len(core) % 4))
        except (binascii.Error, ValueError):
            pass
    kept = []
    broken = False
    for line in data.splitlines():
        line = line.strip()
        if _B64_LINE_OK.fullmatch(line):
            kept.append(line)
            continue
        broken = True
        cleaned = _B64_FOREIGN.sub(b"", line)
        if len(cleaned) * 5 >= len(line) * 4:  # a few stray characters: drop those only
            kept.append(cleaned)
    out = bytearray()
    for chunk in _B64_CHUNK.findall(b"".join(kept)):
        core = chunk.rstrip(b"=")
        if len(core) % 4 == 1:
            core = core[:-1]
            broken = True
        try:
            out += binascii.a2b_base64(core + b"=" * (-len(core) % 4))
        except (binascii.Error, ValueError):
            broken = True
    if ctx is not None and (broken or b"=" in data.rstrip(b" \t\r\n=")):
        ctx.defect(f"invalid {what} data")
    return bytes(out)


def _index(msg: Message) -> dict[str, list[bytes]]:
    """Raw header values by lower-cased name, built once per message part (compat32
    turns 8-bit values into ``Header`` objects on ``get``; ``raw_items`` keeps them)."""
    index = msg.__dict__.get("_loopdesk_index")
    if index is None:
        index = {}
        for key, value in msg.raw_items():
            index.setdefault(key.strip().lower(), []).append(_raw(value))
        msg.__dict__["_loopdesk_index"] = index
    return index


def _header(msg: Message, name: str) -> bytes | None:
    """The first occurrence of a header as its original bytes."""
    values = _index(msg).get(name)
    return values[0] if values else None


def _header_all(msg: Message, name: str) -> list[bytes]:
    return _index(msg).get(name, [])


def _text_header(msg: Message, name: str, ctx: _Context) -> str:
    raw = _header(msg, name)
    return "" if raw is None else decode_header_bytes(raw, ctx.hint, ctx)


def _headers_to_parsed(msg: Message, ctx: _Context) -> ParsedEmail:
    subject = _text_header(msg, "subject", ctx)
    if len(subject) > MAX_SUBJECT:
        ctx.defect(f"subject of {len(subject)} characters truncated to {MAX_SUBJECT}")
        subject = subject[:MAX_SUBJECT]

    junk: list[str] = []
    senders = _addresses(msg, "from", ctx, limit=10, junk=junk)
    distinct = list(dict.fromkeys(a.address for a in senders if a.address))
    sender = next((a for a in senders if a.address), None)
    if len(distinct) > 1 and junk:
        # "a@x)<b@y>" and the like: which one is the author is anybody's guess, so nobody
        # is (the ingest service treats an empty sender as unattributable).
        ctx.defect(f"ambiguous From header: {', '.join(distinct[:3])}")
        sender = Address("", "")
    elif len(distinct) > 1:
        ctx.defect("From has several addresses; the first one is the sender")
    if sender is None:
        fallback_name = senders[0].name if senders else ""
        for name in ("sender", "reply-to"):
            found = next((a for a in _addresses(msg, name, ctx, limit=10) if a.address), None)
            if found:
                sender = Address(found.address, found.name or fallback_name)
                ctx.defect(f"no usable From address, used {name.title()}")
                break
    return_path = _return_path(msg)
    if sender is None and return_path:
        sender = Address(return_path, senders[0].name if senders else "")
        ctx.defect("no usable From address, used Return-Path")
    if sender is None:
        sender = Address("", senders[0].name if senders else "")
        ctx.defect("no usable From address")

    headers: dict[str, str] = {}
    for name, value in msg.raw_items():
        key = name.strip().lower()
        if key not in KEPT_HEADERS and not key.startswith("x-loopdesk-"):
            continue
        text = decode_header_bytes(_raw(value), ctx.hint, ctx)[:MAX_HEADER_VALUE]
        if key in headers:
            if key in _JOINED_HEADERS and len(headers[key]) < MAX_HEADER_VALUE:
                headers[key] = f"{headers[key]}, {text}"
            continue
        headers[key] = text

    return ParsedEmail(
        message_id=next(iter(_message_ids(_header(msg, "message-id"))), ""),
        subject=subject,
        sender=sender,
        to=_addresses(msg, "to", ctx),
        cc=_addresses(msg, "cc", ctx),
        reply_to=_addresses(msg, "reply-to", ctx),
        in_reply_to=_message_ids(_header(msg, "in-reply-to"))[:MAX_REFERENCES],
        references=_references(_header(msg, "references"), ctx),
        date=parse_date(_text_header(msg, "date", ctx)),
        return_path=return_path,
        headers=headers,
    )


def _return_path(msg: Message) -> str | None:
    raw = _header(msg, "return-path")
    if raw is None:
        return None
    text = clean_header_text(raw.decode("ascii", "replace"))
    inner = _ANGLE_ID.search(text)
    value = (inner.group(1) if inner else text).strip().lower()
    if value in ("", "<>"):
        return ""
    return value if _ADDR_OK.fullmatch(value) else value[:MAX_ID_LENGTH]


def _addresses(
    msg: Message,
    name: str,
    ctx: _Context,
    limit: int = MAX_ADDRESSES,
    junk: list[str] | None = None,
) -> list[Address]:
    """Addresses of a header. ``junk`` collects pieces the address parser could not
    place (what is left over from values such as ``a@x)<b@y>``)."""
    result: list[Address] = []
    label = name.title()
    for value in _header_all(msg, name):
        raw = _FOLD.sub(b"", value[:MAX_RAW_HEADER])
        # Encoded words become opaque atoms first, so ":", "@" or "," inside them cannot
        # change the address structure; undeclared 8-bit names are decoded as text.
        hidden, words = _hide_words(raw)
        text = _decode_literal(hidden, ctx.hint, ctx)
        pairs = _simple_addresses(text)
        if pairs is None:
            pairs = email.utils.getaddresses([text])
        if words and not any(_ADDR_OK.fullmatch(addr.strip()) for _, addr in pairs):
            # The whole value was encoded (name and address inside one encoded word).
            pairs = email.utils.getaddresses([decode_header_bytes(raw, ctx.hint)])
            words = []
        for display, addr in pairs:
            display_raw = display.encode("utf-8", "surrogateescape")
            if words:
                display_raw = _unhide_words(display_raw, words)
            display = decode_header_bytes(display_raw, "utf-8", ctx)
            addr = clean_header_text(addr).replace(" ", "").lower()
            if not addr and not display:
                if junk is not None:
                    junk.append(name)
                continue
            if (
                _ADDR_OK.fullmatch(addr)
                and not addr.startswith(".")
                and ".." not in addr
                and not addr.endswith(".")
            ):
                result.append(Address(address=_ascii_domain(addr, label, ctx), name=display))
            else:
                shown = (addr or display)[:80]
                ctx.defect(f"invalid address in {label}: {shown!r}")
                result.append(Address(address="", name=display))
            if len(result) >= limit:
                ctx.defect(f"{label} has more than {limit} addresses; the rest were ignored")
                return result
    return result


_SIMPLE_ADDR = re.compile(
    r'\s*(?:"([^"\\]*)"|([^"<>(),;:@\\]*?))\s*<([^<>\s"(),;:@\\]+@[^<>\s"(),;:@\\]+)>\s*'
)
_BARE_ADDR = re.compile(r'\s*([^<>\s"(),;:@\\]+@[^<>\s"(),;:@\\]+)\s*')


def _simple_addresses(text: str) -> list[tuple[str, str]] | None:
    """The common shapes (``a@b``, ``Name <a@b>``, ``"Name" <a@b>``, comma lists of those)
    without the standard library's slow general parser; None for anything else."""
    if "(" in text or "\\" in text or len(text) > 20_000:
        return None
    pieces = text.split(",") if '"' not in text else [text]
    pairs = []
    for piece in pieces:
        if len(piece) > 1000:
            return None
        m = _SIMPLE_ADDR.fullmatch(piece)
        if m:
            pairs.append((m.group(1) if m.group(1) is not None else m.group(2), m.group(3)))
            continue
        m = _BARE_ADDR.fullmatch(piece)
        if m:
            pairs.append(("", m.group(1)))
            continue
        if piece.strip():
            return None
    return pairs


def _ascii_domain(addr: str, label: str, ctx: _Context) -> str:
    """An internationalised domain as punycode (how it is compared and shown, so a
    look-alike such as "exаmple.com" with a Cyrillic "а" stands out), with a defect."""
    local, _, domain = addr.rpartition("@")
    if domain.isascii():
        return addr
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except (UnicodeError, ValueError):
        ctx.defect(f"unconvertible internationalised domain in {label}: {domain[:80]!r}")
        return addr
    ctx.defect(f"internationalised domain in {label}: {domain[:80]} shown as {ascii_domain}")
    return f"{local}@{ascii_domain}"


def _hide_words(raw: bytes) -> tuple[bytes, list[bytes]]:
    words: list[bytes] = []
    if b"=?" not in raw:
        return raw, words

    def hide(m: re.Match) -> bytes:
        words.append(m.group(0))
        return b"EW%dZQ" % (len(words) - 1)

    return _ENCODED_WORD.sub(hide, raw), words


def _unhide_words(raw: bytes, words: list[bytes]) -> bytes:
    return re.sub(
        rb"EW(\d+)ZQ",
        lambda m: words[int(m.group(1))] if int(m.group(1)) < len(words) else m.group(0),
        raw,
    )


def _message_ids(raw: bytes | None) -> list[str]:
    if raw is None:
        return []
    text = clean_header_text(raw.decode("ascii", "replace"))
    found = _ANGLE_ID.findall(text)
    if not found:
        found = [t for t in re.split(r"[\s,;]+", text) if "@" in t] or (
            [text] if text and " " not in text else []
        )
    ids: dict[str, None] = {}
    for item in found:
        value = item.replace(" ", "").strip("<>")[:MAX_ID_LENGTH]
        if value:
            ids[value] = None
    return list(ids)


def _references(raw: bytes | None, ctx: _Context) -> list[str]:
    ids = _message_ids(raw)
    if len(ids) > MAX_REFERENCES:
        ctx.defect(
            f"References has {len(ids)} ids; kept the first and the last {MAX_REFERENCES - 1}"
        )
        ids = ids[:1] + ids[-(MAX_REFERENCES - 1) :]
    return ids


def parse_date(value: str) -> str:
    """RFC 5322 date (and common mistakes) -> ISO 8601 with offset, "" when unreadable."""
    if not value:
        return ""
    for candidate in (value, re.sub(r"\([^)]*\)", "", value).strip(), value.replace(",", " ")):
        try:
            when = email.utils.parsedate_to_datetime(candidate)
        except (TypeError, ValueError, IndexError, OverflowError):
            continue
        if when is None:
            continue
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        if not 1970 <= when.year <= 2200:
            return ""
        return when.isoformat()
    return ""


def _first_charset(msg: Message) -> str | None:
    """The declared charset of the first text part (bounded walk)."""
    stack = [msg]
    seen = 0
    while stack and seen < 20:
        part = stack.pop(0)
        seen += 1
        _, value = _param(part, "charset", "content-type")
        charset = value.decode("ascii", "replace") if value else None
        if charset and charsets.codec_for(charset) not in (None, "ascii"):
            return charset
        payload = _payload_of(part)
        if isinstance(payload, list):
            stack.extend(p for p in payload if isinstance(p, Message))
    return None


# ---------------------------------------------------------------------------------------
# Body


def _walk(part: Message, depth: int, body: _Body, ctx: _Context) -> None:
    ctx.parts += 1
    if ctx.parts > MAX_PARTS:
        ctx.defect(f"more than {MAX_PARTS} MIME parts; the rest were ignored")
        return
    if depth > MAX_DEPTH:
        ctx.defect(f"MIME nesting deeper than {MAX_DEPTH}; deeper parts ignored")
        return
    for defect in getattr(part, "defects", ()):
        ctx.defect(_defect_text(defect))

    ctype = _content_type(part)
    maintype = ctype.split("/", 1)[0]
    payload = _payload_of(part)

    if ctype in _REPORT_TYPES:
        _add_attachment(part, ctx, ctype, _report_bytes(payload))
        return
    if maintype == "message" and isinstance(payload, list):
        _add_message_attachment(part, payload, depth, ctx)
        return
    if isinstance(payload, list):
        children = [p for p in payload if isinstance(p, Message)]
        if ctype == "multipart/alternative":
            _walk_alternative(children, depth, body, ctx)
        else:
            for child in children:
                _walk(child, depth + 1, body, ctx)
        return
    if maintype == "multipart":
        # No boundary, or a boundary that never occurs: try to find the real one.
        data = _payload_bytes(part, ctx)
        reparsed = _reparse_multipart(ctype, data, ctx)
        if reparsed is not None:
            _walk(reparsed, depth + 1, body, ctx)
        else:
            decoded = charsets.decode_bytes(_cap_text(data, ctx), None, hint=ctx.hint)
            body.texts.append(_clean_body(decoded.text))
        return

    disposition, filename = _disposition_and_filename(part, ctx)
    if (
        maintype == "text"
        and ctype in ("text/plain", "text/html")
        and disposition != "attachment"
        and not filename
    ):
        text = _decode_text(part, ctx)
        (body.htmls if ctype == "text/html" else body.texts).append(text)
        return
    _add_attachment(
        part, ctx, ctype, _payload_bytes(part, ctx), disposition=disposition, filename=filename
    )


_ALTERNATIVE_KEPT = frozenset({"text/plain", "text/html", "text/calendar"})


def _walk_alternative(children: list[Message], depth: int, body: _Body, ctx: _Context) -> None:
    texts: list[str] | None = None
    htmls: list[str] | None = None
    for child in children:
        ctype = _content_type(child)
        if ctype.startswith("text/") and ctype not in _ALTERNATIVE_KEPT:
            continue  # other renderings of the same text: AMP, Apple Watch, enriched
        sub = _Body()
        _walk(child, depth + 1, sub, ctx)
        if sub.texts and texts is None:
            texts = sub.texts
        if sub.htmls:
            htmls = sub.htmls  # the last alternative is the preferred one (RFC 2046)
    body.texts.extend(texts or [])
    body.htmls.extend(htmls or [])


def _reparse_multipart(ctype: str, data: bytes, ctx: _Context) -> Message | None:
    m = _BOUNDARY_GUESS.search(data[:200_000])
    if not m:
        ctx.defect("multipart without a usable boundary; kept as text")
        return None
    boundary = m.group(1).decode("ascii", "replace")
    if boundary.endswith("--"):
        boundary = boundary[:-2]
    header = f'Content-Type: {ctype}; boundary="{boundary}"\r\n\r\n'.encode("ascii", "replace")
    ctx.defect("multipart boundary missing or wrong; guessed from the body")
    msg = BytesParser(policy=compat32).parsebytes(header + data)
    if not isinstance(_payload_of(msg), list):
        return None
    return msg


def _content_type(part: Message) -> str:
    try:
        ctype = part.get_content_type()
    except Exception:  # noqa: BLE001
        return "application/octet-stream"
    ctype = clean_header_text(str(ctype)).lower()
    return (
        ctype
        if re.fullmatch(r"[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+", ctype)
        else "application/octet-stream"
    )


def _payload_of(part: Message):
    """The payload as parsed: a list of parts, or the raw str (see _payload_bytes)."""
    return getattr(part, "_payload", None)


def _payload_bytes(part: Message, ctx: _Context) -> bytes:
    # The private attribute on purpose: compat32's get_payload() "helpfully" decodes
    # 8-bit payloads with the declared charset and errors="replace", losing the bytes.
    payload = getattr(part, "_payload", None)
    if payload is None or isinstance(payload, list):
        return b""
    raw = payload if isinstance(payload, bytes) else _raw(payload)
    cte = clean_header_text(str(part.get("content-transfer-encoding", ""))).lower()
    if "base64" in cte:
        return _b64_tolerant(raw, ctx, "base64 body")
    if "quoted-printable" in cte:
        return quopri.decodestring(raw)
    if "uuencode" in cte or cte in ("x-uue", "uue"):
        try:
            decoded = part.get_payload(decode=True)
            return decoded if isinstance(decoded, bytes) else raw
        except Exception:  # noqa: BLE001
            ctx.defect("invalid uuencoded data")
            return raw
    return raw


def _params(part: Message, header: str) -> list[tuple[str, object]]:
    """MIME parameters of a header, read from its raw value (8-bit bytes intact),
    RFC 2231 continuations and charsets collected like ``Message.get_param`` does."""
    raw = _header(part, header)
    if raw is None:
        return []
    text = _FOLD.sub(b"", raw).decode("ascii", "surrogateescape")
    pairs = []
    for item in email.message._parseparam(text):  # noqa: SLF001 - the stdlib's own splitter
        name, sep, value = item.partition("=")
        pairs.append((name.strip(), value.strip() if sep else ""))
    try:
        return email.utils.decode_params(pairs) if pairs else []
    except Exception:  # noqa: BLE001
        return pairs


def _param(part: Message, name: str, header: str) -> tuple[str | None, bytes | None]:
    """A MIME parameter: (charset, value bytes). RFC 2231 values come with their charset;
    plain values come as raw bytes (which may hold RFC 2047 words or 8-bit text)."""
    for key, value in _params(part, header)[1:]:
        if key.lower() != name:
            continue
        if isinstance(value, tuple):
            charset, _lang, text = value
            text = email.utils.unquote(text)
            try:
                data = text.encode("latin-1", "surrogateescape")
            except UnicodeEncodeError:
                data = text.encode("utf-8", "surrogateescape")
            return (charset or "utf-8"), data
        return None, _raw(email.utils.unquote(str(value)))
    return None, None


def _disposition_and_filename(part: Message, ctx: _Context) -> tuple[str, str]:
    disp_raw = _header(part, "content-disposition")
    disposition = ""
    if disp_raw is not None:
        disposition = (
            clean_header_text(disp_raw.decode("ascii", "replace")).split(";", 1)[0].strip().lower()
        )
    name = ""
    for param, header in (("filename", "content-disposition"), ("name", "content-type")):
        charset, value = _param(part, param, header)
        if not value:
            continue
        if charset is not None:
            decoded = charsets.decode_bytes(value, charset, detect=False, hint=ctx.hint)
            ctx.note(decoded.note)
            name = decoded.text  # safe_filename drops control characters
        else:
            name = decode_header_bytes(value, ctx.hint, ctx)
        if name:
            break
    return disposition, safe_filename(name)


def safe_filename(name: str) -> str:
    """Display name only: the last path segment, no control characters, bounded."""
    name = _SURROGATE.sub("\ufffd", name).strip().strip('"')
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _FILENAME_BAD.sub("", name).strip().strip(".")
    if len(name) > MAX_FILENAME:
        stem, dot, ext = name.rpartition(".")
        name = (
            (stem[: MAX_FILENAME - len(ext) - 1] + "." + ext)
            if dot and len(ext) <= 10
            else name[:MAX_FILENAME]
        )
    return name


def _decode_text(part: Message, ctx: _Context) -> str:
    data = _cap_text(_payload_bytes(part, ctx), ctx)
    charset, value = _param(part, "charset", "content-type")
    label = value.decode("ascii", "replace") if isinstance(value, bytes) else None
    if not label and not data.isascii() and _content_type(part) == "text/html":
        # HTML without a MIME charset often declares one in a <meta> tag.
        meta = _META_CHARSET.search(data[:4096])
        if meta:
            label = meta.group(1).decode("ascii", "replace")
    decoded = charsets.decode_bytes(data, label, hint=ctx.hint)
    ctx.note(decoded.note)
    text = _clean_body(decoded.text)
    _, fmt = _param(part, "format", "content-type")
    if fmt and fmt.strip().lower() == b"flowed" and _content_type(part) == "text/plain":
        _, delsp = _param(part, "delsp", "content-type")
        text = unflow(text, delsp=bool(delsp and delsp.strip().lower() == b"yes"))
    return text


def unflow(text: str, *, delsp: bool = False) -> str:
    """RFC 3676 format=flowed to plain paragraphs: a line ending in a space continues on
    the next line of the same quote depth; space-stuffing is removed."""
    out: list[str] = []
    current: str | None = None
    current_depth = -1
    for line in text.split("\n"):
        stripped = line.lstrip(">")
        depth = len(line) - len(stripped)
        if stripped.startswith(" "):
            stripped = stripped[1:]  # space-stuffing (or the space after ">")
        soft = stripped.endswith(" ") and stripped != "-- "
        if delsp and soft:
            stripped = stripped[:-1]
        if current is not None and depth == current_depth:
            current += stripped
        else:
            if current is not None:
                out.append(current)
            current, current_depth = (">" * depth + " " if depth else "") + stripped, depth
        if not soft:
            out.append(current)
            current, current_depth = None, -1
    if current is not None:
        out.append(current)
    return "\n".join(out)


def _cap_text(data: bytes, ctx: _Context) -> bytes:
    """Text parts are decoded up to MAX_TEXT_BYTES: far beyond what a ticket accepts
    (the intake service refuses such bodies), so the answer does not change, but the
    time spent on a hostile 25 MB "text" part stays bounded."""
    if len(data) <= MAX_TEXT_BYTES:
        return data
    ctx.defect(f"text part of {len(data)} bytes; only the first {MAX_TEXT_BYTES} decoded")
    return data[:MAX_TEXT_BYTES]


def _clean_body(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _BODY_CONTROL.search(text):
        text = _BODY_CONTROL.sub("", text)
    if _SURROGATE.search(text):
        text = _SURROGATE.sub("\ufffd", text)
    return text


_REPORT_TYPES = frozenset(
    {
        "message/delivery-status",
        "message/global-delivery-status",
        "message/disposition-notification",
        "message/feedback-report",
    }
)
_DEFAULT_NAMES = {
    "text/calendar": "invite.ics",
    "application/ics": "invite.ics",
    "application/ms-tnef": "winmail.dat",
    "application/vnd.ms-tnef": "winmail.dat",
    "message/delivery-status": "delivery-status.txt",
    "message/disposition-notification": "disposition-notification.txt",
    "message/feedback-report": "feedback-report.txt",
    "text/rfc822-headers": "original-headers.txt",
}


def _add_attachment(
    part: Message,
    ctx: _Context,
    ctype: str,
    data: bytes,
    *,
    disposition: str = "",
    filename: str = "",
) -> None:
    content_id = ""
    cid_raw = _header(part, "content-id")
    if cid_raw is not None:
        content_id = (
            clean_header_text(cid_raw.decode("ascii", "replace")).strip().strip("<>").strip()[:250]
        )
    if not filename:
        filename = _DEFAULT_NAMES.get(ctype, "")
        if not filename:
            stem = "image" if ctype.startswith("image/") else "attachment"
            ext = mimetypes.guess_extension(ctype, strict=False) or ".bin"
            filename = f"{stem}-{len(ctx.attachments) + 1}{ext}"
    elif ctype == "text/calendar" and not filename.lower().endswith(".ics"):
        filename += ".ics"
    inline = bool(content_id) and disposition != "attachment"
    ctx.attachments.append(
        ParsedAttachment(
            filename=filename,
            content_type=ctype,
            content=data,
            content_id=content_id,
            inline=inline,
        )
    )


def _add_message_attachment(part: Message, payload: list, depth: int, ctx: _Context) -> None:
    inner = payload[0] if payload and isinstance(payload[0], Message) else None
    data = _message_bytes(inner, ctx) if inner is not None else b""
    cte = (_header(part, "content-transfer-encoding") or b"").strip().lower()
    if inner is not None and cte in (b"base64", b"quoted-printable"):
        # Not allowed by RFC 2046, sent anyway by some webmail: the parser took the
        # encoded text for a message. Decode it and read the real one.
        ctx.defect(f"message/rfc822 part with {cte.decode()} transfer encoding")
        data = _b64_tolerant(data, ctx) if cte == b"base64" else quopri.decodestring(data)
        inner = BytesParser(policy=compat32).parsebytes(data, headersonly=True)
    subject = ""
    if inner is not None:
        raw_subject = _header(inner, "subject")
        subject = (
            decode_header_bytes(raw_subject, _first_charset(inner) or ctx.hint)
            if raw_subject
            else ""
        )
    _, filename = _disposition_and_filename(part, ctx)
    if not filename:
        filename = safe_filename(subject[:100]) if subject else ""
        filename = f"{filename or 'forwarded-message'}.eml"
    elif not filename.lower().endswith(".eml"):
        filename += ".eml"
    ctype = "message/rfc822" if _content_type(part) == "message/rfc822" else _content_type(part)
    ctx.attachments.append(ParsedAttachment(filename=filename, content_type=ctype, content=data))


def _message_bytes(msg: Message, ctx: _Context) -> bytes:
    out = io.BytesIO()
    try:
        BytesGenerator(out, mangle_from_=False, policy=compat32).flatten(msg)
    except Exception as exc:  # noqa: BLE001
        ctx.defect(f"enclosed message could not be re-serialised ({type(exc).__name__})")
        try:
            return _raw(msg.as_string())
        except Exception:  # noqa: BLE001
            return b""
    return out.getvalue()


def _report_bytes(payload) -> bytes:
    if isinstance(payload, list):
        blocks = []
        for block in payload:
            if isinstance(block, Message):
                blocks.append(b"".join(_raw(f"{k}: {v}\n") for k, v in block.raw_items()))
        return b"\n".join(blocks)
    if payload is None:
        return b""
    return _raw(payload)


def _defect_text(defect) -> str:
    name = type(defect).__name__.removesuffix("Defect")
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", name).lower()
    return words or "defect"


def _drop_html_blocks(value: str) -> str:
    """Remove comments and script/style/head/title elements (an unterminated one runs
    to the end of the document, as in a browser)."""
    lower = value.lower()
    out: list[str] = []
    pos = 0
    length = len(value)
    while pos < length:
        comment = lower.find("<!--", pos)
        block = _HTML_DROP_OPEN.search(value, pos)
        if comment < 0 and block is None:
            break
        if block is None or (comment >= 0 and comment < block.start()):
            out.append(value[pos:comment])
            end = lower.find("-->", comment + 4)
            pos = length if end < 0 else end + 3
            continue
        out.append(value[pos : block.start()])
        end = lower.find("</" + block.group(1).lower(), block.end())
        if end < 0:
            pos = length
            break
        close = value.find(">", end)
        pos = length if close < 0 else close + 1
    out.append(value[pos:])
    return "".join(out)


def html_to_text(value: str) -> str:
    """A readable plain-text rendering of HTML (the intake service sanitises separately)."""
    text = _drop_html_blocks(value)
    text = _HTML_BREAK.sub("\n", text)
    text = _HTML_TAG.sub("", text)
    text = html_lib.unescape(text)
    text = _clean_body(text).replace("\xa0", " ")
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return _BLANKS.sub("\n\n", text).strip()


# ---------------------------------------------------------------------------------------
# Last resort


def _parse_minimal(data: bytes, exc: BaseException) -> ParsedEmail:
    """When the MIME parser itself fails: headers by hand, the body as text."""
    end = _header_end(data)
    head, body = (data[:end], data[end:]) if end >= 0 else (data, b"")
    fields: dict[str, bytes] = {}
    for line in _FOLD.sub(b"", head).split(b"\n"):
        name, sep, value = line.partition(b":")
        key = name.strip().lower().decode("ascii", "replace")
        if sep and key not in fields:
            fields[key] = value.strip()
    subject = decode_header_bytes(fields.get("subject", b""))[:MAX_SUBJECT]
    sender = Address(address="")
    if "from" in fields:
        pairs = email.utils.getaddresses([fields["from"].decode("utf-8", "replace")])
        for display, addr in pairs:
            addr = clean_header_text(addr).lower()
            if _ADDR_OK.fullmatch(addr):
                sender = Address(addr, decode_header_bytes(display.encode("utf-8")))
                break
    return ParsedEmail(
        message_id=next(iter(_message_ids(fields.get("message-id"))), ""),
        subject=subject,
        sender=sender,
        text=_clean_body(charsets.decode_bytes(body[:5_000_000], None).text),
        defects=[f"MIME parser failed ({type(exc).__name__}); headers and body read as plain text"],
    )
