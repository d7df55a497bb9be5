from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from loopdesk.core.models import BaseModel


class CustomFieldKind(models.TextChoices):
    TEXT = "text", _("Text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    SELECT = "select", _("Select")
    MULTISELECT = "multiselect", _("Multi-select")
    CHECKBOX = "checkbox", _("Checkbox")


class CustomFieldDefinition(BaseModel):
    """An admin-defined ticket field. Values live in Ticket.custom_fields[key]."""

    key = models.SlugField(_("key"), max_length=50, unique=True)
    label = models.CharField(_("label (English)"), max_length=100)
    label_zh_hans = models.CharField(_("label (Chinese)"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=CustomFieldKind.choices)
    options = models.JSONField(
        _("options"),
        default=list,
        blank=True,
        help_text=_('For select fields: a list of values, e.g. ["A", "B"].'),
    )
    required = models.BooleanField(_("required"), default=False)
    ticket_types = models.JSONField(
        _("ticket types"), default=list, blank=True, help_text=_("Empty: every type.")
    )
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("custom field")
        verbose_name_plural = _("custom fields")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.display_label

    @property
    def display_label(self) -> str:
        if (get_language() or "").lower().startswith("zh") and self.label_zh_hans:
            return self.label_zh_hans
        return self.label

    def applies_to(self, ticket_type: str) -> bool:
        return not self.ticket_types or ticket_type in self.ticket_types
