"""Gap-tolerant monotonic numbers (ticket numbers) that are safe across processes.

PostgreSQL uses a real SEQUENCE (no row lock held until commit, so creates never queue
behind each other); SQLite serialises writers anyway, so a counter row suffices.
"""

from django.db import connection

from .models import Counter

TICKET_NUMBER = "ticket_number"
TICKET_NUMBER_START = 10000  # first number handed out is 10001


def next_value(name: str) -> int:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(%s)", [f"loopdesk_{name}_seq"])
            return int(cursor.fetchone()[0])
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_counter SET value = value + 1 WHERE name = %s RETURNING value", [name]
        )
        row = cursor.fetchone()
    if row is not None:
        return int(row[0])
    Counter.objects.get_or_create(name=name, defaults={"value": TICKET_NUMBER_START})
    return next_value(name)
