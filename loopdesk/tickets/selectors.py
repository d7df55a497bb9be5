"""Reads for tickets. Every query starts from Ticket.objects.visible_to(user)."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from loopdesk.core.exceptions import NotFound, ValidationFailed
from loopdesk.core.pagination import Page, SortKey, encode_cursor, keyset_ids, keyset_page
from loopdesk.core.prepared import PreparedQuery

from .config import ticket_config
from .constants import Channel, MessageKind, Priority, StatusCategory, TicketType
from .models import Attachment, Message, Status, Tag, Ticket, TicketEvent
from .models.managers import ticket_visible_to
from .models.ticket import OPEN_Q

# What a single-ticket read joins (the page header, side panel and API detail).
DETAIL_RELATED = (
    "status",
    "contact",
    "contact__organization",
    "organization",
    "team",
    "assignee",
    "category",
)
# What an inbox row shows (views/rows.py), and nothing else.
INBOX_ROW_VALUES = (
    "id",
    "number",
    "subject",
    "status_category",
    "priority",
    "created_at",
    "updated_at",
    "contact_id",
    "team_id",
    "assignee_id",
    "status__name",
    "status__name_zh_hans",
    "contact__name",
    "contact__primary_email",
    "contact__primary_phone",
    "team__name",
    "assignee__display_name",
    "assignee__email",
)
COUNT_CAP = 1000  # counts above this show as "999+": no full COUNT on hot paths
COUNTS_TTL = 10  # seconds the inbox tab counts of a user are reused

VIEWS = ("mine", "unassigned", "my_teams", "open", "recent", "all", "sla_at_risk")
# "Breaching soon": open tickets with a running SLA clock that has not breached yet and is
# due within this many hours, most urgent first.
SLA_AT_RISK_HOURS = 8

SORTS: dict[str, list[SortKey]] = {
    "-updated": [SortKey("updated_at", True)],
    "updated": [SortKey("updated_at", False)],
    "-created": [SortKey("created_at", True)],
    "created": [SortKey("created_at", False)],
    "priority": [SortKey("priority", False, "int"), SortKey("updated_at", True)],
}


@dataclass
class TicketFilters:
    view: str = "open"
    status: list[str] = field(default_factory=list)  # status keys
    category: str | None = None  # status category
    priority: list[int] = field(default_factory=list)
    team: int | None = None
    assignee: int | None = None
    unassigned: bool = False
    tag: str | None = None
    channel: str | None = None
    type: str | None = None
    contact: int | None = None
    organization: int | None = None
    number: int | None = None
    q: str = ""

    def validate(self) -> "TicketFilters":
        if self.view not in VIEWS:
            raise ValidationFailed(
                _("Unknown view: %(view)s") % {"view": f"{self.view[:30]}"}, field="view"
            )
        if self.category and self.category not in StatusCategory.values:
            raise ValidationFailed(_("Unknown status category."), field="category")
        if any(p not in Priority.values for p in self.priority):
            raise ValidationFailed(_("Priority must be 1 to 4."), field="priority")
        if self.channel and self.channel not in Channel.values:
            raise ValidationFailed(_("Unknown channel."), field="channel")
        if self.type and self.type not in TicketType.values:
            raise ValidationFailed(_("Unknown ticket type."), field="type")
        if len(self.q) > 200:
            raise ValidationFailed(
                _("The search query is too long (200 characters at most)."), field="q"
            )
        return self


def _view_scope(qs: QuerySet, user, view: str) -> QuerySet:
    from loopdesk.accounts.selectors import user_team_ids

    if view == "mine":
        return qs.filter(OPEN_Q, assignee_id=user.pk)
    if view == "unassigned":
        return qs.filter(OPEN_Q, _unassigned_in_scope(user))
    if view == "my_teams":
        return qs.filter(OPEN_Q, team_id__in=user_team_ids(user))
    if view == "open":
        return qs.filter(OPEN_Q)
    if view == "sla_at_risk":
        return qs.filter(OPEN_Q, pk__in=_sla_at_risk_ticket_ids())
    return qs  # recent, all


def _unassigned_in_scope(user) -> Q:
    """Unassigned tickets reach an agent's scope only through a team (a supervisor's also
    through the team-less triage queue). Saying so lets the database read those teams'
    unassigned tickets, not every unassigned ticket checked against the scope: the
    agent's count took 181 ms at 1,000,000 tickets, 6 ms this way."""
    from loopdesk.accounts.models import Role
    from loopdesk.accounts.selectors import user_team_ids

    unassigned = Q(assignee__isnull=True)
    if user.is_admin or user.role not in (Role.AGENT, Role.SUPERVISOR):
        return unassigned
    teams = Q(team_id__in=user_team_ids(user))
    if user.role == Role.SUPERVISOR:
        teams |= Q(team__isnull=True)
    return unassigned & teams


