"""A new ticket entered by an agent on a customer's behalf. It goes through intake,
the only door tickets come in by."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from loopdesk.accounts.selectors import teams_visible_to, user_team_ids
from loopdesk.channels.intake import InboundMessage, SenderIdentity, intake_message
from loopdesk.core.exceptions import ValidationFailed
from loopdesk.customers.models import Contact, IdentityKind
from loopdesk.customers.selectors import contact_get
from loopdesk.customers.services import contact_create

from .. import permissions, selectors
from ..forms import (
    NEW_TICKET_ERROR_FIELDS,
    NewTicketForm,
    custom_field_value,
    split_tags,
    uploads_from,
)
from ..services.fields import custom_field_definitions
from ..services.lifecycle import TicketFields


def _contact_and_sender(data: dict) -> tuple[Contact | None, SenderIdentity | None]:
    """An existing contact, or who the new caller is. One identity: intake finds the
    contact owning it or creates one. Two: a new contact with both (an identity that
    belongs to someone else is an error, so nobody is merged by accident)."""
    if data.get("contact"):
        try:
            return contact_get(contact_id=data["contact"]), None
        except Contact.DoesNotExist as exc:
            raise ValidationFailed(_("That contact no longer exists."), field="contact") from exc
    name = (data.get("new_name") or "").strip()
    phone = (data.get("new_phone") or "").strip()
    email = (data.get("new_email") or "").strip()
    identities = [(IdentityKind.PHONE, phone)] if phone else []
    identities += [(IdentityKind.EMAIL, email)] if email else []
    if len(identities) == 1:
        kind, value = identities[0]
        return None, SenderIdentity(kind=kind, value=value, name=name)
    return contact_create(name=name or phone or email, identities=identities), None


def _form_context(request: HttpRequest, form: NewTicketForm, definitions, errors: dict) -> dict:
    chosen = None
    raw = form.data.get("contact") if form.is_bound else None
    if raw and str(raw).isdigit():
        chosen = Contact.objects.select_related("organization").filter(pk=raw).first()
    return {
        "form": form,
        "chosen_contact": chosen,
        "custom_fields": [
            {
                "definition": d,
                "key": d.key,
                "kind": d.kind,
                "name": f"cf_{d.key}",
                "error": errors.get(d.key, ""),
                "value": custom_field_value(d, form.data, f"cf_{d.key}") if form.is_bound else "",
                "selected": form.data.getlist(f"cf_{d.key}") if form.is_bound else [],
                "options": [str(o) for o in d.options or []],
            }
            for d in definitions
        ],
    }


@login_required
def ticket_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not permissions.can_create_for_contact(user):
        raise PermissionDenied
    definitions = custom_field_definitions()
    team_ids = user_team_ids(user)
    form = NewTicketForm(
        request.POST or None,
        teams=teams_visible_to(user),
        users=selectors.assignable_users(),
        # The agent's own team by default, so the new ticket stays in their view.
        initial={"team": team_ids[0] if team_ids else None},
    )
    cf_errors: dict[str, str] = {}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # A new caller and their first ticket are one unit: if the ticket is
            # rejected, no contact is left behind.
            with transaction.atomic():
                contact, sender = _contact_and_sender(data)
                result = intake_message(
                    InboundMessage(
                        channel=data["channel"],
                        subject=data["subject"],
                        text=data["description"] or data["subject"],
                        contact=contact,
                        sender=sender,
                        created_by=user,
                        strict=True,
                        attachments=uploads_from(request.FILES.getlist("attachments")),
                        fields=TicketFields(
                            priority=data["priority"],
                            type=data["type"],
                            team=data["team"],
                            assignee=data["assignee"],
                            tags=split_tags(data["tags"]),
                            custom_fields={
                                d.key: custom_field_value(d, request.POST, f"cf_{d.key}")
                                for d in definitions
                                if d.applies_to(data["type"])
                            },
                        ),
                    )
                )
        except ValidationFailed as exc:
            target = NEW_TICKET_ERROR_FIELDS.get(exc.field or "")
            if exc.field and any(d.key == exc.field for d in definitions):
                cf_errors[exc.field] = exc.message
                form.add_error(None, exc.message)
            else:
                form.add_error(target, exc.message)
        else:
            number = result.ticket.number
            visible = selectors.ticket_queryset(
                user=user, filters=selectors.TicketFilters(view="all", number=number)
            ).exists()
            if not visible:
                # Created for another team (or triage): say so instead of a 404.
                messages.success(
                    request,
                    _(
                        "Ticket #%(number)s created. It is outside your teams, so you will not see it."
                    )
                    % {"number": number},
                )
                return redirect("tickets:inbox")
            messages.success(request, _("Ticket #%(number)s created.") % {"number": number})
            return redirect("tickets:detail", number=number)
    status = 422 if form.is_bound and not form.is_valid() else 200
    return render(
        request,
        "tickets/new.html",
        _form_context(request, form, definitions, cf_errors),
        status=status,
    )
