"""Fixed choices of the routing app."""

from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_CAPACITY = 10
MAX_CAPACITY = 500
MIN_LEVEL = 1
MAX_LEVEL = 5
# How many waiting tickets one sweep of one team tries at most (oldest first).
SWEEP_BATCH = 200
SWEEP_SECONDS = 30


class AgentStatus(models.TextChoices):
    ONLINE = "online", _("Online")
    AWAY = "away", _("Away")
    OFFLINE = "offline", _("Offline")


class Strategy(models.TextChoices):
    MANUAL = "manual", _("Manual (no automatic assignment)")
    ROUND_ROBIN = "round_robin", _("Round robin")
    LEAST_LOAD = "least_load", _("Least open load")
    SKILLS = "skills", _("Skills-based")


class RequirementKind(models.TextChoices):
    CATEGORY = "category", _("Category")
    TYPE = "type", _("Ticket type")
    LANGUAGE = "language", _("Contact language")
    TAG = "tag", _("Tag")


class Exclusion(models.TextChoices):
    """Why a team member was not eligible (stored in decisions, rendered when read)."""

    OFFLINE = "offline", _("offline")
    AWAY = "away", _("away")
    OFF_SHIFT = "off_shift", _("outside working hours")
    AT_CAPACITY = "at_capacity", _("at capacity")
    MISSING_SKILLS = "missing_skills", _("lacks a required skill")
