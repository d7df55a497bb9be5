"""Article images and files: size limits and content checks before anything is stored.

The declared content type must be on the allowlist and the first bytes must agree with
it (a PNG that is really HTML is refused). SVG is never accepted: it can carry script.
The file is stored under a generated key; the uploaded name is only displayed.
"""

import unicodedata

from django.db import transaction
from django.utils.translation import gettext as _

from loopdesk.core.exceptions import ValidationFailed

from . import permissions
from .constants import FILE_TYPES, IMAGE_TYPES, MAX_FILE_BYTES, MAX_IMAGE_BYTES
from .models import ArticleAttachment

_INVISIBLE = {"Cf", "Cc", "Zl", "Zp"}  # bidi overrides, zero-width and control characters


def clean_filename(name: str) -> str:
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in _INVISIBLE).strip()
    return name[:120] or "file"


def _sniff_ok(head: bytes, content_type: str) -> bool:
    signatures = IMAGE_TYPES.get(content_type) or FILE_TYPES.get(content_type)
    if content_type == "text/plain":
        return b"\x00" not in head and not head.lstrip().lower().startswith(
            (b"<", b"\xef\xbb\xbf<")
        )
    if content_type == "image/webp":
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    return bool(signatures) and any(head.startswith(sig) for sig in signatures)


@transaction.atomic
def attachment_add(*, user, article, upload) -> ArticleAttachment:
    """Store one uploaded file on an article; refused with a clear message otherwise."""
    if not permissions.can_write(user):
        from loopdesk.core.exceptions import PermissionDenied

        raise PermissionDenied(_("You cannot edit knowledge-base articles."))
    content_type = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    size = int(getattr(upload, "size", 0) or 0)
    if "svg" in content_type or clean_filename(upload.name).lower().endswith(".svg"):
        raise ValidationFailed(_("SVG images are not accepted (they can contain script)."))
    is_image = content_type in IMAGE_TYPES
    if not is_image and content_type not in FILE_TYPES:
        raise ValidationFailed(
            _("This file type is not accepted: PNG, JPEG, GIF, WebP, PDF, ZIP or text.")
        )
    limit = MAX_IMAGE_BYTES if is_image else MAX_FILE_BYTES
    if size <= 0:
        raise ValidationFailed(_("The file is empty."))
    if size > limit:
        raise ValidationFailed(
            _("The file is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)}
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not _sniff_ok(head, content_type):
        raise ValidationFailed(_("The file's content does not match its type."))
    attachment = ArticleAttachment(
        article=article,
        filename=clean_filename(upload.name),
        content_type=content_type,
        size=size,
        is_image=is_image,
    )
    attachment.file.save("upload", upload, save=False)
    attachment.save()
    return attachment
