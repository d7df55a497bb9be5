"""Encryption of stored secrets (mailbox passwords) with Fernet (AES-128-CBC + HMAC).

The key comes from LOOPDESK_ENCRYPTION_KEY, else from SECRET_KEY. Set the former in
production: rotating SECRET_KEY alone would make stored passwords unreadable (they then
read as empty and the mailbox reports an authentication error; re-enter them).
"""

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


@lru_cache(maxsize=4)
def _fernet(secret: str) -> Fernet:
    digest = hashlib.sha256(f"loopdesk-secrets:{secret}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _current() -> Fernet:
    return _fernet(settings.LOOPDESK_ENCRYPTION_KEY or settings.SECRET_KEY)


def encrypt(value: str) -> str:
    if not value:
        return ""
    return _current().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    """The plain value, or "" when there is none or the key changed."""
    if not token:
        return ""
    try:
        return _current().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError):
        return ""
