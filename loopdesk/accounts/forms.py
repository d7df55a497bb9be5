"""Login (with a failure throttle), personal settings and API keys."""

import hashlib
import zoneinfo
from functools import lru_cache

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from .models import ApiScope, User

LOGIN_MAX_FAILURES = 10
LOGIN_WINDOW_SECONDS = 15 * 60


def _throttle_key(email: str, ip: str) -> str:
    # Hashed so that no email address ends up as a cache key in Redis.
    digest = hashlib.sha256(f"{email.strip().lower()}|{ip}".encode()).hexdigest()
    return f"login-fail:{digest}"


class EmailLoginForm(AuthenticationForm):
    """Django's login form with an email label and a per (email, IP) failure throttle.

    The IP is REMOTE_ADDR; behind a proxy the proxy must set it (we do not trust
    X-Forwarded-For from clients).
    """

    username = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Wrong email or password."),
        "throttled": _("Too many failed attempts. Please wait 15 minutes and try again."),
    }

    def clean(self):
        email = self.cleaned_data.get("username") or self.data.get("username", "")
        ip = self.request.META.get("REMOTE_ADDR", "") if self.request else ""
        key = _throttle_key(str(email)[:254], ip)
        if cache.get(key, 0) >= LOGIN_MAX_FAILURES:
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            return super().clean()
        except forms.ValidationError:
            if cache.add(key, 1, LOGIN_WINDOW_SECONDS) is False:
                try:
                    cache.incr(key)
                except ValueError:  # expired between add and incr
                    cache.set(key, 1, LOGIN_WINDOW_SECONDS)
            raise


@lru_cache(maxsize=1)
def timezone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones()) if "/" in name]


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"), choices=User._meta.get_field("language").choices
    )
    timezone = forms.ChoiceField(label=_("Time zone"), choices=timezone_choices)
    signature = forms.CharField(
        label=_("Signature"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("Added below your replies."),
    )
    notify_assigned = forms.BooleanField(
        label=_("Email me when a ticket is assigned to me"), required=False
    )
    notify_mentioned = forms.BooleanField(
        label=_("Email me when someone @mentions me"), required=False
    )


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What the key is for, e.g. CRM sync.")
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=ApiScope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[ApiScope.TICKETS_READ],
    )
