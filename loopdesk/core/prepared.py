"""Fixed-shape read queries compiled by the ORM once per process, then run as plain SQL.

The inbox reads its 25 rows with one query whose SQL never changes: only the list of ids
does. Building that queryset and compiling it (joins, annotations, aliases, converters)
cost the ORM ~1.2 ms on every page, four times what SQLite takes to run it. A
`PreparedQuery` builds the queryset once per database connection wrapper, with the ids
passed as one parameter (the `field__any` lookup of core.lookups: an array on PostgreSQL,
a JSON array on SQLite), keeps the compiled SQL and the columns' converters, and
afterwards only binds the new ids.

Only for queries whose shape does not depend on the request: the builder receives the
ids' placeholder and nothing else, so nothing a user sends can change the SQL. Keys may
be strings instead of ids (`kind="text"`, e.g. session keys).

    TICKET_ROWS = PreparedQuery(
        lambda ids: Ticket.objects.filter(pk__any=ids).values("id", "subject")
    )
    TICKET_ROWS.dicts([3, 1, 2])  # [{"id": 3, "subject": ...}, ...] (database order)

A model queryset (with select_related, without annotations) gives model instances through
`objects()`, built the way the queryset's own iterator builds them.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import ModelIterable, get_related_populators  # as QuerySet does

from .lookups import any_param

# Never a real key: they mark where the keys go among the compiled query's parameters.
_MARKERS = {"int": -7_345_918_273, "text": "\x00prepared-marker\x00"}


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    slot: int  # index of the ids parameter in params
    columns: tuple[str, ...]
    converters: dict
    compiler: Any
    models: bool  # a model queryset (objects()), not values() (tuples(), dicts())


class PreparedQuery:
    def __init__(self, build: Callable[[Any], QuerySet], *, kind: str = "int") -> None:
        self._build = build
        self._marker = _MARKERS[kind]
        self._local = threading.local()  # Django's connection wrappers are per thread

    def _compiled(self, using: str) -> _Compiled:
        cache = self._local.__dict__.setdefault("by_alias", {})
        wrapper = connections[using]
        found = cache.get(using)
        if found is not None and found[0] is wrapper:
            return found[1]
        qs = self._build([self._marker])
        compiler = qs.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        marker = any_param([self._marker], wrapper.vendor)
        slots = [i for i, p in enumerate(params) if p == marker]
        if len(slots) != 1:
            raise ValueError("a prepared query takes its keys in exactly one placeholder")
        select = compiler.select[: compiler.col_count]
        columns = tuple(alias for _expr, _sql, alias in select)
        models = issubclass(qs._iterable_class, ModelIterable)
        if not models and any(c is None for c in columns):
            raise ValueError("a prepared query must name its columns (use values())")
        compiled = _Compiled(
            sql=sql,
            params=tuple(params),
            slot=slots[0],
            columns=columns,
            converters=compiler.get_converters([expr for expr, _sql, _alias in select]),
            compiler=compiler,
            models=models,
        )
        cache[using] = (wrapper, compiled)
        return compiled

    def tuples(self, keys: list, *, using: str = "default") -> list[tuple]:
        """The rows for these keys as tuples, in the order of `columns(using)`."""
        if not keys:
            return []
        c = self._compiled(using)
        params = list(c.params)
        params[c.slot] = any_param(keys, connections[using].vendor)
        with connections[using].cursor() as cursor:
            cursor.execute(c.sql, params)
            rows = cursor.fetchall()
        if c.converters:
            rows = [tuple(r) for r in c.compiler.apply_converters(rows, c.converters)]
        return rows

    def dicts(self, keys: list, *, using: str = "default") -> list[dict]:
        """The rows for these keys as dicts keyed like the queryset's values()."""
        if self._compiled(using).models:
            raise ValueError("dicts() needs a values() query; use objects() for models")
        rows = self.tuples(keys, using=using)
        columns = self._compiled(using).columns
        return [dict(zip(columns, row, strict=True)) for row in rows]

    def columns(self, using: str = "default") -> tuple[str, ...]:
        return self._compiled(using).columns

    def objects(self, keys: list, *, using: str = "default") -> list:
        """Model instances of a model queryset (not values()), with its select_related()
        relations filled in, as the queryset's own iterator builds them."""
        c = self._compiled(using)
        info = c.compiler.klass_info
        if not c.models or c.compiler.annotation_col_map:
            raise ValueError("objects() needs a model queryset without annotations")
        select = c.compiler.select
        first, last = info["select_fields"][0], info["select_fields"][-1] + 1
        init_list = [col[0].target.attname for col in select[first:last]]
        populators = get_related_populators(info, select, using)
        found = []
        for row in self.tuples(keys, using=using):
            obj = info["model"].from_db(using, init_list, row[first:last])
            for populator in populators:
                populator.populate(row, obj)
            found.append(obj)
        return found
