"""The web form: /portal/new/ (in the portal, CSRF cookie as usual) and /portal/embed/
(inside another site's iframe, where browsers withhold our cookies: a signed form token
and an Origin check replace the CSRF cookie; frame-ancestors says who may frame it)."""

import logging
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from loopdesk.core.exceptions import ValidationFailed
from loopdesk.tickets.constants import TicketType
from loopdesk.tickets.forms import custom_field_value, uploads_from
from loopdesk.tickets.services.fields import custom_field_definitions

from .. import conf, throttle
from ..forms import RequestForm
from ..services.webform import (
    deflection_click_record,
    done_token,
    done_token_read,
    form_token_new,
    form_token_read,
    suggestion_link,
    suggestion_link_read,
    webform_hold,
    webform_submit,
)
from ..session import portal_contact

logger = logging.getLogger(__name__)

FIELD_ERRORS = {"email": "email", "subject": "subject", "body": "description", "type": "type"}
MAX_SUGGEST_QUERY = 250
HELD = "-"  # the done page of a held (spam) post: no number


def _custom_rows(ticket_type: str, data=None, errors: dict | None = None) -> list[dict]:
    errors = errors or {}
    rows = []
    for d in custom_field_definitions(ticket_type):
        name = f"cf_{d.key}"
        rows.append(
            {
                "definition": d,
                "key": d.key,
                "kind": d.kind,
                "name": name,
                "error": errors.get(d.key, ""),
                "value": custom_field_value(d, data, name) if data is not None else "",
                "selected": data.getlist(name) if data is not None else [],
                "options": [str(o) for o in d.options or []],
            }
        )
    return rows


ORIGIN_RE = re.compile(r"^https?://[A-Za-z0-9.*-]+(:[0-9]{1,5})?$")


def frame_ancestors() -> list[str]:
    """The configured sites that may frame the form; anything that is not an origin
    (a path, a quote, a ';' that would end the directive) is dropped with a warning."""
    valid = []
    for origin in conf.get("LOOPDESK_PORTAL_FRAME_ANCESTORS"):
        if ORIGIN_RE.match(origin):
            valid.append(origin)
        else:
            logger.warning("LOOPDESK_PORTAL_FRAME_ANCESTORS: ignoring %r (not an origin)", origin)
    return valid


def _frame_headers(response: HttpResponse) -> HttpResponse:
    ancestors = frame_ancestors()
    response["Content-Security-Policy"] = "frame-ancestors " + " ".join(["'self'", *ancestors])
    if not ancestors:
        response["X-Frame-Options"] = "SAMEORIGIN"
    return response


def _same_origin(request: HttpRequest) -> bool:
    """The embedded form posts from its own (our) document, so a browser sends our
    origin; a form on another site posting straight at us sends theirs."""
    origin = request.META.get("HTTP_ORIGIN")
    if not origin or origin == "null":
        return origin is None
    ours = urlsplit(settings.BASE_URL)
    theirs = urlsplit(origin)
    return (theirs.scheme, theirs.netloc) in {
        (ours.scheme, ours.netloc),
        (request.scheme, request.get_host()),
    }


def _embed_language(request: HttpRequest) -> str:
    """The host page picks the form's language (?lang=zh-hans): no cookie is needed."""
    lang = request.GET.get("lang", "")
    if lang in dict(settings.LANGUAGES):
        translation.activate(lang)
        request.LANGUAGE_CODE = lang
        return lang
    return ""


def _request_form(request: HttpRequest, *, embed: bool) -> HttpResponse:
    contact = None if embed else portal_contact(request)
    post = request.method == "POST"
    data = request.POST if post else None
    form = RequestForm(data, contact=contact)
    cf_errors: dict[str, str] = {}
    status = 200
    token = request.POST.get("form_token", "") if post else ""
    form_session = ""

    if post:
        if embed and not _same_origin(request):
            return HttpResponseForbidden(_("Form posted from another site."))
        result = _handle_post(request, form, contact=contact, embed=embed, cf_errors=cf_errors)
        if isinstance(result, HttpResponse):
            return result
        status, form_session, token = result
    ticket_type = (data.get("type") if data is not None else "") or TicketType.QUESTION
    if ticket_type not in TicketType.values:
        ticket_type = TicketType.QUESTION
    if not token:
        form_session, token = form_token_new()
    return _render_form(
        request,
        embed=embed,
        form=form,
        token=token,
        custom_fields=_custom_rows(ticket_type, data, cf_errors),
        status=status,
    )


