"""Display helpers for mail in the ticket thread: quoted history folded away."""

import re

from django import template
from django.utils.safestring import SafeString, mark_safe

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
