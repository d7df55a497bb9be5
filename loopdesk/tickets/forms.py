"""Parsing of the workspace's forms and query strings. Forms only parse and check
shapes; every rule about tickets is enforced by the services they feed."""

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from loopdesk.core.exceptions import ValidationFailed

from .constants import (
    MAX_ATTACHMENTS_PER_MESSAGE,
    MAX_BODY_CHARS,
    MAX_SUBJECT_LENGTH,
    MAX_TAGS_PER_TICKET,
    Channel,
    Priority,
    TicketType,
)
from .models import CustomFieldDefinition, CustomFieldKind
from .selectors import SORTS, VIEWS, TicketFilters
from .services import AttachmentUpload

MAX_BULK_TICKETS = 100
MAX_TAGS_INPUT = 10_000  # characters in a comma-separated tag field; the service caps the count
NEW_TICKET_CHANNELS = (Channel.PHONE, Channel.WALK_IN, Channel.EMAIL, Channel.AGENT)


def _int_or_none(value: str | None, field: str) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    if not value.isdigit() or len(value) > 18:
        raise ValidationFailed(_("Invalid value for %(field)s.") % {"field": field}, field=field)
    return int(value)


@dataclass
class InboxParams:
    filters: TicketFilters
    sort: str
    after: str | None

    @classmethod
    def from_query(cls, query) -> "InboxParams":
        """Read the inbox query string; ValidationFailed on a malformed value."""
        view = query.get("view") or ("all" if query.get("q") else "open")
        if view not in VIEWS:
            raise ValidationFailed(_("Unknown view."), field="view")
        sort = query.get("sort") or "-updated"
        if sort not in SORTS:
            raise ValidationFailed(_("Unknown sort order."), field="sort")
        priority = _int_or_none(query.get("priority"), "priority")
        assignee_raw = (query.get("assignee") or "").strip()
        filters = TicketFilters(
            view=view,
            status=[s[:50] for s in query.getlist("status") if s][:10],
            priority=[priority] if priority else [],
            team=_int_or_none(query.get("team"), "team"),
            unassigned=assignee_raw == "none",
            assignee=None if assignee_raw == "none" else _int_or_none(assignee_raw, "assignee"),
            tag=(query.get("tag") or "").strip()[:50] or None,
            channel=query.get("channel") or None,
            type=query.get("type") or None,
            q=(query.get("q") or "").strip(),
        )
        filters.validate()
        return cls(filters=filters, sort=sort, after=query.get("after") or None)


def parse_ticket_number(query: str) -> int | None:
    """ "1234" or "#1234" → 1234 (the search box jumps to a ticket by number)."""
    digits = query.strip().lstrip("#")
    if digits.isdigit() and len(digits) < 19:
        return int(digits)
    return None


def too_many_tags_message() -> str:
    return _("Too many tags: a ticket can have at most %(n)d tags.") % {"n": MAX_TAGS_PER_TICKET}


def split_tags(value: str) -> list[str]:
    if len(value) > MAX_TAGS_INPUT:
        raise ValidationFailed(too_many_tags_message(), field="tags")
    return [t.strip() for t in value.split(",") if t.strip()]


