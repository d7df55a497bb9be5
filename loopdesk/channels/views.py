"""Staff UI of the email channel: mailboxes (settings) and received mail / quarantine.

Admins only: mailbox settings hold credentials, and raw mail may hold anything.
"""

from __future__ import annotations

import email.parser
import email.policy
import functools
from concurrent.futures import ThreadPoolExecutor
from email.header import decode_header, make_header
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from loopdesk.channels.email import transport
from loopdesk.channels.email.mailboxes import mailbox_build, mailbox_create, mailbox_update
from loopdesk.channels.forms import InboundFilterForm, MailboxForm
from loopdesk.channels.models import InboundEmail, InboundStatus, Mailbox
from loopdesk.core.exceptions import LoopdeskError, ValidationFailed
from loopdesk.core.pagination import SortKey, keyset_page

PAGE_SIZE = 50
CHECK_TIMEOUT = 12  # seconds per server for "test connection"
PREVIEW_BYTES = 64 * 1024
MAX_HEADERS = 200


def admin_required(view):
    @functools.wraps(view)
    @login_required
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_admin:
            raise PermissionDenied
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    return wrapper


# --- mailboxes ----------------------------------------------------------------------------


@admin_required
def mailbox_list(request: HttpRequest) -> HttpResponse:
    mailboxes = list(Mailbox.objects.select_related("default_team").order_by("name"))
    quarantined = InboundEmail.objects.filter(status=InboundStatus.QUARANTINED).count()
    return render(
        request,
        "channels/mailbox_list.html",
        {"mailboxes": mailboxes, "quarantined": quarantined},
    )


def _apply_error(form: MailboxForm, exc: LoopdeskError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@admin_required
@require_http_methods(["GET", "POST"])
def mailbox_new(request: HttpRequest) -> HttpResponse:
    form = MailboxForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            mailbox = mailbox_create(data=form.to_data(), actor=request.user)
        except ValidationFailed as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("Mailbox %(name)s added.") % {"name": mailbox.name})
            return redirect("channels:mailbox_edit", pk=mailbox.pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request, "channels/mailbox_form.html", {"form": form, "mailbox": None}, status=status
    )


@admin_required
@require_http_methods(["GET", "POST"])
def mailbox_edit(request: HttpRequest, pk: int) -> HttpResponse:
    mailbox = get_object_or_404(Mailbox.objects.select_related("default_team"), pk=pk)
    form = MailboxForm(request.POST or None, instance=mailbox)
    if request.method == "POST" and form.is_valid():
        try:
            mailbox = mailbox_update(mailbox=mailbox, data=form.to_data(), actor=request.user)
        except ValidationFailed as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("Mailbox %(name)s saved.") % {"name": mailbox.name})
            return redirect("channels:mailbox_edit", pk=mailbox.pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request, "channels/mailbox_form.html", {"form": form, "mailbox": mailbox}, status=status
    )


