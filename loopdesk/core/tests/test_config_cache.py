"""The per-process configuration caches never serve what the database no longer holds:
a write of this process is seen at once (even before it commits, and not after a
rollback), another process's write through the shared version."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from loopdesk.core.exceptions import ValidationFailed
from loopdesk.routing.constants import Strategy
from loopdesk.routing.selectors import ROUTING_CONFIG, auto_team_ids, team_strategy
from loopdesk.routing.services import team_routing_set
from loopdesk.tickets.config import TICKET_CONFIG, ticket_config
from loopdesk.tickets.constants import StatusCategory
from loopdesk.tickets.models import CustomFieldDefinition, Status
from loopdesk.tickets.selectors import status_by_key
from loopdesk.tickets.services.fields import validate_custom_fields
from loopdesk.tickets.services.lifecycle import status_default
from loopdesk.tickets.tests import factories


def test_status_reads_are_served_from_the_cache(db):
    status_default(StatusCategory.NEW)
    with CaptureQueriesContext(connection) as queries:
        new = status_default(StatusCategory.NEW)
        status_by_key(new.key)
        validate_custom_fields({}, ticket_type="question", creating=True)
    assert len(queries) == 0


def test_a_new_default_status_is_used_at_once_and_not_after_a_rollback(
    db, django_capture_on_commit_callbacks
):
    before = status_default(StatusCategory.NEW)
    with pytest.raises(RuntimeError), transaction.atomic():
        Status.objects.filter(pk=before.pk).update(is_default=False)  # no signal
        Status.objects.create(
            key="triage", name="Triage", category=StatusCategory.NEW, is_default=True, order=0
        )
        assert status_default(StatusCategory.NEW).key == "triage"  # own write, uncommitted
        raise RuntimeError("roll back")
    assert status_default(StatusCategory.NEW) == before  # the rollback is not cached
    with django_capture_on_commit_callbacks(execute=True):
        Status.objects.create(key="triage", name="Triage", category=StatusCategory.NEW)
    assert status_by_key("triage").name == "Triage"


def test_a_deactivated_status_is_unknown(db, django_capture_on_commit_callbacks):
    status = status_default(StatusCategory.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        status.is_active = False
        status.save()
    with pytest.raises(ValidationFailed):
        status_by_key(status.key)


def test_allowed_next_changes_invalidate(db, django_capture_on_commit_callbacks):
    cached = ticket_config()
    status = status_default(StatusCategory.OPEN)
    with django_capture_on_commit_callbacks(execute=True):
        status.allowed_next.add(status_default(StatusCategory.SOLVED))
    assert ticket_config() is not cached


def test_a_custom_field_defined_elsewhere_is_seen_through_the_shared_version(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        CustomFieldDefinition.objects.create(key="serial", label="Serial", kind="text")
    assert validate_custom_fields({"serial": "A1"}, ticket_type="question") == {"serial": "A1"}
    # Another process makes it required: a raw write plus its on-commit bump.
    CustomFieldDefinition.objects.filter(key="serial").update(required=True)
    validate_custom_fields({}, ticket_type="question", creating=True)  # still cached here
    TICKET_CONFIG.bump_shared()
    with pytest.raises(ValidationFailed, match="Serial"):
        validate_custom_fields({}, ticket_type="question", creating=True)


def test_team_strategy_follows_changes(db, django_capture_on_commit_callbacks):
    admin = factories.make_user(role="admin")
    team = factories.make_team()
    assert team_strategy(team.pk).strategy == Strategy.MANUAL
    assert auto_team_ids() == []
    with django_capture_on_commit_callbacks(execute=True):
        team_routing_set(team=team, by=admin, strategy=Strategy.ROUND_ROBIN)
    assert team_strategy(team.pk).strategy == Strategy.ROUND_ROBIN
    assert auto_team_ids() == [team.pk]
    with django_capture_on_commit_callbacks(execute=True):
        team.delete()  # the routing row goes with it (cascade, with signals)
    assert auto_team_ids() == []
    ROUTING_CONFIG.reset()
    assert auto_team_ids() == []


def test_the_staff_directory_follows_users_and_teams_but_not_logins(
    db, django_capture_on_commit_callbacks
):
    from django.contrib.auth.signals import user_logged_in

    from loopdesk.accounts.directory import directory

    with django_capture_on_commit_callbacks(execute=True):
        agent = factories.make_user(email="wang.fang@loopdesk.test")
    assert agent.pk in [s.pk for s in directory().staff]
    cached = directory()
    with django_capture_on_commit_callbacks(execute=True):
        user_logged_in.send(sender=type(agent), request=None, user=agent)  # stamps last_login
    agent.refresh_from_db()
    assert agent.last_login is not None and directory() is cached
    with django_capture_on_commit_callbacks(execute=True):
        agent.display_name = "王芳"
        agent.save()
    assert ("王芳" in [s.label for s in directory().staff]) and directory() is not cached
    with django_capture_on_commit_callbacks(execute=True):
        agent.is_active = False
        agent.save()
        team = factories.make_team("二线支持")
    assert agent.pk not in [s.pk for s in directory().staff]
    assert (team.pk, "二线支持") in directory().teams


# serialized_rollback: the flush after a transactional test would drop the seeded statuses.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_caching_resumes_after_a_rolled_back_write():
    """Without a test transaction around it, as in a web or worker process."""
    ticket_config()
    with pytest.raises(RuntimeError), transaction.atomic():
        Status.objects.create(key="triage", name="Triage", category=StatusCategory.NEW)
        assert ticket_config().active_status("triage") is not None  # own write
        raise RuntimeError("roll back")
    assert ticket_config().active_status("triage") is None
    with CaptureQueriesContext(connection) as queries:
        ticket_config()
        ticket_config()
    assert len(queries) == 0  # cached again, not rebuilt on every read from now on
