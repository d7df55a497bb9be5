"""Portal logins: magic links (single use, expiring, stored hashed) and an optional
password. Nothing here tells a caller whether an address is known."""

import hashlib
import logging
import secrets
from datetime import timedelta

from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loopdesk.core.exceptions import ValidationFailed
from loopdesk.customers.identities import normalise_email
from loopdesk.customers.models import Contact, ContactIdentity, IdentityKind

from .. import conf
from ..mail import send_customer_mail
from ..models import MagicLink, PortalAccount

logger = logging.getLogger(__name__)

TOKEN_BYTES = 32  # 256 bits
# Verified against when an address has no password, so a wrong guess costs the same.
_DUMMY_HASH = make_password("loopdesk-portal-dummy-password")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def contact_by_email(email: str) -> Contact | None:
    try:
        value = normalise_email(email)
    except ValidationFailed:
        return None
    identity = (
        ContactIdentity.objects.select_related("contact")
        .filter(kind=IdentityKind.EMAIL, value=value)
        .first()
    )
    return identity.contact if identity else None


def safe_next(path: str | None) -> str:
    """Only a path inside the portal; anything else (other hosts, //evil) is dropped."""
    path = (path or "").strip()
    if path.startswith("/portal/") and not path.startswith("//") and "\\" not in path:
        return path[:300]
    return ""


def magic_link_issue(*, email: str) -> tuple[Contact, str] | None:
    """A new token for the contact owning `email` (None for an unknown address).
    Returns the raw token; only its hash is stored."""
    contact = contact_by_email(email)
    if contact is None:
        return None
    now = timezone.now()
    # Housekeeping on the way: this contact's links that expired a day ago go.
    MagicLink.objects.filter(contact=contact, expires_at__lt=now - timedelta(days=1)).delete()
    token = secrets.token_urlsafe(TOKEN_BYTES)
    minutes = conf.get("LOOPDESK_PORTAL_LINK_MINUTES")
    MagicLink.objects.create(
        contact=contact,
        token_hash=_hash(token),
        expires_at=now + timedelta(minutes=minutes),
    )
    return contact, token


def magic_link_send(*, email: str, next_path: str = "", language: str = "") -> bool:
    """Issue and mail a link (the task body). An unknown address sends nothing; the
    caller has already answered the same either way. In the language of the page the
    link was asked from (else the contact's)."""
    issued = magic_link_issue(email=email)
    if issued is None:
        logger.info("portal login link requested for an unknown address")
        return False
    contact, token = issued
    next_path = safe_next(next_path)
    url = f"/portal/login/{token}/" + (f"?next={next_path}" if next_path else "")
    send_customer_mail(
        to=normalise_email(email),
        template="magic_link",
        context={
            "contact": contact,
            "path": url,
            "minutes": conf.get("LOOPDESK_PORTAL_LINK_MINUTES"),
        },
        language=language or contact.language,
    )
    return True


def magic_link_peek(*, token: str) -> bool:
    """Whether the token could still log in (for the confirmation page; consumes nothing)."""
    return MagicLink.objects.filter(
        token_hash=_hash(token or ""), used_at__isnull=True, expires_at__gt=timezone.now()
    ).exists()


@transaction.atomic
def magic_link_consume(*, token: str) -> Contact:
    """Log in with a link: one conditional UPDATE decides, so a reused, expired or
    concurrently clicked link fails with the same message."""
    now = timezone.now()
    token_hash = _hash(token or "")
    used = MagicLink.objects.filter(
        token_hash=token_hash, used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    if used != 1:
        raise ValidationFailed(
            _("This login link has expired or was already used. Please request a new one."),
            field="token",
        )
    link = MagicLink.objects.select_related("contact").get(token_hash=token_hash)
    _touch_login(link.contact)
    return link.contact


def _touch_login(contact: Contact) -> None:
    account, created = PortalAccount.objects.get_or_create(contact=contact)
    PortalAccount.objects.filter(pk=account.pk).update(last_login_at=timezone.now())


def password_login(*, email: str, password: str) -> Contact:
    contact = contact_by_email(email)
    account = PortalAccount.objects.filter(contact=contact).first() if contact else None
    encoded = account.password if account is not None and account.password else _DUMMY_HASH
    valid = check_password(password or "", encoded)
    if not (valid and account is not None and account.password):
        raise ValidationFailed(_("Wrong email or password."), field="password")
    _touch_login(contact)
    return contact


@transaction.atomic
def portal_password_set(*, contact: Contact, password: str) -> PortalAccount:
    """Set (or with an empty value, remove) the contact's optional portal password."""
    account, _created = PortalAccount.objects.select_for_update().get_or_create(contact=contact)
    if password:
        try:
            validate_password(password)
        except ValidationError as exc:
            raise ValidationFailed(" ".join(exc.messages), field="password") from exc
        account.password = make_password(password)
    else:
        account.password = ""
    account.save(update_fields=["password", "updated_at"])
    return account
