"""{{ placeholders }} in canned replies, notes and emails, rendered safely.

One pass of a linear regular expression replaces whitelisted names with plain values; it
never evaluates templates, and values are not scanned again, so a customer who writes
`{{ ticket.secret }}` or `{% load %}` into a subject gets exactly that text back.
"""

from __future__ import annotations

import re

from django.conf import settings

# [^{}]* cannot backtrack badly: no nested quantifier, no overlap with the braces.
_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]{1,30}\.[a-z_]{1,30})\s*\}\}")

VARIABLES = (
    "contact.name",
    "contact.email",
    "ticket.number",
    "ticket.subject",
    "ticket.status",
    "ticket.priority",
    "ticket.url",
    "team.name",
    "organization.name",
    "agent.name",
    "agent.email",
)


def context_for(*, ticket, agent=None) -> dict[str, str]:
    contact = ticket.contact
    return {
        "contact.name": contact.name or contact.primary_email or "",
        "contact.email": contact.primary_email or "",
        "ticket.number": str(ticket.number),
        "ticket.subject": ticket.subject,
        "ticket.status": ticket.status.label,
        "ticket.priority": f"P{ticket.priority}",
        "ticket.url": f"{settings.BASE_URL}/tickets/{ticket.number}/",
        "team.name": ticket.team.name if ticket.team_id else "",
        "organization.name": ticket.organization.name if ticket.organization_id else "",
        "agent.name": (agent.display_name if agent else "") or "",
        "agent.email": (agent.email if agent else "") or "",
    }


def render(text: str, values: dict[str, str]) -> str:
    """Replace each known {{ name }} with its value; unknown names stay as written."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def unknown_names(text: str) -> list[str]:
    return sorted({m.group(1) for m in _PLACEHOLDER.finditer(text)} - set(VARIABLES))
