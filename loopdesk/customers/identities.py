"""Normalisation of contact identities, so every channel finds the same person."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from loopdesk.core.exceptions import ValidationFailed

from .models import IdentityKind

DEFAULT_REGION = "CN"


def normalise(kind: str, value: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(_("An identity value is required."), field="value")
    if kind == IdentityKind.EMAIL:
        return normalise_email(value)
    if kind == IdentityKind.PHONE:
        return normalise_phone(value)
    if kind in (IdentityKind.WECHAT, IdentityKind.EXTERNAL):
        if len(value) > 254 or any(ord(c) < 32 for c in value):
            raise ValidationFailed(_("Identity value is too long or has control characters."))
        return value
    raise ValidationFailed(_("Unknown identity kind: %(kind)s") % {"kind": kind}, field="kind")


def normalise_email(value: str) -> str:
    email = value.strip().lower()
    if len(email) > 254:
        raise ValidationFailed(_("Email address is too long."), field="email")
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationFailed(
            _("Invalid email address: %(value)s") % {"value": f"{value[:80]}"}, field="email"
        ) from exc
    return email


def normalise_phone(value: str, region: str = DEFAULT_REGION) -> str:
    """E.164, e.g. '138 0013 8000' -> '+8613800138000'."""
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationFailed(
            _("Invalid phone number: %(value)s") % {"value": f"{value[:40]}"}, field="phone"
        ) from exc
    if not phonenumbers.is_possible_number(number):
        raise ValidationFailed(
            _("Invalid phone number: %(value)s") % {"value": f"{value[:40]}"}, field="phone"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
