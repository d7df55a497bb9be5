"""Reads for the portal, always rooted in what one contact may see, and CSAT reads for
staff rooted in Ticket.objects.visible_to(user)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Avg, Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from loopdesk.core.exceptions import NotFound
from loopdesk.core.pagination import Page, SortKey, keyset_page
from loopdesk.customers.models import Contact
from loopdesk.tickets.constants import MessageKind
from loopdesk.tickets.models import Attachment, Message, Ticket

from . import conf
from .models import CsatResponse, DeflectionClick, PortalAccount
from .session import account_of


def is_org_admin(contact: Contact) -> bool:
    account = account_of(contact)
    return bool(account and account.is_org_admin and contact.organization_id)


def portal_tickets(*, contact: Contact) -> QuerySet[Ticket]:
    """The contact's own tickets; an organisation admin's also include every ticket of
    their organisation."""
    scope = Q(contact_id=contact.pk)
    if is_org_admin(contact):
        scope |= Q(organization_id=contact.organization_id)
    return Ticket.objects.filter(scope)


def portal_ticket_page(*, contact: Contact, after: str | None, size: int = 25) -> Page:
    qs = portal_tickets(contact=contact).select_related("status", "contact")
    return keyset_page(qs, keys=[SortKey("updated_at", descending=True)], size=size, after=after)


MAX_BIGINT = 2**63 - 1


def portal_ticket_get(*, contact: Contact, number: int) -> Ticket:
    if not 0 < number <= MAX_BIGINT:  # a number no database column can hold
        raise NotFound(_("Request not found."))
    ticket = (
        portal_tickets(contact=contact)
        .select_related("status", "contact", "organization")
        .filter(number=number)
        .first()
    )
    if ticket is None:
        raise NotFound(_("Request not found."))
    return ticket


def portal_thread(*, ticket: Ticket) -> list[Message]:
    """Public messages only: internal notes never leave the workspace."""
    return list(
        Message.objects.filter(ticket=ticket, kind=MessageKind.REPLY)
        .select_related("author_user", "author_contact")
        .prefetch_related("attachments")
        .order_by("created_at", "pk")
    )


def portal_attachment_get(*, contact: Contact, public_id) -> Attachment:
    """A file of a public message on a ticket the contact may see; anything else 404."""
    try:
        return Attachment.objects.get(
            public_id=public_id,
            message__kind=MessageKind.REPLY,
            ticket__in=portal_tickets(contact=contact),
        )
    except (Attachment.DoesNotExist, ValueError) as exc:
        raise NotFound(_("Attachment not found.")) from exc


def portal_account(contact: Contact) -> PortalAccount | None:
    return PortalAccount.objects.filter(contact=contact).first()


# --- CSAT -----------------------------------------------------------------------------


def csat_for_ticket(*, ticket: Ticket) -> CsatResponse | None:
    return (
        CsatResponse.objects.select_related("agent", "team", "contact")
        .filter(ticket_id=ticket.pk)
        .first()
    )


def csat_editable(response: CsatResponse | None, *, now: datetime | None = None) -> bool:
    if response is None:
        return True
    hours = conf.get("LOOPDESK_CSAT_EDIT_HOURS")
    return (now or timezone.now()) <= response.created_at + timedelta(hours=hours)


@dataclass(frozen=True)
class CsatFilters:
    ticket_id: int | None = None
    agent_id: int | None = None
    team_id: int | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None


def csat_list_page(*, user, filters: CsatFilters, after: str | None, size: int) -> Page:
    qs = CsatResponse.objects.filter(ticket__in=Ticket.objects.visible_to(user)).select_related(
        "ticket", "agent", "team", "contact"
    )
    if filters.ticket_id is not None:
        qs = qs.filter(ticket_id=filters.ticket_id)
    if filters.agent_id is not None:
        qs = qs.filter(agent_id=filters.agent_id)
    if filters.team_id is not None:
        qs = qs.filter(team_id=filters.team_id)
    if filters.created_after is not None:
        qs = qs.filter(created_at__gte=filters.created_after)
    if filters.created_before is not None:
        qs = qs.filter(created_at__lt=filters.created_before)
    return keyset_page(qs, keys=[SortKey("created_at", descending=True)], size=size, after=after)


# --- Deflection ------------------------------------------------------------------------


@dataclass(frozen=True)
class DeflectionSummary:
    visits_with_clicks: int
    submitted: int
    avoided: int


def deflection_summary(*, since: datetime, now: datetime | None = None) -> DeflectionSummary:
    """Form visits (since `since`) in which a suggested article was opened; those that
    never led to a submission within the grace period are requests avoided."""
    now = now or timezone.now()
    settled_before = now - timedelta(minutes=conf.get("LOOPDESK_DEFLECTION_GRACE_MINUTES"))
    visits = (
        DeflectionClick.objects.filter(clicked_at__gte=since)
        .values("form_session")
        .annotate(sent=Count("pk", filter=Q(submitted=True)), last=Max("clicked_at"))
    )
    total = submitted = avoided = 0
    for visit in visits:
        total += 1
        if visit["sent"]:
            submitted += 1
        elif visit["last"] <= settled_before:
            avoided += 1
    return DeflectionSummary(visits_with_clicks=total, submitted=submitted, avoided=avoided)


def deflection_top_articles(*, since: datetime, limit: int = 10) -> list[dict]:
    """The suggested articles opened most often from the web form since `since`."""
    return list(
        DeflectionClick.objects.filter(clicked_at__gte=since)
        .values("article_url", "article_title")
        .annotate(clicks=Count("pk"), submitted=Count("pk", filter=Q(submitted=True)))
        .order_by("-clicks", "article_title")[:limit]
    )


@dataclass(frozen=True)
class CsatSummary:
    count: int
    average: float | None
    satisfied_share: float | None  # share of 4 and 5 scores


def csat_summary(*, user, since: datetime) -> tuple[CsatSummary, list[dict]]:
    """Ratings since `since` on tickets the user can see: overall and per team."""
    qs = CsatResponse.objects.filter(
        created_at__gte=since, ticket__in=Ticket.objects.visible_to(user)
    )
    overall = qs.aggregate(
        n=Count("pk"), avg=Avg("score"), good=Count("pk", filter=Q(score__gte=4))
    )
    per_team = list(
        qs.values("team__name")
        .annotate(n=Count("pk"), avg=Avg("score"), good=Count("pk", filter=Q(score__gte=4)))
        .order_by("-n", "team__name")
    )
    for row in per_team:
        row["share"] = row["good"] / row["n"] if row["n"] else None
    n = overall["n"]
    return (
        CsatSummary(
            count=n,
            average=overall["avg"],
            satisfied_share=overall["good"] / n if n else None,
        ),
        per_team,
    )
