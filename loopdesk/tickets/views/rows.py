"""Inbox rows and thread messages as plain values, computed in Python once per row.

The ticket list is the page agents load most. Given model instances, the template engine
resolves every `t.status.label` and runs every tag (a URL reverse, the SLA badge, the
relative time) through its generic lookup machinery, about half a millisecond per row.
Here each row of `selectors.inbox_page` becomes an InboxRow, and the row template only
prints its fields.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from loopdesk.channels.templatetags.mail_display import html_quote_parts, quote_parts
from loopdesk.core.templatetags.loopdesk_time import local_time, relative_time
from loopdesk.sla.templatetags.sla import badge, badge_html

from .. import models
from ..constants import Channel
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


def url_maker(name: str, sentinel=_SENTINEL):
    """reverse() once; each row fills in its one argument (an int, or a UUID when the
    sentinel is one)."""
    head, tail = reverse(name, args=[sentinel]).split(str(sentinel))
    return lambda value: f"{head}{value}{tail}"


def inbox_rows(rows: list[dict], *, now: datetime | None = None) -> list[InboxRow]:
    now = now or timezone.now()
    url = url_maker("tickets:detail")
    select = _("Select #%(n)s")
    chinese = (get_language() or "").lower().startswith("zh")
    out = []
    for r in rows:
        number = r["number"]
        out.append(
            InboxRow(
                number=number,
                url=url(number),
                select_label=select % {"n": number},
                subject=r["subject"],
                # The same fallbacks as Contact.__str__ and User.__str__.
                contact=(
                    r["contact__name"]
                    or r["contact__primary_email"]
                    or r["contact__primary_phone"]
                    or f"#{r['contact_id']}"
                )
                if r["contact_id"]
                else "",
                status_category=r["status_category"],
                status_label=(chinese and r["status__name_zh_hans"]) or r["status__name"],
                priority=r["priority"],
                priority_label=priority_label(r["priority"]),
                sla=badge_html(badge(r["sla_due_at"], r["sla_paused"], now)),
                assignee=(r["assignee__display_name"] or r["assignee__email"])
                if r["assignee_id"]
                else "",
                team=r["team__name"] or "",
                tags=r["tags"],
                updated=relative_time(r["updated_at"]),
            )
        )
    return out


# --- the ticket thread ------------------------------------------------------------------


@dataclass(slots=True)
class Attached:
    url: str
    filename: str
    size: str


@dataclass(slots=True)
class ThreadRow:
    m: models.Message  # for the channel's own include (mail threading and delivery notes)
    pk: int
    direction: str
    author: str
    badge: SafeString
    via: str
    time: SafeString | str
    body: SafeString | str
    quoted: SafeString | str
    is_html: bool
    attachments: list[Attached]
    to_article_url: str  # "" when the button is not offered


def thread_rows(messages: list[models.Message], *, can_edit: bool) -> list[ThreadRow]:
    badges = {
        "note": format_html('<span class="badge">{}</span>', _("Internal note")),
        "inbound": format_html('<span class="badge">{}</span>', _("Customer")),
        "outbound": format_html('<span class="badge st-pending">{}</span>', _("Public reply")),
    }
    unknown = _("Unknown")
    via = _("via %(channel)s")
    channels = {value: str(label) for value, label in Channel.choices}
    attachment_url = url_maker("tickets:attachment", uuid.UUID(int=_SENTINEL))
    to_article_url = url_maker("knowledge:message_to_article") if can_edit else None
    rows = []
    for m in messages:
        if m.body_html:
            body, quoted = html_quote_parts(m.body_html)
        else:
            body, quoted = quote_parts(m.body_text)
        rows.append(
            ThreadRow(
                m=m,
                pk=m.pk,
                direction=m.direction,
                author=str(m.author_user or m.author_contact or unknown),
                badge=badges[_badge_key(m)],
                via=via % {"channel": channels.get(m.channel, m.channel)},
                time=local_time(m.created_at),
                body=body,
                quoted=quoted,
                is_html=bool(m.body_html),
                attachments=[
                    Attached(attachment_url(a.public_id), a.filename, filesizeformat(a.size))
                    for a in m.attachments.all()
                ],
                to_article_url=to_article_url(m.pk)
                if to_article_url and m.direction == "outbound" and not m.is_note
                else "",
            )
        )
    return rows


def _badge_key(m: models.Message) -> str:
    if m.is_note:
        return "note"
    return "inbound" if m.direction == "inbound" else "outbound"
