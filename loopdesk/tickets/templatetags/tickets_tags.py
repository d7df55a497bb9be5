"""Small, hot template helpers of the ticket list and ticket page."""

from django import template

from ..constants import Priority

register = template.Library()

_PRIORITY_LABELS = dict(Priority.choices)  # lazy labels: translated when rendered


@register.filter
def priority_label(value) -> str:
    """What `ticket.get_priority_display` shows, without rebuilding the choices per call."""
    label = _PRIORITY_LABELS.get(value)
    return str(label) if label is not None else str(value)


@register.simple_tag
def inbox_rows_html(rows):
    """The ticket list's rows (views.rows.inbox_rows_html)."""
    from ..views.rows import inbox_rows_html as render

    return render(rows)
