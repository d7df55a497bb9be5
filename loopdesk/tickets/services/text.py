"""Cleaning of user-supplied text: subjects, bodies, HTML and file names."""

import html
import re
import unicodedata

import nh3
from django.utils.translation import gettext as _

from loopdesk.core.exceptions import ValidationFailed

from ..constants import MAX_BODY_CHARS, MAX_SUBJECT_LENGTH

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINEBREAKS = re.compile(r"[\r\n\t\u2028\u2029]+")
# Bidi overrides/isolates and zero-width characters: used to disguise file names.
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "div",
    "dl",
    "dt",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "small",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "*": {"dir", "lang"},
}
URL_SCHEMES = {"http", "https", "mailto", "cid", "tel"}


def clean_subject(value: str, *, strict: bool) -> str:
    """One line, no control characters. Strict (forms, API) rejects an over-long
    subject; channels (email) truncate it, because mail cannot be refused."""
    subject = _CONTROL.sub("", _LINEBREAKS.sub(" ", value or "")).strip()
    if not subject:
        raise ValidationFailed(_("A subject is required."), field="subject")
    if len(subject) > MAX_SUBJECT_LENGTH:
        if strict:
            raise ValidationFailed(
                _("The subject is longer than %(max_subject_length)s characters.")
                % {"max_subject_length": MAX_SUBJECT_LENGTH},
                field="subject",
            )
        subject = subject[: MAX_SUBJECT_LENGTH - 1] + "…"
    return subject


def clean_body_text(value: str) -> str:
    text = _CONTROL.sub("", (value or "").replace("\r\n", "\n").replace("\r", "\n"))
    if len(text) > MAX_BODY_CHARS:
        raise ValidationFailed(
            _("The message is too long (more than %(max_body_chars)s characters).")
            % {"max_body_chars": f"{MAX_BODY_CHARS:,}"},
            field="body",
        )
    return text.strip("\n")


def sanitize_html(value: str) -> str:
    if not value:
        return ""
    if len(value) > MAX_BODY_CHARS * 3:
        raise ValidationFailed(_("The HTML body is too large."), field="body_html")
    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def html_to_text(value: str) -> str:
    """Plain text of sanitised HTML, for search and for the text part of a message."""
    with_breaks = re.sub(r"(?i)<\s*(br|/p|/div|/li|/tr|/h\d)\s*/?>", "\n", value)
    stripped = nh3.clean(with_breaks, tags=set(), attributes={})
    return re.sub(r"\n{3,}", "\n\n", html.unescape(stripped)).strip()


def clean_filename(value: str) -> str:
    """A display name only (files are stored under generated keys): no path, no
    invisible or control characters, bounded length, never empty."""
    name = unicodedata.normalize("NFC", value or "")
    name = _INVISIBLE.sub("", _CONTROL.sub("", name))
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip().strip(".")
    name = name.replace('"', "'")
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:190] + dot + ext[:9]) if dot and len(ext) <= 9 else name[:200]
    return name or "attachment"
