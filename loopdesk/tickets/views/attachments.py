"""Attachment downloads: scoped through the ticket, always as a download, never inline."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from loopdesk.core.exceptions import NotFound

from .. import selectors


@login_required
@require_GET
def attachment_download(request: HttpRequest, public_id) -> FileResponse:
    try:
        attachment = selectors.attachment_get_for_user(user=request.user, public_id=public_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("Attachment file is missing.") from exc
    # A generic type plus nosniff and a sandbox CSP: an uploaded .html or .svg can never
    # render (or run script) in our origin, even if a browser is asked to display it.
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.filename,
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