def _sla_at_risk_ticket_ids() -> QuerySet:
    from django.utils import timezone

    from loopdesk.sla.models import TicketClock

    horizon = timezone.now() + timedelta(hours=SLA_AT_RISK_HOURS)
    # The same condition as the scheduler's partial index clock_due_pending, so this reads
    # the few clocks about to breach, not every running clock (a full scan at 1M clocks).
    return TicketClock.objects.filter(
        state__lit="running", breach_fired_at__isnull=True, due_at__lte=horizon
    ).values("ticket_id")


def ticket_queryset(*, user, filters: TicketFilters) -> QuerySet[Ticket]:
    filters.validate()
    qs = _view_scope(Ticket.objects.visible_to(user), user, filters.view)
    if filters.status:
        qs = qs.filter(status__key__in=filters.status)
    if filters.category:
        qs = qs.filter(status_category=filters.category)
    if filters.priority:
        qs = qs.filter(priority__in=filters.priority)
    if filters.team:
        qs = qs.filter(team_id=filters.team)
    if filters.unassigned:
        qs = qs.filter(assignee__isnull=True)
    elif filters.assignee:
        qs = qs.filter(assignee_id=filters.assignee)
    if filters.tag:
        qs = qs.filter(tags__name=filters.tag.strip().casefold())
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.type:
        qs = qs.filter(type=filters.type)
    if filters.contact:
        qs = qs.filter(contact_id=filters.contact)
    if filters.organization:
        qs = qs.filter(organization_id=filters.organization)
    if filters.number:
        qs = qs.filter(number=filters.number)
    query = filters.q.strip()
    if query:
        qs = _search(qs, query)
    return qs


def _search(qs: QuerySet, query: str) -> QuerySet:
    """Number, then full-text over subject, messages and contact (see core.search)."""
    from loopdesk.core import search  # imported here: the search module loads jieba

    digits = query.lstrip("#")
    ids = search.search_ticket_ids(query, limit=2000)
    cond = Q(pk__any=ids)  # the matches as one bound array (core.lookups)
    if digits.isdigit() and len(digits) < 19:
        cond |= Q(number=int(digits))
    return qs.filter(cond)


def ticket_list_page(
    *,
    user,
    filters: TicketFilters,
    sort: str = "-updated",
    after: str | None = None,
    size: int = 25,
) -> Page:
    if sort not in SORTS:
        raise ValidationFailed(_("Unknown sort: %(sort)s") % {"sort": f"{sort[:30]}"}, field="sort")
    if not 1 <= size <= 100:
        raise ValidationFailed(_("Page size must be 1 to 100."), field="page[size]")
    qs = (
        ticket_queryset(user=user, filters=filters)
        .select_related("status", "contact", "organization", "team", "assignee")
        .prefetch_related("tags")
    )
    return keyset_page(qs, keys=SORTS[sort], size=size, after=after, few_rows=bool(filters.q))


def sla_summary_annotations() -> dict:
    """Per ticket row: the earliest due time of its running SLA clocks and whether a clock
    is paused — correlated subqueries, so the inbox badge costs no extra query."""
    from django.db.models import Exists, OuterRef, Subquery

    from loopdesk.sla.models import TicketClock

    clocks = TicketClock.objects.filter(ticket_id=OuterRef("pk"))
    return {
        "sla_due_at": Subquery(
            clocks.filter(state="running").order_by("due_at").values("due_at")[:1]
        ),
        "sla_paused": Exists(clocks.filter(state="paused")),
    }


