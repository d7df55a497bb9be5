"""/tickets/{number}/messages: the thread (replies and notes) and adding to it."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from loopdesk.accounts.api_auth import TICKETS_READ, TICKETS_WRITE, principal
from loopdesk.core.api_common import PageQuery, page_body
from loopdesk.core.exceptions import PermissionDenied
from loopdesk.core.idempotency import run_idempotent

from ..permissions import can_edit
from ..schemas import MessageIn, MessageOut, MessagePageOut
from ..selectors import status_by_key, ticket_get_for_user, ticket_messages_page
from ..services import message_add
from .inputs import decode_attachments
from .tickets import IDEMPOTENCY_HEADER, idempotent_response

router = Router(tags=["tickets"])


@router.get(
    "/tickets/{number}/messages",
    response=MessagePageOut,
    auth=TICKETS_READ,
    operation_id="ticket_messages_list",
    summary="List a ticket's messages",
    description="Scope: tickets:read. Oldest first; internal notes included.",
)
def ticket_messages_list(request: HttpRequest, number: int, page: Query[PageQuery]):
    ticket = ticket_get_for_user(user=principal(request).user, number=number)
    result = ticket_messages_page(ticket=ticket, after=page.after, size=page.size)
    return page_body(request, result, result.items)


@router.post(
    "/tickets/{number}/messages",
    response={201: MessageOut},
    auth=TICKETS_WRITE,
    operation_id="ticket_messages_create",
    summary="Reply or add an internal note",
    description=(
        "Scope: tickets:write. `kind` reply (to the customer) or note (internal). `status` "
        "sets a status in the same step (reply and solve). Attachments are base64 objects."
    ),
)
def ticket_messages_create(
    request: HttpRequest,
    number: int,
    payload: MessageIn,
    idempotency_key: str | None = IDEMPOTENCY_HEADER,
):
    caller = principal(request)
    ticket = ticket_get_for_user(user=caller.user, number=number)
    if not can_edit(caller.user, ticket):
        raise PermissionDenied(_("You may not add messages to this ticket."))

    def work() -> tuple[int, dict]:
        message = message_add(
            ticket=ticket,
            actor=caller.actor,
            kind=payload.kind,
            body_text=payload.body_text,
            body_html=payload.body_html,
            author_user=caller.user,
            attachments=decode_attachments(payload.attachments),
            set_status=status_by_key(payload.status) if payload.status is not None else None,
        )
        return 201, MessageOut.from_orm(message).model_dump()

    return idempotent_response(
        run_idempotent(
            owner_key=caller.owner_key,
            scope="messages.create",
            key=idempotency_key,
            # The ticket is part of the request: the same key on another ticket is a mismatch.
            payload={"ticket": ticket.number, **payload.model_dump(mode="json")},
            work=work,
        )
    )
