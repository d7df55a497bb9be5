"""core.prepared: a fixed-shape query compiled once returns exactly what the ORM returns."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from loopdesk.core.prepared import PreparedQuery
from loopdesk.customers.models import Contact
from loopdesk.sla.models import TicketClock
from loopdesk.tickets import selectors
from loopdesk.tickets.models import Ticket
from loopdesk.tickets.tests import factories

pytestmark = pytest.mark.django_db


def _orm_rows(ids):
    return {
        row["id"]: row
        for row in Ticket.objects.filter(pk__in=ids)
        .annotate(**selectors.sla_summary_annotations())
        .values(*selectors.INBOX_ROW_VALUES, "sla_due_at", "sla_paused")
    }


def test_inbox_rows_equal_the_orm_with_converted_values(team_a, agent):
    now = timezone.now()
    running = factories.make_ticket(team=team_a, assignee=agent, subject="空调不制冷 <b>x</b>")
    paused = factories.make_ticket(team=team_a, subject="paused")
    plain = factories.make_ticket(subject="no clock, no team")
    clock = {"metric": "resolution", "target_minutes": 60, "started_at": now}
    TicketClock.objects.create(
        ticket=running, state="running", due_at=now + timedelta(hours=2), **clock
    )
    TicketClock.objects.create(ticket=paused, state="paused", **clock)
    ids = [running.pk, paused.pk, plain.pk, 10**12]  # and an id that does not exist

    prepared = {row["id"]: row for row in selectors._INBOX_ROWS.dicts(ids)}

    assert prepared == _orm_rows(ids)
    assert set(prepared) == {running.pk, paused.pk, plain.pk}
    # The database's raw values went through the fields' converters, as in the ORM.
    assert prepared[running.pk]["sla_due_at"] == TicketClock.objects.get(ticket=running).due_at
    assert prepared[running.pk]["updated_at"].tzinfo is not None
    assert prepared[paused.pk]["sla_paused"] is True
    assert prepared[plain.pk]["sla_paused"] is False
    assert prepared[plain.pk]["team__name"] is None


def test_compiled_once_then_only_the_ids_change(team_a):
    tickets = [factories.make_ticket(team=team_a, subject=f"t{i}") for i in range(3)]
    builds = []

    def build(ids):
        builds.append(ids)
        return Ticket.objects.filter(pk__any=ids).values("id", "subject")

    query = PreparedQuery(build)
    query.dicts([tickets[0].pk])
    with CaptureQueriesContext(connection) as ctx:
        first = query.dicts([tickets[1].pk])
        both = query.dicts([tickets[0].pk, tickets[2].pk])
    assert first == [{"id": tickets[1].pk, "subject": "t1"}]
    assert sorted(r["subject"] for r in both) == ["t0", "t2"]
    assert len(ctx.captured_queries) == 2
    assert len(builds) == 1  # the queryset was built and compiled once
    assert query.dicts([]) == []


def test_text_keys_and_hostile_values_stay_parameters():
    Contact.objects.create(name="Robert'); DROP TABLE customers_contact; --")
    Contact.objects.create(name='引号 "x" \\ %s ?')
    query = PreparedQuery(
        lambda names: Contact.objects.filter(name__any=names).values("name"), kind="text"
    )
    names = ["Robert'); DROP TABLE customers_contact; --", '引号 "x" \\ %s ?', "absent"]
    assert sorted(r["name"] for r in query.dicts(names)) == sorted(names[:2])
    assert Contact.objects.count() == 2


def test_model_instances_from_every_concrete_field(agent):
    query = PreparedQuery(lambda ids: type(agent).objects.filter(pk__any=ids))
    (user,) = query.objects([agent.pk])
    assert user.pk == agent.pk and user.email == agent.email and user.role == agent.role
    assert user._state.adding is False and user._state.db == "default"
    assert list(user.teams.all()) == list(agent.teams.all())


def test_a_query_without_the_placeholder_is_refused():
    query = PreparedQuery(lambda ids: Ticket.objects.filter(pk=1).values("id"))
    with pytest.raises(ValueError, match="exactly one placeholder"):
        query.dicts([1])


def test_rows_need_values_and_objects_need_a_model_query(ticket):
    models = PreparedQuery(lambda ids: Ticket.objects.filter(pk__any=ids))
    with pytest.raises(ValueError, match="values"):
        models.dicts([ticket.pk])
    values = PreparedQuery(lambda ids: Ticket.objects.filter(pk__any=ids).values("id"))
    with pytest.raises(ValueError, match="model queryset"):
        values.objects([ticket.pk])
    annotated = PreparedQuery(
        lambda ids: Ticket.objects.filter(pk__any=ids).annotate(
            **selectors.sla_summary_annotations()
        )
    )
    with pytest.raises(ValueError, match="without annotations"):
        annotated.objects([ticket.pk])


def test_objects_with_select_related_equal_the_orm(team_a, agent):
    ticket = factories.make_ticket(team=team_a, assignee=agent, subject="关联 related")
    related = ("status", "contact", "organization", "team", "assignee")
    query = PreparedQuery(lambda ids: Ticket.objects.select_related(*related).filter(pk__any=ids))
    (mine,) = query.objects([ticket.pk])
    orm = Ticket.objects.select_related(*related).get(pk=ticket.pk)
    with CaptureQueriesContext(connection) as ctx:
        for name in related:
            assert getattr(mine, name) == getattr(orm, name)
        assert mine.assignee.email == agent.email and mine.team.name == team_a.name
        assert mine.organization is None
    assert ctx.captured_queries == []  # the relations came with the row
    assert [
        f.attname
        for f in Ticket._meta.concrete_fields
        if getattr(mine, f.attname) != getattr(orm, f.attname)
    ] == []
