"""Compiled SLA policies (targets, calendars as CalendarSpec), cached per process.

Every ticket event folds against the active policies; loading and compiling them (with a
few years of holiday exceptions) cost ~9 ms per event. The compiled form is cached under
a configuration version kept in the "shared" cache (Redis, or without it a file cache in
the data directory, so that every process of the install sees it):

- any write to SLA configuration bumps the shared version *on commit*, so every process
  recompiles at its next event;
- the writing process itself stops caching from the moment it writes until that commit
  (it must see its own uncommitted change, and a rollback must not leave it cached).
"""

import threading
from typing import Any

from django.core.cache import caches
from django.db import transaction

VERSION_KEY = "loopdesk:sla:config-version"
_NO_CACHE = object()  # a config write of this process has not committed yet
_local = threading.local()


def _state() -> dict[str, Any]:
    if not hasattr(_local, "compiled"):
        _local.compiled = {"version": None, "value": None}
    return _local.compiled


def _shared_version() -> int:
    version = caches["shared"].get(VERSION_KEY)
    if version is None:
        caches["shared"].add(VERSION_KEY, 1, timeout=None)
        version = caches["shared"].get(VERSION_KEY, 1)
    return version


def _bump_shared() -> None:
    try:
        caches["shared"].incr(VERSION_KEY)
    except ValueError:  # evicted or never set: any new value differs from what we cached
        caches["shared"].set(VERSION_KEY, 1, timeout=None)
    _state()["version"] = None


def sla_config_changed() -> None:
    """Call after writing SLA configuration (signals do it for model saves/deletes)."""
    _state()["version"] = _NO_CACHE
    transaction.on_commit(_bump_shared)


def compiled(build) -> Any:
    """`build()` once per configuration version (every time while uncommitted)."""
    state = _state()
    if state["version"] is _NO_CACHE:
        return build()
    version = _shared_version()
    if state["version"] != version:
        state["value"] = build()
        state["version"] = version
    return state["value"]


def reset() -> None:
    """Forget the compiled value (tests, between database rollbacks)."""
    _local.compiled = {"version": None, "value": None}
