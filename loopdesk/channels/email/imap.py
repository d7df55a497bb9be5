"""IMAP polling: fetch new mail of each mailbox once, hand it to the ingest service.

How "exactly once" works:
- A message is identified by (UIDVALIDITY, UID) of the mailbox's folder. `Mailbox.last_uid`
  is the highest UID handed to ingest; it is persisted after EACH message, after the
  processed action. A crash therefore repeats at most one message, and the ingest
  service drops that repeat by its Message-ID/raw-hash dedup.
- When ingest raises (an infrastructure error: database down), the poll stops without
  marking the message or advancing `last_uid`; the next poll tries it again.
- If the folder's UIDVALIDITY changes (the server rebuilt its index, or the folder was
  recreated), old UIDs mean nothing: `last_uid` restarts at 0 and every message in the
  folder is offered again; ingest's Message-ID dedup keeps them from being ingested twice.
- Changing host, port, user or folder in the UI resets the sync state (see mailboxes.py).
- `UID SEARCH UID n:*` always returns the highest UID even when it is below n (RFC 3501
  ranges are unordered): results are filtered to UIDs above `last_uid`.

Every mailbox is polled at its interval (default 60 s; the worker's loop ticks every few
seconds). Where the server offers IDLE, a watcher thread (idle.py) also wakes the poller
as soon as new mail arrives; polling stays on as the safety net.
Several workers may run the loop: a poll round is claimed with a conditional UPDATE on
`last_polled_at` (a lease that each processed message renews), so two workers do not poll
the same mailbox at once in the normal case; if they ever do, ingest dedups.
"""

from __future__ import annotations

import base64
import contextlib
import imaplib
import logging
import re
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections
from django.db.models import Q
from django.utils import timezone

from loopdesk.channels.email.transport import (
    AuthFailed,
    FolderMissing,
    describe_error,
    mailbox_secrets,
    scrub,
)
from loopdesk.channels.models import Mailbox, ProcessedAction, Security
from loopdesk.core.crypto import decrypt

log = logging.getLogger(__name__)

MAX_PER_POLL = 200  # messages fetched per mailbox per poll; the rest come next poll
MAX_BACKOFF = 30 * 60  # seconds between attempts for a failing mailbox, at most
LOOP_TICK = 5  # seconds between checks for due mailboxes
IMAP_TIMEOUT = 60

# RFC 2971 ID: 163.com/126.com refuse SELECT ("Unsafe Login") until the client sends it.
imaplib.Commands.setdefault("ID", ("NONAUTH", "AUTH", "SELECTED", "LOGOUT"))
CLIENT_ID = '("name" "Loopdesk" "version" "1.0" "vendor" "Loopdesk")'

IngestFn = Callable[..., object]


def _default_ingest() -> IngestFn:
    from loopdesk.channels.email.ingest import ingest_raw

    return ingest_raw


# --- connection -----------------------------------------------------------------------------


def encode_folder(name: str) -> str:
    """A folder name as an IMAP quoted string in modified UTF-7 (RFC 3501 5.1.3),
    e.g. 已处理 -> "&XfJT0ZAB-"."""
    out: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            data = "".join(pending).encode("utf-16-be")
            b64 = base64.b64encode(data).decode().rstrip("=").replace("/", ",")
            out.append(f"&{b64}-")
            pending.clear()

    for ch in name:
        if 0x20 <= ord(ch) <= 0x7E:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            pending.append(ch)
    flush()
    encoded = "".join(out)
    return '"' + encoded.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _tls_context() -> ssl.SSLContext:
    return ssl.create_default_context()


