"""Forms of the mailbox settings and the quarantine filter."""

from __future__ import annotations

from dataclasses import fields

from django import forms
from django.utils.translation import gettext_lazy as _

from loopdesk.accounts.models import Team
from loopdesk.channels.email.mailboxes import (
    MAX_POLL_INTERVAL,
    MIN_POLL_INTERVAL,
    MailboxData,
)
from loopdesk.channels.models import InboundResult, Mailbox, ProcessedAction, Security


class MailboxForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    address = forms.EmailField(
        label=_("Support address"),
        max_length=254,
        help_text=_("The address customers write to, e.g. support@example.com."),
    )
    from_name = forms.CharField(
        label=_("Sender name"),
        max_length=100,
        required=False,
        help_text=_("Shown as the sender of mail sent from this mailbox."),
    )
    default_team = forms.ModelChoiceField(
        label=_("Default team"),
        queryset=Team.objects.order_by("name"),
        required=False,
        help_text=_("New tickets from this mailbox go to this team."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    imap_host = forms.CharField(
        label=_("IMAP server"),
        max_length=255,
        required=False,
        help_text=_("Leave empty to send only (mail arrives by the pipe or a webhook)."),
    )
    imap_port = forms.IntegerField(label=_("IMAP port"), min_value=1, max_value=65535, initial=993)
    imap_security = forms.ChoiceField(
        label=_("IMAP security"), choices=Security.choices, initial=Security.SSL
    )
    imap_user = forms.CharField(label=_("IMAP user"), max_length=255, required=False)
    imap_password = forms.CharField(
        label=_("IMAP password"),
        required=False,
        max_length=500,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=False),
    )
    imap_folder = forms.CharField(label=_("Folder"), max_length=255, initial="INBOX")
    processed_action = forms.ChoiceField(
        label=_("After processing"), choices=ProcessedAction.choices, initial=ProcessedAction.SEEN
    )
    processed_folder = forms.CharField(
        label=_("Move to folder"),
        max_length=255,
        required=False,
        help_text=_("Only for “Move to folder”; the folder must exist."),
    )
    poll_interval = forms.IntegerField(
        label=_("Poll interval (seconds)"),
        min_value=MIN_POLL_INTERVAL,
        max_value=MAX_POLL_INTERVAL,
        initial=60,
    )

    smtp_host = forms.CharField(
        label=_("SMTP server"),
        max_length=255,
        required=False,
        help_text=_("Leave empty to send through the system's default mail server."),
    )
    smtp_port = forms.IntegerField(label=_("SMTP port"), min_value=1, max_value=65535, initial=465)
    smtp_security = forms.ChoiceField(
        label=_("SMTP security"), choices=Security.choices, initial=Security.SSL
    )
    smtp_user = forms.CharField(label=_("SMTP user"), max_length=255, required=False)
    smtp_password = forms.CharField(
        label=_("SMTP password"),
        required=False,
        max_length=500,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=False),
    )

    PASSWORD_FIELDS = ("imap_password", "smtp_password")

    def __init__(self, *args, instance: Mailbox | None = None, **kwargs) -> None:
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                f.name: getattr(instance, f.name)
                for f in fields(MailboxData)
                if f.name not in self.PASSWORD_FIELDS
            }
        super().__init__(*args, **kwargs)
        for name in self.PASSWORD_FIELDS:
            stored = instance is not None and bool(getattr(instance, name))
            self.fields[name].help_text = (
                _("A password is stored. Leave empty to keep it.")
                if stored
                else _("Stored encrypted; never shown again.")
            )

    def to_data(self) -> MailboxData:
        cleaned = self.cleaned_data
        return MailboxData(**{f.name: cleaned.get(f.name) for f in fields(MailboxData)})


class InboundFilterForm(forms.Form):
    SHOW_CHOICES = [
        ("quarantined", _("Quarantined")),
        ("all", _("All received mail")),
    ]
    show = forms.ChoiceField(choices=SHOW_CHOICES, required=False)
    result = forms.ChoiceField(
        choices=[("", _("Any result")), *InboundResult.choices], required=False
    )
    mailbox = forms.ModelChoiceField(
        queryset=Mailbox.objects.order_by("name"), required=False, empty_label=_("Any mailbox")
    )
