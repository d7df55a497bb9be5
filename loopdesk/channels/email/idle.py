"""IMAP IDLE (RFC 2177): push notice of new mail, so it is fetched within seconds.

IDLE only *wakes* the poller; it never fetches. One daemon thread per mailbox whose server
offers IDLE keeps a second connection open, selects the folder read-only and idles in
cycles of at most IDLE_CYCLE seconds (then DONE and IDLE again: servers drop idle
connections after ~30 min). When the server reports `* n EXISTS` (or `RECENT`), the thread
puts the mailbox on the poller's wake list; the poller then runs the normal `poll_mailbox`
with its UID bookkeeping. After every (re)connection it wakes the poller once, so mail that
arrived while no IDLE was running is not left waiting. Interval polling goes on as well: if
IDLE breaks in any way, mail still arrives at the mailbox's poll interval.

imaplib (Python 3.11) has no IDLE. The thread uses imaplib to connect, log in (IMAP ID
included) and select, then speaks IDLE/DONE itself on the same socket with a small line
reader (select() with a deadline; SSL's pending() checked), because imaplib's buffered
reader cannot wait with a timeout. Anything imaplib had read ahead before IDLE is covered
by the wake after connecting.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import re
import select
import threading
import time

from loopdesk.channels.email.imap import backoff, imap_open, imap_select
from loopdesk.channels.email.transport import describe_error, mailbox_secrets, scrub
from loopdesk.channels.models import Mailbox

log = logging.getLogger(__name__)

IDLE_CYCLE = 5 * 60  # seconds in one IDLE before DONE and IDLE again
IO_TIMEOUT = 30  # seconds for the server to answer IDLE or DONE
UNSUPPORTED_RECHECK = 3600  # seconds before asking a server without IDLE again
MAX_RETRY = 300

_CHANGE = re.compile(rb"^\* \d+ (EXISTS|RECENT)\b", re.IGNORECASE)


class Waker:
    """The poller's wake list: IDLE threads add mailbox ids, the poller takes them."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self._lock = threading.Lock()
        self._ids: set[int] = set()

    def wake(self, mailbox_id: int) -> None:
        with self._lock:
            self._ids.add(mailbox_id)
        self.event.set()

    def take(self) -> set[int]:
        with self._lock:
            ids, self._ids = self._ids, set()
            self.event.clear()
        return ids


class LineReader:
    """CRLF lines from a (possibly TLS) socket, waiting at most until a deadline."""

    def __init__(self, sock) -> None:
        self.sock = sock
        self.buf = b""

    def readline(self, deadline: float) -> bytes | None:
        while b"\n" not in self.buf:
            if len(self.buf) > 1 << 20:
                raise imaplib.IMAP4.abort("IDLE: response line too long")
            pending = getattr(self.sock, "pending", None)
            if not (pending and pending()):
                wait = deadline - time.monotonic()
                if wait <= 0:
                    return None
                ready, _w, _x = select.select([self.sock], [], [], wait)
                if not ready:
                    return None
            data = self.sock.recv(65536)
            if not data:
                raise imaplib.IMAP4.abort("IDLE: the server closed the connection")
            self.buf += data
        line, _sep, self.buf = self.buf.partition(b"\n")
        return line.rstrip(b"\r")


def idle_once(
    client: imaplib.IMAP4,
    reader: LineReader,
    *,
    timeout: float,
    stop: threading.Event,
    on_ready=None,
) -> bool:
    """One IDLE ... DONE round; True when the server reported new mail."""
    tag = client._new_tag()  # noqa: SLF001 — imaplib has no IDLE (added in 3.14)
    client.send(tag + b" IDLE\r\n")
    changed = False
    while True:
        line = reader.readline(time.monotonic() + IO_TIMEOUT)
        if line is None:
            raise TimeoutError("IDLE: no continuation from the server")
        if line.startswith(b"+"):
            break
        if line.startswith(tag):
            raise imaplib.IMAP4.error(f"IDLE refused: {line[:200]!r}")
        changed = changed or bool(_CHANGE.match(line))
    if on_ready is not None:
        on_ready()
    deadline = time.monotonic() + timeout
    while not changed and not stop.is_set() and time.monotonic() < deadline:
        line = reader.readline(min(deadline, time.monotonic() + 1.0))
        if line is None:
            continue
        if line.upper().startswith(b"* BYE"):
            raise imaplib.IMAP4.abort(f"IDLE: {line[:200]!r}")
        changed = bool(_CHANGE.match(line))
    client.send(b"DONE\r\n")
    end = time.monotonic() + IO_TIMEOUT
    while True:
        line = reader.readline(end)
        if line is None:
            raise TimeoutError("IDLE: no answer to DONE")
        if line.startswith(tag + b" "):
            if not line[len(tag) + 1 :].upper().startswith(b"OK"):
                raise imaplib.IMAP4.error(f"IDLE ended with {line[:200]!r}")
            return changed
        changed = changed or bool(_CHANGE.match(line))


