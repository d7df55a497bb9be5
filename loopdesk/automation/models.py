"""Rules, their execution log and time-rule due rows; macros and canned replies."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from loopdesk.core.models import BaseModel

from .constants import SCHEMA_VERSION, Language, Outcome, RuleKind


class Rule(BaseModel):
    """A trigger or time rule: conditions and actions as versioned JSON (see schemas.py).

    Written only by services.rules, which validate the definition against the schema and
    the database (a status that does not exist is refused at save time)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=RuleKind.choices)
    # Trigger event kinds (EventKind values); empty for time rules.
    events = models.JSONField(_("events"), default=list, blank=True)
    conditions = models.JSONField(_("conditions"), default=dict, blank=True)
    actions = models.JSONField(_("actions"), default=list)
    schema_version = models.PositiveSmallIntegerField(default=SCHEMA_VERSION)
    revision = models.PositiveIntegerField(default=1)  # +1 on every saved change
    order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    stop_processing = models.BooleanField(_("stop processing later rules"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("rule")
        verbose_name_plural = _("rules")
        ordering = ["order", "pk"]
        indexes = [models.Index(fields=["is_active", "kind", "order"], name="rule_active_kind")]

    def __str__(self) -> str:
        return self.name

    @property
    def actor_ref(self) -> str:
        return f"Rule: {self.name}"


class RuleExecution(models.Model):
    """One execution of a rule (or a macro) on a ticket: the execution log."""

    rule = models.ForeignKey(
        Rule, on_delete=models.CASCADE, null=True, blank=True, related_name="executions"
    )
    macro = models.ForeignKey(
        "automation.Macro", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=20)  # event kind, "time", "macro"
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    changes = models.JSONField(default=dict, blank=True)  # {field: [old, new]} and side effects
    error = models.CharField(max_length=500, blank=True)
    depth = models.PositiveSmallIntegerField(default=0)
    rule_revision = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rule execution")
        verbose_name_plural = _("rule executions")
        indexes = [
            models.Index(fields=["rule", "-created_at"], name="ruleexec_rule"),
            models.Index(fields=["ticket", "created_at"], name="ruleexec_ticket"),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id or self.macro_id} on {self.ticket_id}: {self.outcome}"


class RuleDue(models.Model):
    """When a time rule is next due on a ticket. `anchor` names the condition window (the
    timestamps the due time was computed from); a rule fires at most once per window."""

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    due_at = models.DateTimeField()
    anchor = models.CharField(max_length=200)
    claimed_at = models.DateTimeField(null=True, blank=True)
    fired_at = models.DateTimeField(null=True, blank=True)  # set only when the actions ran

    class Meta:
        verbose_name = _("time rule due time")
        verbose_name_plural = _("time rule due times")
        constraints = [
            models.UniqueConstraint(fields=["rule", "ticket"], name="ruledue_rule_ticket")
        ]
        indexes = [
            # The scheduler's only query: unclaimed rows by due time.
            models.Index(
                fields=["due_at"], condition=Q(claimed_at__isnull=True), name="ruledue_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"rule {self.rule_id} ticket {self.ticket_id} at {self.due_at}"


class Macro(BaseModel):
    """Several actions applied in one click by an agent; personal (owner) or per team."""

    name = models.CharField(_("name"), max_length=100)
    actions = models.JSONField(_("actions"), default=list)
    schema_version = models.PositiveSmallIntegerField(default=SCHEMA_VERSION)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("macro")
        verbose_name_plural = _("macros")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class CannedReply(BaseModel):
    """A reply template with {{ placeholders }}; personal (owner), per team, or shared."""

    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(_("body"))
    language = models.CharField(_("language"), max_length=10, choices=Language.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title
