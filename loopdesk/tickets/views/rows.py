"""Inbox rows as plain values, computed in Python once per row.

The ticket list is the page agents load most. Given model instances, the template engine
resolves every `t.status.label` and runs every tag (a URL reverse, the SLA badge, the
relative time) through its generic lookup machinery, about half a millisecond per row.
The row template now only prints the fields below.
"""

from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from loopdesk.core.templatetags.loopdesk_time import relative_time
from loopdesk.sla.templatetags.sla import badge, badge_html

from .. import models
from ..templatetags.tickets_tags import priority_label

_SENTINEL = 987654321


@dataclass(slots=True)
class InboxRow:
    number: int
    url: str
    select_label: str
    subject: str
    contact: str
    status_category: str
    status_label: str
    priority: int
    priority_label: str
    sla: SafeString | str
    assignee: str
    team: str
    tags: list[str]
    updated: SafeString | str


def detail_url_maker():
    """reverse() once; each row only fills in its number."""
    head, tail = reverse("tickets:detail", args=[_SENTINEL]).split(str(_SENTINEL))
    return lambda number: f"{head}{number}{tail}"


def inbox_rows(tickets: list[models.Ticket], *, now: datetime | None = None) -> list[InboxRow]:
    now = now or timezone.now()
    url = detail_url_maker()
    select = _("Select #%(n)s")
    rows = []
    for t in tickets:
        sla = badge(getattr(t, "sla_due_at", None), getattr(t, "sla_paused", False), now)
        rows.append(
            InboxRow(
                number=t.number,
                url=url(t.number),
                select_label=select % {"n": t.number},
                subject=t.subject,
                contact=str(t.contact) if t.contact_id else "",
                status_category=t.status_category,
                status_label=t.status.label,
                priority=t.priority,
                priority_label=priority_label(t.priority),
                sla=badge_html(sla),
                assignee=str(t.assignee) if t.assignee_id else "",
                team=str(t.team) if t.team_id else "",
                tags=[tag.name for tag in t.tags.all()],
                updated=relative_time(t.updated_at),
            )
        )
    return rows
