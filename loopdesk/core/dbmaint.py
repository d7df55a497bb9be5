"""Database upkeep that SQLite does not do by itself.

SQLite never gathers planner statistics on its own; without them the inbox's open-queue
query was measured at 190–265 ms instead of 3 ms at 100,000 tickets (docs/performance.md).
PostgreSQL's autovacuum analyses by itself, so this is a no-op there.
"""

from django.db import connection

MIN_ROWS = 1000  # statistics of near-empty tables would mislead the planner later


def sqlite_refresh_statistics() -> bool:
    """ANALYZE with a bounded sample (analysis_limit), when there is data worth describing."""
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name='tickets_ticket'"
        )
        if cursor.fetchone() is None:
            return False
        cursor.execute("SELECT COUNT(*) FROM (SELECT 1 FROM tickets_ticket LIMIT %s)", [MIN_ROWS])
        if cursor.fetchone()[0] < MIN_ROWS:
            return False
        cursor.execute("PRAGMA analysis_limit=1000")
        cursor.execute("ANALYZE")
    return True