def imap_open(mailbox: Mailbox, *, timeout: int = IMAP_TIMEOUT) -> imaplib.IMAP4:
    """A logged-in IMAP client for the mailbox (ID sent when the server offers it)."""
    host, port = mailbox.imap_host, mailbox.imap_port
    if mailbox.imap_security == Security.SSL:
        client: imaplib.IMAP4 = imaplib.IMAP4_SSL(
            host, port, ssl_context=_tls_context(), timeout=timeout
        )
    else:
        client = imaplib.IMAP4(host, port, timeout=timeout)
        if mailbox.imap_security == Security.STARTTLS:
            client.starttls(ssl_context=_tls_context())
    try:
        _login(client, mailbox.imap_user, decrypt(mailbox.imap_password))
        _refresh_capabilities(client)
        if "ID" in client.capabilities:
            try:
                client._simple_command("ID", CLIENT_ID)  # noqa: SLF001 — imaplib has no id()
            except imaplib.IMAP4.error:
                log.info("mailbox %s: server refused IMAP ID", mailbox.pk)
    except BaseException:
        _close(client)
        raise
    return client


def _login(client: imaplib.IMAP4, user: str, password: str) -> None:
    try:
        if password.isascii() and user.isascii():
            client.login(user, password)
        else:  # imaplib's LOGIN is ASCII only; AUTHENTICATE PLAIN carries UTF-8
            credentials = f"\0{user}\0{password}".encode()
            client.authenticate("PLAIN", lambda _challenge: credentials)
    except imaplib.IMAP4.abort:
        raise
    except imaplib.IMAP4.error as exc:
        raise AuthFailed(str(exc)) from None


def _refresh_capabilities(client: imaplib.IMAP4) -> None:
    """Servers often offer more (MOVE, IDLE, ID, UIDPLUS) after login."""
    typ, data = client.capability()
    if typ == "OK" and data and data[-1]:
        client.capabilities = tuple(data[-1].decode("ascii", "replace").upper().split())


def imap_select(client: imaplib.IMAP4, folder: str, *, readonly: bool = False) -> tuple[int, int]:
    """Select the folder; (message count, UIDVALIDITY)."""
    typ, data = client.select(encode_folder(folder or "INBOX"), readonly=readonly)
    if typ != "OK":
        detail = data[0].decode("utf-8", "replace") if data and data[0] else ""
        raise FolderMissing(folder, detail)
    count = int(data[0]) if data and data[0] and data[0].isdigit() else 0
    _typ, validity = client.response("UIDVALIDITY")
    try:
        uidvalidity = int(validity[0])
    except (TypeError, ValueError, IndexError):
        uidvalidity = 0
    return count, uidvalidity


def _close(client: imaplib.IMAP4) -> None:
    try:
        client.logout()
    except Exception:  # noqa: BLE001,S110 — closing a broken connection
        with contextlib.suppress(Exception):
            client.shutdown()


# --- one poll -------------------------------------------------------------------------------


@dataclass
class PollResult:
    mailbox_id: int
    fetched: int = 0
    results: dict[str, int] = field(default_factory=dict)
    error: str = ""  # scrubbed
    more: bool = False  # more new mail than MAX_PER_POLL waits on the server


_UID_RE = re.compile(rb"UID (\d+)")
_SIZE_RE = re.compile(rb"RFC822\.SIZE (\d+)")
BATCH_MESSAGES = 25  # messages per UID FETCH
BATCH_BYTES = 20 * 1024 * 1024  # and at most this much mail per UID FETCH


def _new_uids(client: imaplib.IMAP4, last_uid: int) -> list[int]:
    typ, data = client.uid("SEARCH", f"UID {last_uid + 1}:*")
    if typ != "OK":
        raise imaplib.IMAP4.error(f"UID SEARCH failed: {data!r}")
    uids = sorted({int(x) for chunk in data if chunk for x in chunk.split() if x.isdigit()})
    return [uid for uid in uids if uid > last_uid]  # `n:*` always matches the highest UID


