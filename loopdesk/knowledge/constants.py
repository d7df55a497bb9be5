"""Bounds of the knowledge base, in one place."""

from django.utils.translation import gettext_lazy as _

LANGUAGES = (("zh-hans", _("Simplified Chinese")), ("en", _("English")))
LANGUAGE_CODES = tuple(code for code, _label in LANGUAGES)

MAX_TITLE_CHARS = 200
MAX_BODY_CHARS = 200_000  # Markdown source; a manual chapter fits, a pasted log dump does not
MAX_TAGS = 20
MAX_QUERY_CHARS = 200  # help-centre and API search boxes; longer input is cut, not refused
MAX_SUGGEST_CHARS = 2_000  # text typed by a customer (subject + description)

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_FILE_BYTES = 20 * 1024 * 1024
# Raster images shown inline; SVG is refused (it can carry script).
IMAGE_TYPES = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "image/webp": (b"RIFF",),
}
FILE_TYPES = {
    "application/pdf": (b"%PDF-",),
    "text/plain": (),
    "application/zip": (b"PK\x03\x04",),
}

VOTES_PER_HOUR = 30  # per visitor address; votes are also one per session per article
SEARCHES_PER_MINUTE = 60  # per visitor address, help centre
GAP_QUERY_CHARS = 100
