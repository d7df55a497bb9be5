"""Inbox rows and thread messages as plain values, computed in Python once per row.

The ticket list is the page agents load most. Given model instances, the template engine
resolves every `t.status.label` and runs every tag (a URL reverse, the SLA badge, the
relative time) through its generic lookup machinery, about half a millisecond per row.
Here each row of `selectors.inbox_page` becomes an InboxRow, and the row template only
prints its fields.
"""

import html
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from loopdesk.channels.templatetags.mail_display import MailNotes, html_quote_parts, quote_parts
from loopdesk.core.templatetags.loopdesk_time import local_time, relative_time
from loopdesk.sla.templatetags.sla import Badges

from ..constants import Channel
from ..selectors import ThreadMessage
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


def url_maker(name: str, sentinel=_SENTINEL, *, before=()):
    """reverse() once; each row fills in its last argument (an int, or a UUID when the
    sentinel is one); `before`: the arguments ahead of it, the same for every row."""
    head, tail = reverse(name, args=[*before, sentinel]).split(str(sentinel))
    return lambda value: f"{head}{value}{tail}"


def inbox_rows(rows: list[dict], *, now: datetime | None = None) -> list[InboxRow]:
    badges = Badges(now or timezone.now())
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
                sla=badges.html(r["sla_due_at"], r["sla_paused"]),
                assignee=(r["assignee__display_name"] or r["assignee__email"])
                if r["assignee_id"]
                else "",
                team=r["team__name"] or "",
                tags=r["tags"],
                updated=relative_time(r["updated_at"]),
            )
        )
    return out


def _e(value) -> str:
    """HTML-escaped text (as the template engine's autoescape), or safe HTML unchanged."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value), quote=True)


def inbox_rows_html(rows: list[InboxRow]) -> SafeString:
    """The list's <tr> rows, written here rather than by a template loop: the engine's
    generic lookup and escaping of 14 fields on 25 rows cost about a fifth of the page's
    CPU. Same markup and escaping as the template had (tickets/partials/_ticket_list.html
    keeps the header and footer)."""
    parts = []
    for t in rows:
        url, number = _e(t.url), int(t.number)
        tags = "".join(f'<span class="tag">{_e(tag)}</span>' for tag in t.tags)
        parts.append(
            f'<tr data-ticket-url="{url}">'
            f'<td class="sel"><input type="checkbox" name="n" value="{number}" form="bulk-form"'
            f' data-row-select aria-label="{_e(t.select_label)}"></td>'
            f'<td class="num">#{number}</td>'
            f'<td class="subject"><a href="{url}">{_e(t.subject)}</a></td>'
            f'<td class="c-contact">{_e(t.contact)}</td>'
            f'<td class="c-status"><span class="badge st-{_e(t.status_category)}">'
            f"{_e(t.status_label)}</span></td>"
            f'<td class="c-priority"><span class="badge pr-{int(t.priority)}">'
            f"{_e(t.priority_label)}</span></td>"
            f'<td class="c-sla nowrap">{_e(t.sla)}</td>'
            f'<td class="c-assignee">{_e(t.assignee)}</td>'
            f'<td class="c-team">{_e(t.team)}</td>'
            f'<td class="c-tags">{tags}</td>'
            f'<td class="c-updated nowrap">{_e(t.updated)}</td>'
            "</tr>\n"
        )
    return mark_safe("".join(parts))  # noqa: S308 -- every field escaped by _e above


# --- the ticket thread ------------------------------------------------------------------


@dataclass(slots=True)
class Attached:
    url: str
    filename: str
    size: str


@dataclass(slots=True)
class ThreadRow:
    m: ThreadMessage  # for the channel's own include (mail threading and delivery notes)
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
    mail: SafeString | str  # the email line: threading rule, delivery state (MailNotes)
    # The article's fixed markup, written once here (see _thread.html, which adds the
    # channel's note and the "turn into article" form between them):
    head: SafeString  # <article><header> up to the channel line
    tail: SafeString  # </header>, body, quoted text, attachments, </article>


def _thread_markup(row: ThreadRow, labels: dict[str, str]) -> tuple[SafeString, SafeString]:
    head = (
        f'<article class="msg msg-{_e(row.direction)}" id="message-{int(row.pk)}">'
        f'<header class="msg-head"><span class="author">{_e(row.author)}</span> '
        f'{_e(row.badge)} <span class="muted small">{_e(row.via)}</span>'
    )
    # body_html was sanitised with nh3 when it was stored; everything else is escaped.
    plain = "" if row.is_html else " plain"
    quoted = (
        f'<details class="quoted"><summary>{labels["show_quoted"]}</summary>'
        f"{_e(row.quoted)}</details>"
        if row.quoted
        else ""
    )
    attachments = ""
    if row.attachments:
        items = "".join(
            f'<li><a href="{_e(a.url)}" download>{_e(a.filename)}</a> '
            f'<span class="muted small">{_e(a.size)}</span></li>'
            for a in row.attachments
        )
        attachments = f'<ul class="attachments" aria-label="{labels["attachments"]}">{items}</ul>'
    tail = (
        f'</header><div class="msg-body{plain}">{_e(row.body)}{quoted}</div>{attachments}</article>'
    )
    return mark_safe(head), mark_safe(tail)  # noqa: S308 -- every field escaped by _e


def thread_rows(
    messages: list[ThreadMessage], *, can_edit: bool, ticket_number: int, csrf_input: str
) -> list[ThreadRow]:
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
    mail = MailNotes(
        can_edit=can_edit,
        csrf_input=csrf_input,
        resend_url=url_maker("tickets:resend", before=[ticket_number]),
    )
    labels = {
        "show_quoted": html.escape(_("Show quoted text")),
        "attachments": html.escape(_("Attachments")),
    }
    rows = []
    for m in messages:
        if m.body_html:
            body, quoted = html_quote_parts(m.body_html)
        else:
            body, quoted = quote_parts(m.body_text)
        row = ThreadRow(
            m=m,
            pk=m.pk,
            direction=m.direction,
            author=m.author or unknown,
            badge=badges[_badge_key(m)],
            via=via % {"channel": channels.get(m.channel, m.channel)},
            time=local_time(m.created_at),
            body=body,
            quoted=quoted,
            is_html=bool(m.body_html),
            attachments=[
                Attached(attachment_url(public_id), filename, filesizeformat(size))
                for public_id, filename, size in m.attachments
            ],
            to_article_url=to_article_url(m.pk)
            if to_article_url and m.direction == "outbound" and not m.is_note
            else "",
            mail=mail.html(m.channel_meta, m.direction, m.pk) if m.channel_meta else "",
            head=SafeString(),
            tail=SafeString(),
        )
        row.head, row.tail = _thread_markup(row, labels)
        rows.append(row)
    return rows


def _badge_key(m: ThreadMessage) -> str:
    if m.is_note:
        return "note"
    return "inbound" if m.direction == "inbound" else "outbound"