def _fetch(client: imaplib.IMAP4, uid: int, cap: int) -> bytes | None:
    """The raw message (at most cap+1 bytes: ingest then keeps the head and flags it as
    over the size cap), or None when the message vanished meanwhile."""
    typ, data = client.uid("FETCH", str(uid), f"(UID BODY.PEEK[]<0.{cap + 1}>)")
    if typ != "OK":
        raise imaplib.IMAP4.error(f"UID FETCH {uid} failed")
    for item in data or []:
        if isinstance(item, tuple) and b"BODY[" in item[0]:
            match = _UID_RE.search(item[0])
            if match is None or int(match.group(1)) == uid:
                return item[1]
    return None


def _sizes(client: imaplib.IMAP4, uids: list[int]) -> dict[int, int]:
    typ, data = client.uid("FETCH", ",".join(map(str, uids)), "(UID RFC822.SIZE)")
    if typ != "OK":
        raise imaplib.IMAP4.error("UID FETCH RFC822.SIZE failed")
    sizes: dict[int, int] = {}
    for item in data or []:
        line = item[0] if isinstance(item, tuple) else item
        uid, size = _UID_RE.search(line or b""), _SIZE_RE.search(line or b"")
        if uid and size:
            sizes[int(uid.group(1))] = int(size.group(1))
    return sizes


def _batches(uids: list[int], sizes: dict[int, int], cap: int):
    """UIDs in groups of at most BATCH_MESSAGES messages and BATCH_BYTES bytes (a message
    bigger than that travels alone)."""
    batch: list[int] = []
    total = 0
    for uid in uids:
        size = min(sizes.get(uid, 0), cap + 1)
        if batch and (len(batch) >= BATCH_MESSAGES or total + size > BATCH_BYTES):
            yield batch
            batch, total = [], 0
        batch.append(uid)
        total += size
    if batch:
        yield batch


def _fetch_many(client: imaplib.IMAP4, uids: list[int], cap: int) -> dict[int, bytes]:
    """Raw messages of a batch by UID; the UID may come before or after the literal."""
    typ, data = client.uid("FETCH", ",".join(map(str, uids)), f"(UID BODY.PEEK[]<0.{cap + 1}>)")
    if typ != "OK":
        raise imaplib.IMAP4.error("UID FETCH failed")
    items = list(data or [])
    found: dict[int, bytes] = {}
    for i, item in enumerate(items):
        if not (isinstance(item, tuple) and b"BODY[" in item[0]):
            continue
        match = _UID_RE.search(item[0])
        if match is None and i + 1 < len(items) and isinstance(items[i + 1], bytes):
            match = _UID_RE.search(items[i + 1])
        if match is not None:
            found[int(match.group(1))] = item[1]
    return found


def _apply_action(client: imaplib.IMAP4, mailbox: Mailbox, uid: int) -> str:
    """Mark, move or delete one processed message. Returns a warning ('' when done).
    A NO from the server (folder missing...) is a warning; a broken connection raises."""
    caps = {c.upper() for c in client.capabilities}
    action = mailbox.processed_action
    try:
        if action == ProcessedAction.MOVE and mailbox.processed_folder:
            target = encode_folder(mailbox.processed_folder)
            if "MOVE" in caps:
                typ, data = client.uid("MOVE", str(uid), target)
            else:
                typ, data = client.uid("COPY", str(uid), target)
                if typ == "OK":
                    _delete(client, uid, caps)
            if typ != "OK":
                return f"MOVE {uid}: {data!r}"
        elif action == ProcessedAction.DELETE:
            _delete(client, uid, caps)
        else:
            typ, data = client.uid("STORE", str(uid), "+FLAGS.SILENT", r"(\Seen)")
            if typ != "OK":
                return f"STORE {uid}: {data!r}"
    except imaplib.IMAP4.abort:
        raise
    except imaplib.IMAP4.error as exc:
        return f"{action} {uid}: {exc}"
    return ""


