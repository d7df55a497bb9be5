"""Portal login (magic link or password) and logout. The answer to a link request is the
same for known and unknown addresses; the link itself is created and mailed by a task."""

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from loopdesk.core.exceptions import ValidationFailed

from .. import conf, throttle
from ..forms import LoginForm, PasswordForm
from ..selectors import portal_account
from ..services.auth import (
    magic_link_consume,
    magic_link_peek,
    password_login,
    portal_password_set,
    safe_next,
)
from ..session import portal_contact, portal_login, portal_login_required, portal_logout


def _after_login(request: HttpRequest, next_path: str) -> HttpResponse:
    return redirect(safe_next(next_path) or reverse("portal:home"))


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    next_path = safe_next(request.POST.get("next") or request.GET.get("next"))
    if request.method == "GET" and portal_contact(request) is not None:
        return _after_login(request, next_path)
    form = LoginForm(request.POST or None)
    sent = False
    status = 200
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].strip().lower()
        try:
            throttle.check(
                (
                    f"portal-login-ip:{throttle.digest(throttle.client_ip(request))}",
                    conf.get("LOOPDESK_PORTAL_LOGIN_PER_IP"),
                ),
                (
                    f"portal-login-addr:{throttle.digest(email)}",
                    conf.get("LOOPDESK_PORTAL_LOGIN_PER_ADDRESS"),
                ),
            )
        except throttle.Throttled as exc:
            form.add_error(None, exc.message)
            status = 429
        else:
            if request.POST.get("action") == "password":
                try:
                    contact = password_login(email=email, password=form.cleaned_data["password"])
                except ValidationFailed as exc:
                    form.add_error(None, exc.message)
                    status = 422
                else:
                    portal_login(request, contact)
                    return _after_login(request, next_path)
            else:
                from ..tasks import send_magic_link_task

                language = get_language() or ""
                transaction.on_commit(
                    lambda: send_magic_link_task.enqueue(
                        email=email, next_path=next_path, language=language
                    )
                )
                sent = True
    elif request.method == "POST":
        status = 422
    return render(
        request,
        "portal/login.html",
        {"form": form, "sent": sent, "next": next_path, "language": get_language()},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def link_view(request: HttpRequest, token: str) -> HttpResponse:
    """GET only shows a button: mail scanners that open links must not use them up."""
    next_path = safe_next(request.GET.get("next") or request.POST.get("next"))
    error = ""
    if request.method == "POST":
        try:
            contact = magic_link_consume(token=token)
        except ValidationFailed as exc:
            error = exc.message
        else:
            portal_login(request, contact)
            return _after_login(request, next_path)
    elif not magic_link_peek(token=token):
        error = _expired_message()
    return render(
        request,
        "portal/link.html",
        {"error": error, "next": next_path},
        status=410 if error else 200,
    )


def _expired_message() -> str:
    return _("This login link has expired or was already used. Please request a new one.")


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    portal_logout(request)
    return redirect("portal:login")


@never_cache
@portal_login_required
@require_http_methods(["GET", "POST"])
def account_view(request: HttpRequest) -> HttpResponse:
    contact = portal_contact(request)
    form = PasswordForm(request.POST or None)
    saved = False
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                portal_password_set(contact=contact, password=form.cleaned_data["password"])
            except ValidationFailed as exc:
                form.add_error("password", exc.message)
                status = 422
            else:
                # The session hash follows the password: log this browser in again.
                portal_login(request, contact)
                saved = True
                form = PasswordForm()
        else:
            status = 422
    account = portal_account(contact)
    return render(
        request,
        "portal/account.html",
        {
            "contact": contact,
            "form": form,
            "saved": saved,
            "has_password": bool(account and account.password),
        },
        status=status,
    )
