from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..constants import CauseKind


class TicketEventType(models.TextChoices):
    CREATED = "ticket.created", _("created the ticket")
    STATUS_CHANGED = "ticket.status_changed", _("changed the status")
    REOPENED = "ticket.reopened", _("reopened the ticket")
    ASSIGNED = "ticket.assigned", _("changed the assignee")
    TEAM_CHANGED = "ticket.team_changed", _("changed the team")
    PRIORITY_CHANGED = "ticket.priority_changed", _("changed the priority")
    TYPE_CHANGED = "ticket.type_changed", _("changed the type")
    CATEGORY_CHANGED = "ticket.category_changed", _("changed the category")
    SUBJECT_CHANGED = "ticket.subject_changed", _("changed the subject")
    TAGS_CHANGED = "ticket.tags_changed", _("changed the tags")
    CUSTOM_FIELDS_CHANGED = "ticket.custom_fields_changed", _("changed custom fields")
    FOLLOWERS_CHANGED = "ticket.followers_changed", _("changed the followers")
    CUSTOMER_REPLIED = "message.customer_replied", _("received a customer message")
    REPLY_SENT = "message.reply_sent", _("replied to the customer")
    NOTE_ADDED = "message.note_added", _("added an internal note")
    MENTIONED = "message.mentioned", _("mentioned agents")
    SLA_POLICY_APPLIED = "sla.policy_applied", _("applied an SLA policy")
    SLA_STARTED = "sla.started", _("started an SLA clock")
    SLA_PAUSED = "sla.paused", _("paused an SLA clock")
    SLA_RESUMED = "sla.resumed", _("resumed an SLA clock")
    SLA_FULFILLED = "sla.fulfilled", _("fulfilled an SLA target")
    SLA_WARNING = "sla.warning", _("warned that an SLA target is near")
    SLA_BREACHED = "sla.breached", _("breached an SLA target")
    SLA_ESCALATED = "sla.escalated", _("escalated the ticket")
    RULE_APPLIED = "automation.rule_applied", _("applied a rule")
    MACRO_APPLIED = "automation.macro_applied", _("applied a macro")
    RULE_LOOP_CAPPED = "automation.loop_capped", _("stopped rules running in a loop")
    EMAIL_AUTO_REPLY = "email.auto_reply", _("received an automatic reply")
    EMAIL_BOUNCED = "email.bounced", _("received a bounce: mail was not delivered")
    EMAIL_DELIVERY_FAILED = "email.delivery_failed", _("could not send an email")
    ROUTING_DECISION = "routing.decision", _("routed the ticket")
    CSAT_RECEIVED = "csat.received", _("received a satisfaction rating")


class TicketEvent(models.Model):
    """An immutable record of one change: who, when, what (old → new), and why.

    Written by the service that made the change, in the same transaction.
    """

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="events")
    # Validated by TicketEventType in code, not by `choices`: apps add event types
    # (automation, routing, email, CSAT) without a migration of this table.
    type = models.CharField(max_length=50)
    created_at = models.DateTimeField(auto_now_add=True)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_contact = models.ForeignKey(
        "customers.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cause_kind = models.CharField(max_length=20, choices=CauseKind.choices)
    cause_ref = models.CharField(
        max_length=200, blank=True, help_text="Which rule, channel or API key; or a reason given."
    )
    changes = models.JSONField(default=dict, blank=True)  # {"field": [old, new]} with labels
    message = models.ForeignKey(
        "tickets.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        indexes = [
            models.Index(fields=["ticket", "created_at", "id"], name="evt_ticket_created"),
            models.Index(fields=["type", "created_at"], name="evt_type_created"),
        ]

    def __str__(self) -> str:
        return f"{self.type} on {self.ticket_id}"

    def get_type_display(self) -> str:
        try:
            return str(TicketEventType(self.type).label)
        except ValueError:
            return self.type