def _signature(mailbox: Mailbox) -> tuple:
    return (
        mailbox.imap_host,
        mailbox.imap_port,
        mailbox.imap_security,
        mailbox.imap_user,
        mailbox.imap_password,
        mailbox.imap_folder,
    )


class IdleWatcher(threading.Thread):
    """Keeps one mailbox's folder in IDLE. It never touches the database: the supervisor
    hands it the mailbox's current settings on every tick (`update`)."""

    def __init__(self, mailbox: Mailbox, supervisor: IdleSupervisor) -> None:
        super().__init__(name=f"mail-idle-{mailbox.pk}", daemon=True)
        self.mailbox_id = mailbox.pk
        self.supervisor = supervisor
        self._mailbox = mailbox
        self._lock = threading.Lock()
        self.stopped = False
        self.interrupt = threading.Event()  # stop, or settings changed: leave IDLE now

    def update(self, mailbox: Mailbox) -> None:
        with self._lock:
            changed = _signature(mailbox) != _signature(self._mailbox)
            self._mailbox = mailbox
        if changed:
            self.interrupt.set()

    def stop(self) -> None:
        self.stopped = True
        self.interrupt.set()

    def run(self) -> None:
        failures = 0
        while not self.stopped:
            with self._lock:
                mailbox = self._mailbox
            self.interrupt.clear()
            client = None
            try:
                client = imap_open(mailbox, timeout=IO_TIMEOUT)
                if "IDLE" not in {c.upper() for c in client.capabilities}:
                    self.supervisor.mark_unsupported(self.mailbox_id)
                    return
                imap_select(client, mailbox.imap_folder, readonly=True)
                failures = 0
                self._idle(client)
            except Exception as exc:  # noqa: BLE001 — retried; polling goes on meanwhile
                failures += 1
                text = scrub(
                    describe_error(
                        exc, protocol="imap", host=mailbox.imap_host, port=mailbox.imap_port
                    ),
                    mailbox_secrets(mailbox),
                )
                log.info("mailbox %s: IDLE connection failed: %s", self.mailbox_id, text)
                self.interrupt.wait(min(MAX_RETRY, 5 * 2 ** min(failures, 6)))
            finally:
                if client is not None:
                    with contextlib.suppress(Exception):
                        client.shutdown()

    def _idle(self, client: imaplib.IMAP4) -> None:
        reader = LineReader(client.sock)
        waker = self.supervisor.waker
        first = True
        while not self.interrupt.is_set():
            changed = idle_once(
                client,
                reader,
                timeout=self.supervisor.cycle,
                stop=self.interrupt,
                on_ready=(lambda: waker.wake(self.mailbox_id)) if first else None,
            )
            first = False
            if changed:
                waker.wake(self.mailbox_id)


class IdleSupervisor:
    """Starts one IdleWatcher per active IMAP mailbox whose server offers IDLE."""

    def __init__(self, waker: Waker, *, cycle: float = IDLE_CYCLE) -> None:
        self.waker = waker
        self.cycle = cycle
        self.watchers: dict[int, IdleWatcher] = {}
        self._unsupported: dict[int, float] = {}
        self._lock = threading.Lock()

    def mark_unsupported(self, mailbox_id: int) -> None:
        with self._lock:
            self._unsupported[mailbox_id] = time.monotonic() + UNSUPPORTED_RECHECK
        log.info("mailbox %s: the server offers no IDLE; polling only", mailbox_id)

    def sync(self) -> None:
        """Called by the poller on every tick: start, update or stop the watchers."""
        mailboxes = {
            mb.pk: mb for mb in Mailbox.objects.filter(is_active=True).exclude(imap_host="")
        }
        now = time.monotonic()
        for mailbox_id, watcher in list(self.watchers.items()):
            if mailbox_id not in mailboxes or not watcher.is_alive():
                watcher.stop()
                del self.watchers[mailbox_id]
            else:
                watcher.update(mailboxes[mailbox_id])
        for mailbox_id in set(mailboxes) - set(self.watchers):
            with self._lock:
                if self._unsupported.get(mailbox_id, 0) > now:
                    continue
            if backoff.failing(mailbox_id):
                continue  # polls fail: no second connection until one succeeds
            watcher = IdleWatcher(mailboxes[mailbox_id], self)
            self.watchers[mailbox_id] = watcher
            watcher.start()

    def stop_all(self, *, join: float = 0) -> None:
        for watcher in self.watchers.values():
            watcher.stop()
        if join:
            for watcher in self.watchers.values():
                watcher.join(join)
        self.watchers.clear()
