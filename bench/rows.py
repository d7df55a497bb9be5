"""Plan the rows of one bulk-generated ticket: the ticket, its messages, events and tags.

This bypasses the services on purpose (they write ~80 queries per ticket; a million
tickets would take a day). It keeps the invariants the services keep:
status_category copied from the status, organization from the contact, message_count
equal to the messages written, first/last message times and solved/closed times that
match the thread, a `ticket.created` event plus assignment and status events, and
ticket numbers from the same sequence the services use.
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from loopdesk.core.demo import texts
from loopdesk.tickets.constants import CauseKind, Direction, MessageKind, StatusCategory
from loopdesk.tickets.models import Message, Ticket, TicketEvent

# Most of a big history is finished work; the open queues are a small recent slice.
FINAL_WEIGHTS = {
    StatusCategory.NEW: 3,
    StatusCategory.OPEN: 8,
    StatusCategory.PENDING: 4,
    StatusCategory.ON_HOLD: 2,
    StatusCategory.SOLVED: 8,
    StatusCategory.CLOSED: 75,
}
OPEN_DAYS = 30  # open tickets started within the last month
HISTORY_DAYS = 730
CHANNELS = [
    "email",
    "email",
    "email",
    "web",
    "wechat",
    "wechat",
    "phone",
    "portal",
    "api",
    "walk_in",
]
LONG_THREAD_EVERY = 500  # every 500th ticket has a 20-message thread (the ticket-page benchmark)


@dataclass
class Planned:
    ticket: Ticket
    messages: list[Message] = field(default_factory=list)
    events: list[TicketEvent] = field(default_factory=list)
    tag_ids: list[int] = field(default_factory=list)


@dataclass
class Cast:
    """What the generator draws from, loaded once."""

    statuses: dict[str, object]  # category -> Status
    teams: list[tuple[object, list[object]]]  # (team, members who can be assigned)
    contacts: list[tuple[int, int | None, str]]  # (contact id, organization id, language)
    category_ids: list[int]
    tag_ids: list[int]
    supervisor: object


def plan_ticket(rng: random.Random, cast: Cast, number: int, now: datetime) -> Planned:
    final = rng.choices(list(FINAL_WEIGHTS), weights=list(FINAL_WEIGHTS.values()))[0]
    is_open = final not in (StatusCategory.SOLVED, StatusCategory.CLOSED)
    age = timedelta(
        days=rng.uniform(0, OPEN_DAYS if is_open else HISTORY_DAYS), minutes=rng.randrange(60)
    )
    created = now - age - timedelta(hours=2)
    contact_id, org_id, language = rng.choice(cast.contacts)
    team, members = rng.choice(cast.teams)
    assignee = None if final == StatusCategory.NEW or rng.random() < 0.05 else rng.choice(members)
    scenario = rng.choice(texts.SCENARIOS)
    subject, body = (
        (scenario[5], scenario[6]) if language == "zh-hans" else (scenario[7], scenario[8])
    )
    values = _values(rng, now)
    channel = rng.choice(CHANNELS)

    n_messages = 20 if number % LONG_THREAD_EVERY == 0 else rng.randint(3, 10)
    if final == StatusCategory.NEW:
        n_messages = min(n_messages, 2)  # nobody answered yet
    span = min(age, timedelta(days=rng.uniform(0.5, 12)))
    times = sorted(created + span * rng.random() for _ in range(n_messages - 1))
    times.insert(0, created)
    messages = []
    for i, at in enumerate(times):
        if i == 0 or final == StatusCategory.NEW or (i % 2 == 0 and rng.random() < 0.85):
            text = body if i == 0 else rng.choice(texts.CUSTOMER_FOLLOWUPS[language])
            messages.append(
                Message(
                    kind=MessageKind.REPLY,
                    direction=Direction.INBOUND,
                    channel=channel,
                    author_contact_id=contact_id,
                    body_text=_fmt(text, values),
                    created_at=at,
                    updated_at=at,
                )
            )
        elif rng.random() < 0.15:
            messages.append(
                Message(
                    kind=MessageKind.NOTE,
                    direction=Direction.INTERNAL,
                    channel="agent",
                    author_user=assignee or cast.supervisor,
                    body_text=rng.choice(texts.NOTES).format(mention="@li.na"),
                    created_at=at,
                    updated_at=at,
                )
            )
        else:
            messages.append(
                Message(
                    kind=MessageKind.REPLY,
                    direction=Direction.OUTBOUND,
                    channel="agent",
                    author_user=assignee or cast.supervisor,
                    body_text=_fmt(rng.choice(texts.AGENT_REPLIES[language]), values),
                    created_at=at,
                    updated_at=at,
                )
            )
    inbound = [m.created_at for m in messages if m.direction == Direction.INBOUND]
    outbound = [m.created_at for m in messages if m.direction == Direction.OUTBOUND]
    last = times[-1]
    done_at = closed_at = None
    if not is_open:
        done_at = min(last + timedelta(hours=rng.uniform(1, 48)), now - timedelta(minutes=2))
    if final == StatusCategory.CLOSED:
        closed_at = min(done_at + timedelta(days=3), now - timedelta(minutes=1))
    updated = closed_at or done_at or last
    status = cast.statuses[final]
    ticket = Ticket(
        number=number,
        subject=_fmt(subject, values)[:250],
        status=status,
        status_category=final,
        priority=rng.choices([1, 2, 3, 4], weights=[5, 20, 60, 15])[0],
        type=scenario[1],
        category_id=rng.choice(cast.category_ids) if rng.random() < 0.8 else None,
        channel=channel,
        contact_id=contact_id,
        organization_id=org_id,
        team=team if assignee or rng.random() < 0.8 else None,
        assignee=assignee,
        custom_fields={"serial_number": values["serial"], "model": values["model"]}
        if scenario[4]
        else {},
        first_response_at=min(outbound, default=None),
        solved_at=done_at,
        closed_at=closed_at,
        last_customer_message_at=max(inbound),
        last_agent_message_at=max(outbound, default=None),
        message_count=len(messages),
        created_at=created,
        updated_at=updated,
    )
    planned = Planned(
        ticket=ticket,
        messages=messages,
        tag_ids=rng.sample(cast.tag_ids, k=rng.choice([0, 0, 1, 1, 2, 3])),
    )
    planned.events = _events(ticket, cast, created, times, updated)
    return planned


def _events(
    ticket: Ticket, cast: Cast, created: datetime, times: list[datetime], updated: datetime
) -> list[TicketEvent]:
    def ref(obj):
        return None if obj is None else {"id": obj.pk, "name": str(obj)}

    new = cast.statuses[StatusCategory.NEW]
    events = [
        TicketEvent(
            type="ticket.created",
            created_at=created,
            actor_contact_id=ticket.contact_id,
            cause_kind=CauseKind.CHANNEL,
            cause_ref=ticket.channel,
            changes={
                "channel": [None, ticket.channel],
                "status": [None, ref(new)],
                "priority": [None, ticket.priority],
                "team": [None, ref(ticket.team)],
                "assignee": [None, None],
            },
        )
    ]
    if ticket.assignee is not None:
        at = times[1] if len(times) > 1 else created
        events.append(
            TicketEvent(
                type="ticket.assigned",
                created_at=at,
                actor_user=cast.supervisor,
                cause_kind=CauseKind.PERSON,
                changes={"assignee": [None, ref(ticket.assignee)]},
            )
        )
    if ticket.status_category != StatusCategory.NEW:
        events.append(
            TicketEvent(
                type="ticket.status_changed",
                created_at=updated,
                actor_user=ticket.assignee or cast.supervisor,
                cause_kind=CauseKind.PERSON,
                changes={"status": [ref(new), ref(ticket.status)]},
            )
        )
    return events


def _values(rng: random.Random, now: datetime) -> dict:
    return {
        "name": "",
        "agent": "",
        "model": rng.choice(texts.MODELS),
        "serial": f"LD{rng.randrange(10**9):09d}",
        "order": f"LD{now:%Y}{rng.randrange(10**7):07d}",
        "date": (now - timedelta(days=rng.randrange(30, 900))).date().isoformat(),
        "amount": f"{rng.randrange(199, 12999)}.00",
        "city": rng.choice(texts.CITIES),
        "phone": "",
        "org": "",
    }


def _fmt(text: str, values: dict) -> str:
    return text.format(**values).replace("  ", " ")
