from django.db import models
from django.utils.translation import gettext_lazy as _


class Metric(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("First response")
    NEXT_RESPONSE = "next_response", _("Next response")
    RESOLUTION = "resolution", _("Resolution")


class ClockState(models.TextChoices):
    RUNNING = "running", _("Running")
    PAUSED = "paused", _("Paused")
    FULFILLED = "fulfilled", _("Fulfilled")
    CANCELLED = "cancelled", _("Cancelled")  # e.g. the policy no longer applies


class ExceptionKind(models.TextChoices):
    CLOSED = "closed", _("Closed (holiday)")
    WORKING = "working", _("Working day (e.g. make-up working day)")


# Status categories that pause each metric unless the policy says otherwise.
DEFAULT_PAUSE = {
    Metric.FIRST_RESPONSE: [],
    Metric.NEXT_RESPONSE: ["pending", "on_hold"],
    Metric.RESOLUTION: ["pending", "on_hold"],
}