def _delete(client: imaplib.IMAP4, uid: int, caps: set[str]) -> None:
    client.uid("STORE", str(uid), "+FLAGS.SILENT", r"(\Deleted)")
    if "UIDPLUS" in caps:
        client.uid("EXPUNGE", str(uid))
    else:  # expunges every \Deleted message of the folder, ours or not
        client.expunge()


def _save_state(mailbox: Mailbox, **fields: object) -> None:
    for name, value in fields.items():
        setattr(mailbox, name, value)
    Mailbox.objects.filter(pk=mailbox.pk).update(**fields)


def poll_mailbox(
    mailbox: Mailbox, *, ingest: IngestFn | None = None, limit: int = MAX_PER_POLL
) -> PollResult:
    """Fetch the mailbox's new mail once. Never raises for a server or ingest failure:
    the scrubbed error is stored in `last_error` and returned."""
    ingest = ingest or _default_ingest()
    result = PollResult(mailbox_id=mailbox.pk)
    cap = int(getattr(settings, "LOOPDESK_EMAIL_MAX_BYTES", 25 * 1024 * 1024))
    warnings: list[str] = []
    client = None
    try:
        client = imap_open(mailbox)
        _count, uidvalidity = imap_select(client, mailbox.imap_folder)
        if mailbox.uid_validity != uidvalidity:
            if mailbox.uid_validity is not None:
                log.warning(
                    "mailbox %s: UIDVALIDITY changed %s -> %s; rescanning the folder "
                    "(ingest drops what it already has)",
                    mailbox.pk,
                    mailbox.uid_validity,
                    uidvalidity,
                )
            _save_state(mailbox, uid_validity=uidvalidity, last_uid=0)
        uids = _new_uids(client, mailbox.last_uid)
        result.more = len(uids) > limit
        todo = uids[:limit]
        sizes = _sizes(client, todo) if todo else {}
        for batch in _batches(todo, sizes, cap):
            fetched = _fetch_many(client, batch, cap)
            for uid in batch:
                raw = fetched.pop(uid, None)
                if raw is None:  # vanished meanwhile, or an odd answer: ask for it alone
                    raw = _fetch(client, uid, cap)
                if raw is not None:
                    outcome = ingest(raw, source="imap", mailbox=mailbox, imap_uid=uid)
                    name = str(getattr(outcome, "result", "") or "")
                    result.results[name] = result.results.get(name, 0) + 1
                    result.fetched += 1
                    warning = _apply_action(client, mailbox, uid)
                    if warning:
                        warnings.append(warning)
                _save_state(mailbox, last_uid=uid, last_polled_at=timezone.now())
    except Exception as exc:  # noqa: BLE001 — one mailbox's failure is recorded, not raised
        secrets = mailbox_secrets(mailbox)
        result.error = scrub(
            describe_error(exc, protocol="imap", host=mailbox.imap_host, port=mailbox.imap_port),
            secrets,
        )
        log.warning("mailbox %s: poll failed: %s", mailbox.pk, result.error)
    finally:
        if client is not None:
            _close(client)
    error = result.error
    if not error and warnings:
        error = scrub(
            "Processed mail could not be marked/moved: " + "; ".join(warnings[:5]),
            mailbox_secrets(mailbox),
        )
    _save_state(mailbox, last_polled_at=timezone.now(), last_error=error[:2000])
    return result


# --- all mailboxes --------------------------------------------------------------------------


