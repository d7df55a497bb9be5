"""Markdown to safe HTML (and plain text for search and snippets).

markdown-it-py renders CommonMark with tables and strikethrough, with raw HTML turned
off (a `<script>` in the source shows as text) and its own link check (no javascript:,
vbscript:, file: or data: URLs). nh3 then cleans the result against an allowlist anyway,
so a parser bug cannot let markup through: http(s)/mailto links and relative URLs only.
"""

import html

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_md.enable(["table", "strikethrough"])

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s", "strong", "sub", "sup",
    "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"style"},
    "td": {"style"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def sanitize(fragment: str) -> str:
    """Allowlist-clean an HTML fragment (also used for anything rendered from Markdown)."""
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        clean_content_tags={"script", "style"},
        filter_style_properties={"text-align"},
        link_rel="noopener noreferrer nofollow",
    )


def render_markdown(source: str) -> str:
    """Safe HTML for an article body."""
    return sanitize(_md.render(source or ""))


def html_to_text(fragment: str) -> str:
    """The visible text of sanitised HTML, blocks separated by newlines."""
    spaced = fragment.replace("</p>", "</p>\n").replace("</li>", "</li>\n").replace("<br>", "\n")
    for level in range(1, 7):
        spaced = spaced.replace(f"</h{level}>", f"</h{level}>\n")
    text = html.unescape(nh3.clean(spaced, tags=set()))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())
