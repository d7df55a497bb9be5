"""Display helpers for mail in the ticket thread: quoted history folded away, and each
message's email line (threading rule, delivery state)."""

import html
import re

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

register = template.Library()

QUOTE_START = re.compile(
    r"^(?:>|On .{3,200} wrote:\s*$|在.{2,200}写道[:：]\s*$|-{2,}\s*(?:Original Message|原始邮件|"
    r"Ursprüngliche Nachricht|Forwarded message)\s*-{2,}|(?:发件人|From|Von)\s*[:：].+$)",
    re.MULTILINE,
)


@register.filter
def quote_parts(text: str) -> tuple[str, str]:
    """(new text, quoted history) of a plain-text mail body."""
    text = text or ""
    match = QUOTE_START.search(text)
    if match is None or not text[: match.start()].strip():
        return text, ""
    return text[: match.start()].rstrip(), text[match.start() :]


@register.filter
def html_quote_parts(html: SafeString) -> tuple[SafeString, SafeString]:
    """The same for sanitised HTML: split before the first <blockquote>. Both halves are
    still sanitised markup; the browser closes tags the cut left open."""
    html = html or ""
    index = html.find("<blockquote")
    if index <= 0 or not re.sub(r"<[^>]+>", "", html[:index]).strip():
        return mark_safe(html), mark_safe("")  # noqa: S308 - stored sanitised by nh3
    return mark_safe(html[:index]), mark_safe(html[index:])  # noqa: S308 - as above


class MailNotes:
    """The email line after each thread message's author: why an inbound mail joined this
    ticket, and what became of an outbound one (with Resend when it failed). Written here,
    not by a template include per message: a 20-mail thread drew the include 20 times
    (~0.75 ms of the page). Labels are translated once per page."""

    def __init__(self, *, can_edit: bool, csrf_input: str, resend_url) -> None:
        self.can_edit, self.csrf_input, self.resend_url = can_edit, csrf_input, resend_url
        self.why = html.escape(_("Why this email was added here"))
        self.rules = {
            "token": _("threaded by the signed reply address"),
            "headers": _("threaded by In-Reply-To/References"),
            "subject_tag": _(
                "threaded by the ticket number in the subject (sender is a participant)"
            ),
            "follow_up": _("reply to a closed ticket: opened this follow-up"),
        }
        self.new_conversation = _("new conversation")
        self.delivery = {
            "sent": _("emailed"),
            "queued": _("email queued"),
            "no_address": _("not emailed: the contact has no email address"),
            "bounced": _("email bounced"),
        }
        self.failed = _("email failed")
        self.resend = html.escape(_("Resend"))

    def html(self, meta: dict, direction: str, message_pk: int) -> str:
        parts = []
        rule = meta.get("thread_rule")
        if rule and direction == "inbound":
            text = self.rules.get(rule, self.new_conversation)
            parts.append(
                f'<span class="muted small mail-thread" title="{self.why}">· '
                f"{html.escape(text)}</span>"
            )
        delivery = meta.get("delivery")
        if delivery and direction == "outbound":
            failed = delivery in ("failed", "bounced")
            line = [f"· {html.escape(self.delivery.get(delivery, self.failed))}"]
            error = meta.get("delivery_error")
            if error:
                error = str(error)
                line.append(
                    f'<span class="small" title="{html.escape(error)}">'
                    f"({html.escape(Truncator(error).chars(80))})</span>"
                )
            if self.can_edit and failed:
                line.append(
                    f'<form method="post" action="{html.escape(self.resend_url(message_pk))}" '
                    f'class="mail-resend">{self.csrf_input}<button class="link-btn small" '
                    f'type="submit">{self.resend}</button></form>'
                )
            css = "danger" if failed else "muted"
            parts.append(f'<span class="mail-delivery small {css}">{" ".join(line)}</span>')
        return mark_safe("".join(parts))  # noqa: S308 -- every value escaped above
