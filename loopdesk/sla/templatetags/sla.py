"""SLA display helpers: the colour-coded badge (time left / overdue / paused) and compact,
localised durations."""

import html
from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()

SOON_SECONDS = 3600  # amber when less than an hour is left


def duration_short(seconds: int) -> str:
    """'2 d 3 h', '3 h 5 min', '12 min' — the two largest units, in the active language."""
    seconds = max(0, int(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return _("%(d)s d %(h)s h") % {"d": days, "h": hours}
    if hours:
        return _("%(h)s h %(m)s min") % {"h": hours, "m": minutes}
    return _("%(m)s min") % {"m": minutes}


@register.filter
def sla_duration(seconds) -> str:
    return duration_short(seconds or 0)


def badge(due_at: datetime | None, paused: bool, now: datetime | None = None) -> dict | None:
    now = now or timezone.now()
    if due_at is not None:
        left = int((due_at - now).total_seconds())
        if left < 0:
            return {
                "css": "sla-overdue",
                "text": _("%(time)s overdue") % {"time": duration_short(-left)},
                "due_at": due_at,
            }
        return {
            "css": "sla-soon" if left < SOON_SECONDS else "sla-ok",
            "text": _("%(time)s left") % {"time": duration_short(left)},
            "due_at": due_at,
        }
    if paused:
        return {"css": "sla-paused", "text": _("SLA paused"), "due_at": None}
    return None


def badge_html(value: dict | None) -> str:
    """The badge's markup, built in Python: it is drawn on every inbox row."""
    if not value:
        return ""
    css, text = html.escape(value["css"]), html.escape(str(value["text"]))
    if value["due_at"] is None:
        return mark_safe(f'<span class="badge sla {css}">{text}</span>')  # noqa: S308 -- escaped
    due = timezone.localtime(value["due_at"]).strftime("%Y-%m-%d %H:%M")  # digits, - and :
    return mark_safe(f'<span class="badge sla {css}" title="{due}">{text}</span>')  # noqa: S308
