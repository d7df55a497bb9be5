"""Idempotency-Key support for unsafe API calls (a retried POST must not create twice).

The record is inserted in the same transaction as the work it guards. The unique
constraint on (owner_key, scope, key) decides between concurrent duplicates: the second
INSERT waits for the first transaction and then fails (PostgreSQL), or waits for the
write lock (SQLite, BEGIN IMMEDIATE); the loser reads and replays the winner's stored
response. A failed request rolls its record back with everything else, so only
successful responses are stored and replayed.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .exceptions import LoopdeskError, ValidationFailed
from .models import IdempotencyRecord

MAX_KEY_LENGTH = 255


class IdempotencyMismatch(LoopdeskError):
    """The key was used before for a different request (IETF idempotency draft: 422)."""

    status_code = 422
    problem_kind = "idempotency-mismatch"


@dataclass(frozen=True)
class IdempotentResult:
    status_code: int
    body: Any
    replayed: bool


def request_fingerprint(payload: Any) -> str:
    """SHA-256 of the canonical JSON of the parsed request (whitespace and key order ignored)."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder)
    return hashlib.sha256(canonical.encode()).hexdigest()


def clean_key(raw: str) -> str:
    key = raw.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable() or not key.isascii():
        raise ValidationFailed(
            _("Idempotency-Key must be 1 to 255 printable ASCII characters."),
            field="Idempotency-Key",
        )
    return key


def run_idempotent(
    *,
    owner_key: str,
    scope: str,
    key: str | None,
    payload: Any,
    work: Callable[[], tuple[int, Any]],
) -> IdempotentResult:
    """Run `work` (returning status and JSON-ready body) once per (owner, scope, key).

    Without a key, `work` simply runs. `work` must do its writes in the caller's
    database; it runs inside this function's transaction.
    """
    if key is None:
        status_code, body = work()
        return IdempotentResult(status_code=status_code, body=body, replayed=False)
    key = clean_key(key)
    fingerprint = request_fingerprint(payload)
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    owner_key=owner_key, scope=scope, key=key, request_hash=fingerprint
                )
        except IntegrityError:
            return _replay(owner_key=owner_key, scope=scope, key=key, fingerprint=fingerprint)
        status_code, body = work()
        # Round-trip through JSON so the stored body is exactly what a replay returns.
        stored = json.loads(json.dumps(body, cls=DjangoJSONEncoder))
        record.status_code = status_code
        record.response = stored
        record.save(update_fields=["status_code", "response", "updated_at"])
    return IdempotentResult(status_code=status_code, body=stored, replayed=False)


def _replay(*, owner_key: str, scope: str, key: str, fingerprint: str) -> IdempotentResult:
    record = IdempotencyRecord.objects.get(owner_key=owner_key, scope=scope, key=key)
    if record.request_hash != fingerprint:
        raise IdempotencyMismatch(
            _("This Idempotency-Key was already used with a different request."),
            field="Idempotency-Key",
        )
    # status_code is never NULL here: the record only becomes visible once committed
    # together with its response.
    return IdempotentResult(
        status_code=record.status_code or 200, body=record.response, replayed=True
    )
