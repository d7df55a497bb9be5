"""Lookups that write their constant into the SQL instead of binding it as a parameter.

SQLite uses a partial index (`... WHERE status_category IN ('new', 'open', ...)`) only when
the query's WHERE contains the index's own terms with the same constants. A bound
parameter (`status_category IN (?, ?, ?, ?)`) is not a constant to the planner, so the
index is skipped: the agent's "All open" page took 4 ms instead of 0.4 ms at 100,000
tickets, and the gap grows with the table. PostgreSQL (psycopg binds on the client) sees
the same SQL either way.

Only for code constants that name a partial index's condition: the values must be plain
identifiers ([a-z0-9_]), checked before they are written, so nothing a user typed can
reach these lookups' SQL.

    Ticket.objects.filter(status_category__lit_in=["new", "open"])
    TicketClock.objects.filter(state__lit="running")
"""

import json
import re

from django.db.models import CharField, Field, ForeignObject, Lookup
from django.db.models.lookups import Exact, In

_SAFE = re.compile(r"[a-z0-9_]{1,50}")


def _literal(value) -> str:
    value = str(value)
    if not _SAFE.fullmatch(value):
        raise ValueError(f"not a literal-safe constant: {value!r}")
    return f"'{value}'"


@CharField.register_lookup
class LiteralIn(In):
    lookup_name = "lit_in"

    def process_rhs(self, compiler, connection):
        # In the order given: the planner compares the terms with the index condition as written.
        values = (
            list(dict.fromkeys(map(_literal, self.rhs))) if self.rhs_is_direct_value() else None
        )
        if not values:
            raise ValueError("lit_in needs a non-empty list of constants")
        return "(" + ", ".join(values) + ")", ()


@CharField.register_lookup
class LiteralExact(Exact):
    lookup_name = "lit"

    def process_rhs(self, compiler, connection):
        if not self.rhs_is_direct_value():
            raise ValueError("lit needs a constant")
        return _literal(self.rhs), ()

    def get_rhs_op(self, connection, rhs):
        return f"= {rhs}"


def any_param(values, vendor: str):
    """The one bound value `field__any` sends: a list (PostgreSQL array) or a JSON array."""
    values = list(values)
    return values if vendor == "postgresql" else json.dumps(values)


@ForeignObject.register_lookup  # ticket_id__any: relations keep lookups of their own
@Field.register_lookup
class AnyOf(Lookup):
    """`field__any=[...]`: the field equals one of the values, bound as ONE parameter.

    `pk__in=[...]` costs the ORM a lookup per value (2,000 search matches: ~8 ms of Python)
    and the database a plan over a 2,000-element literal.

    PostgreSQL gets `field = ANY(%s::bigint[])` (or `text[]`): a plain condition on the
    column, so its index is used first even in a query joining many tables. `IN (SELECT
    unnest(%s))` made the planner build a join of nine tables over every ticket before the
    semi-join (250 ms for the ticket page's one row at 100,000 tickets: past
    join_collapse_limit it keeps the written join order). SQLite gets
    `field IN (SELECT value FROM json_each(%s))`, which it answers from the index. The
    values are never written into the SQL: core.prepared relies on that.
    """

    lookup_name = "any"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = list(self.rhs)
        if connection.vendor == "postgresql":
            kind = "bigint" if all(isinstance(v, int) for v in values) else "text"
            return f"{lhs} = ANY(%s::{kind}[])", [*lhs_params, any_param(values, "postgresql")]
        return (
            f"{lhs} IN (SELECT value FROM json_each(%s))",  # noqa: S608 -- a column; values bound
            [*lhs_params, any_param(values, connection.vendor)],
        )
