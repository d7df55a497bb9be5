"""Every corpus message through the whole ingest path (as `loopdesk ingest-email` runs
it): no crash, nothing lost, automatic mail and bounces never become tickets."""

from pathlib import Path

import pytest

from loopdesk.channels.email.ingest import ingest_raw
from loopdesk.channels.email.parse import parse_email
from loopdesk.channels.models import InboundEmail, InboundStatus
from loopdesk.tickets.models import Ticket

CORPUS = Path(__file__).parent / "email_corpus"
FILES = sorted(CORPUS.glob("*.eml"))
OK = {"created", "appended", "duplicate", "auto_reply", "bounce", "quarantined"}

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_corpus_is_there():
    assert len(FILES) >= 40


def test_every_corpus_message_ends_somewhere_and_is_kept():
    outcomes = {}
    for path in FILES:
        raw = path.read_bytes()
        parsed = parse_email(raw)
        outcome = ingest_raw(raw, source="pipe")
        outcomes[path.name] = outcome
        assert outcome.result in OK, path.name
        inbound = InboundEmail.objects.get(pk=outcome.inbound_id)
        assert inbound.status in (InboundStatus.PROCESSED, InboundStatus.QUARANTINED)
        with inbound.raw.open("rb") as handle:
            assert handle.read() == raw, f"{path.name}: raw bytes not kept"
        if parsed.bounce is not None:
            assert outcome.result in ("bounce", "duplicate"), path.name
        elif parsed.auto_reply is not None:
            assert outcome.result in ("auto_reply", "duplicate"), path.name
        if outcome.result == "created":
            ticket = Ticket.objects.get(number=outcome.ticket_number)
            assert ticket.contact.primary_email == parsed.sender.address, path.name
            if parsed.subject.strip():  # long subjects are cut with an ellipsis
                assert parsed.subject.strip().startswith(ticket.subject.rstrip("…")), path.name
        if outcome.result == "quarantined":
            assert outcome.reason, path.name
    created = [n for n, o in outcomes.items() if o.result == "created"]
    assert len(created) >= 20
    # Nothing from the automatic or bounce classes opened a ticket.
    assert not [n for n in created if n.startswith(("dsn_", "ooo_", "vacation_", "list_"))]
