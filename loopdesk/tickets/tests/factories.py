"""Test data built through the real services (no ORM shortcuts for tickets)."""

import itertools

from loopdesk.accounts.models import Role, Team, User
from loopdesk.accounts.services import team_create, user_create
from loopdesk.channels.intake import InboundMessage, IntakeResult, SenderIdentity, intake_message
from loopdesk.customers.models import Contact
from loopdesk.customers.services import contact_create
from loopdesk.tickets.models import Ticket
from loopdesk.tickets.services.lifecycle import TicketFields

_seq = itertools.count(1)
PASSWORD = "correct-horse-battery"


def make_user(
    *,
    role: str = Role.AGENT,
    teams: list[Team] | None = None,
    email: str | None = None,
    language: str = "en",
) -> User:
    n = next(_seq)
    user = user_create(
        email=email or f"user{n}@loopdesk.test",
        password=PASSWORD,
        display_name=f"User {n}",
        role=role,
        language=language,
    )
    for team in teams or []:
        team.members.add(user)
    return user


def make_team(name: str | None = None) -> Team:
    return team_create(name=name or f"Team {next(_seq)}")


def make_contact(*, email: str | None = None, name: str = "Customer") -> Contact:
    return contact_create(name=name, identities=[("email", email or f"c{next(_seq)}@example.com")])


def make_intake(
    *,
    subject: str = "Printer broken",
    text: str = "It does not print.",
    email: str | None = None,
    channel: str = "email",
    external_id: str | None = None,
    team: Team | None = None,
    assignee: User | None = None,
    contact: Contact | None = None,
    **fields,
) -> IntakeResult:
    return intake_message(
        InboundMessage(
            channel=channel,
            subject=subject,
            text=text,
            sender=None
            if contact
            else SenderIdentity(
                kind="email", value=email or f"c{next(_seq)}@example.com", name="Customer"
            ),
            contact=contact,
            external_id=external_id,
            fields=TicketFields(team=team, assignee=assignee, **fields),
        )
    )


def make_ticket(**kwargs) -> Ticket:
    return make_intake(**kwargs).ticket
