"""Writes for users, teams and API keys."""

import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loopdesk.core.exceptions import ValidationFailed

from .models import ApiKey, ApiScope, Role, Team, User

KEY_PREFIX = "ld_"


@dataclass(frozen=True)
class IssuedKey:
    api_key: ApiKey
    secret: str  # shown once, never stored


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def user_create(
    *,
    email: str,
    password: str | None,
    display_name: str = "",
    role: str = Role.AGENT,
    language: str = "zh-hans",
    timezone_name: str = "Asia/Shanghai",
) -> User:
    email = email.strip().lower()
    if role not in Role.values:
        raise ValidationFailed(_("Unknown role: %(role)s") % {"role": role}, field="role")
    if User.objects.filter(email=email).exists():
        raise ValidationFailed(_("A user with this email already exists."), field="email")
    return User.objects.create_user(
        email,
        password,
        display_name=display_name or email.split("@", 1)[0],
        role=role,
        language=language,
        timezone=timezone_name,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
    )


def user_deactivate(*, user: User) -> User:
    """Deactivation revokes every key at once (sessions die because is_active is checked)."""
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        user.api_keys.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    return user


def team_create(*, name: str, members: list[User] | None = None, description: str = "") -> Team:
    team = Team.objects.create(name=name.strip(), description=description)
    if members:
        team.members.add(*members)
    return team


def api_key_create(*, user: User, name: str, scopes: list[str] | None = None) -> IssuedKey:
    # Importing with back-dated timestamps is powerful: it is never a default scope.
    scopes = list(scopes) if scopes else [s.value for s in ApiScope if s != ApiScope.TICKETS_IMPORT]
    unknown = sorted(set(scopes) - set(ApiScope.values))
    if unknown:
        raise ValidationFailed(
            _("Unknown scopes: %(unknown)s") % {"unknown": ", ".join(unknown)}, field="scopes"
        )
    prefix = secrets.token_hex(6)
    secret = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    api_key = ApiKey.objects.create(
        user=user,
        name=name[:100] or "API key",
        prefix=prefix,
        key_hash=hash_secret(secret),
        scopes=scopes,
    )
    return IssuedKey(api_key=api_key, secret=secret)


def api_key_revoke(*, api_key: ApiKey) -> ApiKey:
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
    return api_key


MAX_SIGNATURE_CHARS = 2000


def user_preferences_update(
    *,
    user: User,
    language: str,
    timezone_name: str,
    signature: str,
    notify_assigned: bool | None = None,
    notify_mentioned: bool | None = None,
) -> User:
    """A user's own language, time zone and reply signature ("My settings")."""
    import zoneinfo

    languages = {code for code, _label in User._meta.get_field("language").choices}
    if language not in languages:
        raise ValidationFailed(
            _("Unknown language: %(language)s") % {"language": f"{language[:20]}"}, field="language"
        )
    if timezone_name not in zoneinfo.available_timezones():
        raise ValidationFailed(
            _("Unknown time zone: %(timezone_name)s") % {"timezone_name": f"{timezone_name[:60]}"},
            field="timezone",
        )
    signature = signature.replace("\r\n", "\n").strip()
    if len(signature) > MAX_SIGNATURE_CHARS:
        raise ValidationFailed(
            _("The signature is longer than %(max_signature_chars)s characters.")
            % {"max_signature_chars": MAX_SIGNATURE_CHARS},
            field="signature",
        )
    user.language = language
    user.timezone = timezone_name
    user.signature = signature
    fields = ["language", "timezone", "signature"]
    if notify_assigned is not None:
        user.notify_assigned = notify_assigned
        fields.append("notify_assigned")
    if notify_mentioned is not None:
        user.notify_mentioned = notify_mentioned
        fields.append("notify_mentioned")
    user.save(update_fields=fields)
    return user
