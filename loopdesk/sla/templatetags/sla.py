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


def _units() -> tuple[str, str, str]:
    return (_("%(d)s d %(h)s h"), _("%(h)s h %(m)s min"), _("%(m)s min"))


def duration_short(seconds: int, units: tuple[str, str, str] | None = None) -> str:
    """'2 d 3 h', '3 h 5 min', '12 min' — the two largest units, in the active language
    (`units`: the three formats, already translated)."""
    days_hours, hours_minutes, minutes_only = units or _units()
    seconds = max(0, int(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return days_hours % {"d": days, "h": hours}
    if hours:
        return hours_minutes % {"h": hours, "m": minutes}
    return minutes_only % {"m": minutes}


@register.filter
def sla_duration(seconds) -> str:
    return duration_short(seconds or 0)


class Badges:
    """The SLA badges of one page of inbox rows: time left, overdue or paused, coloured.
    Labels are translated and the time zone looked up once per page, not per row."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or timezone.now()
        self.tz = timezone.get_current_timezone()
        self.left, self.overdue = _("%(time)s left"), _("%(time)s overdue")
        self.paused = html.escape(_("SLA paused"))
        self.units = _units()

    def html(self, due_at: datetime | None, paused: bool) -> str:
        if due_at is not None:
            left = int((due_at - self.now).total_seconds())
            if left < 0:
                css, text = (
                    "sla-overdue",
                    self.overdue % {"time": duration_short(-left, self.units)},
                )
            else:
                css = "sla-soon" if left < SOON_SECONDS else "sla-ok"
                text = self.left % {"time": duration_short(left, self.units)}
            due = due_at.astimezone(self.tz).strftime("%Y-%m-%d %H:%M")  # digits, - and :
            return mark_safe(  # noqa: S308 -- the one free text is escaped
                f'<span class="badge sla {css}" title="{due}">{html.escape(text)}</span>'
            )
        if paused:
            return mark_safe(f'<span class="badge sla sla-paused">{self.paused}</span>')  # noqa: S308
        return ""