# The two fixed-shape reads of every inbox page, compiled once per process (core.prepared).
_INBOX_ROWS = PreparedQuery(
    lambda ids: (
        Ticket.objects.filter(pk__any=ids)
        .annotate(**sla_summary_annotations())
        .values(*INBOX_ROW_VALUES, "sla_due_at", "sla_paused")
    )
)
_TICKET_TAGS = PreparedQuery(
    lambda ids: (
        Ticket.tags.through.objects.filter(ticket_id__any=ids)
        .order_by("tag__name")
        .values("ticket_id", "tag__name")
    )
)


def inbox_page(
    *,
    user,
    filters: TicketFilters,
    sort: str = "-updated",
    after: str | None = None,
    size: int = 25,
) -> Page:
    """One inbox page as plain rows (dicts of INBOX_ROW_VALUES plus `tags`), with each
    row's SLA summary (`sla_due_at`, `sla_paused`) for the badge; the "breaching soon"
    view is always sorted by that due time.

    Rows, not model instances: the page is read on every click in the workspace, and
    building ~150 instances (ticket, status, contact, team, assignee) cost more than the
    three queries together. The permission scope and filters choose the ids; the rows
    are then read by primary key.
    """
    if sort not in SORTS:
        raise ValidationFailed(_("Unknown sort: %(sort)s") % {"sort": f"{sort[:30]}"}, field="sort")
    if not 1 <= size <= 100:
        raise ValidationFailed(_("Page size must be 1 to 100."), field="page[size]")
    qs = ticket_queryset(user=user, filters=filters)
    keys = SORTS[sort]
    if filters.view == "sla_at_risk":
        keys = [SortKey("sla_due_at", False)]
        qs = qs.annotate(**sla_summary_annotations())
    _qs, ids = keyset_ids(qs, keys=keys, size=size, after=after, few_rows=bool(filters.q.strip()))
    if not ids:
        return Page(items=[], next_cursor=None)
    position = {pk: i for i, pk in enumerate(ids)}
    rows = sorted(_INBOX_ROWS.dicts(ids), key=lambda row: position[row["id"]])
    has_more = len(rows) > size
    rows = rows[:size]
    tags: dict[int, list[str]] = {row["id"]: [] for row in rows}
    for ticket_id, name in _TICKET_TAGS.tuples(list(tags)):
        tags[ticket_id].append(name)
    for row in rows:
        row["tags"] = tags[row["id"]]
    next_cursor = None
    if has_more:
        last = rows[-1]
        next_cursor = encode_cursor([last[k.field] for k in keys] + [last["id"]])
    return Page(items=rows, next_cursor=next_cursor)


def inbox_counts(*, user) -> dict[str, str]:
    """Ticket count per saved view, each capped at COUNT_CAP so no count scans a whole
    table, all four in one round trip: SELECT (SELECT COUNT(*) FROM (... LIMIT n)), ..."""
    return _capped_counts(user, ("mine", "unassigned", "my_teams", "open"))


def inbox_counts_with_sla(*, user) -> dict[str, str]:
    """inbox_counts plus the "breaching soon" view, still in one statement.

    The inbox tabs show these on every page and every htmx filter change, so they are
    cached per user for COUNTS_TTL seconds (the list itself is always read fresh)."""
    key = _counts_key(user)
    counts = cache.get(key)
    if counts is None:
        counts = _capped_counts(user, ("mine", "unassigned", "my_teams", "open", "sla_at_risk"))
        cache.set(key, counts, COUNTS_TTL)
    return counts


def inbox_counts_forget(*, user) -> None:
    """Recount on the user's next inbox page (after their own bulk change)."""
    cache.delete(_counts_key(user))


def _counts_key(user) -> str:
    return f"inbox-counts:{user.pk}"


def _capped_counts(user, views: tuple[str, ...]) -> dict[str, str]:
    parts, params = [], []
    for view in views:
        scope = Ticket.objects.visible_to(user, for_sorted_page=False)
        capped = _view_scope(scope, user, view).values("pk")[:COUNT_CAP]
        try:
            sql, view_params = capped.query.sql_with_params()
        except EmptyResultSet:  # e.g. "my teams" for a user in no team
            parts.append("0")
            continue
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS capped_{view})")  # noqa: S608 — params bound
        params.extend(view_params)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}", params)  # noqa: S608 — compiled by the ORM
        row = cursor.fetchone()
    return {
        view: f"{COUNT_CAP - 1}+" if n >= COUNT_CAP else str(n)
        for view, n in zip(views, row, strict=True)
    }


