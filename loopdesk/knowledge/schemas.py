"""REST API schemas for the knowledge base (separate In / Patch / Out)."""

from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from loopdesk.core.api_common import InSchema, Links

from .constants import MAX_BODY_CHARS, MAX_TAGS, MAX_TITLE_CHARS

Language = Literal["zh-hans", "en"]
StatusName = Literal["draft", "review", "published"]
VisibilityName = Literal["public", "internal"]


class CategoryOut(Schema):
    id: int
    slug: str
    name_en: str
    name_zh: str
    description_en: str
    description_zh: str
    position: int


class CategoryIn(InSchema):
    slug: str = Field(..., max_length=80)
    name_en: str = Field(..., max_length=120)
    name_zh: str = Field(..., max_length=120)
    description_en: str = Field("", max_length=300)
    description_zh: str = Field("", max_length=300)
    position: int = Field(0, ge=0, le=1_000_000)


class CategoryPatch(InSchema):
    name_en: str | None = Field(None, max_length=120)
    name_zh: str | None = Field(None, max_length=120)
    description_en: str | None = Field(None, max_length=300)
    description_zh: str | None = Field(None, max_length=300)
    position: int | None = Field(None, ge=0, le=1_000_000)


class SearchHitOut(Schema):
    title_html: str = Field(description="The title, escaped, matches in <mark>.")
    snippet_html: str = Field(description="A passage of the body, escaped, matches in <mark>.")
    matched_terms: list[str] = Field(description="The query words this article matched.")


class ArticleOut(Schema):
    id: int
    translation_key: str
    language: str
    title: str
    body_md: str
    body_html: str = Field(description="Sanitised HTML rendered from body_md.")
    tags: list[str]
    status: str
    visibility: str
    category_id: int
    section_id: int | None
    revision: int
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime
    url: str | None = Field(None, description="The help-centre page (public articles only).")
    search: SearchHitOut | None = None


class ArticlePageOut(Schema):
    data: list[ArticleOut]
    links: Links


class ArticleIn(InSchema):
    language: Language
    title: str = Field(..., min_length=1, max_length=MAX_TITLE_CHARS)
    body_md: str = Field("", max_length=MAX_BODY_CHARS)
    category_id: int
    section_id: int | None = None
    tags: list[str] = Field(default_factory=list, max_length=MAX_TAGS)
    visibility: VisibilityName = "public"
    translation_of: int | None = Field(None, description="Id of the article this translates.")


class ArticlePatch(InSchema):
    title: str | None = Field(None, min_length=1, max_length=MAX_TITLE_CHARS)
    body_md: str | None = Field(None, max_length=MAX_BODY_CHARS)
    category_id: int | None = None
    section_id: int | None = None
    tags: list[str] | None = Field(None, max_length=MAX_TAGS)
    visibility: VisibilityName | None = None
    status: StatusName | None = None
    note: str | None = Field(None, max_length=200)


class RevisionOut(Schema):
    number: int
    title: str
    body_md: str
    tags: list[str]
    note: str
    created_at: datetime
