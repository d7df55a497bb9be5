"""Reference data and people for the demo: teams, staff, categories, custom fields, contacts.

Everything here is get-or-create by a natural key, so running the demo twice reuses what
the first run made instead of failing on unique constraints.
"""

import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password

from loopdesk.accounts.models import Role, Team, User
from loopdesk.accounts.services import team_create, user_create
from loopdesk.customers.models import Contact, ContactIdentity, Organization
from loopdesk.customers.services import contact_create, organization_create
from loopdesk.tickets.models import Category, CustomFieldDefinition

from . import people, texts


@dataclass
class DemoCast:
    teams: dict[str, Team] = field(default_factory=dict)
    staff: dict[str, User] = field(default_factory=dict)  # by email local part
    categories: dict[tuple[int, int | None], Category] = field(default_factory=dict)
    contacts: list[Contact] = field(default_factory=list)
    team_staff: dict[str, list[User]] = field(default_factory=dict)

    def members(self, team_key: str, *, technicians: bool = False) -> list[User]:
        return [
            u for u in self.team_staff.get(team_key, []) if u.role != Role.TECHNICIAN or technicians
        ]

    def by_role(self, role: str) -> list[User]:
        return [u for u in self.staff.values() if u.role == role]


def staff_email(local: str) -> str:
    return f"{local}@{people.STAFF_DOMAIN}"


def ensure_teams_and_staff(cast: DemoCast) -> None:
    for key, name, description in people.TEAMS:
        cast.teams[key] = Team.objects.filter(name=name).first() or team_create(
            name=name, description=description
        )
    # One hash for every demo user: hashing ten times would cost seconds for nothing.
    password_hash = make_password(people.DEMO_PASSWORD)
    for local, display, role, language, team_keys in people.STAFF:
        email = staff_email(local)
        user = User.objects.filter(email=email).first()
        if user is None:
            user = user_create(
                email=email, password=None, display_name=display, role=role, language=language
            )
            user.password = password_hash
            user.save(update_fields=["password"])
        for key in team_keys:
            cast.teams[key].members.add(user)
            cast.team_staff.setdefault(key, []).append(user)
        cast.staff[local] = user


def ensure_categories(cast: DemoCast) -> None:
    for i, (parent_name, children) in enumerate(texts.CATEGORY_TREE):
        parent, _ = Category.objects.get_or_create(parent=None, name=parent_name)
        cast.categories[(i, None)] = parent
        for j, child_name in enumerate(children):
            cast.categories[(i, j)], _ = Category.objects.get_or_create(
                parent=parent, name=child_name
            )


def ensure_custom_fields() -> None:
    for order, (key, label, label_zh, kind, options, types) in enumerate(texts.CUSTOM_FIELDS):
        CustomFieldDefinition.objects.get_or_create(
            key=key,
            defaults={
                "label": label,
                "label_zh_hans": label_zh,
                "kind": kind,
                "options": options,
                "ticket_types": types,
                "order": order * 10,
            },
        )


def cn_mobile(rng: random.Random) -> str:
    return f"+86{rng.choice(people.CN_MOBILE_PREFIXES)}{rng.randrange(10**8):08d}"


def ensure_contacts(cast: DemoCast, rng: random.Random, *, count: int = 300) -> None:
    """`count` contacts spread over the organisations (bigger share for VIP companies)."""
    orgs = []
    for name, slug, tier, language in people.ORGANIZATIONS:
        org = Organization.objects.filter(name=name).first() or organization_create(
            name=name, domain=f"{slug}.example.com", tier=tier
        )
        orgs.append((org, language))
    weights = [3 if org.tier == "vip" else 1 for org, _ in orgs]
    for n in range(count):
        org, language = rng.choices(orgs, weights=weights)[0]
        if language == "zh-hans":
            (surname, s_py), (given, g_py) = (
                rng.choice(people.ZH_SURNAMES),
                rng.choice(people.ZH_GIVEN),
            )
            name, local = f"{surname}{given}", f"{s_py}.{g_py}"
            phone = cn_mobile(rng)
        else:
            first, last = rng.choice(people.EN_FIRST), rng.choice(people.EN_LAST)
            name = f"{first} {last}"
            local = f"{first}.{last}".lower().replace("'", "").replace("ü", "ue")
            phone = rng.choice(
                [
                    cn_mobile(rng),
                    f"+4420794{rng.randrange(10**5):05d}",
                    f"+6591{rng.randrange(10**6):06d}",
                ]
            )
        email = f"{local}{n}@{org.domain}"
        identities = [("email", email), ("phone", phone)]
        if language == "zh-hans" and rng.random() < 0.5:
            identities.append(("wechat", f"o{rng.randrange(16**27):027x}"))
        tier = "vip" if rng.random() < 0.06 else "standard"
        existing = (
            ContactIdentity.objects.select_related("contact")
            .filter(kind="email", value=email)
            .first()
        )
        if existing is not None:  # a second run with the same seed reuses its contacts
            cast.contacts.append(existing.contact)
            continue
        if ContactIdentity.objects.filter(kind="phone", value=phone).exists():
            identities = identities[:1]  # a random mobile number that is taken already
        cast.contacts.append(
            contact_create(
                name=name, identities=identities, organization=org, language=language, tier=tier
            )
        )
