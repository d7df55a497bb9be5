"""The SQLite writer queue (core.dbbackends.sqlite3): write transactions of separate
connections take turns, a rollback or a closed connection hands the turn on, and a wait
past the timeout fails as SQLite itself would. Runs on a file of its own, whichever
database the suite uses."""

import fcntl
import threading

import pytest
from django.db.utils import ConnectionHandler, OperationalError

ENGINE = "loopdesk.core.dbbackends.sqlite3"


def _connection(path, timeout=5.0):
    handler = ConnectionHandler(
        {
            "default": {
                "ENGINE": ENGINE,
                "NAME": str(path),
                "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": timeout},
            }
        }
    )
    return handler["default"]


@pytest.fixture
def db_file(tmp_path, django_db_blocker):
    path = tmp_path / "queue.sqlite3"
    # Not the project's database: pytest-django's guard does not apply to this file.
    with django_db_blocker.unblock():
        conn = _connection(path)
        with conn.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("CREATE TABLE log (id INTEGER PRIMARY KEY, who TEXT)")
        conn.close()
        yield path


def _queue_taken(path) -> bool:
    with open(f"{path}-writers.lock", "a") as probe:
        try:
            fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(probe, fcntl.LOCK_UN)
        return False


def _rows(path):
    conn = _connection(path)
    with conn.cursor() as cursor:
        cursor.execute("SELECT who FROM log ORDER BY id")
        rows = [r[0] for r in cursor.fetchall()]
    conn.close()
    return rows


def test_a_second_writer_waits_for_the_first_to_commit(db_file):
    holding, order = threading.Event(), []

    def first():
        conn = _connection(db_file)
        with _atomic(conn):
            conn.cursor().execute("INSERT INTO log (who) VALUES ('first')")
            holding.set()
            threading.Event().wait(0.3)
            order.append("first commits")
        conn.close()

    thread = threading.Thread(target=first)
    thread.start()
    assert holding.wait(5)
    conn = _connection(db_file)
    with _atomic(conn):
        order.append("second begins")
        conn.cursor().execute("INSERT INTO log (who) VALUES ('second')")
    conn.close()
    thread.join()
    assert order == ["first commits", "second begins"]
    assert _rows(db_file) == ["first", "second"]


def test_waiting_past_the_timeout_fails_and_writes_nothing(db_file):
    holder = _connection(db_file)
    holder.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    holder.cursor().execute("INSERT INTO log (who) VALUES ('holder')")
    impatient = _connection(db_file, timeout=0.05)
    with (
        pytest.raises(OperationalError, match="database is locked .waited for the writer queue"),
        _atomic(impatient),
    ):
        impatient.cursor().execute("INSERT INTO log (who) VALUES ('impatient')")
    assert _queue_taken(db_file)
    holder.rollback()  # hands the turn on
    holder.set_autocommit(True)
    assert not _queue_taken(db_file)
    with _atomic(impatient):
        impatient.cursor().execute("INSERT INTO log (who) VALUES ('after rollback')")
    holder.close()
    impatient.close()
    assert _rows(db_file) == ["after rollback"]


def test_closing_a_connection_mid_transaction_releases_the_turn(db_file):
    holder = _connection(db_file)
    holder.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    holder.cursor().execute("INSERT INTO log (who) VALUES ('lost')")
    holder.close()  # as a dying process: the kernel drops its flock with the file
    other = _connection(db_file, timeout=0.5)
    with _atomic(other):
        other.cursor().execute("INSERT INTO log (who) VALUES ('next')")
    other.close()
    assert _rows(db_file) == ["next"]


class _atomic:
    """What transaction.atomic does at the outermost level, on a connection that is not in
    django.db.connections: BEGIN (IMMEDIATE), then COMMIT or ROLLBACK."""

    def __init__(self, conn):
        self.conn = conn

    def __enter__(self):
        self.conn.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is None:
                self.conn.commit()
            else:
                self.conn.rollback()
        finally:
            self.conn.set_autocommit(True)
