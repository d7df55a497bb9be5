"""`loopdesk ingest-email` as a real process: files, mbox, directories, stdin, junk."""

import json
import subprocess

import pytest

from loopdesk.channels.tests.mailbuild import build_mail

from .test_cli import LOOPDESK, REPO, run


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("ingest")
    run(["migrate", "--noinput", "-v0"], path)
    return path


def lines(proc) -> list[dict]:
    return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]


def test_file_then_reply_then_duplicate(data_dir, tmp_path):
    first = tmp_path / "first.eml"
    first.write_bytes(build_mail(msgid="cli-1@example.cn"))
    [created] = lines(run(["ingest-email", str(first)], data_dir))
    assert created["result"] == "created" and created["ticket"] >= 10001
    assert created["message_id"] == "cli-1@example.cn"

    reply = tmp_path / "reply.eml"
    reply.write_bytes(
        build_mail(msgid="cli-2@example.cn", in_reply_to="<cli-1@example.cn>", subject="Re: x")
    )
    [appended] = lines(run(["ingest-email", str(reply)], data_dir))
    assert (appended["result"], appended["ticket"]) == ("appended", created["ticket"])

    [again] = lines(run(["ingest-email", str(first)], data_dir))
    assert (again["result"], again["ticket"]) == ("duplicate", created["ticket"])


def test_mbox_from_stdin_and_a_directory_with_junk(data_dir, tmp_path):
    mbox = b""
    for n in range(3):
        body = build_mail(msgid=f"mbox-{n}@example.cn", subject=f"mbox {n}", body="From here on")
        mbox += (
            b"From sender@example.cn Mon Nov 23 10:00:00 2026\n"
            + body.replace(b"\nFrom ", b"\n>From ")
            + b"\n"
        )
    proc = subprocess.run(
        [*LOOPDESK, "ingest-email", "-"],
        input=mbox,
        cwd=REPO,
        capture_output=True,
        env={**_env(data_dir)},
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    results = [json.loads(x) for x in proc.stdout.decode().splitlines()]
    assert [r["result"] for r in results] == ["created"] * 3

    folder = tmp_path / "maildir"
    folder.mkdir()
    (folder / "a.eml").write_bytes(build_mail(msgid="dir-a@example.cn"))
    (folder / "b.eml").write_bytes(b"\x00\xff\xfe garbage \x00 not a mail at all")
    (folder / "c.eml").write_bytes(b"")
    results = lines(run(["ingest-email", str(folder)], data_dir))
    assert [r["result"] for r in results] == ["created", "quarantined", "quarantined"]
    assert all(r["reason"] for r in results[1:])


def test_missing_path_is_a_command_failure(data_dir, tmp_path):
    proc = run(["ingest-email", str(tmp_path / "nope.eml")], data_dir, check=False)
    assert proc.returncode != 0
    assert "No such file" in proc.stderr


def _env(data_dir):
    import os

    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env["LOOPDESK_DATA_DIR"] = str(data_dir)
    return env
