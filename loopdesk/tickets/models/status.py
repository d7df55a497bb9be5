from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from loopdesk.core.models import BaseModel

from ..constants import StatusCategory


class Status(BaseModel):
    """A lifecycle status an admin can name; behaviour follows its fixed category."""

    key = models.SlugField(_("key"), max_length=50, unique=True)
    name = models.CharField(_("name (English)"), max_length=100)
    name_zh_hans = models.CharField(_("name (Chinese)"), max_length=100, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=StatusCategory.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_default = models.BooleanField(
        _("default for its category"),
        default=False,
        help_text=_("Used when the system moves a ticket into this category (e.g. reopen)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    allowed_next = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        verbose_name=_("allowed next statuses"),
        help_text=_("Leave empty to allow every status (closed tickets stay closed)."),
    )

    class Meta:
        verbose_name = _("status")
        verbose_name_plural = _("statuses")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if (get_language() or "").lower().startswith("zh") and self.name_zh_hans:
            return self.name_zh_hans
        return self.name
