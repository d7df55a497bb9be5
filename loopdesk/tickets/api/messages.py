"""/tickets/{number}/messages: the thread (replies and notes) and adding to it."""

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router

from loopdesk.accounts.api_auth import TICKETS_READ, TICKETS_WRITE, principal, require_scope
from loopdesk.accounts.models import ApiScope
from loopdesk.channels.intake import check_import_time, import_backdate, last_event_id
from loopdesk.core.api_common import PageQuery, page_body
from loopdesk.core.exceptions import PermissionDenied
from loopdesk.core.idempotency import run_idempotent
from loopdesk.sla.services.clocks import sla_sync_deferred

from ..models import Message
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

    if payload.created_at is not None:
        require_scope(caller, ApiScope.TICKETS_IMPORT)

    def add() -> Message:
        return message_add(
            ticket=ticket,
            actor=caller.actor,
            kind=payload.kind,
            body_text=payload.body_text,
            body_html=payload.body_html,
            author_user=caller.user,
            attachments=decode_attachments(payload.attachments),
            set_status=status_by_key(payload.status) if payload.status is not None else None,
        )

    def work() -> tuple[int, dict]:
        message = add() if payload.created_at is None else _imported(ticket, payload, add)
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


@transaction.atomic
def _imported(ticket, payload: MessageIn, add) -> Message:
    """An imported message: added with the SLA sync deferred, then given its original time
    (which must not precede the ticket's last event, so the log stays in order)."""
    latest = (
        ticket.events.exclude(type__startswith="sla.")
        .order_by("-pk")
        .values_list("created_at", flat=True)
        .first()
    )
    check_import_time(payload.created_at, field="created_at", not_before=latest)
    started, after = timezone.now(), last_event_id()
    with sla_sync_deferred():
        message = add()
    import_backdate(
        ticket=ticket,
        message=message,
        after_event_id=after,
        started=started,
        when=payload.created_at,
    )
    message.refresh_from_db()
    return message
