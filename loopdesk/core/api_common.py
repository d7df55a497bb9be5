"""Pieces every REST API router shares: strict input schemas and cursor pages."""

from urllib.parse import urlencode

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import ConfigDict

from .exceptions import ValidationFailed
from .pagination import Page

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100


class InSchema(Schema):
    """Base of every In/Patch schema: an unknown field is a 400, never silently dropped."""

    model_config = ConfigDict(extra="forbid")


class RefOut(Schema):
    """A related object as shown in another object: its id and current name."""

    id: int
    name: str


class PageQuery(Schema):
    """`page[size]` (1..100, default 25) and `page[after]` (an opaque cursor)."""

    size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, alias="page[size]")
    after: str | None = Field(None, max_length=500, alias="page[after]")


class Links(Schema):
    next: str | None = Field(None, description="URL of the next page, or null on the last page.")


def next_link(request: HttpRequest, cursor: str | None) -> str | None:
    """The same request with `page[after]` moved on; every other parameter is kept."""
    if cursor is None:
        return None
    params = request.GET.copy()
    params["page[after]"] = cursor
    query = urlencode(list(params.lists()), doseq=True)
    return request.build_absolute_uri(f"{request.path}?{query}")


def page_body(request: HttpRequest, page: Page, items: list) -> dict:
    return {"data": items, "links": {"next": next_link(request, page.next_cursor)}}


def sent_fields(payload: Schema, *, nullable: frozenset[str] = frozenset()) -> dict:
    """The fields a PATCH body actually contained. null is only accepted where it
    means something (clearing a relation); elsewhere it is a 400, not a silent no-op."""
    sent = {name: getattr(payload, name) for name in payload.model_fields_set}
    for name, value in sorted(sent.items()):
        if value is None and name not in nullable:
            raise ValidationFailed(_("This field may not be null."), field=name)
    return sent
