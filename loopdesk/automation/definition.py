"""The rule definition: versioned JSON validated by pydantic (shape), then against the
database (names and ids that must exist). One definition format for triggers, time rules,
macros (actions only), the editor and the API.

    {"conditions": {"all": [{"field": "customer_vip", "op": "is", "value": true},
                            {"field": "hours_since_last_agent_reply", "op": "greater_than",
                             "value": 2, "business_hours": true}],
                    "any": []},
     "actions": [{"type": "escalate"}, {"type": "set_field", "field": "priority", "value": 1}]}

There is no user regex anywhere: text operators are plain substring/prefix tests, so no
input can make matching backtrack.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator, model_validator

from .constants import MAX_ACTIONS, MAX_CONDITIONS, MAX_TEXT, MAX_VALUE

TEXT_FIELDS = {"subject", "message", "subject_or_message", "contact_email"}
CHOICE_FIELDS = {"status", "status_category", "type", "channel"}
ID_FIELDS = {"category", "team", "assignee", "organization"}
NUMBER_FIELDS = {"priority"}
BOOL_FIELDS = {"customer_vip", "within_business_hours"}
HOURS_FIELDS = {
    "hours_since_created",
    "hours_since_updated",
    "hours_since_last_customer_message",
    "hours_since_last_agent_reply",
}
FIELDS = (
    TEXT_FIELDS
    | CHOICE_FIELDS
    | ID_FIELDS
    | NUMBER_FIELDS
    | BOOL_FIELDS
    | HOURS_FIELDS
    | {"tags", "custom_field"}
)
CHANGEABLE = {"status", "priority", "type", "category", "team", "assignee", "tags", "subject"}

_EQ = {"is", "is_not", "in_list"}
_CHANGE = {"changed", "changed_to"}
OPERATORS_BY_FIELD: dict[str, set[str]] = {}
for _f in TEXT_FIELDS:
    OPERATORS_BY_FIELD[_f] = _EQ | {"contains", "starts_with"}
for _f in CHOICE_FIELDS | ID_FIELDS:
    OPERATORS_BY_FIELD[_f] = _EQ
for _f in NUMBER_FIELDS:
    OPERATORS_BY_FIELD[_f] = _EQ | {"greater_than", "less_than"}
for _f in BOOL_FIELDS:
    OPERATORS_BY_FIELD[_f] = {"is"}
for _f in HOURS_FIELDS:
    OPERATORS_BY_FIELD[_f] = {"greater_than", "less_than"}
OPERATORS_BY_FIELD["tags"] = {"contains", "is_not"}  # is_not: does not contain
OPERATORS_BY_FIELD["custom_field"] = _EQ | {"contains", "starts_with", "greater_than", "less_than"}
for _f in CHANGEABLE:
    OPERATORS_BY_FIELD[_f] = OPERATORS_BY_FIELD[_f] | _CHANGE
OPERATORS = {op for ops in OPERATORS_BY_FIELD.values() for op in ops}

Scalar = str | int | float | bool | None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Condition(_Strict):
    field: str
    op: str
    value: Scalar | list[str | int] = None
    key: str | None = Field(None, max_length=50)  # the custom field's key
    business_hours: StrictBool = False  # hours_since_*: count business hours only

    @model_validator(mode="after")
    def _check(self) -> Condition:
        if self.field not in FIELDS:
            raise ValueError(_("Unknown field: %(f)s") % {"f": self.field[:50]})
        if self.op not in OPERATORS_BY_FIELD[self.field]:
            raise ValueError(
                _("Operator %(op)s cannot be used with %(f)s.")
                % {"op": self.op[:30], "f": self.field}
            )
        if self.field == "custom_field" and not self.key:
            raise ValueError(_("Say which custom field (key)."))
        if self.business_hours and self.field not in HOURS_FIELDS:
            raise ValueError(_("Business hours only apply to 'hours since' fields."))
        value = self.value
        if self.op == "changed":
            return self
        if self.op == "in_list":
            if not isinstance(value, list) or not value or len(value) > 100:
                raise ValueError(_("'is in list' needs a list of 1 to 100 values."))
            for item in value:
                if isinstance(item, str) and len(item) > MAX_VALUE:
                    raise ValueError(_("A value is too long."))
            return self
        if isinstance(value, list):
            if self.field == "tags" and all(isinstance(v, str) for v in value) and value:
                return self
            raise ValueError(_("Only 'is in list' takes a list."))
        if value is None and self.field not in ID_FIELDS | {"custom_field"}:
            raise ValueError(_("A value is required for %(f)s.") % {"f": self.field})
        if self.field in BOOL_FIELDS and not isinstance(value, bool):
            raise ValueError(_("%(f)s takes true or false.") % {"f": self.field})
        if self.field in HOURS_FIELDS | NUMBER_FIELDS or self.op in ("greater_than", "less_than"):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(_("%(f)s needs a number.") % {"f": self.field})
            if not 0 <= value <= 100_000:
                raise ValueError(_("The number must be between 0 and 100000."))
        if self.op in ("contains", "starts_with") and (
            not isinstance(value, str) or not value.strip()
        ):
            raise ValueError(_("'%(op)s' needs some text.") % {"op": self.op})
        if isinstance(value, str) and len(value) > MAX_VALUE:
            raise ValueError(_("A value is too long."))
        return self


class Conditions(_Strict):
    all: list[Condition] = Field(default_factory=list)
    any: list[Condition] = Field(default_factory=list)

    @model_validator(mode="after")
    def _size(self) -> Conditions:
        if len(self.all) + len(self.any) > MAX_CONDITIONS:
            raise ValueError(_("At most %(n)s conditions.") % {"n": MAX_CONDITIONS})
        return self


SET_FIELDS = {"status", "priority", "type", "category", "custom_field"}


class SetField(_Strict):
    type: Literal["set_field"]
    field: str
    value: Scalar = None
    key: str | None = Field(None, max_length=50)

    @field_validator("field")
    @classmethod
    def _field(cls, value: str) -> str:
        if value not in SET_FIELDS:
            raise ValueError(_("A rule cannot set the field %(f)s.") % {"f": value[:50]})
        return value


class AssignAgent(_Strict):
    type: Literal["assign_agent"]
    user_id: int


class AssignTeam(_Strict):
    type: Literal["assign_team"]
    team_id: int


class AssignByStrategy(_Strict):
    type: Literal["assign_by_strategy"]
    team_id: int | None = None  # None: the ticket's team


class Tags(_Strict):
    type: Literal["add_tags", "remove_tags"]
    tags: list[Annotated[str, Field(min_length=1, max_length=50)]] = Field(min_length=1)


class AddNote(_Strict):
    type: Literal["add_note"]
    body: str = Field(min_length=1, max_length=MAX_TEXT)


class EmailContact(_Strict):
    type: Literal["email_contact"]
    subject: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=MAX_TEXT)


class EmailAgent(_Strict):
    type: Literal["email_agent"]
    user_id: int | None = None  # None: the ticket's assignee
    subject: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=MAX_TEXT)


class EmailTeam(_Strict):
    type: Literal["email_team"]
    team_id: int | None = None  # None: the ticket's team
    to: Literal["supervisors", "members"] = "supervisors"
    subject: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=MAX_TEXT)


class Webhook(_Strict):
    type: Literal["webhook"]
    url: str = Field(min_length=8, max_length=500)


class Escalate(_Strict):
    type: Literal["escalate"]
    message: str = Field("", max_length=500)


Action = Annotated[
    SetField
    | AssignAgent
    | AssignTeam
    | AssignByStrategy
    | Tags
    | AddNote
    | EmailContact
    | EmailAgent
    | EmailTeam
    | Webhook
    | Escalate,
    Field(discriminator="type"),
]
MACRO_ACTIONS = {
    "set_field",
    "assign_agent",
    "assign_team",
    "assign_by_strategy",
    "add_tags",
    "remove_tags",
    "add_note",
}


class Definition(_Strict):
    conditions: Conditions = Field(default_factory=Conditions)
    actions: list[Action] = Field(min_length=1, max_length=MAX_ACTIONS)


class MacroDefinition(_Strict):
    actions: list[Action] = Field(min_length=1, max_length=MAX_ACTIONS)

    @model_validator(mode="after")
    def _only_macro_actions(self) -> MacroDefinition:
        for action in self.actions:
            if action.type not in MACRO_ACTIONS:
                raise ValueError(_("A macro cannot use the action %(a)s.") % {"a": action.type})
        return self


def dump(model: BaseModel) -> Any:
    return model.model_dump(mode="json", exclude_defaults=False)
