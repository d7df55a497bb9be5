"""Turn API input (ids, keys, base64) into the objects the services take.

Every id a client sends is checked here: an id that does not exist is a 400 naming
the field, before any service runs, so nothing is half-written.
"""

import base64
import binascii
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from loopdesk.accounts.models import Team, User
from loopdesk.accounts.selectors import teams_visible_to
from loopdesk.core.api_common import sent_fields
from loopdesk.core.exceptions import PermissionDenied, ValidationFailed
from loopdesk.customers.models import Contact

from ..models import Ticket
from ..permissions import can_reassign
from ..schemas import NULLABLE_PATCH_FIELDS, AttachmentIn, TicketPatch
from ..selectors import status_by_key
from ..services import AttachmentUpload


def resolve_team(user: User, team_id: int | None, *, field: str = "team_id") -> Team | None:
    """Any team the user can see; every staff user sees every team (teams are not
    secret), so an agent may hand a ticket over to another team (see docs/api.md)."""
    if team_id is None:
        return None
    team = teams_visible_to(user).filter(pk=team_id).first()
    if team is None:
        raise ValidationFailed(_("Unknown team: %(id)s") % {"id": team_id}, field=field)
    return team


def resolve_assignee(assignee_id: int | None, *, field: str = "assignee_id") -> User | None:
    if assignee_id is None:
        return None
    assignee = User.objects.filter(pk=assignee_id, is_active=True).first()
    if assignee is None:
        raise ValidationFailed(
            _("Unknown or inactive user: %(id)s") % {"id": assignee_id}, field=field
        )
    return assignee


def resolve_contact(contact_id: int) -> Contact:
    # Contacts are visible to every staff user (customers.selectors), so no scope here.
    contact = Contact.objects.filter(pk=contact_id).first()
    if contact is None:
        raise ValidationFailed(
            _("Unknown contact: %(id)s") % {"id": contact_id}, field="contact_id"
        )
    return contact


def decode_attachments(items: list[AttachmentIn]) -> list[AttachmentUpload]:
    """Strict base64, and a length check before decoding so a huge string is refused
    without allocating its decoded copy."""
    limit = settings.LOOPDESK_MAX_ATTACHMENT_BYTES
    max_encoded = 4 * ((limit + 2) // 3)
    uploads = []
    for index, item in enumerate(items):
        field = f"attachments.{index}.content_base64"
        encoded = "".join(item.content_base64.split())  # tolerate line-wrapped base64
        if len(encoded) > max_encoded:
            raise ValidationFailed(
                _("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)},
                field=field,
            )
        try:
            content = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValidationFailed(_("Not valid base64."), field=field) from exc
        uploads.append(
            AttachmentUpload(
                filename=item.filename, content=content, content_type=item.content_type
            )
        )
    return uploads


def patch_changes(*, user: User, ticket: Ticket, payload: TicketPatch) -> dict[str, Any]:
    """The `changes` dict for ticket_update from the fields the client sent."""
    sent = sent_fields(payload, nullable=NULLABLE_PATCH_FIELDS)
    if sent.keys() & NULLABLE_PATCH_FIELDS and not can_reassign(user, ticket):
        raise PermissionDenied(_("You may not change the team or assignee of tickets."))
    changes: dict[str, Any] = {}
    for name in ("subject", "priority", "type", "tags", "custom_fields"):
        if name in sent:
            changes[name] = sent[name]
    if "status" in sent:
        changes["status"] = status_by_key(payload.status or "")
    if "team_id" in sent:
        changes["team"] = resolve_team(user, payload.team_id)
    if "assignee_id" in sent:
        changes["assignee"] = resolve_assignee(payload.assignee_id)
    return changes
