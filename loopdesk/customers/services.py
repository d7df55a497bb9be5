"""Writes for contacts, identities and organisations."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from loopdesk.core import search
from loopdesk.core.exceptions import ValidationFailed

from .identities import normalise
from .models import Contact, ContactIdentity, IdentityKind, Organization, Tier


def organization_create(
    *, name: str, domain: str = "", tier: str = Tier.STANDARD, notes: str = ""
) -> Organization:
    name = name.strip()
    if not name or len(name) > 200:
        raise ValidationFailed(_("Organisation name must be 1–200 characters."), field="name")
    if tier not in Tier.values:
        raise ValidationFailed(_("Unknown tier: %(tier)s") % {"tier": tier}, field="tier")
    return Organization.objects.create(
        name=name, domain=domain.strip().lower(), tier=tier, notes=notes
    )


def contact_create(
    *,
    name: str,
    identities: list[tuple[str, str]] | None = None,
    organization: Organization | None = None,
    language: str = "zh-hans",
    tier: str = Tier.STANDARD,
    notes: str = "",
) -> Contact:
    name = name.strip()[:200]
    normalised = [(kind, normalise(kind, value)) for kind, value in identities or []]
    if not name and not normalised:
        raise ValidationFailed(_("A contact needs a name or an email/phone."), field="name")
    name = name or normalised[0][1].split("@", 1)[0]
    if tier not in Tier.values:
        raise ValidationFailed(_("Unknown tier: %(tier)s") % {"tier": tier}, field="tier")
    with transaction.atomic():
        contact = Contact.objects.create(
            name=name, organization=organization, language=language, tier=tier, notes=notes
        )
        for kind, value in normalised:
            _identity_attach(contact=contact, kind=kind, value=value)
    return contact


def contact_identity_add(*, contact: Contact, kind: str, value: str) -> ContactIdentity:
    value = normalise(kind, value)
    with transaction.atomic():
        return _identity_attach(contact=contact, kind=kind, value=value)


def _identity_attach(*, contact: Contact, kind: str, value: str) -> ContactIdentity:
    try:
        with transaction.atomic():
            identity = ContactIdentity.objects.create(
                contact=contact,
                kind=kind,
                value=value,
                is_primary=not contact.identities.filter(kind=kind).exists(),
            )
    except IntegrityError as exc:
        raise ValidationFailed(
            _("%(kind)s %(value)s already belongs to another contact.")
            % {"kind": kind, "value": value},
            field=kind,
        ) from exc
    fields = []
    if kind == IdentityKind.EMAIL and not contact.primary_email:
        contact.primary_email = value
        fields.append("primary_email")
    if kind == IdentityKind.PHONE and not contact.primary_phone:
        contact.primary_phone = value
        fields.append("primary_phone")
    if fields:
        contact.save(update_fields=fields)
        _reindex_on_commit(contact.pk)
    return identity


def contact_resolve(
    *, kind: str, value: str, name: str = "", language: str = ""
) -> tuple[Contact, bool]:
    """The contact owning this identity, created if new (with `language` when the channel
    could tell). Race-safe: the unique (kind, value) constraint decides, and the loser
    reads the winner's row."""
    value = normalise(kind, value)
    existing = (
        ContactIdentity.objects.select_related("contact").filter(kind=kind, value=value).first()
    )
    if existing:
        return existing.contact, False
    organization = None
    if kind == IdentityKind.EMAIL:
        domain = value.rsplit("@", 1)[-1]
        organization = Organization.objects.filter(domain=domain).first()
    display = name.strip()[:200] or value.split("@", 1)[0]
    try:
        with transaction.atomic():
            contact = Contact.objects.create(
                name=display,
                organization=organization,
                primary_email=value if kind == IdentityKind.EMAIL else "",
                primary_phone=value if kind == IdentityKind.PHONE else "",
                **({"language": language} if language in ("zh-hans", "en") else {}),
            )
            ContactIdentity.objects.create(contact=contact, kind=kind, value=value, is_primary=True)
    except IntegrityError:
        identity = ContactIdentity.objects.select_related("contact").get(kind=kind, value=value)
        return identity.contact, False
    return contact, True


def contact_update(*, contact: Contact, **fields) -> Contact:
    allowed = {"name", "organization", "language", "tier", "notes"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationFailed(
            _("Unknown fields: %(unknown)s") % {"unknown": ", ".join(sorted(unknown))}
        )
    if "tier" in fields and fields["tier"] not in Tier.values:
        raise ValidationFailed(_("Unknown tier."), field="tier")
    if "name" in fields:
        fields["name"] = (fields["name"] or "").strip()[:200]
    searchable_changed = any(
        getattr(contact, key) != fields[key] for key in ("name", "organization") if key in fields
    )
    for key, value in fields.items():
        setattr(contact, key, value)
    with transaction.atomic():
        contact.save(update_fields=[*fields, "updated_at"])
        if searchable_changed:
            _reindex_on_commit(contact.pk)
    return contact


def organization_update(*, organization: Organization, **fields) -> Organization:
    """Change name, domain, tier or notes (REST API PATCH, admin)."""
    allowed = {"name", "domain", "tier", "notes"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationFailed(
            _("Unknown fields: %(unknown)s") % {"unknown": ", ".join(sorted(unknown))}
        )
    if "name" in fields:
        fields["name"] = (fields["name"] or "").strip()
        if not fields["name"] or len(fields["name"]) > 200:
            raise ValidationFailed(_("Organisation name must be 1–200 characters."), field="name")
    if "domain" in fields:
        fields["domain"] = (fields["domain"] or "").strip().lower()
    if "tier" in fields and fields["tier"] not in Tier.values:
        raise ValidationFailed(_("Unknown tier: %(tier)s") % {"tier": fields["tier"]}, field="tier")
    for key, value in fields.items():
        setattr(organization, key, value)
    organization.save(update_fields=[*fields, "updated_at"])
    return organization


def contact_tickets_reindex(*, contact_id: int) -> int:
    """Refresh the search documents of a contact's tickets (their name, email, phone and
    organisation are searchable on each ticket)."""
    from loopdesk.tickets.models import Ticket

    count = 0
    tickets = Ticket.objects.filter(contact_id=contact_id).select_related("contact", "organization")
    for ticket in tickets.iterator(chunk_size=500):
        search.index_ticket(ticket)
        count += 1
    return count


def _reindex_on_commit(contact_id: int) -> None:
    def enqueue() -> None:
        from .tasks import reindex_contact_tickets_task

        reindex_contact_tickets_task.enqueue(contact_id=contact_id)

    transaction.on_commit(enqueue)
