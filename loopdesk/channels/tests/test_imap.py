"""The IMAP poller against a real Dovecot on loopback."""

from __future__ import annotations

import imaplib
import threading
import time
from types import SimpleNamespace

import pytest
from django.db import OperationalError

from loopdesk.channels.email import imap, transport
from loopdesk.channels.models import InboundEmail, InboundResult, Mailbox, ProcessedAction, Security
from loopdesk.core.crypto import encrypt

pytestmark = pytest.mark.django_db


def make_mail(
    n: int, *, subject: str = "Printer broken", sender: str = "kunde@example.org"
) -> bytes:
    return (
        f"From: Kunde {n} <{sender}>\r\n"
        f"To: support@example.com\r\n"
        f"Subject: {subject} {n}\r\n"
        f"Message-ID: <poll-{n}-{id(object())}@example.org>\r\n"
        "Date: Mon, 23 Nov 2026 10:00:00 +0000\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "\r\n"
        f"Message body number {n}.\r\n"
    ).encode()


def make_mailbox(account, **overrides) -> Mailbox:
    values = {
        "name": "Support",
        "address": f"support-{account.user}",
        "imap_host": account.server.host,
        "imap_port": account.server.port,
        "imap_security": Security.NONE,
        "imap_user": account.user,
        "imap_password": encrypt(account.password),
        "imap_folder": "INBOX",
    }
    values.update(overrides)
    return Mailbox.objects.create(**values)


class FakeIngest:
    """Stands in for the ingest service where the test is about the IMAP layer only."""

    def __init__(self, fail_on: set[int] | None = None) -> None:
        self.calls: list[tuple[int, bytes]] = []
        self.fail_on = fail_on or set()

    def __call__(self, raw, *, source, mailbox=None, imap_uid=None):
        assert source == "imap"
        assert mailbox is not None
        if imap_uid in self.fail_on:
            raise OperationalError("database is down")
        self.calls.append((imap_uid, raw))
        return SimpleNamespace(result="created", ticket_number=None, msgid="", reason="")

    @property
    def uids(self) -> list[int]:
        return [uid for uid, _raw in self.calls]


def flags(account, folder: str = "INBOX") -> dict[int, str]:
    client = account.client()
    try:
        client.select(imap.encode_folder(folder))
        typ, data = client.uid("FETCH", "1:*", "(FLAGS)")
        out = {}
        for item in data:
            if not item:
                continue
            text = item.decode()
            uid = int(text.split("UID ")[1].split()[0].rstrip(")"))
            out[uid] = text
        return out
    finally:
        client.logout()


def test_each_message_ingested_once_across_polls_and_restart(imap_account):
    for n in range(3):
        imap_account.append(make_mail(n))
    mailbox = make_mailbox(imap_account)
    ingest = FakeIngest()

    first = imap.poll_mailbox(mailbox, ingest=ingest)
    assert first.error == ""
    assert first.fetched == 3
    assert ingest.uids == [1, 2, 3]
    assert b"Message body number 0." in ingest.calls[0][1]

    imap.poll_mailbox(mailbox, ingest=ingest)  # nothing new
    assert ingest.uids == [1, 2, 3]

    imap_account.append(make_mail(3))
    restarted = Mailbox.objects.get(pk=mailbox.pk)  # a new worker process reads the state
    assert restarted.last_uid == 3
    assert restarted.uid_validity
    imap.poll_mailbox(restarted, ingest=ingest)
    assert ingest.uids == [1, 2, 3, 4]
    assert all("\\Seen" in text for text in flags(imap_account).values())
    restarted.refresh_from_db()
    assert restarted.last_error == ""
    assert restarted.last_polled_at is not None


def test_uid_range_quirk_highest_uid_below_last_uid_is_not_refetched(imap_account):
    imap_account.append(make_mail(1))
    mailbox = make_mailbox(imap_account)
    ingest = FakeIngest()
    imap.poll_mailbox(mailbox, ingest=ingest)
    # `UID SEARCH UID 2:*` answers with UID 1 (the highest) even though 1 < 2.
    mailbox.refresh_from_db()
    imap.poll_mailbox(mailbox, ingest=ingest)
    assert ingest.uids == [1]


