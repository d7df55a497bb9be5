"""What rules send: emails (one function, to switch to the email channel's outbound module
when it lands) and webhooks (SSRF-safe). Both run in tasks enqueued after the commit."""

from __future__ import annotations

import ipaddress
import json
import logging
import socket
from urllib.parse import urlsplit

import urllib3
from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.translation import gettext as _

from loopdesk.core.exceptions import ValidationFailed

logger = logging.getLogger(__name__)

WEBHOOK_TIMEOUT = 5.0
WEBHOOK_MAX_RESPONSE = 64 * 1024


def send_rule_email(*, to: list[str], subject: str, body: str, ticket_number: int) -> int:
    """Send one automatic email per address. The only sender of rule mail: replace its
    body with the email channel's outbound door once that exists."""
    sent = 0
    subject = " ".join(subject.split())[:200]  # no CR/LF reaches a header
    for address in to:
        if not address or not _deliverable(address):
            continue
        EmailMessage(
            subject=subject,
            body=body,
            to=[address],
            headers={
                "Auto-Submitted": "auto-generated",
                "X-Loopdesk-Ticket": str(ticket_number),
            },
        ).send()
        sent += 1
    return sent


def _deliverable(address: str) -> bool:
    """False for an address the email channel marked as bouncing (permanently)."""
    from loopdesk.channels.models import BouncedAddress

    return not BouncedAddress.objects.filter(address__iexact=address, permanent=True).exists()


def _allow_private() -> bool:
    return bool(getattr(settings, "LOOPDESK_AUTOMATION_WEBHOOK_ALLOW_PRIVATE", False))


def resolve_public(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, ip) for a URL whose host resolves only to public addresses;
    ValidationFailed otherwise. The connection then goes to that IP (no second lookup,
    so DNS rebinding cannot swap in an internal address)."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValidationFailed(_("The webhook needs an https:// URL."), field="url")
    if parts.scheme == "http" and not _allow_private():
        raise ValidationFailed(_("The webhook needs an https:// URL."), field="url")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise ValidationFailed(_("The webhook host does not resolve."), field="url") from exc
    ips = [info[4][0] for info in infos]
    for ip in ips:
        address = ipaddress.ip_address(ip.split("%")[0])
        if not address.is_global and not _allow_private():
            raise ValidationFailed(
                _("The webhook host resolves to a private address; refused."), field="url"
            )
    return parts.scheme, parts.hostname, port, ips[0]


def post_webhook(*, url: str, payload: dict) -> int:
    """POST the JSON payload; returns the HTTP status. No redirects, 5 s timeout, the
    response is read up to 64 KB."""
    scheme, host, port, ip = resolve_public(url)
    parts = urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    timeout = urllib3.Timeout(connect=WEBHOOK_TIMEOUT, read=WEBHOOK_TIMEOUT)
    if scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            ip,
            port=port,
            server_hostname=host,
            assert_hostname=host,
            timeout=timeout,
            retries=False,
        )
    else:
        pool = urllib3.HTTPConnectionPool(ip, port=port, timeout=timeout, retries=False)
    body = json.dumps(payload, ensure_ascii=False).encode()
    with pool:
        response = pool.urlopen(
            "POST",
            path,
            body=body,
            headers={
                "Host": host if port in (80, 443) else f"{host}:{port}",
                "Content-Type": "application/json",
                "User-Agent": "Loopdesk-Automation/1",
            },
            redirect=False,
            preload_content=False,
        )
        response.read(WEBHOOK_MAX_RESPONSE)
        response.release_conn()
    return response.status
