"""Connections to a mailbox's own servers: SMTP for sending, IMAP checks, error texts.

- `smtp_connection(mailbox)`: Django's SMTP EmailBackend for the mailbox (None when it has
  no SMTP host: callers then use the default EMAIL_BACKEND).
- `test_smtp(mailbox)`, `test_imap(mailbox)`: the "test connection" button; each returns a
  CheckResult with a clear, translated message.
- `scrub(text, secrets)` and `describe_error(exc, ...)`: every error text that is stored,
  logged or shown goes through them, so a password never reaches a log or the database.
"""

from __future__ import annotations

import base64
import contextlib
import imaplib
import smtplib
import socket
import ssl
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail.backends.smtp import EmailBackend
from django.utils.translation import gettext as _

from loopdesk.channels.models import Mailbox, Security
from loopdesk.core.crypto import decrypt

DEFAULT_TIMEOUT = 30
MASK = "********"


@dataclass
class CheckResult:
    ok: bool
    message: str  # translated, safe to show (no credentials)
    details: list[str] = field(default_factory=list)  # e.g. capabilities, message count


def mailbox_secrets(mailbox: Mailbox) -> list[str]:
    """Every form in which a mailbox's passwords could appear in an error text."""
    out: list[str] = []
    for user, token in (
        (mailbox.imap_user, mailbox.imap_password),
        (mailbox.smtp_user, mailbox.smtp_password),
    ):
        password = decrypt(token)
        if not password:
            continue
        out.append(password)
        out.append(token)
        # as imaplib quotes it in LOGIN (a server may echo the command back)
        out.append(password.replace("\\", "\\\\").replace('"', '\\"'))
        for raw in (password, f"\0{user}\0{password}", f"{user}\0{password}"):
            out.append(base64.b64encode(raw.encode()).decode())
    return out


def scrub(text: str, secrets: list[str] | tuple[str, ...]) -> str:
    """`text` with every secret (longest first) replaced by a mask."""
    text = str(text)
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text


def _server_text(exc: BaseException) -> str:
    """The server's own words from an smtplib/imaplib error, decoded and shortened."""
    if isinstance(exc, smtplib.SMTPResponseException):
        msg = exc.smtp_error
        msg = msg.decode("utf-8", "replace") if isinstance(msg, bytes) else str(msg)
        return f"{exc.smtp_code} {msg}"[:300]
    text = str(exc)
    if text.startswith("b'") or text.startswith('b"'):
        text = text[2:-1]
    return text[:300]


def describe_error(exc: BaseException, *, protocol: str, host: str, port: int) -> str:
    """A translated sentence for a connection error, with the technical detail appended."""
    where = f"{host}:{port}"
    if isinstance(exc, socket.gaierror):
        text = _("The host name %(host)s could not be found (DNS lookup failed).") % {"host": host}
    elif isinstance(exc, ConnectionRefusedError):
        text = _("%(where)s refused the connection: is the port right and the server up?") % {
            "where": where
        }
    elif isinstance(exc, TimeoutError | socket.timeout):
        text = _("No answer from %(where)s in time (timeout): check host, port and firewall.") % {
            "where": where
        }
    elif isinstance(exc, ssl.SSLCertVerificationError):
        text = _("The server's TLS certificate is not valid for %(host)s: %(detail)s") % {
            "host": host,
            "detail": exc.verify_message or exc.reason or "",
        }
        return text
    elif isinstance(exc, ssl.SSLError):
        text = _(
            "TLS handshake with %(where)s failed: check the security setting "
            "(SSL/TLS on 993/465, STARTTLS on 143/587)."
        ) % {"where": where}
    elif isinstance(exc, smtplib.SMTPAuthenticationError) or (
        isinstance(exc, AuthFailed) and protocol == "imap"
    ):
        text = _(
            "The server rejected the user name or password. Some providers (Gmail, QQ, 163) "
            "need an app password or authorisation code instead of the account password."
        )
    elif isinstance(exc, smtplib.SMTPNotSupportedError):
        text = _("The server does not support this: %(detail)s") % {"detail": exc}
        return text
    elif isinstance(exc, smtplib.SMTPServerDisconnected | imaplib.IMAP4.abort):
        text = _("The server closed the connection unexpectedly.")
    elif isinstance(exc, FolderMissing):
        text = _("The folder %(folder)s does not exist on the server.") % {"folder": exc.folder}
    elif isinstance(exc, ConnectionError | OSError):
        text = _("Could not connect to %(where)s.") % {"where": where}
    else:
        text = _("The %(protocol)s server reported an error.") % {"protocol": protocol.upper()}
    detail = _server_text(exc)
    return f"{text} ({detail})" if detail else text