def test_ingest_failure_does_not_mark_or_advance(imap_account):
    for n in range(3):
        imap_account.append(make_mail(n))
    mailbox = make_mailbox(imap_account)
    failing = FakeIngest(fail_on={2})

    result = imap.poll_mailbox(mailbox, ingest=failing)
    assert failing.uids == [1]
    assert result.error
    mailbox.refresh_from_db()
    assert mailbox.last_uid == 1
    assert mailbox.last_error
    seen = flags(imap_account)
    assert "\\Seen" in seen[1]
    assert "\\Seen" not in seen[2]

    healthy = FakeIngest()
    imap.poll_mailbox(mailbox, ingest=healthy)
    assert healthy.uids == [2, 3]
    mailbox.refresh_from_db()
    assert mailbox.last_uid == 3
    assert mailbox.last_error == ""


def test_move_to_folder_with_chinese_name(imap_account):
    client = imap_account.client()
    assert client.create(imap.encode_folder("已处理"))[0] == "OK"
    client.logout()
    imap_account.append(make_mail(1))
    imap_account.append(make_mail(2))
    mailbox = make_mailbox(
        imap_account, processed_action=ProcessedAction.MOVE, processed_folder="已处理"
    )
    ingest = FakeIngest()
    imap.poll_mailbox(mailbox, ingest=ingest)
    assert ingest.uids == [1, 2]
    assert flags(imap_account) == {}
    assert len(flags(imap_account, "已处理")) == 2
    mailbox.refresh_from_db()
    assert mailbox.last_error == ""


def test_move_without_move_extension_copies_and_expunges(imap_account, monkeypatch):
    client = imap_account.client()
    client.create("Done")
    client.logout()
    imap_account.append(make_mail(1))
    original = imap._refresh_capabilities

    def without_move(client):
        original(client)
        client.capabilities = tuple(c for c in client.capabilities if c != "MOVE")

    monkeypatch.setattr(imap, "_refresh_capabilities", without_move)
    mailbox = make_mailbox(
        imap_account, processed_action=ProcessedAction.MOVE, processed_folder="Done"
    )
    imap.poll_mailbox(mailbox, ingest=FakeIngest())
    assert flags(imap_account) == {}
    assert len(flags(imap_account, "Done")) == 1


def test_move_to_missing_folder_is_reported_and_mail_not_refetched(imap_account):
    imap_account.append(make_mail(1))
    mailbox = make_mailbox(
        imap_account, processed_action=ProcessedAction.MOVE, processed_folder="Nope"
    )
    ingest = FakeIngest()
    imap.poll_mailbox(mailbox, ingest=ingest)
    mailbox.refresh_from_db()
    assert "could not be marked/moved" in mailbox.last_error
    assert mailbox.last_uid == 1
    imap.poll_mailbox(mailbox, ingest=ingest)
    assert ingest.uids == [1]


def test_delete_action(imap_account):
    imap_account.append(make_mail(1))
    mailbox = make_mailbox(imap_account, processed_action=ProcessedAction.DELETE)
    imap.poll_mailbox(mailbox, ingest=FakeIngest())
    assert flags(imap_account) == {}


def test_uidvalidity_change_rescans_folder(imap_account):
    imap_account.append(make_mail(1))
    imap_account.append(make_mail(2))
    mailbox = make_mailbox(imap_account)
    ingest = FakeIngest()
    imap.poll_mailbox(mailbox, ingest=ingest)
    real_validity = Mailbox.objects.get(pk=mailbox.pk).uid_validity
    # The server's index was rebuilt: the stored UIDVALIDITY no longer matches.
    Mailbox.objects.filter(pk=mailbox.pk).update(uid_validity=real_validity + 1)
    mailbox.refresh_from_db()
    imap.poll_mailbox(mailbox, ingest=ingest)
    # Every message is offered again (ingest's dedup drops them), state follows the server.
    assert ingest.uids == [1, 2, 1, 2]
    mailbox.refresh_from_db()
    assert mailbox.uid_validity == real_validity
    assert mailbox.last_uid == 2


def test_per_poll_cap(imap_account):
    for n in range(3):
        imap_account.append(make_mail(n))
    mailbox = make_mailbox(imap_account)
    ingest = FakeIngest()
    result = imap.poll_mailbox(mailbox, ingest=ingest, limit=2)
    assert result.more
    assert ingest.uids == [1, 2]
    imap.poll_mailbox(mailbox, ingest=ingest, limit=2)
    assert ingest.uids == [1, 2, 3]


def test_wrong_password_records_scrubbed_error(imap_account):
    mailbox = make_mailbox(imap_account, imap_password=encrypt("Wr0ng-pa55word"))
    result = imap.poll_mailbox(mailbox, ingest=FakeIngest())
    mailbox.refresh_from_db()
    assert "rejected the user name or password" in mailbox.last_error
    assert "Wr0ng-pa55word" not in mailbox.last_error
    assert result.error == mailbox.last_error


