"""Schemas of /rules, /macros and /canned-replies. Conditions and actions are passed as
JSON and validated by the rule engine's own schema (definition.py), so the API, the editor
and stored rules share one set of rules and error messages."""

from datetime import datetime
from typing import Any

from ninja import Field, Schema

from loopdesk.core.api_common import InSchema, Links

CONDITIONS_DOC = (
    'Condition groups: {"all": [...], "any": [...]}; each condition is {"field", "op", '
    '"value", "key"?, "business_hours"?}. See docs/automation.md.'
)
ACTIONS_DOC = 'A list of actions, e.g. [{"type": "set_field", "field": "priority", "value": 1}].'


class RuleIn(InSchema):
    name: str = Field(max_length=100)
    kind: str = Field(description="trigger or time")
    events: list[str] = Field(default_factory=list, description="Trigger event kinds.")
    conditions: dict[str, Any] = Field(default_factory=dict, description=CONDITIONS_DOC)
    actions: list[Any] = Field(description=ACTIONS_DOC)
    order: int | None = Field(None, ge=0, le=1_000_000)
    is_active: bool = True
    stop_processing: bool = False


class RulePatch(InSchema):
    name: str | None = Field(None, max_length=100)
    kind: str | None = None
    events: list[str] | None = None
    conditions: dict[str, Any] | None = None
    actions: list[Any] | None = None
    order: int | None = Field(None, ge=0, le=1_000_000)
    is_active: bool | None = None
    stop_processing: bool | None = None


class RuleOut(Schema):
    id: int
    name: str
    kind: str
    events: list[str]
    conditions: dict[str, Any]
    actions: list[Any]
    order: int
    is_active: bool
    stop_processing: bool
    schema_version: int
    revision: int
    created_at: datetime
    updated_at: datetime


class RulePageOut(Schema):
    data: list[RuleOut]
    links: Links


class DryRunIn(InSchema):
    kind: str = "trigger"
    events: list[str] = Field(default_factory=list)
    conditions: dict[str, Any] = Field(default_factory=dict, description=CONDITIONS_DOC)
    actions: list[Any] = Field(description=ACTIONS_DOC)


class DryRunTicket(Schema):
    number: int
    subject: str
    diff: dict[str, Any]
    effects: list[str]
    error: str


class DryRunOut(Schema):
    scanned: int = Field(description="Most recent tickets looked at (visible to the key's user).")
    matched: int
    sample: list[DryRunTicket]


class ExecutionOut(Schema):
    id: int
    ticket_number: int
    source: str
    outcome: str
    changes: dict[str, Any]
    error: str
    rule_revision: int
    created_at: datetime

    @staticmethod
    def resolve_ticket_number(obj) -> int:
        return obj.ticket.number


class MacroIn(InSchema):
    name: str = Field(max_length=100)
    actions: list[Any] = Field(description=ACTIONS_DOC)
    team_id: int | None = Field(None, description="Share with a team (supervisors, admins).")
    personal: bool = Field(True, description="Only for you; false shares it (team or all).")


class MacroPatch(InSchema):
    name: str | None = Field(None, max_length=100)
    actions: list[Any] | None = None
    is_active: bool | None = None


class MacroOut(Schema):
    id: int
    name: str
    actions: list[Any]
    owner_id: int | None
    team_id: int | None
    is_active: bool
    schema_version: int


class MacroApplyOut(Schema):
    ticket_number: int
    changes: dict[str, Any]


class CannedIn(InSchema):
    title: str = Field(max_length=100)
    body: str = Field(max_length=20_000)
    language: str = Field(description="zh-hans or en")
    team_id: int | None = None
    personal: bool = True


class CannedPatch(InSchema):
    title: str | None = Field(None, max_length=100)
    body: str | None = Field(None, max_length=20_000)
    language: str | None = None


class CannedOut(Schema):
    id: int
    title: str
    body: str
    language: str
    owner_id: int | None
    team_id: int | None


class CannedRenderOut(Schema):
    text: str
