"""SLA notifications: an in-app row per recipient now, an email after the commit.

The in-app Notification is the durable record (written in the scheduler's transaction,
so it exists exactly when the warning/breach event exists). Email is handed to a task on
commit: a crash before the commit sends nothing, and nothing is sent twice by a rerun.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from loopdesk.accounts.models import Notification, Role, User
from loopdesk.tickets.models import Ticket

from ..constants import Metric

logger = logging.getLogger(__name__)

RECIPIENT_KINDS = ("assignee", "team", "supervisors")


class NotificationBatch:
    """The notifications of one scheduler tick: collected per clock, written in one
    INSERT and handed to one email task after the commit. Team and supervisor lists are
    read once per team per tick."""

    def __init__(self) -> None:
        self.rows: list[Notification] = []
        self._teams: dict[tuple[str, int | None], list[User]] = {}

    def recipients(self, *, ticket: Ticket, to: str) -> list[User]:
        """Who "assignee", "team" (its members) or "supervisors" (of the ticket's team; all
        supervisors when the ticket has no team) means for this ticket. Active users only."""
        if to == "assignee":
            users = [ticket.assignee] if ticket.assignee_id else []
        elif to in ("team", "supervisors"):
            key = (to, ticket.team_id)
            if key not in self._teams:
                if to == "team":
                    qs = User.objects.filter(teams=ticket.team_id) if ticket.team_id else None
                else:
                    qs = User.objects.filter(role=Role.SUPERVISOR)
                    if ticket.team_id:
                        qs = qs.filter(teams=ticket.team_id)
                self._teams[key] = list(qs.order_by("pk")) if qs is not None else []
            users = self._teams[key]
        else:
            users = []
        return [u for u in users if u.is_active]

    def add(self, *, ticket: Ticket, users: list[User], kind: str, metric: str, seen: set[int]):
        """One notification per user not in `seen` (several notify actions of one moment
        overlap: the assignee is usually a team member too); `seen` is updated."""
        for user in users:
            if user.pk in seen:
                continue
            seen.add(user.pk)
            with translation.override(user.language or settings.LANGUAGE_CODE):
                text = _text(kind=kind, ticket=ticket, metric=metric)
            self.rows.append(Notification(user=user, ticket=ticket, kind=kind, text=text))

    def flush(self) -> list[int]:
        if not self.rows:
            return []
        created = Notification.objects.bulk_create(self.rows)
        ids = [n.pk for n in created]  # both databases return pks from a bulk insert
        mailed = [n.pk for n in created if n.user.email]
        self.rows = []
        if mailed:
            from ..tasks import sla_email_task  # the tasks module imports this one

            transaction.on_commit(lambda: sla_email_task.enqueue(notification_ids=mailed))
        return ids


def _text(*, kind: str, ticket: Ticket, metric: str) -> str:
    label = Metric(metric).label
    if kind == "sla.breached":
        text = _("#%(number)s breached its %(metric)s target: %(subject)s")
    else:
        text = _("#%(number)s is close to its %(metric)s target: %(subject)s")
    return (text % {"number": ticket.number, "metric": label, "subject": ticket.subject})[:500]


def sla_email(*, notification_ids: list[int]) -> int:
    """Send the email for each notification, in the recipient's language."""
    sent = 0
    rows = Notification.objects.filter(pk__in=notification_ids).select_related("user", "ticket")
    for row in rows:
        user = row.user
        if not user.is_active or not user.email or row.ticket is None:
            continue
        with translation.override(user.language or settings.LANGUAGE_CODE):
            context = {
                "user": user,
                "notification": row,
                "ticket": row.ticket,
                "breached": row.kind == "sla.breached",
                "url": f"{settings.BASE_URL}/tickets/{row.ticket.number}/",
            }
            subject = render_to_string("sla/emails/sla.subject.txt", context).strip()
            body = render_to_string("sla/emails/sla.txt", context)
        EmailMultiAlternatives(
            subject=" ".join(subject.split()),
            body=body,
            to=[user.email],
            headers={
                "Auto-Submitted": "auto-generated",
                "X-Loopdesk-Ticket": str(row.ticket.number),
            },
        ).send()
        sent += 1
    logger.info("sla emails sent count=%s", sent)
    return sent


def notifications_mark_read(*, user: User, ids: list[int] | None = None) -> int:
    """Mark the user's notifications read: the given ids, or all unread ones. Other users'
    ids are ignored (the filter is on the user)."""
    from django.utils import timezone

    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
