"""Signed reply addresses: `support+t100234.k3v9q2m7xa@example.com`.

The token names the ticket and carries an HMAC of its number, so a reply to that address
threads onto that ticket whatever its subject and headers say, and nobody can forge one
for another ticket. The ticket number is visible (it is in the subject anyway); the MAC
is 50 bits of HMAC-SHA256 keyed by SECRET_KEY, compared in constant time.
"""

import base64
import hashlib
import hmac
import re

from django.conf import settings

TOKEN = re.compile(r"\+t(\d{1,18})\.([a-z2-7]{10})@", re.IGNORECASE)


def _mac(number: int) -> str:
    key = hashlib.sha256(f"loopdesk-reply-address:{settings.SECRET_KEY}".encode()).digest()
    digest = hmac.new(key, str(number).encode(), hashlib.sha256).digest()
    return base64.b32encode(digest[:10]).decode().lower()[:10]


def reply_address(mailbox_address: str, ticket_number: int) -> str:
    local, _at, domain = mailbox_address.rpartition("@")
    local = local.split("+", 1)[0]
    return f"{local}+t{ticket_number}.{_mac(ticket_number)}@{domain}"


def ticket_number_from(addresses: list[str]) -> int | None:
    """The ticket number of the first address carrying a valid token, else None."""
    for address in addresses:
        match = TOKEN.search(address or "")
        if match is None:
            continue
        number = int(match.group(1))
        if hmac.compare_digest(match.group(2).lower(), _mac(number)):
            return number
    return None
