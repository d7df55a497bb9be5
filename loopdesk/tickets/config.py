"""Statuses and custom field definitions, cached per process (see core.config_cache).

Every ticket create, reply and page reads them; admins change them rarely. Values are
shared between requests of a thread: callers must not modify the returned objects
(copy a list before sorting or filtering it in place).
"""

from dataclasses import dataclass

from loopdesk.core.config_cache import ConfigCache

from .models import CustomFieldDefinition, Status

TICKET_CONFIG = ConfigCache("tickets")


@dataclass(frozen=True)
class TicketConfig:
    statuses: tuple[Status, ...]  # every status, by (order, pk)
    custom_fields: tuple[CustomFieldDefinition, ...]  # the active ones, by (order, pk)

    @property
    def active_statuses(self) -> list[Status]:
        return [s for s in self.statuses if s.is_active]

    def active_status(self, key: str) -> Status | None:
        return next((s for s in self.statuses if s.key == key and s.is_active), None)

    def default_status(self, category: str) -> Status | None:
        """The category's default active status, else its first by order."""
        candidates = [s for s in self.statuses if s.category == category and s.is_active]
        return min(candidates, key=lambda s: (not s.is_default, s.order, s.pk), default=None)


def ticket_config() -> TicketConfig:
    return TICKET_CONFIG.compiled(_build)


def _build() -> TicketConfig:
    return TicketConfig(
        statuses=tuple(Status.objects.order_by("order", "pk")),
        custom_fields=tuple(CustomFieldDefinition.objects.filter(is_active=True)),
    )
