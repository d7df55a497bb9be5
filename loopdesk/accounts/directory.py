"""The staff and team lists every picker draws (inbox filters, bulk actions, the ticket
side panel, @mention handles), cached per process (see core.config_cache): two queries
saved on every page, rebuilt after any change to a user or a team."""

from dataclasses import dataclass

from loopdesk.core.config_cache import ConfigCache

from .models import Role, Team, User

STAFF_CONFIG = ConfigCache("staff")


@dataclass(frozen=True)
class StaffEntry:
    pk: int
    label: str  # str(user): the display name, else the email
    email: str
    role: str

    @property
    def handle(self) -> str:
        """The name used in @mentions: the email's local part (as User.handle)."""
        return self.email.split("@", 1)[0]


@dataclass(frozen=True)
class Directory:
    staff: tuple[StaffEntry, ...]  # active staff who can hold tickets, by display name
    teams: tuple[tuple[int, str], ...]  # every team (pk, name), by name

    def staff_choices(self) -> list[tuple[int, str]]:
        return [(s.pk, s.label) for s in self.staff]


def directory() -> Directory:
    return STAFF_CONFIG.compiled(_build)


def _build() -> Directory:
    users = (
        User.objects.filter(is_active=True, role__in=Role.values)
        .order_by("display_name", "pk")
        .only("pk", "display_name", "email", "role")
    )
    return Directory(
        staff=tuple(StaffEntry(u.pk, str(u), u.email, u.role) for u in users),
        teams=tuple(Team.objects.order_by("name").values_list("pk", "name")),
    )