def test_closed_port_and_broken_mailbox_do_not_stop_others(imap_account, dovecot):
    imap_account.append(make_mail(1))
    good = make_mailbox(imap_account)
    broken = make_mailbox(
        imap_account, address="broken@example.com", name="Broken", imap_port=dovecot.closed_port
    )
    ingest = FakeIngest()
    imap.backoff.reset()
    results = imap.poll_all(ingest=ingest)
    assert {r.mailbox_id for r in results} == {good.pk, broken.pk}
    assert ingest.uids == [1]
    broken.refresh_from_db()
    assert "refused the connection" in broken.last_error
    assert imap_account.password not in broken.last_error
    # Both were just polled: nothing is due now, and the broken one backs off.
    assert imap.poll_all(ingest=ingest) == []
    assert not imap.backoff.ready(broken.pk, __import__("time").monotonic())
    imap.backoff.reset()


def test_tls_against_plain_port_is_a_tls_error(imap_account):
    mailbox = make_mailbox(imap_account, imap_security=Security.SSL)
    check = transport.test_imap(mailbox, timeout=5)
    assert not check.ok
    assert "TLS" in check.message


def test_test_imap_reports_count_and_idle(imap_account):
    imap_account.append(make_mail(1))
    mailbox = make_mailbox(imap_account)
    check = transport.test_imap(mailbox)
    assert check.ok, check.message
    assert "holds 1 messages" in check.message
    assert any("IDLE" in d and "yes" in d for d in check.details)
    # The test is read-only: the message is still unseen.
    assert "\\Seen" not in flags(imap_account)[1]


def test_test_imap_missing_folder(imap_account):
    mailbox = make_mailbox(imap_account, imap_folder="Does not exist")
    check = transport.test_imap(mailbox)
    assert not check.ok
    assert "does not exist" in check.message


def test_utf8_password_logs_in_with_authenticate_plain(dovecot):
    from loopdesk.channels.tests.conftest import UTF8_PASSWORD, ImapAccount

    user, password = dovecot.add_user(UTF8_PASSWORD)

    account = ImapAccount(server=dovecot, user=user, password=password)
    mailbox = make_mailbox(account)
    check = transport.test_imap(mailbox)
    assert check.ok, check.message


def test_encode_folder():
    assert imap.encode_folder("INBOX") == '"INBOX"'
    assert imap.encode_folder("已处理") == '"&XfJZBHQG-"'
    assert imap.encode_folder('a"b&c') == '"a\\"b&-c"'


def test_real_ingest_creates_tickets_once(imap_account, team_a, django_capture_on_commit_callbacks):
    """End to end: Dovecot -> poller -> the ingest service -> tickets, once."""
    imap_account.append(make_mail(1, subject="=?UTF-8?B?5omT5Y2w5py65Z2P5LqG?="))
    imap_account.append(make_mail(2, subject="Second problem"))
    mailbox = make_mailbox(imap_account, default_team=team_a)
    with django_capture_on_commit_callbacks(execute=True):
        result = imap.poll_mailbox(mailbox)
    assert result.error == "", result.error
    assert result.results == {InboundResult.CREATED: 2}
    rows = InboundEmail.objects.filter(mailbox=mailbox).order_by("imap_uid")
    assert [r.imap_uid for r in rows] == [1, 2]
    assert all(r.ticket_id for r in rows)
    assert rows[0].subject == "打印机坏了 1"
    # The UIDVALIDITY reset re-offers both; ingest drops them as duplicates.
    Mailbox.objects.filter(pk=mailbox.pk).update(uid_validity=1)
    mailbox.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        again = imap.poll_mailbox(mailbox)
    assert again.results == {InboundResult.DUPLICATE: 2}
    assert InboundEmail.objects.filter(mailbox=mailbox, ticket__isnull=False).count() == 2


def test_imaplib_knows_id_command():
    assert "ID" in imaplib.Commands


# --- IDLE -----------------------------------------------------------------------------------


