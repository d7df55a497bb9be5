"""Keyset pagination must visit every row exactly once, in order, whatever the ties."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from loopdesk.core.exceptions import ValidationFailed
from loopdesk.core.pagination import SortKey, encode_cursor, keyset_page
from loopdesk.tickets.models import Ticket
from loopdesk.tickets.tests.factories import make_ticket

SORTS = {
    "updated desc": [SortKey("updated_at", True)],
    "created asc": [SortKey("created_at", False)],
    "priority then updated desc": [SortKey("priority", False, "int"), SortKey("updated_at", True)],
}


@pytest.mark.parametrize("sort", SORTS)
def test_pages_cover_all_rows_once_in_order(team_a, sort):
    for _ in range(23):
        make_ticket(team=team_a)
    base = timezone.now()
    rng = random.Random(7)
    for ticket in Ticket.objects.all():
        # Few distinct values: many ties that only the pk tiebreak can order.
        Ticket.objects.filter(pk=ticket.pk).update(
            updated_at=base - timedelta(minutes=rng.randint(0, 3)),
            created_at=base - timedelta(minutes=rng.randint(0, 3)),
            priority=rng.randint(1, 4),
        )
    keys = SORTS[sort]
    ordering = [f"-{k.field}" if k.descending else k.field for k in keys]
    ordering.append("-pk" if keys[-1].descending else "pk")
    expected = list(Ticket.objects.order_by(*ordering).values_list("pk", flat=True))

    seen, after = [], None
    while True:
        page = keyset_page(Ticket.objects.all(), keys=keys, size=5, after=after)
        seen += [t.pk for t in page.items]
        if page.next_cursor is None:
            break
        after = page.next_cursor
    assert seen == expected


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "!!!",
        "bm90IGpzb24",
        encode_cursor(["x", 1]),
        encode_cursor([1, 2, 3]),
        "eyJhIjoxfQ",
        "W251bGwsIG51bGxd",
    ],
)
def test_bad_cursors_are_a_clear_error(db, cursor):
    if cursor == "":
        keyset_page(Ticket.objects.all(), keys=SORTS["updated desc"], size=5, after=cursor)
        return
    with pytest.raises(ValidationFailed, match="cursor"):
        keyset_page(Ticket.objects.all(), keys=SORTS["updated desc"], size=5, after=cursor)


def test_sqlite_statistics_refresh_only_with_data(team_a):
    from django.db import connection

    from loopdesk.core.dbmaint import MIN_ROWS, sqlite_refresh_statistics

    make_ticket(team=team_a)
    assert sqlite_refresh_statistics() is False  # too little data: leave the planner's defaults
    if connection.vendor == "postgresql":
        return  # autovacuum analyses PostgreSQL; the function must not touch it
    ticket = Ticket.objects.get()
    Ticket.objects.bulk_create(
        [
            Ticket(
                number=ticket.number + i,
                subject="s",
                status=ticket.status,
                status_category="new",
                channel="email",
                contact=ticket.contact,
            )
            for i in range(1, MIN_ROWS + 1)
        ]
    )
    assert sqlite_refresh_statistics() is True
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'tickets_ticket'")
        assert cursor.fetchone()[0] > 0