def ticket_for_output(*, pk: int) -> Ticket:
    """A ticket just written, with what TicketOut reads loaded in two prepared statements
    (instead of one lazy query per relation while serialising): the ticket with its
    relations, then its tag names (`loaded_tag_names`)."""
    found = _TICKET_FOR_OUTPUT.objects([pk])
    if not found:
        raise Ticket.DoesNotExist(f"no ticket {pk}")
    ticket = found[0]
    ticket.loaded_tag_names = ticket_tag_names(ticket=ticket)
    return ticket


_TICKET_FOR_OUTPUT = PreparedQuery(
    lambda ids: Ticket.objects.select_related(
        "status", "contact", "organization", "team", "assignee"
    ).filter(pk__any=ids)
)


def ticket_get_for_user(*, user, number: int) -> Ticket:
    try:
        return (
            Ticket.objects.visible_to(user)
            .select_related(*DETAIL_RELATED, "parent")
            .prefetch_related("tags", "followers")
            .get(number=number)
        )
    except (Ticket.DoesNotExist, ValueError, OverflowError) as exc:
        raise NotFound(_("Ticket not found.")) from exc


@dataclass(slots=True)
class ThreadMessage:
    """One message of the agent page's thread: the columns the page shows, the author's
    name already resolved, the attachments as (public_id, filename, size)."""

    pk: int
    kind: str
    direction: str
    channel: str
    author: str  # "" when the message has no author (shown as "Unknown")
    body_text: str
    body_html: str
    channel_meta: dict
    created_at: datetime
    attachments: list[tuple[uuid.UUID, str, int]] = field(default_factory=list)

    @property
    def is_note(self) -> bool:
        return self.kind == MessageKind.NOTE


_THREAD_COLUMNS = (
    "pk",
    "kind",
    "direction",
    "channel",
    "author_user_id",
    "author_user__display_name",
    "author_user__email",
    "author_contact_id",
    "author_contact__name",
    "body_text",
    "body_html",
    "channel_meta",
    "created_at",
)


# The ticket page's fixed-shape reads, compiled once per process (core.prepared).
_THREAD = PreparedQuery(
    lambda ids: (
        Message.objects.filter(ticket_id__any=ids)
        .order_by("created_at", "pk")
        .values(*_THREAD_COLUMNS)
    )
)
_THREAD_PUBLIC = PreparedQuery(
    lambda ids: (
        Message.objects.filter(ticket_id__any=ids)
        .exclude(kind=MessageKind.NOTE)
        .order_by("created_at", "pk")
        .values(*_THREAD_COLUMNS)
    )
)
_THREAD_ATTACHMENTS = PreparedQuery(
    lambda ids: (
        Attachment.objects.filter(ticket_id__any=ids)
        .order_by("pk")
        .values("ticket_id", "message_id", "public_id", "filename", "size")
    )
)
_TAG_NAMES = PreparedQuery(
    lambda ids: Tag.objects.filter(tickets__id__any=ids).order_by("name").values("name")
)


def ticket_thread(*, ticket: Ticket, include_notes: bool = True) -> list[ThreadMessage]:
    """The ticket's messages, oldest first, in two plain queries (messages with their
    authors' names, then attachments): the ticket page's largest read, kept free of
    model instances and prefetch machinery, which cost ~3 ms on a 20-message thread."""
    query = _THREAD if include_notes else _THREAD_PUBLIC
    messages = []
    by_pk = {}
    for row in query.tuples([ticket.pk]):
        (pk, kind, direction, channel, user_id, user_name, user_email, contact_id,
         contact_name, body_text, body_html, meta, created_at) = row  # fmt: skip
        if user_id is not None:
            author = user_name or user_email  # str(User)
        else:
            author = contact_name if contact_id is not None else ""
        message = ThreadMessage(
            pk, kind, direction, channel, author, body_text, body_html, meta or {}, created_at
        )
        messages.append(message)
        by_pk[pk] = message
    if messages:
        for _ticket_id, message_id, public_id, filename, size in _THREAD_ATTACHMENTS.tuples(
            [ticket.pk]
        ):
            if message_id in by_pk:
                by_pk[message_id].attachments.append((public_id, filename, size))
    return messages


