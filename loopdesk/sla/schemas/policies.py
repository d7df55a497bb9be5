"""Schemas of /sla-policies and of the `sla` block in a ticket."""

from datetime import datetime
from typing import Any

from ninja import Field, Schema

from loopdesk.core.api_common import InSchema, Links


class TargetIO(InSchema):
    metric: str = Field(description="first_response, next_response or resolution")
    priority: int | None = Field(None, description="1–4, or null for every other priority")
    minutes: int
    business_hours: bool = Field(True, description="Count only the calendar's working time.")


class PolicyIn(InSchema):
    name: str = Field(max_length=100)
    order: int = Field(0, ge=0, le=1_000_000)
    is_active: bool = True
    conditions: dict[str, list[Any]] = Field(
        default_factory=dict,
        description=(
            "Keys: priority, type, channel, team, organization, tier, tags; each a list of "
            "allowed values. All given keys must match."
        ),
    )
    calendar_id: int | None = None
    pause_categories: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Per metric, the status categories that pause it (default: pending and "
        "on_hold pause next response and resolution).",
    )
    warn_at_percent: int = 75
    escalation: dict[str, list[dict[str, Any]]] = Field(default_factory=dict)
    targets: list[TargetIO]


class PolicyPatch(InSchema):
    name: str | None = Field(None, max_length=100)
    order: int | None = Field(None, ge=0, le=1_000_000)
    is_active: bool | None = None
    conditions: dict[str, list[Any]] | None = None
    calendar_id: int | None = None
    pause_categories: dict[str, list[str]] | None = None
    warn_at_percent: int | None = None
    escalation: dict[str, list[dict[str, Any]]] | None = None
    targets: list[TargetIO] | None = None


class TargetOut(Schema):
    metric: str
    priority: int | None
    minutes: int
    business_hours: bool


class PolicyOut(Schema):
    id: int
    name: str
    order: int
    is_active: bool
    conditions: dict[str, Any]
    calendar_id: int | None
    pause_categories: dict[str, Any]
    warn_at_percent: int
    escalation: dict[str, Any]
    targets: list[TargetOut]

    @staticmethod
    def resolve_targets(obj) -> list:
        return sorted(obj.targets.all(), key=lambda t: (t.metric, t.priority or 0))


class PolicyPageOut(Schema):
    data: list[PolicyOut]
    links: Links


class SlaClockOut(Schema):
    metric: str
    cycle: int
    policy: str | None = Field(description="Name of the SLA policy that set the target.")
    target_minutes: int
    business_hours: bool
    state: str = Field(description="running, paused, fulfilled, breached or cancelled")
    started_at: datetime
    due_at: datetime | None
    fulfilled_at: datetime | None
    breached: bool
    used_minutes: int = Field(description="Minutes used (business minutes when business_hours).")
    remaining_minutes: int = Field(description="Negative when overdue.")
