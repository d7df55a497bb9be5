from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from loopdesk.core.models import BaseModel

from .constants import ClockState, ExceptionKind, Metric


class BusinessCalendar(BaseModel):
    """Working hours in one time zone: weekly intervals plus dated exceptions."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CalendarInterval(models.Model):
    """One working interval of a weekday, e.g. Monday 09:00–12:00 (several per day allowed)."""

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="intervals"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"))  # 0 = Monday … 6 = Sunday
    start = models.TimeField(_("start"))
    end = models.TimeField(_("end"))

    class Meta:
        ordering = ["weekday", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lt=models.F("end")), name="cal_interval_start_before_end"
            ),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="cal_interval_weekday_range"),
        ]

    def __str__(self) -> str:
        return f"{self.weekday} {self.start:%H:%M}–{self.end:%H:%M}"


class CalendarException(models.Model):
    """A dated override: a closed day (holiday) or a working day with its own hours
    (China's 调休 make-up working days fall on weekends)."""

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="exceptions"
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=ExceptionKind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)
    # For working days: [["09:00", "12:00"], ["13:30", "18:00"]]; empty means the hours of a
    # normal weekday of this calendar (Monday's).
    intervals = models.JSONField(_("hours"), default=list, blank=True)
    source = models.CharField(
        max_length=30, blank=True, help_text="e.g. 'china-preset' or empty for manual"
    )

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="cal_exception_unique_date")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.kind}"


class SlaPolicy(BaseModel):
    """Targets for tickets matching its conditions. The first active match (by order) applies."""

    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    # All given conditions must match; each is a list of allowed values:
    # {"priority": [1, 2], "type": ["repair"], "channel": ["email"], "team": [3],
    #  "organization": [7], "tier": ["vip"], "tags": ["vip"]}
    conditions = models.JSONField(_("conditions"), default=dict, blank=True)
    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="policies",
        help_text=_("Used by targets in business time."),
    )
    # {"first_response": [], "next_response": ["pending", "on_hold"], "resolution": [...]}
    pause_categories = models.JSONField(_("pause in status categories"), default=dict, blank=True)
    # xgettext:no-python-format
    warn_at_percent = models.PositiveSmallIntegerField(_("warn at % of target"), default=75)
    # What the scheduler does, e.g. {"warning": [{"action": "notify", "to": "assignee"}],
    #  "breach": [{"action": "notify", "to": "supervisors"}, {"action": "raise_priority"},
    #             {"action": "set_team", "team": 3}, {"action": "add_tag", "tag": "sla-breach"}]}
    escalation = models.JSONField(_("escalation actions"), default=dict, blank=True)

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


class SlaTarget(models.Model):
    """One metric's target for one priority (or every priority when priority is empty)."""

    policy = models.ForeignKey(SlaPolicy, on_delete=models.CASCADE, related_name="targets")
    metric = models.CharField(_("metric"), max_length=20, choices=Metric.choices)
    priority = models.PositiveSmallIntegerField(_("priority"), null=True, blank=True)
    minutes = models.PositiveIntegerField(_("minutes"))
    business_hours = models.BooleanField(_("in business hours"), default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "metric", "priority"], name="sla_target_unique"
            ),
            models.CheckConstraint(condition=Q(minutes__gt=0), name="sla_target_minutes_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.metric} P{self.priority or '*'} {self.minutes} min"


class TicketClock(models.Model):
    """The state of one SLA clock of a ticket: one row per (ticket, metric, cycle).

    next_response starts a new cycle at each customer message that follows an agent reply.
    The rows are derived from the ticket's events (see sla.clocks); they are stored so the
    scheduler can find due clocks by index and reports can read results without recomputing.
    """

    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="sla_clocks"
    )
    metric = models.CharField(max_length=20, choices=Metric.choices)
    cycle = models.PositiveIntegerField(default=1)
    policy = models.ForeignKey(SlaPolicy, on_delete=models.SET_NULL, null=True, blank=True)
    target_minutes = models.PositiveIntegerField()
    business_hours = models.BooleanField(default=True)
    state = models.CharField(max_length=10, choices=ClockState.choices)
    started_at = models.DateTimeField()
    due_at = models.DateTimeField(null=True, blank=True)  # set while running
    warn_at = models.DateTimeField(null=True, blank=True)  # set while running
    paused_at = models.DateTimeField(null=True, blank=True)
    used_seconds = models.BigIntegerField(default=0)  # business seconds used up to the last stop
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    breached = models.BooleanField(default=False)
    # Idempotency of the scheduler's actions: set once, by a conditional UPDATE.
    warning_fired_at = models.DateTimeField(null=True, blank=True)
    breach_fired_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "metric", "cycle"], name="ticket_clock_unique"
            )
        ]
        indexes = [
            # The scheduler's two questions: which running clocks are past warn_at / due_at?
            models.Index(
                fields=["due_at"],
                condition=Q(state="running", breach_fired_at__isnull=True),
                name="clock_due_pending",
            ),
            models.Index(
                fields=["warn_at"],
                condition=Q(state="running", warning_fired_at__isnull=True),
                name="clock_warn_pending",
            ),
            models.Index(fields=["ticket", "metric", "-cycle"], name="clock_ticket_metric"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.metric}#{self.cycle} {self.state}"


class TicketSla(models.Model):
    """Per ticket: the policy in force and the SLA fold state after the last applied event.

    The state is the serialised output of sla.clocks (a pure function of the ticket's
    events and the policy/calendar); TicketClock rows are its queryable projection.
    """

    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.CASCADE, related_name="sla")
    policy = models.ForeignKey(SlaPolicy, on_delete=models.SET_NULL, null=True, blank=True)
    last_event_id = models.BigIntegerField(default=0)
    state = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"SLA of ticket {self.ticket_id}"
