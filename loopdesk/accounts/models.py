from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext_lazy as _

from loopdesk.core.models import BaseModel


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin")
    SUPERVISOR = "supervisor", _("Supervisor")
    AGENT = "agent", _("Agent")
    TECHNICIAN = "technician", _("Technician")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra):
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("role", Role.ADMIN)
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A staff member: admin, supervisor, agent or field technician. Logs in by email."""

    email = models.EmailField(_("email"), unique=True)
    display_name = models.CharField(_("display name"), max_length=150)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.AGENT)
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=[("en", "English"), ("zh-hans", "简体中文")],
        default="zh-hans",
    )
    timezone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")
    signature = models.TextField(_("signature"), blank=True)
    notify_assigned = models.BooleanField(
        _("email me when a ticket is assigned to me"), default=True
    )
    notify_mentioned = models.BooleanField(_("email me when I am @mentioned"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("Django admin access"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=dj_timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["display_name"]

    def __str__(self) -> str:
        return self.display_name or self.email

    @property
    def handle(self) -> str:
        """The name used in @mentions: the email's local part."""
        return self.email.split("@", 1)[0]

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN or self.is_superuser

    @property
    def is_supervisor(self) -> bool:
        return self.role == Role.SUPERVISOR

    def get_full_name(self) -> str:
        return str(self)

    def get_short_name(self) -> str:
        return str(self)


class Team(BaseModel):
    """A group of agents that owns a queue of tickets (e.g. 售后维修 / After-sales repair)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    email = models.EmailField(_("team email"), blank=True)
    members = models.ManyToManyField(
        User, related_name="teams", blank=True, verbose_name=_("members")
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ApiScope(models.TextChoices):
    TICKETS_READ = "tickets:read", _("Read tickets")
    TICKETS_WRITE = "tickets:write", _("Create and change tickets")
    CONTACTS_READ = "contacts:read", _("Read contacts and organisations")
    CONTACTS_WRITE = "contacts:write", _("Create and change contacts and organisations")
    # Lets tickets and messages carry their original timestamps (migrations from another
    # helpdesk), so SLA history is computed from when things really happened.
    TICKETS_IMPORT = "tickets:import", _("Import tickets with their original timestamps")
    KB_READ = "kb:read", _("Read knowledge-base articles and categories")
    KB_WRITE = "kb:write", _("Write knowledge-base articles and categories")


class ApiKey(BaseModel):
    """A bearer key for the REST API. Only a SHA-256 of the secret is stored.

    The secret has 256 bits of entropy, so a fast hash is safe; the prefix lets the
    lookup use an index without revealing the secret.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64)
    scopes = models.JSONField(_("scopes"), default=list)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        now = dj_timezone.now()
        return (
            self.revoked_at is None
            and (self.expires_at is None or self.expires_at > now)
            and self.user.is_active
        )


class Notification(models.Model):
    """An in-app notification for a staff user (SLA warnings, mentions, escalations)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=50)  # e.g. "sla.warning", "sla.breached", "mention"
    text = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["user", "read_at", "-created_at"], name="notif_user_unread")
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user_id}"
