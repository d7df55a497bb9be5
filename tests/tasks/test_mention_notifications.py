"""@mention notifications as a background task, on each task backend we ship:
immediate (tests), the database queue with a real db_worker, and RQ on a real Redis."""

import pytest
import redis
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django_rq import get_queue
from django_tasks_rq.backend import Job
from rq import SimpleWorker

from loopdesk.tickets.events import Actor
from loopdesk.tickets.models import Mention
from loopdesk.tickets.services import message_add
from loopdesk.tickets.services.notifications import mention_notify


def add_note(ticket, author, text):
    return message_add(
        ticket=ticket, actor=Actor.person(author), kind="note", author_user=author, body_text=text
    )


def test_mention_mail_sent_once_in_the_users_language(
    ticket, agent, supervisor, django_capture_on_commit_callbacks
):
    supervisor.language = "en"
    supervisor.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        note = add_note(ticket, agent, "@sup can you approve the refund?")

    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["sup@loopdesk.test"]
    assert f"[#{ticket.number}]" in sent.subject and "mentioned you" in sent.subject
    assert "approve the refund" in sent.body and f"/tickets/{ticket.number}/" in sent.body
    assert sent.extra_headers["Auto-Submitted"] == "auto-generated"
    assert Mention.objects.get(message=note).notified_at is not None

    assert mention_notify(message_id=note.pk) == 0  # a retried task sends nothing twice
    assert len(mail.outbox) == 1


def test_no_mail_before_commit(ticket, agent, supervisor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        add_note(ticket, agent, "@sup look")
    assert len(callbacks) == 1 and mail.outbox == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_database_queue_and_db_worker(team_a):
    from loopdesk.tickets.tests.factories import make_ticket, make_user

    agent = make_user(teams=[team_a], email="writer@loopdesk.test")
    make_user(teams=[team_a], email="reader@loopdesk.test")
    ticket = make_ticket(team=team_a)
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        add_note(ticket, agent, "@reader FYI")
        assert mail.outbox == []  # queued, not run
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert [m.to for m in mail.outbox] == [["reader@loopdesk.test"]]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_redis_rq_queue_and_worker(team_a):
    from loopdesk.tickets.tests.factories import make_ticket, make_user

    client = redis.Redis.from_url(settings.TEST_REDIS_URL)
    client.ping()  # a missing Redis fails the test: CI must have it
    client.flushdb()
    agent = make_user(teams=[team_a], email="writer2@loopdesk.test")
    make_user(teams=[team_a], email="reader2@loopdesk.test")
    ticket = make_ticket(team=team_a)
    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    ):
        add_note(ticket, agent, "@reader2 FYI")
        queue = get_queue("default", job_class=Job)
        assert queue.count == 1 and mail.outbox == []
        SimpleWorker([queue], connection=queue.connection, job_class=Job).work(burst=True)
    assert [m.to for m in mail.outbox] == [["reader2@loopdesk.test"]]
    client.flushdb()
