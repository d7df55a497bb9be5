"""Fixed vocabularies of the rule engine (shared by schemas, engine, editor and API)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

SCHEMA_VERSION = 1
MAX_CONDITIONS = 50
MAX_ACTIONS = 20
MAX_TEXT = 5000  # note/email bodies
MAX_VALUE = 500  # a condition value
# Per ticket, rule executions from triggers in one rolling hour before the loop guard stops
# them (and records an alert event); a setting may lower or raise it.
DEFAULT_HOURLY_CAP = 30
DRY_RUN_SCAN = 500  # most recent tickets a dry run looks at
DRY_RUN_SAMPLE = 10
TICK_SECONDS = 30  # time-rule scheduler interval: due rules fire within a minute
TICK_BATCH = 500


class RuleKind(models.TextChoices):
    TRIGGER = "trigger", _("Trigger (on an event)")
    TIME = "time", _("Time rule (checked every minute)")


class EventKind(models.TextChoices):
    CREATED = "created", _("Ticket created")
    UPDATED = "updated", _("Ticket updated")
    FIELD_CHANGED = "field_changed", _("Field changed to")
    CUSTOMER_REPLIED = "customer_replied", _("Customer replied")
    AGENT_REPLIED = "agent_replied", _("Agent replied")
    SLA_WARNING = "sla_warning", _("SLA warning")
    SLA_BREACH = "sla_breach", _("SLA breach")


class Outcome(models.TextChoices):
    APPLIED = "applied", _("Applied")
    FAILED = "failed", _("Failed")
    CAPPED = "capped", _("Stopped by the loop guard")


class Language(models.TextChoices):
    ZH_HANS = "zh-hans", _("Chinese (Simplified)")
    EN = "en", _("English")


FIELD_LABELS = {
    "status": _("Status"),
    "status_category": _("Status category"),
    "priority": _("Priority"),
    "type": _("Type"),
    "category": _("Category"),
    "channel": _("Channel"),
    "team": _("Team"),
    "assignee": _("Assignee"),
    "subject": _("Subject"),
    "message": _("Message text"),
    "subject_or_message": _("Subject or message text"),
    "tags": _("Tags"),
    "contact_email": _("Customer email"),
    "organization": _("Organisation"),
    "customer_vip": _("Customer is VIP"),
    "within_business_hours": _("Within business hours"),
    "hours_since_created": _("Hours since created"),
    "hours_since_updated": _("Hours since updated"),
    "hours_since_last_customer_message": _("Hours since last customer message"),
    "hours_since_last_agent_reply": _("Hours since last agent reply"),
    "custom_field": _("Custom field"),
}

OPERATOR_LABELS = {
    "is": _("is"),
    "is_not": _("is not"),
    "changed": _("changed"),
    "changed_to": _("changed to"),
    "contains": _("contains"),
    "starts_with": _("starts with"),
    "in_list": _("is in list"),
    "greater_than": _("greater than"),
    "less_than": _("less than"),
}

ACTION_LABELS = {
    "set_field": _("Set field"),
    "assign_agent": _("Assign to agent"),
    "assign_team": _("Assign to team"),
    "assign_by_strategy": _("Assign by the team's strategy"),
    "add_tags": _("Add tags"),
    "remove_tags": _("Remove tags"),
    "add_note": _("Add internal note"),
    "email_contact": _("Email the customer"),
    "email_agent": _("Email an agent"),
    "email_team": _("Email a team"),
    "webhook": _("Send a webhook"),
    "escalate": _("Escalate (notify supervisors)"),
}
