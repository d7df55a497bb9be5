"""Mailbox configuration services: create and update with validation, passwords encrypted.

Passwords are write-only: a blank password on update keeps the stored one; they are
stored encrypted (loopdesk.core.crypto) and never returned to a form or an error text.
Changing where mail is fetched from (IMAP host, port, user or folder) resets the sync
state (UIDVALIDITY, last UID): UIDs only mean something within one folder of one server.
"""

from __future__ import annotations

import ipaddress
import logging
import re
from dataclasses import dataclass, fields

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from loopdesk.accounts.models import Team
from loopdesk.channels.models import Mailbox, ProcessedAction, Security
from loopdesk.core.crypto import decrypt, encrypt
from loopdesk.core.exceptions import ValidationFailed

log = logging.getLogger(__name__)

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
SYNC_FIELDS = ("imap_host", "imap_port", "imap_user", "imap_folder")
MIN_POLL_INTERVAL = 10
MAX_POLL_INTERVAL = 24 * 3600


@dataclass
class MailboxData:
    name: str
    address: str
    from_name: str = ""
    default_team: Team | None = None
    is_active: bool = True
    imap_host: str = ""
    imap_port: int = 993
    imap_security: str = Security.SSL
    imap_user: str = ""
    imap_password: str = ""  # plain; blank keeps the stored one
    imap_folder: str = "INBOX"
    processed_action: str = ProcessedAction.SEEN
    processed_folder: str = ""
    poll_interval: int = 60
    smtp_host: str = ""
    smtp_port: int = 465
    smtp_security: str = Security.SSL
    smtp_user: str = ""
    smtp_password: str = ""  # plain; blank keeps the stored one


def normalize_host(value: str) -> str:
    """A host name (IDN allowed) or IP address, lower-cased; ValidationFailed otherwise."""
    host = (value or "").strip().rstrip(".").lower()
    if not host:
        return ""
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    else:
        return host.strip("[]")
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        ascii_host = ""
    if (
        not ascii_host
        or len(ascii_host) > 253
        or not all(_LABEL.match(label) for label in ascii_host.split("."))
    ):
        raise ValidationFailed(
            _("Enter a host name such as imap.example.com (no scheme, port or spaces)."),
            field="host",
        )
    return ascii_host


def validate_port(value: int) -> int:
    if not isinstance(value, int) or not 1 <= value <= 65535:
        raise ValidationFailed(_("A port is a number from 1 to 65535."), field="port")
    return value


def _plain_text(value: str, field: str, *, limit: int, required: bool = False) -> str:
    value = (value or "").strip()
    if _CONTROL.search(value):
        raise ValidationFailed(
            _("Line breaks and control characters are not allowed."), field=field
        )
    if len(value) > limit:
        raise ValidationFailed(_("At most %(limit)s characters.") % {"limit": limit}, field=field)
    if required and not value:
        raise ValidationFailed(_("This field is required."), field=field)
    return value


