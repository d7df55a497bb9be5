"""The workspace header (its flags are computed here, not in the template) and other
layout helpers."""

import html

from django import template
from django.conf import settings
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from loopdesk.tickets.permissions import can_create_for_contact

register = template.Library()

# Names shown in the switcher are each language's own name, whatever the UI language is.
LANGUAGE_NAMES = {"en": "English", "zh-hans": "简体中文"}


@register.inclusion_tag("components/_header.html", takes_context=True)
def workspace_header(context) -> dict:
    request = context["request"]
    user = request.user
    path = request.path
    section = "customers" if path.startswith("/customers/") else "tickets"
    if path.startswith("/routing/"):
        section = "routing"
    if path.startswith("/automation/"):
        section = "automation"
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "user_name": str(user),
        "can_create_ticket": can_create_for_contact(user),
        "section": section,
        "search_q": request.GET.get("q", "")[:200] if path.startswith("/tickets/") else "",
        "languages": [(code, LANGUAGE_NAMES.get(code, code)) for code, _ in settings.LANGUAGES],
        "current_language": get_language(),
    }


@register.simple_tag
def select_options(choices, current="") -> str:
    """`<option>`s of (value, label) pairs, the one equal to `current` selected.

    One tag call per `<select>` instead of a template loop with a comparison per option:
    the inbox filter and bulk bars draw about a hundred options on every page."""
    current = str(current)
    parts = []
    for value, label in choices:
        value = str(value)
        selected = " selected" if value == current else ""
        # The standard library's escape: Django's escape() and conditional_escape() go
        # through keep_lazy's wrapper, which cost more than the escaping on ~100 options.
        text = label.__html__() if hasattr(label, "__html__") else html.escape(str(label))
        parts.append(f'<option value="{html.escape(value)}"{selected}>{text}</option>')
    return mark_safe("".join(parts))  # noqa: S308 -- every value and label escaped above
