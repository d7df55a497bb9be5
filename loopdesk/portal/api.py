"""/satisfaction: CSAT answers, read-only, for staff keys with tickets:read. Only
answers on tickets the key's user can see (the same scope as /tickets)."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from loopdesk.accounts.api_auth import TICKETS_READ, principal
from loopdesk.core.api_common import PageQuery, page_body
from loopdesk.core.exceptions import ValidationFailed
from loopdesk.tickets.models import Ticket

from .schemas import SatisfactionPageOut, SatisfactionQuery
from .selectors import CsatFilters, csat_list_page

router = Router(tags=["satisfaction"])


@router.get(
    "/satisfaction",
    response=SatisfactionPageOut,
    auth=TICKETS_READ,
    operation_id="satisfaction_list",
    summary="List CSAT ratings",
    description=(
        "Scope: tickets:read. Newest first; filter by ticket number, agent, team and "
        "creation time. Only ratings of tickets the key's user can see."
    ),
)
def satisfaction_list(
    request: HttpRequest, page: Query[PageQuery], filters: Query[SatisfactionQuery]
):
    caller = principal(request)
    if (
        filters.created_after
        and filters.created_before
        and filters.created_after >= filters.created_before
    ):
        raise ValidationFailed(
            _("created_after must be before created_before."), field="created_after"
        )
    ticket_id = None
    if filters.ticket is not None:
        # An unknown number matches nothing (never a 404 that would confirm a number).
        ticket_id = (
            Ticket.objects.filter(number=filters.ticket).values_list("pk", flat=True).first() or 0
        )
    result = csat_list_page(
        user=caller.user,
        filters=CsatFilters(
            ticket_id=ticket_id,
            agent_id=filters.agent,
            team_id=filters.team,
            created_after=filters.created_after,
            created_before=filters.created_before,
        ),
        after=page.after,
        size=page.size,
    )
    return page_body(request, result, result.items)
