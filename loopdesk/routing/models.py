"""Agent availability, skills, skill requirements and per-team routing settings.

Side tables keyed by user and team: routing never adds fields to accounts models.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from loopdesk.core.models import BaseModel

from .constants import (
    DEFAULT_CAPACITY,
    MAX_CAPACITY,
    MAX_LEVEL,
    MIN_LEVEL,
    AgentStatus,
    RequirementKind,
    Strategy,
)


class AgentProfile(models.Model):
    """An agent's availability: status (with when it last changed), capacity and shift.

    Routing locks these rows (in user id order) while it counts an agent's open tickets,
    so two workers cannot both hand the last free slot away.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="routing_profile",
        verbose_name=_("agent"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=AgentStatus.choices, default=AgentStatus.OFFLINE
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("capacity"),
        default=DEFAULT_CAPACITY,
        help_text=_("Most open tickets routing assigns to this agent (0: none)."),
    )
    calendar = models.ForeignKey(
        "sla.BusinessCalendar",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("shift calendar"),
        help_text=_("When set, routing only assigns during these working hours."),
    )
    last_assigned_at = models.DateTimeField(_("last routed assignment"), null=True, blank=True)

    class Meta:
        verbose_name = _("agent availability")
        verbose_name_plural = _("agent availability")
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__lte=MAX_CAPACITY), name="routing_capacity_max"
            ),
            models.CheckConstraint(
                condition=Q(status__in=AgentStatus.values), name="routing_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.status})"


class Skill(BaseModel):
    """Something an agent can do or knows: a product line, a language, "refund"."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AgentSkill(models.Model):
    """One agent's level (1 basic … 5 expert) in one skill."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="routing_skills"
    )
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="agents")
    level = models.PositiveSmallIntegerField(_("level"))

    class Meta:
        verbose_name = _("agent skill")
        verbose_name_plural = _("agent skills")
        constraints = [
            models.UniqueConstraint(fields=["user", "skill"], name="routing_agentskill_unique"),
            models.CheckConstraint(
                condition=Q(level__gte=MIN_LEVEL) & Q(level__lte=MAX_LEVEL),
                name="routing_agentskill_level",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.skill} {self.level}"


class SkillRequirement(BaseModel):
    """A ticket with this category / type / contact language / tag needs `skill` at
    `min_level` or better. A category requirement also applies to its sub-categories."""

    kind = models.CharField(_("when the ticket's"), max_length=10, choices=RequirementKind.choices)
    category = models.ForeignKey(
        "tickets.Category",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category"),
    )
    value = models.CharField(
        _("value"),
        max_length=50,
        blank=True,
        help_text=_("Type key, language code (e.g. zh-hans) or tag name."),
    )
    skill = models.ForeignKey(
        Skill, on_delete=models.CASCADE, related_name="requirements", verbose_name=_("skill")
    )
    min_level = models.PositiveSmallIntegerField(_("minimum level"), default=1)

    class Meta:
        verbose_name = _("skill requirement")
        verbose_name_plural = _("skill requirements")
        ordering = ["kind", "value", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_level__gte=MIN_LEVEL) & Q(min_level__lte=MAX_LEVEL),
                name="routing_requirement_level",
            ),
            models.CheckConstraint(
                condition=(Q(kind=RequirementKind.CATEGORY) & Q(category__isnull=False))
                | (~Q(kind=RequirementKind.CATEGORY) & Q(category__isnull=True) & ~Q(value="")),
                name="routing_requirement_target",
            ),
            models.UniqueConstraint(
                fields=["kind", "category", "value", "skill"], name="routing_requirement_unique"
            ),
        ]

    def __str__(self) -> str:
        target = self.category if self.category_id else self.value
        return f"{self.get_kind_display()} {target} → {self.skill} ≥ {self.min_level}"


class TeamRouting(BaseModel):
    """How one team's tickets are assigned. A team without a row is manual."""

    team = models.OneToOneField(
        "accounts.Team",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="routing",
        verbose_name=_("team"),
    )
    strategy = models.CharField(
        _("strategy"), max_length=20, choices=Strategy.choices, default=Strategy.MANUAL
    )
    require_all_skills = models.BooleanField(
        _("require every skill"),
        default=True,
        help_text=_(
            "Skills-based: when no available agent has every required skill, wait "
            "(on) or assign the best partial match (off)."
        ),
    )

    class Meta:
        verbose_name = _("team routing")
        verbose_name_plural = _("team routing")
        constraints = [
            models.CheckConstraint(
                condition=Q(strategy__in=Strategy.values), name="routing_strategy_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team}: {self.strategy}"
