"""Create, change and delete SLA policies and their targets (validated; all or nothing)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from loopdesk.core.exceptions import ValidationFailed
from loopdesk.customers.models import Tier
from loopdesk.tickets.constants import Channel, Priority, StatusCategory, TicketType

from ..calendars import spec_for
from ..config_cache import sla_config_changed
from ..constants import Metric
from ..matching import CONDITION_KEYS
from ..models import BusinessCalendar, SlaPolicy, SlaTarget

MAX_TARGET_MINUTES = 10_000_000
ESCALATION_ACTIONS = ("notify", "raise_priority", "set_team", "add_tag")
ESCALATION_KINDS = ("warning", "breach")
POLICY_FIELDS = {
    "name",
    "order",
    "is_active",
    "conditions",
    "calendar",
    "pause_categories",
    "warn_at_percent",
    "escalation",
    "targets",
}


@dataclass(frozen=True)
class TargetSpec:
    metric: str
    minutes: int
    priority: int | None = None
    business_hours: bool = True


def _fail(message: str, field: str) -> ValidationFailed:
    return ValidationFailed(message, field=field)


def _check_name(name: Any) -> str:
    name = str(name or "").strip()
    if not name or len(name) > 100:
        raise _fail(_("A policy needs a name of at most 100 characters."), "name")
    return name


def _check_values(key: str, values: Any) -> list:
    if not isinstance(values, list) or len(values) > 200:
        raise _fail(
            _("Condition %(key)s must be a list of values.") % {"key": key}, f"conditions.{key}"
        )
    allowed: dict[str, Any] = {
        "priority": Priority.values,
        "type": TicketType.values,
        "channel": Channel.values,
        "tier": Tier.values,
    }
    if key in allowed and any(v not in allowed[key] for v in values):
        raise _fail(
            _("Condition %(key)s has an unknown value.") % {"key": key}, f"conditions.{key}"
        )
    if key in ("team", "organization") and any(
        isinstance(v, bool) or not isinstance(v, int) for v in values
    ):
        raise _fail(_("Condition %(key)s takes ids.") % {"key": key}, f"conditions.{key}")
    if key == "tags":
        if any(not isinstance(v, str) or not v.strip() for v in values):
            raise _fail(_("Condition tags takes tag names."), "conditions.tags")
        values = [v.strip().casefold() for v in values]
    return values


def check_conditions(conditions: Any) -> dict:
    if conditions is None:
        return {}
    if not isinstance(conditions, dict):
        raise _fail(_("Conditions must be an object."), "conditions")
    unknown = sorted(set(conditions) - set(CONDITION_KEYS))
    if unknown:
        raise _fail(
            _("Unknown conditions: %(keys)s. Allowed: %(allowed)s.")
            % {"keys": ", ".join(map(str, unknown))[:200], "allowed": ", ".join(CONDITION_KEYS)},
            "conditions",
        )
    return {key: _check_values(key, values) for key, values in conditions.items()}


def check_targets(targets: Any) -> list[TargetSpec]:
    if not targets:
        raise _fail(_("A policy needs at least one target."), "targets")
    checked: list[TargetSpec] = []
    seen = set()
    for target in targets:
        if target.metric not in Metric.values:
            raise _fail(_("Unknown metric: %(metric)s") % {"metric": target.metric}, "targets")
        if target.priority is not None and target.priority not in Priority.values:
            raise _fail(_("Priority must be 1 (P1) to 4 (P4)."), "targets")
        if (
            isinstance(target.minutes, bool)
            or not isinstance(target.minutes, int)
            or not 0 < target.minutes <= MAX_TARGET_MINUTES
        ):
            raise _fail(
                _("Target minutes must be between 1 and %(max)s.") % {"max": MAX_TARGET_MINUTES},
                "targets",
            )
        key = (target.metric, target.priority)
        if key in seen:
            raise _fail(_("Two targets for the same metric and priority."), "targets")
        seen.add(key)
        checked.append(target)
    return checked


def check_pause(pause: Any) -> dict:
    if pause is None:
        return {}
    if not isinstance(pause, dict) or set(pause) - set(Metric.values):
        raise _fail(_("Pause categories are given per metric."), "pause_categories")
    pausable = {StatusCategory.NEW, StatusCategory.OPEN, StatusCategory.PENDING}
    pausable.add(StatusCategory.ON_HOLD)
    for values in pause.values():
        if not isinstance(values, list) or any(v not in pausable for v in values):
            raise _fail(
                _("Only the categories new, open, pending and on_hold can pause a clock."),
                "pause_categories",
            )
    return pause


def check_escalation(escalation: Any) -> dict:
    if escalation is None:
        return {}
    if not isinstance(escalation, dict) or set(escalation) - set(ESCALATION_KINDS):
        raise _fail(_("Escalation takes the keys warning and breach."), "escalation")
    for actions in escalation.values():
        if not isinstance(actions, list) or any(
            not isinstance(a, dict) or a.get("action") not in ESCALATION_ACTIONS for a in actions
        ):
            raise _fail(
                _("Unknown escalation action; allowed: %(actions)s.")
                % {"actions": ", ".join(ESCALATION_ACTIONS)},
                "escalation",
            )
    return escalation


def check_warn(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 100:
        raise _fail(_("Warn at must be a percentage from 1 to 100."), "warn_at_percent")
    return value


def check_calendar(calendar: BusinessCalendar | None) -> None:
    if calendar is None:
        return
    spec = spec_for(calendar)
    if not spec.has_weekly_hours:
        raise _fail(
            _("Calendar %(name)s has no weekly working hours.") % {"name": calendar.name},
            "calendar",
        )


def _write_targets(policy: SlaPolicy, targets: list[TargetSpec]) -> None:
    policy.targets.all().delete()
    sla_config_changed()  # bulk writes send no signals
    SlaTarget.objects.bulk_create(
        SlaTarget(
            policy=policy,
            metric=t.metric,
            priority=t.priority,
            minutes=t.minutes,
            business_hours=t.business_hours,
        )
        for t in targets
    )


@transaction.atomic
def sla_policy_create(
    *,
    name: str,
    targets: list[TargetSpec],
    conditions: dict | None = None,
    calendar: BusinessCalendar | None = None,
    pause_categories: dict | None = None,
    warn_at_percent: int = 75,
    escalation: dict | None = None,
    order: int = 0,
    is_active: bool = True,
) -> SlaPolicy:
    checked = check_targets(targets)
    check_calendar(calendar)
    policy = SlaPolicy.objects.create(
        name=_check_name(name),
        order=max(0, int(order)),
        is_active=bool(is_active),
        conditions=check_conditions(conditions),
        calendar=calendar,
        pause_categories=check_pause(pause_categories),
        warn_at_percent=check_warn(warn_at_percent),
        escalation=check_escalation(escalation),
    )
    _write_targets(policy, checked)
    return policy


@transaction.atomic
def sla_policy_update(*, policy: SlaPolicy, changes: dict[str, Any]) -> SlaPolicy:
    """Change some fields; `targets` (a list of TargetSpec) replaces all targets.
    Tickets keep their clocks until their next event (or `sla_recompute`)."""
    unknown = set(changes) - POLICY_FIELDS
    if unknown:
        raise ValidationFailed(
            _("Unknown fields: %(unknown)s") % {"unknown": ", ".join(sorted(unknown))}
        )
    policy = SlaPolicy.objects.select_for_update().get(pk=policy.pk)
    checkers = {
        "name": _check_name,
        "conditions": check_conditions,
        "pause_categories": check_pause,
        "warn_at_percent": check_warn,
        "escalation": check_escalation,
    }
    for key, value in changes.items():
        if key in checkers:
            setattr(policy, key, checkers[key](value))
        elif key == "order":
            policy.order = max(0, int(value))
        elif key == "is_active":
            policy.is_active = bool(value)
        elif key == "calendar":
            check_calendar(value)
            policy.calendar = value
    policy.save()
    if "targets" in changes:
        _write_targets(policy, check_targets(changes["targets"]))
    return policy


@transaction.atomic
def sla_policy_delete(*, policy: SlaPolicy) -> None:
    """Clocks keep their results; their policy reference becomes empty."""
    policy.delete()
