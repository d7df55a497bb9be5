"""REST API schemas for tickets, messages and events (separate In / Patch / Out)."""

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import model_validator

from loopdesk.core.api_common import InSchema, Links, RefOut
from loopdesk.sla.schemas.policies import SlaClockOut

from .constants import MAX_ATTACHMENTS_PER_MESSAGE

# ---------------------------------------------------------------- in


class AttachmentIn(InSchema):
    filename: str = Field(..., min_length=1, max_length=1000)
    content_type: str = Field("application/octet-stream", max_length=150)
    content_base64: str = Field(..., description="The file's bytes, base64-encoded.")


class RequesterIn(InSchema):
    """The customer the ticket is for, found (or created) by email or phone."""

    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)
    name: str = Field("", max_length=200)

    @model_validator(mode="after")
    def _one_identity(self) -> "RequesterIn":
        if bool(self.email) == bool(self.phone):
            raise ValueError("give exactly one of email or phone")
        return self


class TicketIn(InSchema):
    subject: str = Field(
        ..., description="Stored as given (escaped on display); 250 characters at most."
    )
    contact_id: int | None = Field(None, description="An existing contact; or give `requester`.")
    requester: RequesterIn | None = None
    body_text: str = ""
    body_html: str = Field("", description="Sanitised with an allowlist before it is stored.")
    priority: int | None = Field(None, description="1 (urgent) to 4 (low); default 3.")
    type: str | None = None
    status: str | None = Field(
        None, description="A status key; default: new (or open if assigned)."
    )
    team_id: int | None = None
    assignee_id: int | None = None
    tags: list[str] = Field(default_factory=list)
    custom_fields: dict[str, Any] = Field(default_factory=dict)
    attachments: list[AttachmentIn] = Field(
        default_factory=list, max_length=MAX_ATTACHMENTS_PER_MESSAGE
    )
    created_at: datetime | None = Field(
        None,
        description="Imports only (scope tickets:import): when the ticket was really created, "
        "with a UTC offset; its SLA clocks count from then.",
    )

    @model_validator(mode="after")
    def _one_requester(self) -> "TicketIn":
        if (self.contact_id is None) == (self.requester is None):
            raise ValueError("give exactly one of contact_id or requester")
        return self


class TicketPatch(InSchema):
    """Only the fields present change. `team_id`/`assignee_id` may be null (unset);
    `tags` replaces the tag list; `custom_fields` merges (a null value clears a field)."""

    subject: str | None = None
    priority: int | None = None
    type: str | None = None
    status: str | None = Field(None, description="A status key.")
    team_id: int | None = None
    assignee_id: int | None = None
    tags: list[str] | None = None
    custom_fields: dict[str, Any] | None = None


NULLABLE_PATCH_FIELDS = frozenset({"team_id", "assignee_id"})


class MessageIn(InSchema):
    kind: Literal["reply", "note"]
    body_text: str = ""
    body_html: str = Field("", description="Sanitised with an allowlist before it is stored.")
    status: str | None = Field(
        None, description="A status key to set with a reply (reply and solve)."
    )
    attachments: list[AttachmentIn] = Field(
        default_factory=list, max_length=MAX_ATTACHMENTS_PER_MESSAGE
    )
    created_at: datetime | None = Field(
        None,
        description="Imports only (scope tickets:import): when the message was really sent; "
        "not before the ticket's last change.",
    )


class TicketListQuery(Schema):
    view: str = Field("all", description="mine, unassigned, my_teams, open, recent or all.")
    status: list[str] = Field(default_factory=list, description="Status keys (repeatable).")
    category: str | None = Field(
        None, description="Status category: new, open, pending, on_hold, solved, closed."
    )
    priority: list[int] = Field(default_factory=list, description="1 to 4 (repeatable).")
    team: int | None = None
    assignee: str | None = Field(None, description='A user id, or "none" for unassigned tickets.')
    tag: str | None = Field(None, max_length=100)
    channel: str | None = None
    type: str | None = None
    contact: int | None = None
    organization: int | None = None
    number: int | None = None
    q: str = Field("", description="Ticket number or full-text search.")
    sort: str = Field("-updated", description="-updated, updated, -created, created or priority.")


