from django import forms
from django.utils.translation import gettext_lazy as _

from loopdesk.tickets.constants import MAX_SUBJECT_LENGTH, TicketType

MAX_DESCRIPTION = 50_000


class LoginForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password (if you set one)"),
        required=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class PasswordForm(forms.Form):
    password = forms.CharField(
        label=_("New password"),
        required=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to remove your password and use email links only."),
    )
    password_again = forms.CharField(
        label=_("New password again"),
        required=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password", "") != data.get("password_again", ""):
            raise forms.ValidationError(_("The two passwords differ."))
        return data


class RequestForm(forms.Form):
    """The public request form. `website` is the honeypot: hidden from people, filled
    by bots."""

    email = forms.EmailField(
        label=_("Your email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    type = forms.ChoiceField(label=_("Request type"), choices=TicketType.choices)
    subject = forms.CharField(
        label=_("Subject"),
        max_length=MAX_SUBJECT_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    website = forms.CharField(required=False, label=_("Leave this field empty"))

    def __init__(self, *args, contact=None, **kwargs):
        super().__init__(*args, **kwargs)
        if contact is not None:
            # A logged-in customer: the request is theirs, no address to type.
            del self.fields["email"]
            del self.fields["name"]


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        max_length=MAX_DESCRIPTION,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class RatingForm(forms.Form):
    # The score is validated by the service (1–5); the form only carries it.
    score = forms.CharField(required=False, max_length=10)
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
