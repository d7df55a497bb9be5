"""MailNotes writes each thread message's email line in Python; it must say what the
template include it replaced said (kept below as the reference), escaped the same way."""

import itertools
import re

import pytest
from django.template import engines
from django.utils import translation
from django.utils.safestring import mark_safe

from loopdesk.channels.templatetags.mail_display import MailNotes

REFERENCE = engines["django"].from_string(
    """{% load i18n %}{% with meta=m.channel_meta %}{% if meta.thread_rule and m.direction == "inbound" %}
<span class="muted small mail-thread" title="{% translate 'Why this email was added here' %}">·
  {% if meta.thread_rule == "token" %}{% translate "threaded by the signed reply address" %}
  {% elif meta.thread_rule == "headers" %}{% translate "threaded by In-Reply-To/References" %}
  {% elif meta.thread_rule == "subject_tag" %}{% translate "threaded by the ticket number in the subject (sender is a participant)" %}
  {% elif meta.thread_rule == "follow_up" %}{% translate "reply to a closed ticket: opened this follow-up" %}
  {% else %}{% translate "new conversation" %}{% endif %}</span>
{% endif %}{% if meta.delivery and m.direction == "outbound" %}
<span class="mail-delivery small {% if meta.delivery == 'failed' or meta.delivery == 'bounced' %}danger{% else %}muted{% endif %}">·
  {% if meta.delivery == "sent" %}{% translate "emailed" %}
  {% elif meta.delivery == "queued" %}{% translate "email queued" %}
  {% elif meta.delivery == "no_address" %}{% translate "not emailed: the contact has no email address" %}
  {% elif meta.delivery == "bounced" %}{% translate "email bounced" %}
  {% else %}{% translate "email failed" %}{% endif %}
  {% if meta.delivery_error %}<span class="small" title="{{ meta.delivery_error }}">({{ meta.delivery_error|truncatechars:80 }})</span>{% endif %}
  {% if can_edit and meta.delivery == "failed" or can_edit and meta.delivery == "bounced" %}
  <form method="post" action="/tickets/{{ number }}/messages/{{ m.pk }}/resend/" class="mail-resend">{{ csrf_input }}<button class="link-btn small" type="submit">{% translate "Resend" %}</button></form>
  {% endif %}
</span>
{% endif %}{% endwith %}"""
)
CSRF = mark_safe('<input type="hidden" name="csrfmiddlewaretoken" value="tok">')


class Message:
    def __init__(self, pk, direction, channel_meta):
        self.pk, self.direction, self.channel_meta = pk, direction, channel_meta


def _squash(html: str) -> str:
    """HTML collapses runs of white space; compare what a browser shows."""
    html = re.sub(r"\s+", " ", html).strip()
    return re.sub(r"\s*(<[^>]+>)\s*", r"\1", html)


METAS = [
    *({"thread_rule": rule} for rule in ["token", "headers", "subject_tag", "follow_up", "x"]),
    *({"delivery": d} for d in ["sent", "queued", "no_address", "bounced", "failed", "odd"]),
    {"delivery": "failed", "delivery_error": 'SMTP 550 <b>"no"</b> & ' + "长" * 120},
    {"delivery": "sent", "thread_rule": "headers", "delivery_error": "x"},
    {},
]


@pytest.mark.parametrize(
    ("meta", "direction", "can_edit", "language"),
    list(itertools.product(METAS, ["inbound", "outbound"], [True, False], ["en", "zh-hans"])),
)
def test_same_line_as_the_template(meta, direction, can_edit, language):
    message = Message(77, direction, meta)
    with translation.override(language):
        notes = MailNotes(
            can_edit=can_edit,
            csrf_input=CSRF,
            resend_url=lambda pk: f"/tickets/1234/messages/{pk}/resend/",
        )
        ours = notes.html(meta, direction, message.pk)
        expected = REFERENCE.render(
            {"m": message, "can_edit": can_edit, "number": 1234, "csrf_input": CSRF}
        )
    assert _squash(ours) == _squash(expected)
