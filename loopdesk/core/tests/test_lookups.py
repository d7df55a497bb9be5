"""__lit / __lit_in write constants into the SQL (so SQLite can use partial indexes) and
refuse anything that is not a plain identifier."""

import pytest
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext

from loopdesk.tickets.models import Ticket
from loopdesk.tickets.models.ticket import OPEN_Q
from loopdesk.tickets.tests import factories

pytestmark = pytest.mark.django_db


def test_open_filter_is_written_as_constants_and_matches_the_plain_lookup(ticket):
    closed = factories.make_ticket()
    Ticket.objects.filter(pk=closed.pk).update(status_category="closed")
    with CaptureQueriesContext(connection) as ctx:
        found = list(Ticket.objects.filter(OPEN_Q).values_list("pk", flat=True))
    assert found == [ticket.pk]
    assert closed.pk not in found
    assert "IN ('new', 'open', 'pending', 'on_hold')" in ctx.captured_queries[0]["sql"]
    assert list(
        Ticket.objects.filter(status_category__lit="closed").values_list("pk", flat=True)
    ) == [closed.pk]


@pytest.mark.parametrize("value", ["open'); DROP TABLE x; --", "Open", "", "a b", "x" * 51])
def test_anything_but_an_identifier_is_refused(value):
    with pytest.raises(ValueError, match="literal-safe"):
        list(Ticket.objects.filter(status_category__lit=value))
    with pytest.raises(ValueError, match="literal-safe"):
        list(Ticket.objects.filter(status_category__lit_in=["open", value]))


def test_the_open_list_can_use_the_partial_index(ticket):
    """SQLite's INDEXED BY fails ("no query solution") when the index cannot serve the
    query: it succeeds with the constants and fails with the same filter bound."""
    qs = Ticket.objects.filter(OPEN_Q).order_by("-updated_at", "-pk").values("pk")[:25]
    sql, params = qs.query.sql_with_params()
    assert not {"new", "open", "pending", "on_hold"} & set(params)  # nothing left to bind
    if connection.vendor != "sqlite":
        return  # PostgreSQL: psycopg binds on the client, its planner sees constants anyway
    forced = sql.replace('FROM "tickets_ticket"', 'FROM "tickets_ticket" INDEXED BY tk_open_upd')
    with connection.cursor() as cursor:
        cursor.execute(forced, params)
        assert cursor.fetchall() == [(ticket.pk,)]
        bound = forced.replace("IN ('new', 'open', 'pending', 'on_hold')", "IN (%s, %s, %s, %s)")
        with pytest.raises(OperationalError, match="no query solution"):
            cursor.execute(bound, [*params, "new", "open", "pending", "on_hold"])


def test_any_binds_the_list_as_one_parameter_and_matches_in(ticket):
    other = factories.make_ticket()
    ids = [ticket.pk, other.pk, 10**12]
    with CaptureQueriesContext(connection) as ctx:
        found = sorted(Ticket.objects.filter(pk__any=ids).values_list("pk", flat=True))
    assert found == sorted(Ticket.objects.filter(pk__in=ids).values_list("pk", flat=True))
    sql = ctx.captured_queries[0]["sql"]
    assert ("= ANY(" in sql) if connection.vendor == "postgresql" else ("json_each(" in sql)
    hostile = ["x') OR 1=1 --", '"; DROP TABLE tickets_ticket; --', "引号'"]
    assert list(Ticket.objects.filter(subject__any=hostile)) == []
    assert Ticket.objects.filter(pk__any=[ticket.pk]).get() == ticket
