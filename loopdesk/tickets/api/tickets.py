"""/tickets: list, create (through intake), get and update."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Header, Query, Router

from loopdesk.accounts.api_auth import TICKETS_READ, TICKETS_WRITE, principal, require_scope
from loopdesk.accounts.models import ApiScope
from loopdesk.accounts.selectors import default_team_for
from loopdesk.channels.intake import InboundMessage, SenderIdentity, intake_message
from loopdesk.core.api_common import PageQuery, page_body
from loopdesk.core.exceptions import PermissionDenied, ValidationFailed
from loopdesk.core.idempotency import IdempotentResult, run_idempotent

from ..constants import Channel, Priority, TicketType
from ..permissions import can_create_for_contact
from ..schemas import (
    TicketDetailOut,
    TicketIn,
    TicketListQuery,
    TicketOut,
    TicketPageOut,
    TicketPatch,
)
from ..selectors import (
    TicketFilters,
    status_by_key,
    ticket_for_output,
    ticket_get_for_user,
    ticket_list_page,
)
from ..services import ticket_update
from ..services.lifecycle import TicketFields
from .inputs import (
    decode_attachments,
    patch_changes,
    resolve_assignee,
    resolve_contact,
    resolve_team,
)

router = Router(tags=["tickets"])

IDEMPOTENCY_HEADER = Header(
    None,
    alias="Idempotency-Key",
    description="Retry-safe creation: the same key and body replay the first response.",
)


def idempotent_response(result: IdempotentResult) -> HttpResponse:
    response = JsonResponse(
        result.body, status=result.status_code, json_dumps_params={"ensure_ascii": False}
    )
    if result.replayed:
        response["Idempotent-Replayed"] = "true"
    return response


def _filters(query: TicketListQuery) -> TicketFilters:
    assignee, unassigned = None, False
    if query.assignee is not None:
        value = query.assignee.strip().lower()
        if value == "none":
            unassigned = True
        elif value.isdigit() and len(value) < 19:
            assignee = int(value)
        else:
            raise ValidationFailed(_('assignee must be a user id or "none".'), field="assignee")
    return TicketFilters(
        view=query.view,
        status=query.status,
        category=query.category,
        priority=query.priority,
        team=query.team,
        assignee=assignee,
        unassigned=unassigned,
        tag=query.tag,
        channel=query.channel,
        type=query.type,
        contact=query.contact,
        organization=query.organization,
        number=query.number,
        q=query.q,
    )


@router.get(
    "/tickets",
    response=TicketPageOut,
    auth=TICKETS_READ,
    operation_id="tickets_list",
    summary="List tickets",
    description="Scope: tickets:read. Only tickets the key's user can see.",
)
def tickets_list(request: HttpRequest, query: Query[TicketListQuery], page: Query[PageQuery]):
    user = principal(request).user
    result = ticket_list_page(
        user=user, filters=_filters(query), sort=query.sort, after=page.after, size=page.size
    )
    return page_body(request, result, result.items)


def _inbound(user, payload: TicketIn) -> InboundMessage:
    """Resolve and check every id before intake runs (400 names the bad field)."""
    if payload.contact_id is not None:
        contact, sender = resolve_contact(payload.contact_id), None
    else:
        requester = payload.requester
        kind = "email" if requester.email else "phone"
        contact = None
        sender = SenderIdentity(
            kind=kind, value=requester.email or requester.phone, name=requester.name
        )
    fields = TicketFields(
        priority=Priority.P3 if payload.priority is None else payload.priority,
        type=payload.type or TicketType.QUESTION,
        team=(
            resolve_team(user, payload.team_id)
            if payload.team_id is not None
            else default_team_for(user)
        ),
        assignee=resolve_assignee(payload.assignee_id),
        tags=payload.tags,
        custom_fields=payload.custom_fields,
        status=status_by_key(payload.status) if payload.status is not None else None,
    )
    return InboundMessage(
        channel=Channel.API,
        subject=payload.subject,
        text=payload.body_text,
        html=payload.body_html,
        sender=sender,
        contact=contact,
        attachments=decode_attachments(payload.attachments),
        created_by=user,
        fields=fields,
        strict=True,
        occurred_at=payload.created_at,
    )


@router.post(
    "/tickets",
    response={201: TicketOut},
    auth=TICKETS_WRITE,
    operation_id="tickets_create",
    summary="Create a ticket",
    description=(
        "Scope: tickets:write. Creates the ticket and its first (customer) message through the "
        "intake, channel `api`. Send an `Idempotency-Key` header to make retries safe."
    ),
)
def tickets_create(
    request: HttpRequest, payload: TicketIn, idempotency_key: str | None = IDEMPOTENCY_HEADER
):
    caller = principal(request)
    if not can_create_for_contact(caller.user):
        raise PermissionDenied(_("You may not create tickets."))
    if payload.created_at is not None:
        require_scope(caller, ApiScope.TICKETS_IMPORT)

    def work() -> tuple[int, dict]:
        result = intake_message(_inbound(caller.user, payload))
        return 201, TicketOut.from_orm(ticket_for_output(pk=result.ticket.pk)).model_dump()

    return idempotent_response(
        run_idempotent(
            owner_key=caller.owner_key,
            scope="tickets.create",
            key=idempotency_key,
            payload=payload.model_dump(mode="json"),
            work=work,
        )
    )


@router.get(
    "/tickets/{number}",
    response=TicketDetailOut,
    auth=TICKETS_READ,
    operation_id="tickets_get",
    summary="Get a ticket",
    description=(
        "Scope: tickets:read. The ticket's public id is its number. `sla` lists its SLA "
        "clocks: target, due time, state and the (business) minutes used and left."
    ),
)
def tickets_get(request: HttpRequest, number: int):
    return ticket_get_for_user(user=principal(request).user, number=number)


@router.patch(
    "/tickets/{number}",
    response=TicketOut,
    auth=TICKETS_WRITE,
    operation_id="tickets_update",
    summary="Update a ticket",
    description="Scope: tickets:write. Only the fields sent change; each change is recorded as an event.",
)
def tickets_update(request: HttpRequest, number: int, payload: TicketPatch):
    caller = principal(request)
    ticket = ticket_get_for_user(user=caller.user, number=number)
    changes = patch_changes(user=caller.user, ticket=ticket, payload=payload)
    # The updated row is returned even if the change moved it out of the caller's scope
    # (handed to another team): it is what they just wrote.
    return ticket_update(ticket=ticket, actor=caller.actor, changes=changes)
