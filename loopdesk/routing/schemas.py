"""REST API schemas for agent availability, skills and team routing."""

from datetime import datetime

from ninja import Field, Schema

from loopdesk.core.api_common import InSchema

from .constants import MAX_CAPACITY, MAX_LEVEL, MIN_LEVEL


class AgentStatusIn(InSchema):
    status: str = Field(..., description="online, away or offline", max_length=20)


class AgentStatusOut(Schema):
    agent_id: int
    name: str
    status: str
    status_changed_at: datetime | None
    capacity: int
    open_tickets: int
    calendar_id: int | None
    on_shift: bool = Field(..., description="False outside the agent's shift calendar hours.")


class AgentSkillOut(Schema):
    skill_id: int
    skill: str
    level: int


class AgentRoutingOut(AgentStatusOut):
    skills: list[AgentSkillOut]


class AgentRoutingPatch(InSchema):
    capacity: int | None = Field(None, description=f"0–{MAX_CAPACITY} open tickets")
    calendar_id: int | None = Field(None, description="A business calendar id; null clears it.")


class AgentSkillIn(InSchema):
    level: int = Field(..., description=f"{MIN_LEVEL} (basic) to {MAX_LEVEL} (expert)")


class SkillIn(InSchema):
    name: str = Field(..., max_length=200)
    description: str = Field("", max_length=200)


class SkillOut(Schema):
    id: int
    name: str
    description: str


class RequirementIn(InSchema):
    kind: str = Field(..., description="category, type, language or tag", max_length=20)
    skill_id: int
    min_level: int = 1
    category_id: int | None = Field(None, description="For kind=category.")
    value: str = Field("", max_length=200, description="Type key, language code or tag name.")


class RequirementOut(Schema):
    id: int
    kind: str
    category_id: int | None
    value: str
    skill_id: int
    skill: str
    min_level: int


class TeamRoutingIn(InSchema):
    strategy: str = Field(
        ..., description="manual, round_robin, least_load or skills", max_length=20
    )
    require_all_skills: bool | None = None


class TeamRoutingOut(Schema):
    team_id: int
    team: str
    strategy: str
    require_all_skills: bool
    waiting_tickets: int
