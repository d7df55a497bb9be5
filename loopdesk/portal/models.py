"""Portal data kept beside the customers app: per-contact portal accounts, magic-link
tokens (hashed), CSAT surveys and answers, held (spam) web-form posts and deflection
clicks."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from loopdesk.core.models import BaseModel


class PortalAccount(BaseModel):
    """A contact's portal settings: organisation admin flag and an optional password.

    Without a row the contact can still log in by magic link (one is created then)."""

    contact = models.OneToOneField(
        "customers.Contact",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="portal_account",
        verbose_name=_("contact"),
    )
    is_org_admin = models.BooleanField(
        _("organisation admin"),
        default=False,
        help_text=_("Sees every ticket of the contact's organisation in the portal."),
    )
    password = models.CharField(_("password hash"), max_length=128, blank=True)
    last_login_at = models.DateTimeField(_("last login"), null=True, blank=True)

    class Meta:
        verbose_name = _("portal account")
        verbose_name_plural = _("portal accounts")

    def __str__(self) -> str:
        return str(self.contact)


class MagicLink(models.Model):
    """A single-use login link. Only the SHA-256 of the 256-bit token is stored; it is
    consumed by one conditional UPDATE, so two clicks cannot both log in."""

    contact = models.ForeignKey(
        "customers.Contact", on_delete=models.CASCADE, related_name="+", verbose_name=_("contact")
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("magic link")
        verbose_name_plural = _("magic links")
        indexes = [models.Index(fields=["expires_at"], name="portal_link_expires")]

    def __str__(self) -> str:
        return f"link for contact {self.contact_id}"


class CsatSurvey(models.Model):
    """A survey sent when a ticket was solved, with the agent and team of that moment."""

    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="+", verbose_name=_("ticket")
    )
    contact = models.ForeignKey(
        "customers.Contact", on_delete=models.CASCADE, related_name="+", verbose_name=_("contact")
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agent"),
    )
    team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team"),
    )
    email = models.CharField(_("sent to"), max_length=254)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)
    mailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        indexes = [models.Index(fields=["ticket", "-sent_at"], name="portal_survey_ticket")]

    def __str__(self) -> str:
        return f"survey for ticket {self.ticket_id}"


class CsatResponse(BaseModel):
    """The customer's answer for one ticket (one per ticket, editable for a while)."""

    ticket = models.OneToOneField(
        "tickets.Ticket",
        on_delete=models.CASCADE,
        related_name="csat_response",
        verbose_name=_("ticket"),
    )
    contact = models.ForeignKey(
        "customers.Contact",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("contact"),
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agent"),
    )
    team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team"),
    )
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("satisfaction rating")
        verbose_name_plural = _("satisfaction ratings")
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1) & Q(score__lte=5), name="portal_csat_score_1_5"
            )
        ]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="portal_csat_created"),
            models.Index(fields=["agent", "-created_at"], name="portal_csat_agent"),
            models.Index(fields=["team", "-created_at"], name="portal_csat_team"),
        ]

    def __str__(self) -> str:
        return f"{self.score}/5 for ticket {self.ticket_id}"


class HeldSubmission(models.Model):
    """A web-form post held as probable spam (honeypot filled): kept for review, never
    silently dropped, and never a ticket."""

    email = models.CharField(_("email"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=250, blank=True)
    body = models.TextField(_("description"), blank=True)
    reason = models.CharField(_("reason"), max_length=50)
    ip_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("held web-form post")
        verbose_name_plural = _("held web-form posts")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.reason}: {self.subject[:50]}"


class DeflectionClick(models.Model):
    """A visitor of the web form opened a suggested article. `form_session` ties the
    clicks of one form visit together; a later submission of that visit marks them."""

    form_session = models.CharField(max_length=64, db_index=True)
    article_url = models.CharField(_("article"), max_length=500)
    article_title = models.CharField(_("title"), max_length=300, blank=True)
    query = models.CharField(_("typed subject"), max_length=250, blank=True)
    clicked_at = models.DateTimeField(auto_now_add=True, db_index=True)
    submitted = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("deflection click")
        verbose_name_plural = _("deflection clicks")

    def __str__(self) -> str:
        return self.article_title or self.article_url
