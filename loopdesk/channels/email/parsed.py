"""What the parser gives the rest of the channel: plain data, no Django models.

`parse.parse_email(raw: bytes) -> ParsedEmail` never raises on bad input: what it cannot
read becomes a defect, a replacement character or an attachment of the raw part.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Address:
    address: str  # lower-cased addr-spec, "" when missing or unparseable
    name: str = ""  # decoded display name, CR/LF and controls removed


@dataclass(frozen=True)
class ParsedAttachment:
    filename: str  # decoded (RFC 2047/2231), never a path; generated when missing
    content_type: str
    content: bytes
    content_id: str = ""  # without <>; set for inline parts referenced by cid:
    inline: bool = False


@dataclass(frozen=True)
class AutoReply:
    """Why a message counts as automatic (RFC 3834 and the usual vendor headers)."""

    reason: str  # e.g. "Auto-Submitted: auto-replied", "Precedence: bulk", "sender: mailer-daemon"


@dataclass(frozen=True)
class Bounce:
    """A delivery status notification (RFC 3464) or a vendor bounce."""

    original_message_id: str = ""  # Message-ID of the mail that bounced, without <>
    recipients: tuple[str, ...] = ()  # failed recipient addresses, lower-cased
    status: str = ""  # e.g. "5.1.1"
    permanent: bool = True
    diagnostic: str = ""


@dataclass
class ParsedEmail:
    message_id: str  # without <>, "" when missing
    subject: str  # decoded, single line
    sender: Address  # From (or Sender/Return-Path fallback when From is unusable)
    to: list[Address] = field(default_factory=list)
    cc: list[Address] = field(default_factory=list)
    reply_to: list[Address] = field(default_factory=list)
    in_reply_to: list[str] = field(default_factory=list)  # message ids without <>
    references: list[str] = field(default_factory=list)  # oldest first, without <>
    date: str = ""  # ISO 8601 with offset when parseable, else ""
    return_path: str | None = None  # None: header absent; "": empty (<>), a bounce sign
    text: str = ""  # text/plain body (decoded), or text derived from HTML
    html: str = ""  # text/html body, decoded but NOT sanitised (intake sanitises with nh3)
    attachments: list[ParsedAttachment] = field(default_factory=list)
    auto_reply: AutoReply | None = None
    bounce: Bounce | None = None
    headers: dict[str, str] = field(default_factory=dict)  # selected headers, decoded, cleaned
    defects: list[str] = field(default_factory=list)  # human-readable parse problems
    charset_notes: list[str] = field(default_factory=list)  # e.g. "gb2312 decoded as gb18030"
