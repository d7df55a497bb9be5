"""/tickets/{number}/events: the audit history of a ticket."""

from django.http import HttpRequest
from ninja import Query, Router

from loopdesk.accounts.api_auth import TICKETS_READ, principal
from loopdesk.core.api_common import PageQuery, page_body

from ..schemas import EventPageOut
from ..selectors import ticket_events_page, ticket_get_for_user

router = Router(tags=["tickets"])


@router.get(
    "/tickets/{number}/events",
    response=EventPageOut,
    auth=TICKETS_READ,
    operation_id="ticket_events_list",
    summary="List a ticket's events",
    description="Scope: tickets:read. Oldest first: who changed what (old, new) and why.",
)
def ticket_events_list(request: HttpRequest, number: int, page: Query[PageQuery]):
    ticket = ticket_get_for_user(user=principal(request).user, number=number)
    result = ticket_events_page(ticket=ticket, after=page.after, size=page.size)
    return page_body(request, result, result.items)