def _idle_in_thread(client, reader, *, timeout: float):
    from loopdesk.channels.email.idle import idle_once

    ready = threading.Event()
    out: dict = {}

    def run() -> None:
        try:
            out["changed"] = idle_once(
                client, reader, timeout=timeout, stop=threading.Event(), on_ready=ready.set
            )
        except Exception as exc:  # noqa: BLE001 — reported to the test
            out["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, ready, out


def test_idle_reports_new_mail_and_survives_quiet_cycles(imap_account):
    from loopdesk.channels.email.idle import LineReader

    mailbox = make_mailbox(imap_account)
    client = imap.imap_open(mailbox)
    try:
        assert "IDLE" in client.capabilities
        imap.imap_select(client, "INBOX", readonly=True)
        reader = LineReader(client.sock)
        # A quiet cycle ends with DONE and leaves the connection usable.
        thread, ready, out = _idle_in_thread(client, reader, timeout=0.3)
        thread.join(10)
        assert out == {"changed": False}
        thread, ready, out = _idle_in_thread(client, reader, timeout=20)
        assert ready.wait(5)
        started = time.monotonic()
        imap_account.append(make_mail(1))
        thread.join(15)
        assert out == {"changed": True}
        assert time.monotonic() - started < 10
    finally:
        client.shutdown()


def test_poller_loop_fetches_on_idle_without_waiting_for_the_interval(imap_account, monkeypatch):
    """The loop runs in the test's thread (it sees the test's data); IDLE watchers never
    touch the database. The interval is an hour: only IDLE can bring the mail in."""
    from loopdesk.channels.email import idle

    mailbox = make_mailbox(imap_account, poll_interval=3600)
    wakes: list[int] = []
    original_wake = idle.Waker.wake

    def spy(self, mailbox_id):
        wakes.append(mailbox_id)
        original_wake(self, mailbox_id)

    monkeypatch.setattr(idle.Waker, "wake", spy)
    # The worker closes stale connections between ticks; here that would close the
    # test's own connection (inside its rollback transaction).
    monkeypatch.setattr(imap, "close_old_connections", lambda: None)
    stop = threading.Event()

    class StopAfterOne(FakeIngest):
        def __call__(self, raw, **kwargs):
            outcome = super().__call__(raw, **kwargs)
            stop.set()
            return outcome

    ingest = StopAfterOne()
    polls: list[int] = []
    original_poll = imap.poll_mailbox

    def counted_poll(mb, **kwargs):
        try:
            return original_poll(mb, **kwargs)
        finally:
            polls.append(mb.pk)

    monkeypatch.setattr(imap, "poll_mailbox", counted_poll)

    def deliver() -> None:
        # The watcher is idling and the wake-up poll after connecting (the 2nd) has run:
        # with a one-hour interval there is no other poll.
        if _wait_for(lambda: wakes == [mailbox.pk] and len(polls) >= 2, 10):
            imap_account.append(make_mail(1))

    helper = threading.Thread(target=deliver, daemon=True)
    helper.start()
    watchdog = threading.Timer(20, stop.set)
    watchdog.start()
    imap.backoff.reset()
    try:
        imap.mail_poller_loop(stop, tick=0.1, ingest=ingest, idle=True)
    finally:
        watchdog.cancel()
        helper.join(5)
    assert ingest.uids == [1]
    assert len(wakes) >= 2
    assert not [
        t for t in threading.enumerate() if t.name.startswith("mail-idle-") and t.is_alive()
    ]


def _wait_for(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def test_poll_mail_command_once(imap_account, dovecot, capsys):
    import json

    from django.core.management import call_command

    imap_account.append(make_mail(1))
    good = make_mailbox(imap_account)
    broken = make_mailbox(
        imap_account, address="down@example.com", name="Down", imap_port=dovecot.closed_port
    )
    Mailbox.objects.create(name="Send only", address="send@example.com")  # no IMAP: skipped
    with pytest.raises(SystemExit) as exit_info:
        call_command("poll_mail", "--once")
    assert exit_info.value.code == 1  # one mailbox failed
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    by_id = {line["mailbox"]: line for line in lines}
    assert set(by_id) == {good.pk, broken.pk}
    assert by_id[good.pk]["fetched"] == 1
    assert by_id[good.pk]["error"] is None
    assert "refused" in by_id[broken.pk]["error"]
    assert InboundEmail.objects.filter(mailbox=good, imap_uid=1).count() == 1


def test_idle_watcher_follows_settings_changes(imap_account, monkeypatch):
    from loopdesk.channels.email import idle

    client = imap_account.client()
    client.create("Support")
    client.logout()
    mailbox = make_mailbox(imap_account)
    wakes: list[int] = []
    waker = idle.Waker()
    monkeypatch.setattr(waker, "wake", wakes.append)
    supervisor = idle.IdleSupervisor(waker)
    imap.backoff.reset()
    try:
        supervisor.sync()
        assert _wait_for(lambda: len(wakes) == 1, 10)  # connected and idling
        first = supervisor.watchers[mailbox.pk]
        Mailbox.objects.filter(pk=mailbox.pk).update(imap_folder="Support")
        supervisor.sync()  # the watcher leaves IDLE and reconnects to the new folder
        assert _wait_for(lambda: len(wakes) == 2, 10)
        assert supervisor.watchers[mailbox.pk] is first
        imap_account.append(make_mail(1), folder="Support")
        assert _wait_for(lambda: len(wakes) == 3, 10)  # new mail in the new folder
        Mailbox.objects.filter(pk=mailbox.pk).update(is_active=False)
        supervisor.sync()
        assert mailbox.pk not in supervisor.watchers
        first.join(5)
        assert not first.is_alive()
    finally:
        supervisor.stop_all(join=5)


def test_batched_fetch_in_uid_order_without_single_fetches(imap_account, monkeypatch):
    for n in range(7):
        imap_account.append(make_mail(n))
    mailbox = make_mailbox(imap_account)
    monkeypatch.setattr(imap, "BATCH_MESSAGES", 3)
    singles: list[int] = []
    original = imap._fetch

    def spy(client, uid, cap):
        singles.append(uid)
        return original(client, uid, cap)

    monkeypatch.setattr(imap, "_fetch", spy)
    ingest = FakeIngest()
    imap.poll_mailbox(mailbox, ingest=ingest)
    assert ingest.uids == [1, 2, 3, 4, 5, 6, 7]
    assert [raw.count(b"Message body number") for _uid, raw in ingest.calls] == [1] * 7
    assert b"number 6." in ingest.calls[6][1]
    assert singles == []


def test_oversized_mail_is_fetched_only_up_to_the_cap(imap_account, settings):
    settings.LOOPDESK_EMAIL_MAX_BYTES = 2000
    big = make_mail(1).replace(b"Message body number 1.", b"x" * 10_000)
    imap_account.append(big)
    imap_account.append(make_mail(2))
    mailbox = make_mailbox(imap_account)
    ingest = FakeIngest()
    imap.poll_mailbox(mailbox, ingest=ingest)
    assert ingest.uids == [1, 2]
    assert len(ingest.calls[0][1]) == 2001  # ingest sees it is over the cap and keeps the head
    assert ingest.calls[1][1].endswith(b"Message body number 2.\r\n")


def test_no_idle_connection_for_a_failing_mailbox(imap_account, dovecot):
    from loopdesk.channels.email import idle

    broken = make_mailbox(imap_account, imap_port=dovecot.closed_port)
    imap.backoff.reset()
    imap.poll_all(ingest=FakeIngest())
    supervisor = idle.IdleSupervisor(idle.Waker())
    try:
        supervisor.sync()
        assert broken.pk not in supervisor.watchers
    finally:
        supervisor.stop_all(join=5)
        imap.backoff.reset()


def test_client_id_is_sent_after_login(imap_account, dovecot):
    """163/126 refuse SELECT until the client sends IMAP ID; Dovecot logs what it got."""
    mailbox = make_mailbox(imap_account)
    client = imap.imap_open(mailbox)
    try:
        assert "ID" in client.capabilities
    finally:
        client.logout()
    assert _wait_for(
        lambda: any(
            "Loopdesk" in line and imap_account.user in line
            for line in dovecot.log_file.read_text(errors="replace").splitlines()
        ),
        5,
    )


# --- TLS ------------------------------------------------------------------------------------


@pytest.mark.parametrize("security", [Security.SSL, Security.STARTTLS])
def test_tls_connections_verify_the_certificate(imap_account, dovecot, monkeypatch, security):
    port = dovecot.ssl_port if security == Security.SSL else dovecot.port
    mailbox = make_mailbox(imap_account, imap_security=security, imap_port=port)
    # Unknown CA: refused with a clear reason.
    monkeypatch.setenv("SSL_CERT_FILE", str(dovecot.ca_file.parent / "missing.pem"))
    check = transport.test_imap(mailbox, timeout=5)
    assert not check.ok
    assert "certificate is not valid" in check.message
    # Trusted CA (as a real provider's would be): connects, and the poller works over TLS.
    monkeypatch.setenv("SSL_CERT_FILE", str(dovecot.ca_file))
    check = transport.test_imap(mailbox, timeout=5)
    assert check.ok, check.message
    imap_account.append(make_mail(1))
    ingest = FakeIngest()
    assert imap.poll_mailbox(mailbox, ingest=ingest).error == ""
    assert ingest.uids == [1]
