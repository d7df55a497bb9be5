"""Login/logout and "My settings" (preferences and personal API keys)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from loopdesk.core.exceptions import ValidationFailed

from . import services
from .forms import ApiKeyForm, EmailLoginForm, PreferencesForm
from .models import ApiKey


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailLoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django's default): a link or image cannot log anyone out."""


def _settings_page(
    request: HttpRequest, *, prefs_form=None, key_form=None, new_secret: str = "", status: int = 200
) -> HttpResponse:
    user = request.user
    context = {
        "prefs_form": prefs_form
        or PreferencesForm(
            initial={
                "language": user.language,
                "timezone": user.timezone,
                "signature": user.signature,
                "notify_assigned": user.notify_assigned,
                "notify_mentioned": user.notify_mentioned,
            }
        ),
        "key_form": key_form or ApiKeyForm(),
        "keys": list(user.api_keys.order_by("revoked_at", "-created_at")),
        "new_secret": new_secret,
    }
    return render(request, "accounts/settings.html", context, status=status)


NEW_SECRET_SESSION_KEY = "loopdesk_new_api_key"  # noqa: S105 — a session key name, not a secret


@login_required
def my_settings(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        response = _settings_page(
            request, new_secret=request.session.pop(NEW_SECRET_SESSION_KEY, "")
        )
        add_never_cache_headers(response)  # the page may carry a secret
        return response
    form = PreferencesForm(request.POST)
    if form.is_valid():
        try:
            user = services.user_preferences_update(
                user=request.user,
                language=form.cleaned_data["language"],
                timezone_name=form.cleaned_data["timezone"],
                signature=form.cleaned_data["signature"],
                notify_assigned=form.cleaned_data["notify_assigned"],
                notify_mentioned=form.cleaned_data["notify_mentioned"],
            )
        except ValidationFailed as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            translation.activate(user.language)
            messages.success(request, _("Settings saved."))
            response = redirect("accounts:settings")
            # The language cookie wins over the profile; keep them the same.
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                user.language,
                samesite="Lax",
                secure=request.is_secure(),
            )
            return response
    return _settings_page(request, prefs_form=form, status=422)


@login_required
@require_POST
def api_key_new(request: HttpRequest) -> HttpResponse:
    form = ApiKeyForm(request.POST)
    if form.is_valid():
        try:
            issued = services.api_key_create(
                user=request.user,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
            )
        except ValidationFailed as exc:
            form.add_error(None, exc.message)
        else:
            # Post/redirect/get, so a reload cannot create a second key. The secret waits in
            # the session only until the next page view pops it; it is never shown again.
            request.session[NEW_SECRET_SESSION_KEY] = issued.secret
            return redirect("accounts:settings")
    return _settings_page(request, key_form=form, status=422)


@login_required
@require_POST
def api_key_revoke(request: HttpRequest, key_id: int) -> HttpResponse:
    try:
        api_key = request.user.api_keys.get(pk=key_id)
    except ApiKey.DoesNotExist as exc:
        raise Http404 from exc
    services.api_key_revoke(api_key=api_key)
    messages.success(request, _("API key “%(name)s” revoked.") % {"name": api_key.name})
    return redirect("accounts:settings")