class AuthFailed(Exception):
    """IMAP LOGIN/AUTHENTICATE was refused (imaplib raises a bare IMAP4.error)."""


class FolderMissing(Exception):
    def __init__(self, folder: str, detail: str = "") -> None:
        super().__init__(detail or folder)
        self.folder = folder


# --- SMTP ---------------------------------------------------------------------------------


def smtp_connection(mailbox: Mailbox, *, timeout: int | None = None) -> EmailBackend | None:
    """Django's SMTP backend configured from the mailbox, or None without an SMTP host."""
    if not mailbox.smtp_host:
        return None
    return EmailBackend(
        host=mailbox.smtp_host,
        port=mailbox.smtp_port,
        username=mailbox.smtp_user or None,
        password=decrypt(mailbox.smtp_password) or None,
        use_ssl=mailbox.smtp_security == Security.SSL,
        use_tls=mailbox.smtp_security == Security.STARTTLS,
        timeout=timeout or getattr(settings, "EMAIL_TIMEOUT", None) or DEFAULT_TIMEOUT,
        fail_silently=False,
    )


def test_smtp(mailbox: Mailbox, *, timeout: int = 15) -> CheckResult:
    """Connect, (STARTTLS,) log in and say NOOP; no mail is sent."""
    if not mailbox.smtp_host:
        return CheckResult(
            True, _("No SMTP server set: mail is sent through the system's default server.")
        )
    backend = smtp_connection(mailbox, timeout=timeout)
    assert backend is not None
    secrets = mailbox_secrets(mailbox)
    try:
        backend.open()
        conn = backend.connection
        conn.noop()
        features = sorted((conn.esmtp_features or {}).keys())
        authed = bool(mailbox.smtp_user)
        backend.close()
    except Exception as exc:  # noqa: BLE001 — every failure becomes a message
        with contextlib.suppress(Exception):
            backend.close()
        message = describe_error(
            exc, protocol="smtp", host=mailbox.smtp_host, port=mailbox.smtp_port
        )
        return CheckResult(False, scrub(message, secrets))
    if authed:
        message = _("SMTP connection and login to %(where)s succeeded.")
    else:
        message = _("SMTP connection to %(where)s succeeded (no login configured).")
    message = message % {"where": f"{mailbox.smtp_host}:{mailbox.smtp_port}"}
    return CheckResult(True, message, [_("Extensions: %(list)s") % {"list": ", ".join(features)}])


# --- IMAP ---------------------------------------------------------------------------------


def test_imap(mailbox: Mailbox, *, timeout: int = 15) -> CheckResult:
    """Connect, log in, select the folder; report its message count and IDLE support."""
    from loopdesk.channels.email.imap import imap_open, imap_select

    if not mailbox.imap_host:
        return CheckResult(False, _("No IMAP server set: this mailbox does not fetch mail."))
    secrets = mailbox_secrets(mailbox)
    client = None
    try:
        client = imap_open(mailbox, timeout=timeout)
        count, uidvalidity = imap_select(client, mailbox.imap_folder, readonly=True)
        caps = sorted(c.upper() for c in client.capabilities)
    except Exception as exc:  # noqa: BLE001 — every failure becomes a message
        message = describe_error(
            exc, protocol="imap", host=mailbox.imap_host, port=mailbox.imap_port
        )
        return CheckResult(False, scrub(message, secrets))
    finally:
        if client is not None:
            with contextlib.suppress(Exception):
                client.logout()
    message = _(
        "IMAP login to %(where)s succeeded; folder %(folder)s holds %(count)s messages."
    ) % {
        "where": f"{mailbox.imap_host}:{mailbox.imap_port}",
        "folder": mailbox.imap_folder,
        "count": count,
    }
    details = [
        _("IDLE (push) offered: %(answer)s") % {"answer": _("yes") if "IDLE" in caps else _("no")},
        _("MOVE offered: %(answer)s") % {"answer": _("yes") if "MOVE" in caps else _("no")},
        _("Capabilities: %(list)s") % {"list": " ".join(caps)},
    ]
    return CheckResult(True, message, details)


# Named test_* for the brief's API; keep pytest from collecting them where imported.
test_smtp.__test__ = False  # type: ignore[attr-defined]
test_imap.__test__ = False  # type: ignore[attr-defined]