@admin_required
@require_POST
def mailbox_check(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """The "test connection" button: tests the values in the form (not yet saved)."""
    instance = get_object_or_404(Mailbox, pk=pk) if pk is not None else None
    form = MailboxForm(request.POST, instance=instance)
    context: dict = {"errors": [], "imap": None, "smtp": None}
    if not form.is_valid():
        context["errors"] = [
            f"{form.fields[name].label if name in form.fields else ''}: {' '.join(errs)}".lstrip(
                ": "
            )
            for name, errs in form.errors.items()
        ]
    else:
        try:
            candidate = mailbox_build(data=form.to_data(), instance=instance)
        except ValidationFailed as exc:
            label = form.fields[exc.field].label if exc.field in form.fields else ""
            context["errors"] = [f"{label}: {exc.message}" if label else exc.message]
        else:
            # Both at once: a black-holed host costs one timeout, not two. The language
            # is per thread: the checks speak the user's.
            language = translation.get_language()

            def run(check):
                with translation.override(language):
                    return check(candidate, timeout=CHECK_TIMEOUT)

            with ThreadPoolExecutor(max_workers=2) as pool:
                imap_check = pool.submit(run, transport.test_imap) if candidate.imap_host else None
                smtp_check = pool.submit(run, transport.test_smtp)
                context["imap"] = imap_check.result() if imap_check else None
                context["smtp"] = smtp_check.result()
    return render(request, "channels/_check_result.html", context)


# --- received mail and quarantine ---------------------------------------------------------


@admin_required
def inbound_list(request: HttpRequest) -> HttpResponse:
    form = InboundFilterForm(request.GET or None)
    show, result, mailbox = "quarantined", "", None
    if form.is_valid():
        show = form.cleaned_data["show"] or "quarantined"
        result = form.cleaned_data["result"] or ""
        mailbox = form.cleaned_data["mailbox"]
    qs = InboundEmail.objects.select_related("mailbox", "ticket")
    if show == "quarantined":
        qs = qs.filter(status=InboundStatus.QUARANTINED)
    if result:
        qs = qs.filter(result=result)
    if mailbox is not None:
        qs = qs.filter(mailbox=mailbox)
    after = request.GET.get("after") or None
    try:
        page = keyset_page(
            qs, keys=[SortKey("created_at", descending=True)], size=PAGE_SIZE, after=after
        )
    except ValidationFailed as exc:
        raise Http404(exc.message) from None
    query = urlencode({"show": show, "result": result, "mailbox": mailbox.pk if mailbox else ""})
    return render(
        request,
        "channels/inbound_list.html",
        {
            "form": form,
            "rows": page.items,
            "next_cursor": page.next_cursor,
            "is_first_page": not after,
            "show": show,
            "query": query,
        },
    )


def _read_head(inbound: InboundEmail, limit: int) -> tuple[bytes, bool]:
    try:
        with inbound.raw.open("rb") as handle:
            data = handle.read(limit + 1)
    except (OSError, ValueError):
        return b"", False
    return data[:limit], len(data) > limit


def _header_rows(raw: bytes) -> list[tuple[str, str]]:
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    try:
        msg = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(head)
    except Exception:  # noqa: BLE001 — hostile mail: show nothing rather than fail
        return []
    rows = []
    for name, value in list(msg.items())[:MAX_HEADERS]:
        try:
            text = str(make_header(decode_header(str(value))))
        except Exception:  # noqa: BLE001 — undecodable: the raw value
            text = str(value)
        text = " ".join(text.split())[:2000]
        rows.append((str(name)[:100], text))
    return rows


@admin_required
def inbound_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inbound = get_object_or_404(InboundEmail.objects.select_related("mailbox", "ticket"), pk=pk)
    raw, truncated = _read_head(inbound, PREVIEW_BYTES)
    return render(
        request,
        "channels/inbound_detail.html",
        {
            "inbound": inbound,
            "headers": _header_rows(raw),
            "preview": raw.decode("utf-8", "replace"),
            "preview_truncated": truncated,
            "raw_missing": not raw,
            "can_act": inbound.status in (InboundStatus.QUARANTINED, InboundStatus.RECEIVED),
            "defects": [str(d) for d in (inbound.defects or [])][:100],
        },
    )


@admin_required
def inbound_raw(request: HttpRequest, pk: int) -> HttpResponse:
    inbound = get_object_or_404(InboundEmail, pk=pk)
    try:
        handle = inbound.raw.open("rb")
    except (OSError, ValueError):
        raise Http404(_("The raw message is not stored.")) from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"message-{inbound.public_id.hex}.eml",
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@admin_required
@require_POST
def inbound_reprocess(request: HttpRequest, pk: int) -> HttpResponse:
    from loopdesk.channels.email.ingest import reprocess

    inbound = get_object_or_404(InboundEmail, pk=pk)
    try:
        outcome = reprocess(inbound.pk)
    except LoopdeskError as exc:
        messages.error(request, exc.message)
    else:
        label = dict(InboundEmail._meta.get_field("result").choices).get(
            outcome.result, outcome.result
        )
        text = _("Processed again: %(result)s.") % {"result": label}
        if outcome.reason:
            text = f"{text} {outcome.reason}"
        messages.success(request, text)
    return redirect("channels:inbound_detail", pk=inbound.pk)


@admin_required
@require_POST
def inbound_discard(request: HttpRequest, pk: int) -> HttpResponse:
    from loopdesk.channels.email.ingest import discard

    inbound = get_object_or_404(InboundEmail, pk=pk)
    try:
        discard(inbound.pk, user=request.user)
    except LoopdeskError as exc:
        messages.error(request, exc.message)
        return redirect("channels:inbound_detail", pk=inbound.pk)
    messages.success(request, _("The message was discarded."))
    return redirect("channels:inbound_list")
