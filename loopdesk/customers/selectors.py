"""Reads for contacts and organisations. Contacts are visible to every staff user."""

from django.db.models import Q, QuerySet

from loopdesk.core.exceptions import ValidationFailed
from loopdesk.core.pagination import Page, SortKey, keyset_page
from loopdesk.core.prepared import PreparedQuery

from .identities import normalise
from .models import Contact, ContactIdentity, IdentityKind, Organization


def contact_search(*, query: str, limit: int = 20) -> list[Contact]:
    """Find contacts by name, email, phone or organisation (for the phone-ticket form)."""
    query = query.strip()[:200]
    if not query:
        return []
    phone = None
    if any(ch.isdigit() for ch in query):
        try:
            phone = normalise(IdentityKind.PHONE, query)
        except ValidationFailed:  # not a phone number: search by text only
            phone = None
    cond = (
        Q(name__icontains=query)
        | Q(primary_email__icontains=query)
        | Q(organization__name__icontains=query)
    )
    if phone:
        cond |= Q(identities__kind=IdentityKind.PHONE, identities__value=phone)
    elif query.replace("+", "").isdigit():
        cond |= Q(primary_phone__contains=query)
    return list(
        Contact.objects.filter(cond)
        .select_related("organization")
        .distinct()
        .order_by("name")[:limit]
    )


def contact_get(*, contact_id: int) -> Contact:
    return Contact.objects.select_related("organization").get(pk=contact_id)


def contact_identities(*, contact: Contact) -> list[ContactIdentity]:
    return _IDENTITIES.objects([contact.pk])


# Read on every ticket page, compiled once per process (core.prepared).
_IDENTITIES = PreparedQuery(
    lambda ids: ContactIdentity.objects.filter(contact_id__any=ids).order_by(
        "kind", "-is_primary", "value"
    )
)


def organizations_all() -> QuerySet[Organization]:
    return Organization.objects.order_by("name")


def _contact_query_q(query: str) -> Q:
    """Name, email, organisation name or (normalised) phone, without joins that duplicate rows."""
    cond = (
        Q(name__icontains=query)
        | Q(primary_email__icontains=query)
        | Q(organization__name__icontains=query)
    )
    if any(ch.isdigit() for ch in query):
        try:
            phone = normalise(IdentityKind.PHONE, query)
        except ValidationFailed:
            phone = None
        if phone:
            cond |= Q(
                pk__in=ContactIdentity.objects.filter(kind=IdentityKind.PHONE, value=phone).values(
                    "contact_id"
                )
            )
        elif query.replace("+", "").isdigit():
            cond |= Q(primary_phone__contains=query)
    return cond


def contact_list_page(*, query: str = "", after: str | None = None, size: int = 25) -> Page:
    """Contacts by name (then id), optionally searched; keyset-paginated (REST API)."""
    qs = Contact.objects.select_related("organization").prefetch_related("identities")
    query = query.strip()[:200]
    if query:
        qs = qs.filter(_contact_query_q(query))
    return keyset_page(qs, keys=[SortKey("name", False, "str")], size=size, after=after)


def organization_list_page(*, query: str = "", after: str | None = None, size: int = 25) -> Page:
    qs = Organization.objects.all()
    query = query.strip()[:200]
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(domain__icontains=query))
    return keyset_page(qs, keys=[SortKey("name", False, "str")], size=size, after=after)


def organization_get(*, organization_id: int) -> Organization:
    return Organization.objects.get(pk=organization_id)
