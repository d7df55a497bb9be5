"""Configuration read on every ticket write, cached per process under a shared version.

Statuses, custom field definitions, team routing settings and SLA policies change a few
times a year but are read by every ticket create, reply and event. Each domain keeps its
compiled configuration in a `ConfigCache`; the version lives in the "shared" cache
(Redis, or without it a file cache in the data directory), so every web and worker
process of the install sees a change:

- any write to the configuration bumps the shared version *on commit*, so every process
  rebuilds at its next read;
- the writing process itself stops caching from the moment it writes until that commit
  (it must see its own uncommitted change, and a rollback must not leave it cached).

Cached values are shared by the requests of one thread: treat them as read-only.
"""

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import caches
from django.db import connection, transaction

T = TypeVar("T")

_NO_CACHE = object()  # a config write of this process has not committed yet
_registry: list["ConfigCache"] = []


class ConfigCache:
    def __init__(self, name: str) -> None:
        self.version_key = f"loopdesk:{name}:config-version"
        self._local = threading.local()
        _registry.append(self)

    def _state(self) -> dict[str, Any]:
        if not hasattr(self._local, "compiled"):
            self._local.compiled = {"version": None, "value": None}
        return self._local.compiled

    def _shared_version(self) -> int:
        shared = caches["shared"]
        version = shared.get(self.version_key)
        if version is None:
            shared.add(self.version_key, 1, timeout=None)
            version = shared.get(self.version_key, 1)
        return version

    def bump_shared(self) -> None:
        try:
            caches["shared"].incr(self.version_key)
        except ValueError:  # evicted or never set: any new value differs from what we cached
            caches["shared"].set(self.version_key, 1, timeout=None)
        self._state()["version"] = None

    def changed(self) -> None:
        """Call after writing this configuration (signal handlers do it for model writes)."""
        self._state()["version"] = _NO_CACHE
        transaction.on_commit(self.bump_shared)

    def compiled(self, build: Callable[[], T]) -> T:
        """`build()` once per configuration version (every time while uncommitted)."""
        state = self._state()
        if state["version"] is _NO_CACHE:
            if connection.in_atomic_block:
                return build()
            # Outside any transaction the write has ended: a commit would have reset this,
            # so it was rolled back; cache again from the shared version.
            state["version"] = None
        version = self._shared_version()
        if state["version"] != version:
            state["value"] = build()
            state["version"] = version
        return state["value"]

    def reset(self) -> None:
        """Forget the compiled value (tests, between database rollbacks)."""
        self._local.compiled = {"version": None, "value": None}

    def connect(self, *models, ignore_saves_of: frozenset[str] = frozenset()) -> None:
        """Mark the configuration changed on every save or delete of these models
        (the Django admin included). Cache invalidation only: no domain logic.
        `ignore_saves_of`: fields whose saves alone change nothing cached (last_login)."""
        from django.db.models.signals import m2m_changed, post_delete, post_save

        def on_write(update_fields=None, **kwargs) -> None:
            if update_fields and set(update_fields) <= ignore_saves_of:
                return
            self.changed()

        self._receivers = [*getattr(self, "_receivers", []), on_write]  # keep them alive
        for model in models:
            uid = f"{self.version_key}:{model._meta.label}"
            post_save.connect(on_write, sender=model, dispatch_uid=f"{uid}:save")
            post_delete.connect(on_write, sender=model, dispatch_uid=f"{uid}:delete")
            for field in model._meta.many_to_many:
                m2m_changed.connect(
                    on_write, sender=field.remote_field.through, dispatch_uid=f"{uid}:{field.name}"
                )


def reset_all() -> None:
    """Forget every compiled configuration of this thread (tests)."""
    for cache in _registry:
        cache.reset()
