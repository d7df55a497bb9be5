"""REST API schemas for contacts and organisations (separate In / Patch / Out)."""

from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from loopdesk.core.api_common import InSchema, Links, RefOut

Language = Literal["en", "zh-hans"]
TierName = Literal["standard", "vip"]
MAX_IDENTITIES = 20


class IdentityOut(Schema):
    kind: str
    value: str
    is_primary: bool


class ContactOut(Schema):
    id: int
    name: str
    organization: RefOut | None
    language: str
    tier: str
    notes: str
    email: str
    phone: str
    identities: list[IdentityOut]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_email(obj) -> str:
        return obj.primary_email

    @staticmethod
    def resolve_phone(obj) -> str:
        return obj.primary_phone

    @staticmethod
    def resolve_identities(obj) -> list:
        # Sorted in Python so the prefetched identities are used (no query per contact).
        return sorted(obj.identities.all(), key=lambda i: (i.kind, not i.is_primary, i.value))


class ContactPageOut(Schema):
    data: list[ContactOut]
    links: Links


class ContactIn(InSchema):
    name: str = Field(..., min_length=1, max_length=200)
    emails: list[str] = Field(default_factory=list, max_length=MAX_IDENTITIES)
    phones: list[str] = Field(default_factory=list, max_length=MAX_IDENTITIES)
    organization_id: int | None = None
    language: Language = "zh-hans"
    tier: TierName = "standard"
    notes: str = Field("", max_length=10_000)


class ContactPatch(InSchema):
    """Only the fields sent change; `organization_id` may be null (no organisation)."""

    name: str | None = Field(None, min_length=1, max_length=200)
    organization_id: int | None = None
    language: Language | None = None
    tier: TierName | None = None
    notes: str | None = Field(None, max_length=10_000)


class OrganizationOut(Schema):
    id: int
    name: str
    domain: str
    tier: str
    notes: str
    external_id: str
    created_at: datetime
    updated_at: datetime


class OrganizationPageOut(Schema):
    data: list[OrganizationOut]
    links: Links


class OrganizationIn(InSchema):
    name: str = Field(..., min_length=1, max_length=200)
    domain: str = Field("", max_length=200)
    tier: TierName = "standard"
    notes: str = Field("", max_length=10_000)


class OrganizationPatch(InSchema):
    name: str | None = Field(None, min_length=1, max_length=200)
    domain: str | None = Field(None, max_length=200)
    tier: TierName | None = None
    notes: str | None = Field(None, max_length=10_000)