# ---------------------------------------------------------------- out


class StatusOut(Schema):
    key: str
    name: str
    category: str

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.label  # in the request's language


class UserRefOut(Schema):
    id: int
    name: str
    email: str

    @staticmethod
    def resolve_name(obj) -> str:
        return str(obj)


class ContactRefOut(Schema):
    id: int
    name: str
    email: str
    phone: str

    @staticmethod
    def resolve_email(obj) -> str:
        return obj.primary_email

    @staticmethod
    def resolve_phone(obj) -> str:
        return obj.primary_phone


class TicketOut(Schema):
    number: int
    subject: str
    status: StatusOut
    priority: int
    type: str
    channel: str
    contact: ContactRefOut
    organization: RefOut | None
    team: RefOut | None
    assignee: UserRefOut | None
    tags: list[str]
    custom_fields: dict[str, Any]
    message_count: int
    created_at: datetime
    updated_at: datetime
    first_response_at: datetime | None
    solved_at: datetime | None
    closed_at: datetime | None

    @staticmethod
    def resolve_tags(obj) -> list[str]:
        # The names ticket_for_output read, or the prefetched tags (no query per ticket);
        # sorted for stable output.
        names = getattr(obj, "loaded_tag_names", None)
        return sorted(names if names is not None else (tag.name for tag in obj.tags.all()))


class TicketDetailOut(TicketOut):
    """One ticket as GET /tickets/{number} returns it: with its SLA clocks."""

    sla: list[SlaClockOut] = Field(
        description="The latest cycle of each SLA metric of the policy in force."
    )

    @staticmethod
    def resolve_sla(obj) -> list[dict]:
        from loopdesk.sla.selectors import ticket_sla_clocks

        return ticket_sla_clocks(ticket=obj)


class TicketPageOut(Schema):
    data: list[TicketOut]
    links: Links


class AttachmentOut(Schema):
    id: str
    filename: str
    content_type: str
    size: int

    @staticmethod
    def resolve_id(obj) -> str:
        return str(obj.public_id)


class AuthorOut(Schema):
    type: Literal["user", "contact"]
    id: int
    name: str


class MessageOut(Schema):
    id: int
    kind: str
    direction: str
    channel: str
    author: AuthorOut | None
    body_text: str
    body_html: str
    attachments: list[AttachmentOut]
    created_at: datetime

    @staticmethod
    def resolve_author(obj) -> dict | None:
        if obj.author_user_id:
            return {"type": "user", "id": obj.author_user_id, "name": str(obj.author_user)}
        if obj.author_contact_id:
            return {"type": "contact", "id": obj.author_contact_id, "name": str(obj.author_contact)}
        return None

    @staticmethod
    def resolve_attachments(obj) -> list:
        return sorted(obj.attachments.all(), key=lambda a: a.pk)


class MessagePageOut(Schema):
    data: list[MessageOut]
    links: Links


class EventActorOut(Schema):
    user: RefOut | None
    contact: RefOut | None


class EventOut(Schema):
    id: int
    type: str
    actor: EventActorOut
    cause_kind: str
    cause_ref: str
    changes: dict[str, Any]
    message_id: int | None
    created_at: datetime

    @staticmethod
    def resolve_actor(obj) -> dict:
        user = {"id": obj.actor_user_id, "name": str(obj.actor_user)} if obj.actor_user_id else None
        contact = (
            {"id": obj.actor_contact_id, "name": str(obj.actor_contact)}
            if obj.actor_contact_id
            else None
        )
        return {"user": user, "contact": contact}


class EventPageOut(Schema):
    data: list[EventOut]
    links: Links