def ticket_messages_page(*, ticket: Ticket, after: str | None, size: int = 50) -> Page:
    qs = ticket.messages.select_related("author_user", "author_contact").prefetch_related(
        "attachments"
    )
    return keyset_page(qs, keys=[SortKey("created_at", False)], size=size, after=after)


def ticket_events(*, ticket: Ticket) -> list[TicketEvent]:
    return list(
        ticket.events.select_related("actor_user", "actor_contact").order_by("created_at", "pk")
    )


def ticket_events_page(*, ticket: Ticket, after: str | None, size: int = 50) -> Page:
    qs = ticket.events.select_related("actor_user", "actor_contact")
    return keyset_page(qs, keys=[SortKey("created_at", False)], size=size, after=after)


def contact_other_tickets(*, user, ticket: Ticket, limit: int = 10) -> list[Ticket]:
    return list(
        Ticket.objects.visible_to(user)
        .filter(contact_id=ticket.contact_id)
        .exclude(pk=ticket.pk)
        .select_related("status")
        .order_by("-created_at")[:limit]
    )


def tickets_for_contact(*, user, contact_id: int, limit: int = 100) -> list[Ticket]:
    return list(
        Ticket.objects.visible_to(user)
        .filter(contact_id=contact_id)
        .select_related("status", "assignee", "team")
        .order_by("-created_at")[:limit]
    )


def tickets_for_organization(*, user, organization_id: int, limit: int = 100) -> list[Ticket]:
    return list(
        Ticket.objects.visible_to(user)
        .filter(organization_id=organization_id)
        .select_related("status", "assignee", "team", "contact")
        .order_by("-created_at")[:limit]
    )


def attachment_get_for_user(*, user, public_id) -> Attachment:
    try:
        return Attachment.objects.select_related("message").get(
            public_id=public_id, ticket__in=Ticket.objects.visible_to(user)
        )
    except (Attachment.DoesNotExist, ValueError) as exc:
        raise NotFound(_("Attachment not found.")) from exc


def statuses_active() -> list[Status]:
    return ticket_config().active_statuses


def status_by_key(key: str) -> Status:
    status = ticket_config().active_status(key) if isinstance(key, str) else None
    if status is None:
        raise ValidationFailed(
            _("Unknown status: %(key)s") % {"key": f"{str(key)[:40]}"}, field="status"
        )
    return status


def ticket_get_for_page(*, user, number: int) -> Ticket:
    """The ticket for the agent workspace page and its mutations: one query with what
    the header and side panel show. The page reads tags and the contact's identities
    with two plain queries of its own (ticket_tag_names, contact_identities), fresh after
    a mutation and cheaper than prefetch_related's machinery."""
    valid = isinstance(number, int) and 0 < number < 2**63  # beyond: no such ticket
    found = _TICKET_BY_NUMBER.objects([number]) if valid else []
    if not found or not ticket_visible_to(
        user, assignee_id=found[0].assignee_id, team_id=found[0].team_id
    ):
        raise NotFound(_("Ticket not found."))
    return found[0]


# Read by every ticket page and its htmx changes: compiled once per process; the scope
# (visible_to) is then checked on the row with the same rule in Python.
_TICKET_BY_NUMBER = PreparedQuery(
    lambda numbers: Ticket.objects.select_related(*DETAIL_RELATED).filter(number__any=numbers)
)


def ticket_tag_names(*, ticket: Ticket) -> list[str]:
    return [name for (name,) in _TAG_NAMES.tuples([ticket.pk])]


def assignable_users():
    """Active staff who can hold tickets (technicians included), for assignee pickers."""
    from loopdesk.accounts.models import Role, User

    return User.objects.filter(is_active=True, role__in=Role.values).order_by("display_name", "pk")
