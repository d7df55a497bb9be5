"""/contacts and /organizations. Customers are visible to every staff user; the
tickets of a contact are still filtered by the caller's ticket scope."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.responses import Status

from loopdesk.accounts.api_auth import (
    CONTACTS_READ,
    CONTACTS_WRITE,
    TICKETS_READ,
    principal,
    require_scope,
)
from loopdesk.accounts.models import ApiScope
from loopdesk.core.api_common import PageQuery, page_body, sent_fields
from loopdesk.core.exceptions import NotFound, ValidationFailed
from loopdesk.tickets.schemas import TicketPageOut
from loopdesk.tickets.selectors import TicketFilters, ticket_list_page

from .models import Contact, IdentityKind, Organization
from .schemas import (
    ContactIn,
    ContactOut,
    ContactPageOut,
    ContactPatch,
    OrganizationIn,
    OrganizationOut,
    OrganizationPageOut,
    OrganizationPatch,
)
from .selectors import contact_get, contact_list_page, organization_get, organization_list_page
from .services import contact_create, contact_update, organization_create, organization_update

router = Router(tags=["customers"])


def _contact(contact_id: int) -> Contact:
    try:
        return contact_get(contact_id=contact_id)
    except (Contact.DoesNotExist, OverflowError) as exc:
        raise NotFound(_("Contact not found.")) from exc


def _organization(organization_id: int) -> Organization:
    try:
        return organization_get(organization_id=organization_id)
    except (Organization.DoesNotExist, OverflowError) as exc:
        raise NotFound(_("Organisation not found.")) from exc


def _organization_ref(organization_id: int | None) -> Organization | None:
    """An organisation named in a body: unknown is a 400 on that field, not a 404."""
    if organization_id is None:
        return None
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        raise ValidationFailed(
            _("Unknown organisation: %(id)s") % {"id": organization_id}, field="organization_id"
        )
    return organization


@router.get(
    "/contacts",
    response=ContactPageOut,
    auth=CONTACTS_READ,
    operation_id="contacts_list",
    summary="List or search contacts",
    description="Scope: contacts:read. `q` searches name, email, phone and organisation.",
)
def contacts_list(request: HttpRequest, page: Query[PageQuery], q: str = ""):
    result = contact_list_page(query=q, after=page.after, size=page.size)
    return page_body(request, result, result.items)


@router.post(
    "/contacts",
    response={201: ContactOut},
    auth=CONTACTS_WRITE,
    operation_id="contacts_create",
    summary="Create a contact",
    description="Scope: contacts:write. Emails and phones must not belong to another contact.",
)
def contacts_create(request: HttpRequest, payload: ContactIn):
    identities = [(IdentityKind.EMAIL, e) for e in payload.emails]
    identities += [(IdentityKind.PHONE, p) for p in payload.phones]
    contact = contact_create(
        name=payload.name,
        identities=identities,
        organization=_organization_ref(payload.organization_id),
        language=payload.language,
        tier=payload.tier,
        notes=payload.notes,
    )
    return Status(201, _contact(contact.pk))


@router.get(
    "/contacts/{contact_id}",
    response=ContactOut,
    auth=CONTACTS_READ,
    operation_id="contacts_get",
    summary="Get a contact",
    description="Scope: contacts:read. With all identities (emails, phones, WeChat, external).",
)
def contacts_get(request: HttpRequest, contact_id: int):
    return _contact(contact_id)


@router.patch(
    "/contacts/{contact_id}",
    response=ContactOut,
    auth=CONTACTS_WRITE,
    operation_id="contacts_update",
    summary="Update a contact",
    description="Scope: contacts:write. Only the fields sent change.",
)
def contacts_update(request: HttpRequest, contact_id: int, payload: ContactPatch):
    contact = _contact(contact_id)
    fields = sent_fields(payload, nullable=frozenset({"organization_id"}))
    if "organization_id" in fields:
        fields["organization"] = _organization_ref(fields.pop("organization_id"))
    contact_update(contact=contact, **fields)
    return _contact(contact.pk)


@router.get(
    "/contacts/{contact_id}/tickets",
    response=TicketPageOut,
    auth=TICKETS_READ,
    operation_id="contacts_tickets",
    summary="A contact's tickets",
    description="Scopes: tickets:read and contacts:read. Only tickets the key's user can see.",
)
def contacts_tickets(request: HttpRequest, contact_id: int, page: Query[PageQuery]):
    caller = principal(request)
    require_scope(caller, ApiScope.CONTACTS_READ)
    contact = _contact(contact_id)
    result = ticket_list_page(
        user=caller.user,
        filters=TicketFilters(view="all", contact=contact.pk),
        sort="-created",
        after=page.after,
        size=page.size,
    )
    return page_body(request, result, result.items)


@router.get(
    "/organizations",
    response=OrganizationPageOut,
    auth=CONTACTS_READ,
    operation_id="organizations_list",
    summary="List or search organisations",
    description="Scope: contacts:read. `q` searches name and email domain.",
)
def organizations_list(request: HttpRequest, page: Query[PageQuery], q: str = ""):
    result = organization_list_page(query=q, after=page.after, size=page.size)
    return page_body(request, result, result.items)


@router.post(
    "/organizations",
    response={201: OrganizationOut},
    auth=CONTACTS_WRITE,
    operation_id="organizations_create",
    summary="Create an organisation",
    description="Scope: contacts:write.",
)
def organizations_create(request: HttpRequest, payload: OrganizationIn):
    organization = organization_create(
        name=payload.name, domain=payload.domain, tier=payload.tier, notes=payload.notes
    )
    return Status(201, organization)


@router.get(
    "/organizations/{organization_id}",
    response=OrganizationOut,
    auth=CONTACTS_READ,
    operation_id="organizations_get",
    summary="Get an organisation",
    description="Scope: contacts:read.",
)
def organizations_get(request: HttpRequest, organization_id: int):
    return _organization(organization_id)


@router.patch(
    "/organizations/{organization_id}",
    response=OrganizationOut,
    auth=CONTACTS_WRITE,
    operation_id="organizations_update",
    summary="Update an organisation",
    description="Scope: contacts:write. Only the fields sent change.",
)
def organizations_update(request: HttpRequest, organization_id: int, payload: OrganizationPatch):
    organization = _organization(organization_id)
    return organization_update(organization=organization, **sent_fields(payload))
