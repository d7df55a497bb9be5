"""`loopdesk ingest-email PATH|-`: feed RFC 822 mail to the email channel.

PATH is one message file, an mbox file, or a directory of either (sorted, not recursive,
plus Maildir `new/` and `cur/`); `-` reads one message or an mbox from standard input, so
an MTA can pipe mail in (e.g. Postfix: `support: "|/opt/loopdesk/bin/loopdesk
ingest-email -"`). Prints one JSON line per message and exits 0 unless the command
itself failed (unreadable path, database down).
"""

import json
import sys
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from loopdesk.channels.email.ingest import ingest_raw
from loopdesk.channels.models import InboundSource, Mailbox


def split_mbox(data: bytes) -> list[bytes]:
    """Messages of an mboxo/mboxrd file: "From " lines separate, ">From " unescapes."""
    messages: list[list[bytes]] = []
    for line in data.splitlines(keepends=True):
        if line.startswith(b"From ") and (not messages or _after_blank(messages[-1])):
            messages.append([])
            continue
        if not messages:
            messages.append([])
        if line.startswith(b">") and line.lstrip(b">").startswith(b"From "):
            line = line[1:]
        messages[-1].append(line)
    return [b"".join(m) for m in messages if any(x.strip() for x in m)]


def _after_blank(lines: list[bytes]) -> bool:
    return not lines or not lines[-1].strip()


def is_mbox(data: bytes) -> bool:
    return data.startswith(b"From ")


def _read(path: Path) -> bytes:
    limit = settings.LOOPDESK_EMAIL_MAX_BYTES
    with path.open("rb") as handle:
        # Past the cap only the head is stored: do not read a 1 GB file into memory.
        return handle.read(limit + 1 if path.stat().st_size > limit * 4 else -1)


def messages_in(target: str) -> Iterator[tuple[str, bytes]]:
    if target == "-":
        data = sys.stdin.buffer.read()
        yield from _from_bytes("<stdin>", data)
        return
    path = Path(target)
    if path.is_dir():
        files = [p for p in sorted(path.iterdir()) if p.is_file() and not p.name.startswith(".")]
        for sub in ("new", "cur"):
            if (path / sub).is_dir():
                files += [p for p in sorted((path / sub).iterdir()) if p.is_file()]
        for file in files:
            yield from _from_bytes(str(file), _read(file))
        return
    if not path.is_file():
        raise CommandError(f"No such file or directory: {target}")
    yield from _from_bytes(str(path), _read(path))


def _from_bytes(name: str, data: bytes) -> Iterator[tuple[str, bytes]]:
    if is_mbox(data):
        for index, message in enumerate(split_mbox(data), start=1):
            yield f"{name}#{index}", message
    else:
        yield name, data


class Command(BaseCommand):
    help = "Ingest RFC 822 mail from a file, an mbox, a directory or standard input."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="file, mbox, directory, or - for standard input")
        parser.add_argument("--mailbox", help="address of the mailbox the mail was sent to")

    def handle(self, *args, path: str, mailbox: str | None = None, **options) -> None:
        box = None
        if mailbox:
            box = Mailbox.objects.filter(address__iexact=mailbox).first()
            if box is None:
                raise CommandError(f"Unknown mailbox: {mailbox}")
        try:
            for name, raw in messages_in(path):
                outcome = ingest_raw(raw, source=InboundSource.PIPE, mailbox=box)
                line = {**outcome.as_json(), "source": name}
                self.stdout.write(json.dumps(line, ensure_ascii=False))
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        except DatabaseError as exc:
            raise CommandError(f"Database error, stopped: {exc}") from exc