class _Backoff:
    """Per-process memory of failing mailboxes: wait interval * 2^failures (capped)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state: dict[int, tuple[int, float]] = {}

    def ready(self, mailbox_id: int, now: float) -> bool:
        with self._lock:
            state = self._state.get(mailbox_id)
            return state is None or state[1] <= now

    def reset(self) -> None:
        with self._lock:
            self._state.clear()

    def failing(self, mailbox_id: int) -> bool:
        with self._lock:
            return mailbox_id in self._state

    def record(self, mailbox: Mailbox, ok: bool, now: float) -> None:
        with self._lock:
            if ok:
                self._state.pop(mailbox.pk, None)
                return
            failures = self._state.get(mailbox.pk, (0, 0.0))[0] + 1
            delay = min(MAX_BACKOFF, max(mailbox.poll_interval, 30) * 2 ** min(failures, 10))
            self._state[mailbox.pk] = (failures, now + delay)


backoff = _Backoff()


def due_mailboxes(now=None) -> list[Mailbox]:
    """Active mailboxes with IMAP set up whose interval has passed."""
    now = now or timezone.now()
    candidates = Mailbox.objects.filter(is_active=True).exclude(imap_host="").order_by("pk")
    return [
        mb
        for mb in candidates
        if mb.last_polled_at is None
        or mb.last_polled_at + timedelta(seconds=max(mb.poll_interval, 10)) <= now
    ]


def _claim(mailbox: Mailbox, now) -> bool:
    """Take this poll round (a lease on last_polled_at); False if another worker did."""
    previous = mailbox.last_polled_at
    condition = Q(last_polled_at__isnull=True) if previous is None else Q(last_polled_at=previous)
    claimed = Mailbox.objects.filter(Q(pk=mailbox.pk) & condition).update(last_polled_at=now)
    if claimed:
        mailbox.last_polled_at = now
    return bool(claimed)


def poll_all(
    *, ingest: IngestFn | None = None, force: bool = False, wake: set[int] | None = None
) -> list[PollResult]:
    """Poll every due mailbox once (`force`: every mailbox; `wake`: these ids as well,
    interval or not: IDLE saw new mail); a failing one never stops the others."""
    results = []
    now = timezone.now()
    wake = wake or set()
    active = Mailbox.objects.filter(is_active=True).exclude(imap_host="").order_by("pk")
    mailboxes = list(active) if force else due_mailboxes(now)
    seen = {mb.pk for mb in mailboxes}
    if wake - seen:
        mailboxes += list(active.filter(pk__in=wake - seen))
    for mailbox in mailboxes:
        woken = mailbox.pk in wake
        if not force and not woken and not backoff.ready(mailbox.pk, time.monotonic()):
            continue
        if not force and not _claim(mailbox, now):
            continue
        try:
            outcome = poll_mailbox(mailbox, ingest=ingest)
        except Exception:  # noqa: BLE001 — e.g. the database went away mid-poll
            log.exception("mailbox %s: poll crashed", mailbox.pk)
            backoff.record(mailbox, False, time.monotonic())
            continue
        backoff.record(mailbox, not outcome.error, time.monotonic())
        results.append(outcome)
    return results


def mail_poller_loop(
    stop: threading.Event | None = None,
    *,
    tick: float = LOOP_TICK,
    ingest: IngestFn | None = None,
    idle: bool | None = None,
    idle_cycle: float | None = None,
) -> None:
    """The worker's poller thread: poll due mailboxes every `tick` seconds, and at once
    when an IDLE watcher (loopdesk.channels.email.idle) reports new mail, until stopped."""
    from loopdesk.channels.email.idle import IDLE_CYCLE, IdleSupervisor, Waker

    stop = stop or threading.Event()
    if idle is None:
        idle = bool(getattr(settings, "LOOPDESK_IMAP_IDLE", True))
    waker = Waker()
    supervisor = IdleSupervisor(waker, cycle=idle_cycle or IDLE_CYCLE) if idle else None
    log.info("mail poller started (IDLE %s)", "on" if idle else "off")
    try:
        while not stop.is_set():
            try:
                close_old_connections()
                poll_all(ingest=ingest, wake=waker.take())
                if supervisor is not None:
                    supervisor.sync()
            except Exception:  # noqa: BLE001 — the loop survives anything (database restart)
                log.exception("mail poller tick failed")
            finally:
                close_old_connections()
            waker.event.wait(tick)
    finally:
        if supervisor is not None:
            supervisor.stop_all(join=5)
