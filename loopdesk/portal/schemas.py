from datetime import datetime

from ninja import Field, Schema

from loopdesk.core.api_common import Links, RefOut

MAX_ID = 2**63 - 1


class TicketRefOut(Schema):
    id: int
    number: int


class SatisfactionQuery(Schema):
    ticket: int | None = Field(None, ge=1, le=MAX_ID, description="A ticket number.")
    agent: int | None = Field(
        None, ge=1, le=MAX_ID, description="A user id: the agent at solve time."
    )
    team: int | None = Field(
        None, ge=1, le=MAX_ID, description="A team id: the team at solve time."
    )
    created_after: datetime | None = Field(None, description="ISO 8601, inclusive.")
    created_before: datetime | None = Field(None, description="ISO 8601, exclusive.")


class SatisfactionOut(Schema):
    id: int
    ticket: TicketRefOut
    score: int = Field(description="1 (very unsatisfied) to 5 (very satisfied).")
    comment: str
    agent: RefOut | None
    team: RefOut | None
    contact: RefOut | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_ticket(obj) -> dict:
        return {"id": obj.ticket_id, "number": obj.ticket.number}

    @staticmethod
    def resolve_agent(obj) -> dict | None:
        return {"id": obj.agent.pk, "name": str(obj.agent)} if obj.agent else None

    @staticmethod
    def resolve_team(obj) -> dict | None:
        return {"id": obj.team.pk, "name": obj.team.name} if obj.team else None

    @staticmethod
    def resolve_contact(obj) -> dict | None:
        return {"id": obj.contact.pk, "name": str(obj.contact)} if obj.contact else None


class SatisfactionPageOut(Schema):
    data: list[SatisfactionOut]
    links: Links