def _clean(data: MailboxData, *, instance: Mailbox | None) -> MailboxData:
    """A validated, normalised copy of `data` (ValidationFailed names the field)."""
    data = MailboxData(**{f.name: getattr(data, f.name) for f in fields(MailboxData)})
    data.name = _plain_text(data.name, "name", limit=100, required=True)
    data.from_name = _plain_text(data.from_name, "from_name", limit=100)
    data.address = (data.address or "").strip().lower()
    try:
        validate_email(data.address)
    except ValidationError:
        raise ValidationFailed(_("Enter a valid email address."), field="address") from None
    others = Mailbox.objects.filter(address__iexact=data.address)
    if instance is not None:
        others = others.exclude(pk=instance.pk)
    if others.exists():
        raise ValidationFailed(_("Another mailbox already uses this address."), field="address")

    for prefix in ("imap", "smtp"):
        host_field = f"{prefix}_host"
        try:
            setattr(data, host_field, normalize_host(getattr(data, host_field)))
        except ValidationFailed as exc:
            raise ValidationFailed(exc.message, field=host_field) from None
        try:
            validate_port(getattr(data, f"{prefix}_port"))
        except ValidationFailed as exc:
            raise ValidationFailed(exc.message, field=f"{prefix}_port") from None
        if getattr(data, f"{prefix}_security") not in Security.values:
            raise ValidationFailed(_("Choose a security setting."), field=f"{prefix}_security")
        user_field = f"{prefix}_user"
        setattr(data, user_field, _plain_text(getattr(data, user_field), user_field, limit=255))
        password = getattr(data, f"{prefix}_password") or ""
        if "\r" in password or "\n" in password or "\0" in password:
            raise ValidationFailed(
                _("Line breaks are not allowed in a password."), field=f"{prefix}_password"
            )

    data.imap_folder = _plain_text(data.imap_folder, "imap_folder", limit=255) or "INBOX"
    data.processed_folder = _plain_text(data.processed_folder, "processed_folder", limit=255)
    if data.processed_action not in ProcessedAction.values:
        raise ValidationFailed(
            _("Choose what happens to processed mail."), field="processed_action"
        )
    if data.imap_host:
        if not data.imap_user:
            raise ValidationFailed(_("The IMAP server needs a user name."), field="imap_user")
        has_password = bool(data.imap_password) or bool(
            instance is not None and decrypt(instance.imap_password)
        )
        if not has_password:
            raise ValidationFailed(_("The IMAP server needs a password."), field="imap_password")
        if data.processed_action == ProcessedAction.MOVE:
            if not data.processed_folder:
                raise ValidationFailed(
                    _("Name the folder processed mail is moved to."), field="processed_folder"
                )
            if data.processed_folder.lower() == data.imap_folder.lower():
                raise ValidationFailed(
                    _("Processed mail must go to another folder than the one fetched."),
                    field="processed_folder",
                )
    if data.smtp_user and not (
        data.smtp_password or (instance is not None and decrypt(instance.smtp_password))
    ):
        raise ValidationFailed(_("The SMTP user needs a password."), field="smtp_password")
    if not isinstance(data.poll_interval, int) or not (
        MIN_POLL_INTERVAL <= data.poll_interval <= MAX_POLL_INTERVAL
    ):
        raise ValidationFailed(
            _("Poll every %(min)s to %(max)s seconds.")
            % {"min": MIN_POLL_INTERVAL, "max": MAX_POLL_INTERVAL},
            field="poll_interval",
        )
    return data


def _apply(mailbox: Mailbox, data: MailboxData) -> None:
    for f in fields(MailboxData):
        if f.name in ("imap_password", "smtp_password"):
            value = getattr(data, f.name)
            if value:  # blank keeps the stored password
                setattr(mailbox, f.name, encrypt(value))
            continue
        setattr(mailbox, f.name, getattr(data, f.name))


def mailbox_build(*, data: MailboxData, instance: Mailbox | None = None) -> Mailbox:
    """An unsaved, validated mailbox from `data` (the "test connection" button tests what
    is in the form before it is saved; blank passwords fall back to the stored ones)."""
    data = _clean(data, instance=instance)
    mailbox = Mailbox()
    if instance is not None:
        mailbox.pk = instance.pk
        mailbox.imap_password = instance.imap_password
        mailbox.smtp_password = instance.smtp_password
    _apply(mailbox, data)
    return mailbox


@transaction.atomic
def mailbox_create(*, data: MailboxData, actor) -> Mailbox:
    data = _clean(data, instance=None)
    mailbox = Mailbox()
    _apply(mailbox, data)
    mailbox.save()
    log.info("mailbox %s created by user %s", mailbox.pk, getattr(actor, "pk", None))
    return mailbox


@transaction.atomic
def mailbox_update(*, mailbox: Mailbox, data: MailboxData, actor) -> Mailbox:
    data = _clean(data, instance=mailbox)
    mailbox = Mailbox.objects.select_for_update().get(pk=mailbox.pk)
    before = {name: getattr(mailbox, name) for name in SYNC_FIELDS}
    old_passwords = (mailbox.imap_password, mailbox.smtp_password)
    _apply(mailbox, data)
    if any(getattr(mailbox, name) != value for name, value in before.items()):
        mailbox.uid_validity = None
        mailbox.last_uid = 0
    if before != {n: getattr(mailbox, n) for n in SYNC_FIELDS} or old_passwords != (
        mailbox.imap_password,
        mailbox.smtp_password,
    ):
        mailbox.last_error = ""
    mailbox.save()
    log.info("mailbox %s updated by user %s", mailbox.pk, getattr(actor, "pk", None))
    return mailbox