def _handle_post(request, form, *, contact, embed, cf_errors):
    """Returns a response (success, held, throttled) or (status, form_session, token)."""
    email = (request.POST.get("email") or "").strip().lower()[:254]
    ip = throttle.client_ip(request)
    buckets = [(f"portal-form-ip:{throttle.digest(ip)}", conf.get("LOOPDESK_PORTAL_FORM_PER_IP"))]
    if email:
        buckets.append(
            (
                f"portal-form-addr:{throttle.digest(email)}",
                conf.get("LOOPDESK_PORTAL_FORM_PER_ADDRESS"),
            )
        )
    token = request.POST.get("form_token", "")
    try:
        throttle.check(*buckets)
    except throttle.Throttled as exc:
        form.add_error(None, exc.message)
        return 429, "", token
    try:
        form_session = form_token_read(token)
    except ValidationFailed as exc:
        form.add_error(None, exc.message)
        return 400, "", ""
    if request.POST.get("website"):
        webform_hold(
            email=email,
            subject=request.POST.get("subject", ""),
            body=request.POST.get("description", ""),
            reason="honeypot",
            ip_hash=throttle.digest(ip),
        )
        # The same thanks a person gets, minus a number: nothing tells a bot it was caught.
        done = reverse("portal:embed_done" if embed else "portal:form_done", args=[HELD])
        return redirect(_with_lang(request, done))
    if not form.is_valid():
        return 422, form_session, token
    data = form.cleaned_data
    ticket_type = data["type"]
    try:
        attachments = uploads_from(request.FILES.getlist("attachments"))
        result = webform_submit(
            form_session=form_session,
            email=data.get("email", ""),
            name=data.get("name", ""),
            subject=data["subject"],
            description=data["description"],
            ticket_type=ticket_type,
            custom_fields={
                d.key: custom_field_value(d, request.POST, f"cf_{d.key}")
                for d in custom_field_definitions(ticket_type)
            },
            attachments=attachments,
            contact=contact,
            language=translation.get_language() or "",
        )
    except ValidationFailed as exc:
        field = exc.field or ""
        if field in FIELD_ERRORS and FIELD_ERRORS[field] in form.fields:
            form.add_error(FIELD_ERRORS[field], exc.message)
        elif field == "attachments":
            form.add_error(None, exc.message)
        else:
            if any(d.key == field for d in custom_field_definitions()):
                cf_errors[field] = exc.message
            form.add_error(None, exc.message)
        return 422, form_session, token
    name = "portal:embed_done" if embed else "portal:form_done"
    return redirect(_with_lang(request, reverse(name, args=[done_token(ticket=result.ticket)])))


def _with_lang(request: HttpRequest, url: str) -> str:
    lang = getattr(request, "portal_embed_lang", "")
    return f"{url}?lang={lang}" if lang else url


def _render_form(request, *, embed, form, token="", custom_fields=None, error="", status=200):
    if not token:
        _session, token = form_token_new()
    response = render(
        request,
        "portal/embed_form.html" if embed else "portal/new.html",
        {
            "form": form,
            "form_token": token,
            "custom_fields": custom_fields
            if custom_fields is not None
            else _custom_rows(TicketType.QUESTION),
            "embed": embed,
            "extra_error": error,
            "lang": getattr(request, "portal_embed_lang", ""),
            "contact": None if embed else portal_contact(request),
        },
        status=status,
    )
    return _frame_headers(response) if embed else response


def _too_large(request: HttpRequest) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    return length > conf.get("LOOPDESK_PORTAL_MAX_REQUEST_BYTES")


