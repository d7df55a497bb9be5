"""Demo tickets played through the real services, then moved back in time.

Each ticket is a short script (customer writes in, a supervisor assigns, agents reply,
colleagues are @mentioned, the ticket ends in one of the six status categories). Every
step runs through intake / message_add / ticket_update now, so events, counters and
status rules are exactly what production would write; afterwards the rows each step
wrote get that step's planned timestamp (UPDATEs by primary key), so the inbox shows
weeks of history whose order matches the events.
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection, transaction

from loopdesk.accounts.models import Role, User
from loopdesk.channels.intake import InboundMessage, intake_message
from loopdesk.customers.models import Contact
from loopdesk.tickets.constants import Channel, MessageKind, Priority, StatusCategory
from loopdesk.tickets.events import Actor
from loopdesk.tickets.models import Message, Status, Ticket, TicketEvent
from loopdesk.tickets.services import message_add, ticket_update
from loopdesk.tickets.services.lifecycle import TicketFields

from . import texts
from .setup import DemoCast

HISTORY_DAYS = 60
FINAL_WEIGHTS = {  # how the demo inbox is spread over the status categories
    StatusCategory.NEW: 12,
    StatusCategory.OPEN: 28,
    StatusCategory.PENDING: 15,
    StatusCategory.ON_HOLD: 8,
    StatusCategory.SOLVED: 22,
    StatusCategory.CLOSED: 15,
}
# Newest possible start (days ago) per final category: finished tickets are older.
AGE_RANGE = {
    StatusCategory.NEW: (0, 3),
    StatusCategory.OPEN: (0, 20),
    StatusCategory.PENDING: (1, 25),
    StatusCategory.ON_HOLD: (2, 35),
    StatusCategory.SOLVED: (3, 55),
    StatusCategory.CLOSED: (8, 60),
}
CHANNEL_WEIGHTS = {
    Channel.EMAIL: 35,
    Channel.WEB: 14,
    Channel.WECHAT: 15,
    Channel.PHONE: 12,
    Channel.PORTAL: 10,
    Channel.API: 8,
    Channel.WALK_IN: 6,
}
PRIORITY_WEIGHTS = {Priority.P1: 6, Priority.P2: 20, Priority.P3: 58, Priority.P4: 16}


@dataclass
class Step:
    """One thing that happens to a ticket; `run` returns the message it wrote, if any."""

    gap: timedelta  # after the previous step
    run: object  # callable(ticket) -> Message | None
    kind: str = ""  # customer | reply | other: which ticket timestamps it moves
    at: datetime | None = None


class Backdating:
    """Collects, per executed step, which rows it wrote and the time it should appear to
    have happened; `apply()` rewrites them in three executemany UPDATEs per batch (the
    equivalent queryset .update() calls cost more in SQL compilation than the services).
    """

    def __init__(self) -> None:
        self.events: list[tuple] = []
        self.messages: list[tuple] = []
        self.tickets: list[tuple] = []
        self._adapt = connection.ops.adapt_datetimefield_value

    def step(
        self,
        at: datetime,
        ticket_id: int,
        events_after: int,
        events_upto: int,
        message_id: int | None,
    ) -> None:
        if events_upto > events_after:  # the ticket id guards against other writers' events
            self.events.append((self._adapt(at), ticket_id, events_after, events_upto))
        if message_id:
            self.messages.append((self._adapt(at), self._adapt(at), message_id))

    def ticket(self, ticket_id: int, script: "Script") -> None:
        times: dict[str, list[datetime]] = {"customer": [], "reply": [], "solve": []}
        for step in script.steps:
            times.setdefault(step.kind, []).append(step.at)
        agent_times = times["reply"] + times["solve"]
        done = script.final in (StatusCategory.SOLVED, StatusCategory.CLOSED)
        values = [
            script.steps[0].at,  # created_at
            script.steps[-1].at,  # updated_at
            max(times["customer"]),  # last_customer_message_at
            max(agent_times, default=None),  # last_agent_message_at
            min(agent_times, default=None),  # first_response_at
            times["solve"][-1] if done else None,  # solved_at
            script.steps[-1].at if script.final == StatusCategory.CLOSED else None,  # closed_at
        ]
        self.tickets.append((*[self._adapt(v) if v else None for v in values], ticket_id))

    def apply(self) -> None:
        qn = connection.ops.quote_name
        event, message, ticket = (qn(m._meta.db_table) for m in (TicketEvent, Message, Ticket))
        ticket_columns = ", ".join(
            f"{qn(c)} = %s"
            for c in (
                "created_at",
                "updated_at",
                "last_customer_message_at",
                "last_agent_message_at",
                "first_response_at",
                "solved_at",
                "closed_at",
            )
        )
        # Table and column names come from the models, values are parameters.
        sql_event = (
            f"UPDATE {event} SET created_at = %s WHERE ticket_id = %s AND id > %s AND id <= %s"  # noqa: S608
        )
        sql_message = f"UPDATE {message} SET created_at = %s, updated_at = %s WHERE id = %s"  # noqa: S608
        sql_ticket = f"UPDATE {ticket} SET {ticket_columns} WHERE id = %s"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.executemany(sql_event, self.events)
            cursor.executemany(sql_message, self.messages)
            cursor.executemany(sql_ticket, self.tickets)


@dataclass
class Script:
    contact: Contact
    language: str
    steps: list[Step] = field(default_factory=list)
    final: str = StatusCategory.OPEN


class TicketWriter:
    def __init__(self, cast: DemoCast, rng: random.Random, now: datetime) -> None:
        self.cast, self.rng, self.now = cast, rng, now
        self.statuses = {
            s.category: s for s in Status.objects.filter(is_default=True, is_active=True)
        }
        self.supervisors = cast.by_role(Role.SUPERVISOR)
        self.last_event_id = self._max_event_id()

    # --- running -------------------------------------------------------------------

    def write_batch(self, count: int) -> int:
        """Write `count` tickets in one transaction (one fsync on SQLite, not thousands),
        then move the whole batch back in time with three statements."""
        backdating = Backdating()
        with transaction.atomic():
            for _ in range(count):
                self._write_one(backdating)
            backdating.apply()
        return count

    def _write_one(self, backdating: "Backdating") -> None:
        script = self._plan()
        self._schedule(script)
        ticket: Ticket | None = None
        for step in script.steps:
            message = step.run(ticket)
            if ticket is None:
                ticket = message.ticket
            upto = self._max_event_id()
            backdating.step(
                step.at, ticket.pk, self.last_event_id, upto, message.pk if message else None
            )
            self.last_event_id = upto
        backdating.ticket(ticket.pk, script)

    @staticmethod
    def _max_event_id() -> int:
        return TicketEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def _schedule(self, script: Script) -> None:
        """Give every step a time: start inside the final category's age range, then
        the planned gaps, squeezed to end before now if they would run past it."""
        low, high = AGE_RANGE[script.final]
        start = self.now - timedelta(
            days=self.rng.uniform(low, high), minutes=self.rng.randrange(5, 60)
        )
        total = sum((s.gap for s in script.steps), timedelta())
        # Squeezed histories end at a random moment of the last day, not all at "now",
        # so the inbox does not open on a wall of "3 minutes ago".
        end = self.now - timedelta(minutes=self.rng.randrange(2, 24 * 60))
        if end <= start:
            end = self.now - timedelta(minutes=2)
        room = end - start
        scale = min(1.0, room / total) if total else 1.0
        at = start
        for step in script.steps:
            at += step.gap * scale
            step.at = at

    # --- planning -------------------------------------------------------------------

    def _plan(self) -> Script:
        rng = self.rng
        contact = rng.choice(self.cast.contacts)
        language = contact.language
        scenario = rng.choice(texts.SCENARIOS)
        cat_key, ticket_type, team_key, tags, product, zh_subj, zh_body, en_subj, en_body = scenario
        subject, body = (zh_subj, zh_body) if language == "zh-hans" else (en_subj, en_body)
        final = rng.choices(list(FINAL_WEIGHTS), weights=list(FINAL_WEIGHTS.values()))[0]
        script = Script(contact=contact, language=language, final=final)
        values = self._placeholders(contact)

        channel = rng.choices(list(CHANNEL_WEIGHTS), weights=list(CHANNEL_WEIGHTS.values()))[0]
        team_members = self.cast.members(team_key)
        assignee = rng.choice(team_members)
        if ticket_type == "repair" and rng.random() < 0.3:
            assignee = next(  # the field technician goes out to repairs
                u
                for u in self.cast.members(team_key, technicians=True)
                if u.role == Role.TECHNICIAN
            )
        entered_by = (
            rng.choice(team_members) if channel in (Channel.PHONE, Channel.WALK_IN) else None
        )
        fields = TicketFields(
            priority=rng.choices(list(PRIORITY_WEIGHTS), weights=list(PRIORITY_WEIGHTS.values()))[
                0
            ],
            type=ticket_type,
            category=self.cast.categories.get(cat_key) if cat_key[0] is not None else None,
            team=self.cast.teams[team_key] if rng.random() < 0.92 else None,
            tags=rng.sample(tags + texts.TAGS, k=rng.randint(0, 3)),
            custom_fields=self._custom_fields(values) if product else {},
        )
        inbound = InboundMessage(
            channel=channel,
            subject=subject.format(**values),
            text=body.format(**values),
            contact=contact,
            created_by=entered_by,
            fields=fields,
        )
        add = script.steps.append
        add(Step(timedelta(), lambda _t: intake_message(inbound).message, "customer"))

        if final == StatusCategory.NEW:
            if rng.random() < 0.3:
                add(self._customer(script, values, hours=(1, 20)))
            if rng.random() < 0.2:
                add(self._note(script, assignee))
            return script

        supervisor = rng.choice(self.supervisors)
        team = fields.team or self.cast.teams[team_key]
        add(
            Step(
                self._gap(0.1, 4),
                lambda t: self._update(t, supervisor, {"team": team, "assignee": assignee}),
            )
        )
        add(self._reply(script, assignee, values, pending=rng.random() < 0.5))
        for _ in range(rng.choice([0, 1, 1, 2])):
            add(self._customer(script, values))
            add(self._reply(script, assignee, values, pending=rng.random() < 0.4))
        if rng.random() < 0.5:
            add(self._note(script, assignee))
        if rng.random() < 0.15:
            add(
                Step(
                    self._gap(0.2, 6),
                    lambda t: self._update(t, supervisor, {"priority": Priority.P2}),
                )
            )
        if final == StatusCategory.OPEN:
            add(self._customer(script, values))
        elif final == StatusCategory.PENDING:
            add(self._reply(script, assignee, values, pending=True))
        elif final == StatusCategory.ON_HOLD:
            note = rng.choice(texts.ON_HOLD_NOTES)
            add(
                Step(self._gap(1, 24), lambda t: self._message(t, assignee, note, MessageKind.NOTE))
            )
            add(
                Step(
                    self._gap(0, 0.1),
                    lambda t: self._update(t, assignee, {"status": self.statuses["on_hold"]}),
                )
            )
        else:
            text = rng.choice(texts.SOLVED_REPLIES[language]).format(**values)
            add(
                Step(
                    self._gap(2, 48),
                    lambda t: self._message(
                        t, assignee, text, MessageKind.REPLY, status=self.statuses["solved"]
                    ),
                    "solve",
                )
            )
            if final == StatusCategory.CLOSED:
                closed = self.statuses["closed"]
                add(
                    Step(
                        timedelta(days=3),
                        lambda t: self._update(
                            t,
                            None,
                            {"status": closed},
                            actor=Actor.system("auto-close after 3 days"),
                        ),
                    )
                )
        return script

    def _gap(self, low_hours: float, high_hours: float) -> timedelta:
        return timedelta(hours=self.rng.uniform(low_hours, high_hours))

    def _customer(self, script: Script, values: dict, hours=(1, 30)) -> Step:
        text = self.rng.choice(texts.CUSTOMER_FOLLOWUPS[script.language]).format(**values)
        contact = script.contact

        def run(ticket: Ticket) -> Message:
            return intake_message(
                InboundMessage(
                    channel=ticket.channel,
                    subject=ticket.subject,
                    text=text,
                    contact=contact,
                    ticket=ticket,
                )
            ).message

        return Step(self._gap(*hours), run, "customer")

    def _reply(self, script: Script, agent: User, values: dict, *, pending: bool) -> Step:
        text = self.rng.choice(texts.AGENT_REPLIES[script.language]).format(agent=agent, **values)
        status = self.statuses["pending"] if pending else None
        return Step(
            self._gap(0.2, 20),
            lambda t: self._message(t, agent, text, MessageKind.REPLY, status=status),
            "reply",
        )

    def _note(self, script: Script, author: User) -> Step:
        colleagues = [
            u for u in self.cast.staff.values() if u != author and u.role != Role.TECHNICIAN
        ]
        mention = "@" + self.rng.choice(colleagues).handle
        text = self.rng.choice(texts.NOTES).format(mention=mention)
        return Step(self._gap(0.1, 10), lambda t: self._message(t, author, text, MessageKind.NOTE))

    @staticmethod
    def _message(
        ticket: Ticket, author: User, text: str, kind: str, status: Status | None = None
    ) -> Message:
        return message_add(
            ticket=ticket,
            actor=Actor.person(author),
            kind=kind,
            body_text=text,
            author_user=author,
            set_status=status,
        )

    @staticmethod
    def _update(
        ticket: Ticket, user: User | None, changes: dict, actor: Actor | None = None
    ) -> None:
        ticket_update(ticket=ticket, actor=actor or Actor.person(user), changes=changes)

    def _placeholders(self, contact: Contact) -> dict:
        rng = self.rng
        age_days = rng.randrange(30, 900)
        purchase = (self.now - timedelta(days=age_days)).date()
        return {
            "age_days": age_days,
            "name": contact.name,
            "model": rng.choice(texts.MODELS),
            "serial": f"LD{rng.randrange(10**9):09d}",
            "order": f"LD{self.now:%Y}{rng.randrange(10**7):07d}",
            "date": purchase.isoformat(),
            "amount": f"{rng.randrange(199, 12999)}.00",
            "city": rng.choice(texts.CITIES),
            "phone": contact.primary_phone or "—",
            "org": contact.organization.name if contact.organization_id else contact.name,
        }

    def _custom_fields(self, values: dict) -> dict:
        return {
            "serial_number": values["serial"],
            "model": values["model"],
            "purchase_date": values["date"],
            "under_warranty": values["age_days"] < 365,
        }
