from django.db import models
from django.utils.translation import gettext_lazy as _

from loopdesk.core.models import BaseModel


class Tier(models.TextChoices):
    STANDARD = "standard", _("Standard")
    VIP = "vip", _("VIP")


class Organization(BaseModel):
    """A customer company; its contacts' tickets roll up to it."""

    name = models.CharField(_("name"), max_length=200)
    domain = models.CharField(_("email domain"), max_length=200, blank=True, db_index=True)
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices, default=Tier.STANDARD)
    notes = models.TextField(_("notes"), blank=True)
    external_id = models.CharField(_("external id"), max_length=100, blank=True, db_index=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Contact(BaseModel):
    """One customer person, however many channels they use (see ContactIdentity)."""

    name = models.CharField(_("name"), max_length=200)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("organisation"),
    )
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices, default=Tier.STANDARD)
    notes = models.TextField(_("notes"), blank=True)
    # Denormalised for display and search; the identities are the truth.
    primary_email = models.CharField(max_length=254, blank=True, db_index=True)
    primary_phone = models.CharField(max_length=32, blank=True, db_index=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["name"]
        indexes = [models.Index(fields=["name"], name="contact_name_idx")]

    def __str__(self) -> str:
        return self.name or self.primary_email or self.primary_phone or f"#{self.pk}"

    @property
    def is_vip(self) -> bool:
        return self.tier == Tier.VIP or (
            self.organization is not None and self.organization.tier == Tier.VIP
        )


class IdentityKind(models.TextChoices):
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    WECHAT = "wechat", _("WeChat OpenID")
    EXTERNAL = "external", _("External id")


class ContactIdentity(BaseModel):
    """An address by which a contact reaches us. Unique per (kind, normalised value)."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="identities")
    kind = models.CharField(_("kind"), max_length=20, choices=IdentityKind.choices)
    value = models.CharField(_("value"), max_length=254)
    is_primary = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("contact identity")
        verbose_name_plural = _("contact identities")
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="identity_kind_value_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"
