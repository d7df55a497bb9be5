"""Which SLA policy applies to a ticket: pure data and a pure function.

A policy's conditions are a dict of lists of allowed values; every condition given must
match ("and"), any value within one list may match ("or"). The first active policy by
order whose conditions all match applies.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

CONDITION_KEYS = ("priority", "type", "channel", "team", "organization", "tier", "tags")


@dataclass(frozen=True)
class Attributes:
    """The ticket facts conditions test."""

    priority: int | None
    type: str | None
    channel: str | None
    team: int | None
    organization: int | None
    tier: str  # "vip" when the contact or its organisation is VIP
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class TargetRule:
    metric: str
    priority: int | None  # None = every priority without its own target
    minutes: int
    business_hours: bool = True


@dataclass(frozen=True)
class PolicyRule:
    id: int
    name: str
    conditions: Mapping[str, list] = field(default_factory=dict)
    targets: tuple[TargetRule, ...] = ()
    pause: Mapping[str, list[str]] = field(default_factory=dict)
    warn_at_percent: int = 75
    business_base: Any = None  # clocks.TimeBase of the policy's calendar (24/7 without one)

    def target(self, metric: str, priority: int | None) -> TargetRule | None:
        fallback = None
        for target in self.targets:
            if target.metric != metric:
                continue
            if target.priority == priority and priority is not None:
                return target
            if target.priority is None:
                fallback = target
        return fallback


def condition_matches(key: str, allowed: list, attrs: Attributes) -> bool:
    if not allowed:
        return True  # an empty list does not restrict
    if key == "tags":
        return bool(set(map(str, allowed)) & set(attrs.tags))
    value = getattr(attrs, key)
    if key in ("priority", "team", "organization"):
        return value is not None and value in {_int(v) for v in allowed}
    return value in allowed


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def matches(policy: PolicyRule, attrs: Attributes) -> bool:
    return all(condition_matches(k, v, attrs) for k, v in policy.conditions.items())


def first_match(policies: Iterable[PolicyRule], attrs: Attributes) -> PolicyRule | None:
    """`policies` are the active ones, already in order."""
    return next((p for p in policies if matches(p, attrs)), None)