def _refuse_too_large(request: HttpRequest, *, embed: bool) -> HttpResponse:
    return _render_form(
        request,
        embed=embed,
        form=RequestForm(contact=None if embed else portal_contact(request)),
        error=_("The request is too large. Please attach smaller files."),
        status=413,
    )


# The size check runs before anything reads the body, the CSRF check included (it would
# parse the upload to find its token): csrf_protect is applied after it, by hand.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and _too_large(request):
        return _refuse_too_large(request, embed=False)
    return _request_new_protected(request)


@csrf_protect
def _request_new_protected(request: HttpRequest) -> HttpResponse:
    return _request_form(request, embed=False)


@csrf_exempt  # the signed form token and the Origin check protect it (see module doc)
@xframe_options_exempt
@require_http_methods(["GET", "POST"])
def request_embed(request: HttpRequest) -> HttpResponse:
    request.portal_embed_lang = _embed_language(request)
    if request.method == "POST" and _too_large(request):
        return _refuse_too_large(request, embed=True)
    return _request_form(request, embed=True)


def _done(request: HttpRequest, token: str, *, embed: bool) -> HttpResponse:
    number = None if token == HELD else done_token_read(token)
    response = render(
        request,
        "portal/done.html",
        {"number": number, "embed": embed, "contact": None if embed else portal_contact(request)},
    )
    return _frame_headers(response) if embed else response


@require_GET
def request_done(request: HttpRequest, token: str) -> HttpResponse:
    return _done(request, token, embed=False)


@xframe_options_exempt
@require_GET
def embed_done(request: HttpRequest, token: str) -> HttpResponse:
    _embed_language(request)
    return _done(request, token, embed=True)


@xframe_options_exempt
@require_GET
def custom_fields_partial(request: HttpRequest) -> HttpResponse:
    _embed_language(request)
    ticket_type = request.GET.get("type") or TicketType.QUESTION
    if ticket_type not in TicketType.values:
        ticket_type = TicketType.QUESTION
    return render(
        request, "portal/partials/_custom_fields.html", {"custom_fields": _custom_rows(ticket_type)}
    )


def _suggestions(text: str, form_session: str) -> list[dict]:
    text = text.strip()[:MAX_SUGGEST_QUERY]
    if len(text) < 2:
        return []
    try:
        from loopdesk.knowledge.selectors import suggest_articles
    except ImportError:
        logger.warning("knowledge base not available: no suggestions")
        return []
    rows = []
    for item in suggest_articles(text, language=None, limit=5, public_only=True):
        rows.append(
            {
                "title": item.title,
                "snippet": item.snippet,
                "matched_terms": list(item.matched_terms or []),
                "link": suggestion_link(
                    url=item.url, title=item.title, form_session=form_session, query=text
                ),
            }
        )
    return rows


@xframe_options_exempt
@require_GET
def suggest(request: HttpRequest) -> HttpResponse:
    _embed_language(request)
    try:
        form_session = form_token_read(request.GET.get("form_token", ""))
    except ValidationFailed:
        form_session = ""
    ip = throttle.client_ip(request)
    try:
        throttle.check((f"portal-suggest-ip:{throttle.digest(ip)}", 600))
    except throttle.Throttled:
        return HttpResponse(status=204)
    rows = _suggestions(request.GET.get("subject", ""), form_session) if form_session else []
    return render(request, "portal/partials/_suggestions.html", {"suggestions": rows})


@require_GET
def deflect(request: HttpRequest, token: str) -> HttpResponse:
    """The click-through to a suggested article. Recording the click on GET is an
    append-only analytics row (no domain state); the redirect target is signed, so this
    is never an open redirect."""
    data = suggestion_link_read(token)
    if data is None:
        return redirect("portal:form")
    deflection_click_record(
        form_session=str(data.get("s", "")),
        url=data["u"],
        title=str(data.get("t", "")),
        query=str(data.get("q", "")),
    )
    return redirect(data["u"])
