from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from loopdesk.core.models import BaseModel

from ..constants import OPEN_CATEGORIES, Channel, Priority, StatusCategory, TicketType
from .managers import TicketQuerySet

# The partial indexes' condition, and the filter for open tickets: the same categories in
# the same order, written into the SQL as constants (core/lookups.py), or SQLite ignores
# the indexes.
OPEN_INDEX_Q = Q(status_category__in=[c.value for c in OPEN_CATEGORIES])
OPEN_Q = Q(status_category__lit_in=[c.value for c in OPEN_CATEGORIES])


class Category(BaseModel):
    """A node of the category / product tree (e.g. 空调 › 安装)."""

    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="category_parent_name_unique")
        ]

    def __str__(self) -> str:
        return f"{self.parent} › {self.name}" if self.parent_id else self.name


class Tag(models.Model):
    """A free label; names are case-folded and unique."""

    name = models.CharField(_("name"), max_length=50, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Ticket(BaseModel):
    """One customer request, however many messages and channels it spans."""

    number = models.BigIntegerField(_("number"), unique=True)
    subject = models.CharField(_("subject"), max_length=250)
    status = models.ForeignKey("tickets.Status", on_delete=models.PROTECT, verbose_name=_("status"))
    # Copy of status.category so inbox filters use one index and no join.
    status_category = models.CharField(max_length=20, choices=StatusCategory.choices)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.P3
    )
    type = models.CharField(
        _("type"), max_length=20, choices=TicketType.choices, default=TicketType.QUESTION
    )
    category = models.ForeignKey(
        Category, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("category")
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    contact = models.ForeignKey(
        "customers.Contact",
        on_delete=models.PROTECT,
        related_name="tickets",
        verbose_name=_("contact"),
    )
    organization = models.ForeignKey(
        "customers.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("organisation"),
    )
    team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("team"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
        verbose_name=_("assignee"),
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="tickets", verbose_name=_("tags"))
    custom_fields = models.JSONField(_("custom fields"), default=dict, blank=True)
    followers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="followed_tickets",
        verbose_name=_("followers"),
    )
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )
    first_response_at = models.DateTimeField(null=True, blank=True)
    solved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    last_customer_message_at = models.DateTimeField(null=True, blank=True)
    last_agent_message_at = models.DateTimeField(null=True, blank=True)
    message_count = models.PositiveIntegerField(default=0)

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            # Each saved view filters on one of these prefixes and sorts by updated_at, pk.
            models.Index(fields=["status_category", "-updated_at", "-id"], name="tk_cat_upd"),
            models.Index(
                fields=["assignee", "status_category", "-updated_at", "-id"], name="tk_asg_cat_upd"
            ),
            models.Index(
                fields=["team", "status_category", "-updated_at", "-id"], name="tk_team_cat_upd"
            ),
            models.Index(
                fields=["team", "assignee", "status_category", "-updated_at"],
                name="tk_team_asg_cat",
            ),
            models.Index(fields=["-updated_at", "-id"], name="tk_upd"),
            # Partial indexes for the open queues (mine, my teams, unassigned, all open):
            # only open tickets, so their size follows the backlog, not the history.
            models.Index(fields=["-updated_at", "-id"], condition=OPEN_INDEX_Q, name="tk_open_upd"),
            models.Index(
                fields=["team", "-updated_at", "-id"],
                condition=OPEN_INDEX_Q,
                name="tk_open_team_upd",
            ),
            models.Index(
                fields=["assignee", "-updated_at", "-id"],
                condition=OPEN_INDEX_Q,
                name="tk_open_asg_upd",
            ),
            models.Index(fields=["-created_at", "-id"], name="tk_created"),
            models.Index(fields=["contact", "-created_at"], name="tk_contact"),
            models.Index(fields=["organization", "-created_at"], name="tk_org"),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status_category not in (StatusCategory.SOLVED, StatusCategory.CLOSED)
