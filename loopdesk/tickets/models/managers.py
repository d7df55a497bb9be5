import time

from django.db import connection, models
from django.db.models import F, Func, IntegerField, Q
from django.db.models.lookups import Exact, In

# A team scope at least this large is found faster by walking the recency index than by
# collecting and sorting the whole scope (see _scan_by_recency).
LARGE_SCOPE = 2_000
SCOPE_TTL = 600
_scope_sizes: dict[tuple[int, ...], tuple[bool, float]] = {}


class Unindexed(Func):
    """`+column`: the same value, but SQLite will not use an index on the column for it."""

    template = "+%(expressions)s"
    output_field = IntegerField()


def _scan_by_recency(team_ids: list[int]) -> bool:
    """On SQLite, whether an agent's scope (assigned OR in my teams) should be tested row
    by row while walking the sort order's index, instead of being read through the
    assignee and team indexes (MULTI-INDEX OR) and sorted in a temporary b-tree.

    SQLite picks the OR plan whenever it can, and the sort grows with the scope: the
    agent's all-status list took 8-10 ms at 100,000 tickets (11,000 in the team) and
    would take ten times that at a million; walking updated_at meets 26 of a large scope
    within a few hundred rows (0.05 ms). For a small scope the walk could read the whole
    table, so it is used from LARGE_SCOPE tickets on (a capped count).
    PostgreSQL's planner weighs both plans from its statistics, so it keeps the plain
    filter. The answer only chooses a plan (either gives the same rows), so this process
    keeps it for SCOPE_TTL seconds.
    """
    if connection.vendor != "sqlite" or not team_ids:
        return False
    key = tuple(sorted(team_ids))
    now = time.monotonic()
    known = _scope_sizes.get(key)
    if known is None or known[1] < now:
        from .ticket import Ticket

        large = Ticket.objects.filter(team_id__in=team_ids)[:LARGE_SCOPE].count() >= LARGE_SCOPE
        known = _scope_sizes[key] = (large, now + SCOPE_TTL)
    return known[0]


def reset_scope_sizes() -> None:
    """Forget the scope sizes (tests, between database rollbacks)."""
    _scope_sizes.clear()


class TicketQuerySet(models.QuerySet):
    def visible_to(self, user, *, for_sorted_page: bool = True) -> "TicketQuerySet":
        """The agent-side scope every selector starts from (F-54).

        Admins see everything. Supervisors see their teams' tickets, tickets without a
        team (the triage queue) and tickets assigned to them. Agents see their teams'
        tickets and tickets assigned to them. Technicians see tickets assigned to them.
        Anyone else sees nothing.

        `for_sorted_page=False` for counts and other unsorted reads: the row-by-row form of
        a large scope (see _scan_by_recency) only pays off when the rows are read in an
        index's order and the read stops after a page; a count would test every open
        ticket (0.5–0.8 s at 1,000,000 tickets) instead of reading the scope's indexes.
        """
        from loopdesk.accounts.models import Role
        from loopdesk.accounts.selectors import user_team_ids

        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_admin:
            return self
        if user.role == Role.TECHNICIAN:
            return self.filter(assignee_id=user.pk)
        team_ids = user_team_ids(user)
        if for_sorted_page and _scan_by_recency(team_ids):
            scope = Q(Exact(Unindexed(F("assignee_id")), user.pk)) | Q(
                In(Unindexed(F("team_id")), team_ids)
            )
        else:
            scope = Q(assignee_id=user.pk) | Q(team_id__in=team_ids)
        if user.role == Role.SUPERVISOR:
            scope |= Q(team__isnull=True)
        elif user.role != Role.AGENT:
            return self.none()
        return self.filter(scope)


def ticket_visible_to(user, *, assignee_id: int | None, team_id: int | None) -> bool:
    """TicketQuerySet.visible_to's rule for one ticket already read (by its number, through
    a prepared statement): the same cases in the same order. A test compares the two on
    every role and ticket placement."""
    from loopdesk.accounts.models import Role
    from loopdesk.accounts.selectors import user_team_ids

    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_admin:
        return True
    if user.role == Role.TECHNICIAN:
        return assignee_id == user.pk
    if user.role not in (Role.AGENT, Role.SUPERVISOR):
        return False
    if assignee_id == user.pk or team_id in user_team_ids(user):
        return True
    return user.role == Role.SUPERVISOR and team_id is None