def uploads_from(files: list[UploadedFile]) -> list[AttachmentUpload]:
    """Check count and size before reading anything into memory; the service re-checks."""
    if len(files) > MAX_ATTACHMENTS_PER_MESSAGE:
        raise ValidationFailed(
            _("At most %(n)d attachments per message.") % {"n": MAX_ATTACHMENTS_PER_MESSAGE},
            field="attachments",
        )
    limit = settings.LOOPDESK_MAX_ATTACHMENT_BYTES
    for upload in files:
        if upload.size is not None and upload.size > limit:
            raise ValidationFailed(
                _("%(name)s is larger than %(mb)d MB.")
                % {"name": (upload.name or "")[:100], "mb": limit // (1024 * 1024)},
                field="attachments",
            )
    return [
        AttachmentUpload(
            filename=upload.name or "attachment",
            content=upload.read(),
            content_type=upload.content_type or "application/octet-stream",
        )
        for upload in files
    ]


class MessageForm(forms.Form):
    """A public reply or an internal note."""

    kind = forms.ChoiceField(choices=[("reply", "reply"), ("note", "note")])
    body = forms.CharField(
        required=False,
        max_length=MAX_BODY_CHARS,
        strip=False,
        error_messages={
            "max_length": _("The message is too long (at most %(limit_value)s characters).")
        },
    )
    set_status = forms.CharField(required=False, max_length=50)


class BulkForm(forms.Form):
    ACTIONS = [("assign", _("Assign")), ("status", _("Set status")), ("tags", _("Add tags"))]

    action = forms.ChoiceField(choices=ACTIONS)
    assignee = forms.CharField(required=False, max_length=20)
    status = forms.CharField(required=False, max_length=50)
    tags = forms.CharField(required=False)  # split_tags() bounds it with a clear message

    def numbers(self, data) -> list[int]:
        raw = data.getlist("n")
        if len(raw) > MAX_BULK_TICKETS:
            raise ValidationFailed(
                _("Select at most %(n)d tickets at once.") % {"n": MAX_BULK_TICKETS}, field="n"
            )
        numbers = [_int_or_none(v, "n") for v in raw]
        return [n for n in numbers if n is not None]


def custom_field_value(definition: CustomFieldDefinition, data, name: str):
    """The raw value a form posted for one custom field, shaped for the service."""
    if definition.kind == CustomFieldKind.CHECKBOX:
        return data.get(name) in ("on", "true", "1")
    if definition.kind == CustomFieldKind.MULTISELECT:
        return [v for v in data.getlist(name) if v][:100]
    return (data.get(name) or "").strip()


class NewTicketForm(forms.Form):
    """A ticket entered by an agent on a customer's behalf (phone call, walk-in, email)."""

    contact = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    new_name = forms.CharField(label=_("Name"), required=False, max_length=200)
    new_phone = forms.CharField(label=_("Phone"), required=False, max_length=40)
    new_email = forms.CharField(label=_("Email"), required=False, max_length=254)
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[(c.value, c.label) for c in NEW_TICKET_CHANNELS],
        initial=Channel.PHONE,
    )
    subject = forms.CharField(
        label=_("Subject"),
        max_length=MAX_SUBJECT_LENGTH,
        error_messages={"max_length": _("The subject is longer than %(limit_value)s characters.")},
    )
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=MAX_BODY_CHARS,
        error_messages={
            "max_length": _("The description is too long (at most %(limit_value)s characters).")
        },
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"), choices=Priority.choices, coerce=int, initial=Priority.P3
    )
    type = forms.ChoiceField(
        label=_("Type"), choices=TicketType.choices, initial=TicketType.QUESTION
    )
    team = forms.ModelChoiceField(label=_("Team"), queryset=None, required=False, empty_label="—")
    assignee = forms.ModelChoiceField(
        label=_("Assignee"), queryset=None, required=False, empty_label="—"
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=MAX_TAGS_INPUT,
        error_messages={"max_length": _("Too many tags.")},
        help_text=_("Comma separated, e.g. printer, warranty"),
    )

    def __init__(self, *args, teams, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["assignee"].queryset = users

    def clean(self):
        data = super().clean()
        if not data.get("contact") and not any(
            (data.get(k) or "").strip() for k in ("new_name", "new_phone", "new_email")
        ):
            raise forms.ValidationError(
                _("Choose an existing contact or enter the caller's name, phone or email.")
            )
        return data


# Service error fields → the form field that shows them.
NEW_TICKET_ERROR_FIELDS = {
    "email": "new_email",
    "phone": "new_phone",
    "body": "description",
    "name": "new_name",
    "subject": "subject",
    "priority": "priority",
    "type": "type",
    "assignee": "assignee",
    "team": "team",
    "tags": "tags",
    "channel": "channel",
}
