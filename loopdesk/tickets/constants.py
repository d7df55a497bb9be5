from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_SUBJECT_LENGTH = 250
MAX_BODY_CHARS = 1_000_000  # ~1 MB of text; larger bodies are rejected, not truncated
MAX_TAGS_PER_TICKET = 50
MAX_TAG_LENGTH = 50
MAX_ATTACHMENTS_PER_MESSAGE = 20


class StatusCategory(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    PENDING = "pending", _("Pending (waiting on customer)")
    ON_HOLD = "on_hold", _("On hold (waiting on third party)")
    SOLVED = "solved", _("Solved")
    CLOSED = "closed", _("Closed")


OPEN_CATEGORIES = (
    StatusCategory.NEW,
    StatusCategory.OPEN,
    StatusCategory.PENDING,
    StatusCategory.ON_HOLD,
)
DONE_CATEGORIES = (StatusCategory.SOLVED, StatusCategory.CLOSED)


class Priority(models.IntegerChoices):
    P1 = 1, _("P1 · Urgent")
    P2 = 2, _("P2 · High")
    P3 = 3, _("P3 · Normal")
    P4 = 4, _("P4 · Low")


class TicketType(models.TextChoices):
    QUESTION = "question", _("Question")
    INCIDENT = "incident", _("Incident")
    REPAIR = "repair", _("Repair")
    RETURN = "return", _("Return / exchange")
    COMPLAINT = "complaint", _("Complaint")
    TASK = "task", _("Task")


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    WEB = "web", _("Web form")
    PORTAL = "portal", _("Portal")
    CHAT = "chat", _("Live chat")
    WECHAT = "wechat", _("WeChat")
    PHONE = "phone", _("Phone")
    WALK_IN = "walk_in", _("Walk-in")
    API = "api", _("API")
    AGENT = "agent", _("Agent workspace")


class MessageKind(models.TextChoices):
    REPLY = "reply", _("Public reply")
    NOTE = "note", _("Internal note")


class Direction(models.TextChoices):
    INBOUND = "inbound", _("From customer")
    OUTBOUND = "outbound", _("To customer")
    INTERNAL = "internal", _("Internal")


class CauseKind(models.TextChoices):
    PERSON = "person", _("Person")
    RULE = "rule", _("Rule")
    CHANNEL = "channel", _("Channel")
    SYSTEM = "system", _("System")
    API = "api", _("API")
