"""Idempotency-Key on POST /tickets and POST /tickets/{n}/messages."""

import threading

import pytest
from django.db import connections
from django.test import Client

from loopdesk.accounts.services import api_key_create
from loopdesk.core.models import IdempotencyRecord
from loopdesk.tickets.models import Message, Ticket, TicketEvent

from .conftest import ApiClient, assert_problem

BODY = {"subject": "Printer", "requester": {"email": "idem@example.com"}, "body_text": "Broken"}


def test_same_key_same_body_replays_the_stored_response(api_as, agent):
    api = api_as(agent)
    first = api.post("/tickets", BODY, headers={"Idempotency-Key": "k-1"})
    assert first.status_code == 201
    events = TicketEvent.objects.count()
    # Key order and whitespace do not matter: the parsed body is compared.
    again = api.post(
        "/tickets", dict(reversed(list(BODY.items()))), headers={"Idempotency-Key": "k-1"}
    )
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Ticket.objects.count() == 1
    assert TicketEvent.objects.count() == events


def test_same_key_other_body_is_422_and_creates_nothing(api_as, agent):
    api = api_as(agent)
    assert api.post("/tickets", BODY, headers={"Idempotency-Key": "k-2"}).status_code == 201
    other = {**BODY, "subject": "Something else"}
    body = assert_problem(api.post("/tickets", other, headers={"Idempotency-Key": "k-2"}), 422)
    assert "Idempotency-Key" in [e["field"] for e in body["errors"]]
    assert body["type"] == "urn:loopdesk:problem:idempotency-mismatch"
    assert Ticket.objects.count() == 1


def test_keys_belong_to_the_user(api_as, agent, supervisor):
    """Two users may use the same key string for their own requests."""
    a = api_as(agent).post("/tickets", BODY, headers={"Idempotency-Key": "shared"})
    b = api_as(supervisor).post("/tickets", BODY, headers={"Idempotency-Key": "shared"})
    assert a.status_code == b.status_code == 201
    assert a.json()["number"] != b.json()["number"]
    assert IdempotencyRecord.objects.filter(key="shared").count() == 2


def test_same_user_other_key_replays_too(api_as, agent):
    """Records belong to the user, not to one key: rotating keys keeps retries safe."""
    first = api_as(agent, name="old").post("/tickets", BODY, headers={"Idempotency-Key": "rot"})
    second = api_as(agent, name="new").post("/tickets", BODY, headers={"Idempotency-Key": "rot"})
    assert second.json() == first.json() and second["Idempotent-Replayed"] == "true"


def test_failed_request_stores_nothing_and_can_be_retried(api_as, agent):
    api = api_as(agent)
    bad = {**BODY, "status": "no-such-status"}
    assert_problem(api.post("/tickets", bad, headers={"Idempotency-Key": "k-3"}), 400)
    assert not IdempotencyRecord.objects.exists()
    assert api.post("/tickets", BODY, headers={"Idempotency-Key": "k-3"}).status_code == 201


def test_without_key_every_post_creates(api_as, agent):
    api = api_as(agent)
    api.post("/tickets", BODY)
    api.post("/tickets", BODY)
    assert Ticket.objects.count() == 2


@pytest.mark.parametrize("key", ["", " ", "x" * 256, "ключ", "a\tb"])
def test_invalid_keys_are_400(api_as, agent, key):
    assert_problem(api_as(agent).post("/tickets", BODY, headers={"Idempotency-Key": key}), 400)
    assert Ticket.objects.count() == 0


def test_message_replay_and_other_ticket_mismatch(api_as, agent, ticket, team_a):
    from loopdesk.tickets.tests.factories import make_ticket

    api = api_as(agent)
    note = {"kind": "note", "body_text": "checked"}
    first = api.post(f"/tickets/{ticket.number}/messages", note, headers={"Idempotency-Key": "m"})
    again = api.post(f"/tickets/{ticket.number}/messages", note, headers={"Idempotency-Key": "m"})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert Message.objects.filter(ticket=ticket, kind="note").count() == 1
    other = make_ticket(team=team_a)
    assert_problem(
        api.post(f"/tickets/{other.number}/messages", note, headers={"Idempotency-Key": "m"}), 422
    )
    assert Message.objects.filter(ticket=other, kind="note").count() == 0


# serialized_rollback: the flush after a transactional test would drop the seeded statuses.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_duplicates_create_one_ticket(agent):
    """Threads with their own connections send the same key at once: the unique
    constraint, not a lookup, decides; every caller gets the same ticket."""
    secret = api_key_create(user=agent, name="race").secret
    workers = 4
    barrier = threading.Barrier(workers)
    results: list = []

    def send() -> None:
        try:
            api = ApiClient(Client(), secret)
            barrier.wait(timeout=30)
            response = api.post("/tickets", BODY, headers={"Idempotency-Key": "race"})
            replayed = response.get("Idempotent-Replayed") == "true"
            results.append((response.status_code, response.json().get("number"), replayed))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == workers
    assert {status for status, _, _ in results} == {201}
    assert len({number for _, number, _ in results}) == 1
    assert sorted(replayed for _, _, replayed in results) == [False] + [True] * (workers - 1)
    assert Ticket.objects.count() == 1
    assert IdempotencyRecord.objects.count() == 1
