"""`python -m bench generate`: bulk-insert a large helpdesk history.

Reference data (teams, the demo staff, categories, custom fields) comes from the demo
module through the services; the volume (contacts, tickets, messages, events, tags) is
written with bulk_create in chunks of `chunk` tickets per transaction, which keeps
memory flat so a million tickets only takes longer, not more RAM. See bench/rows.py for
why this bypasses the services and which invariants it keeps.
"""

import random
import time
from contextlib import contextmanager

from django.core.exceptions import FieldDoesNotExist
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import DateTimeField, JSONField, Max
from django.utils import timezone

from loopdesk.accounts.models import Role, User
from loopdesk.accounts.services import team_create, user_create
from loopdesk.core.demo import people, setup, texts
from loopdesk.core.models import Counter
from loopdesk.core.sequences import TICKET_NUMBER, TICKET_NUMBER_START
from loopdesk.customers.models import Contact, ContactIdentity, Organization
from loopdesk.tickets.models import Category, Message, Status, Tag, Ticket, TicketEvent

from .rows import Cast, plan_ticket
from .sla_state import add_sla_state

SEQUENCE = "loopdesk_ticket_number_seq"
BATCH = 2_000  # rows per INSERT statement


def generate(*, tickets: int, seed: int = 1, chunk: int = 5_000, index: bool = True) -> None:
    started = time.monotonic()
    db = connection.settings_dict["NAME"]
    print(f"Database: {connection.vendor} {db}")
    call_command("migrate", verbosity=0)
    rng = random.Random(seed)
    cast = _cast(rng, tickets)
    print(
        f"Reference data and {len(cast.contacts):,} contacts ready ({time.monotonic() - started:.1f} s)"
    )

    first = _next_number()
    written = 0
    t0 = time.monotonic()
    now = timezone.now()
    with _timestamps_as_given():
        while written < tickets:
            n = min(chunk, tickets - written)
            _write_chunk(rng, cast, first + written, n, now)
            written += n
            rate = written / (time.monotonic() - t0)
            print(
                f"  tickets {written:,}/{tickets:,}  ({time.monotonic() - t0:.0f} s, {rate:,.0f}/s)",
                flush=True,
            )
    _advance_sequence(first + tickets - 1)
    print(
        f"Wrote {tickets:,} tickets in {time.monotonic() - t0:.1f} s; numbers {first}–{first + tickets - 1}"
    )
    if index:
        _build_search_index()
    add_sla_state()
    with connection.cursor() as cursor:  # fresh planner statistics for the page benchmark
        cursor.execute("ANALYZE")
    print(
        f"Done in {time.monotonic() - started:.1f} s. Demo logins work (password {people.DEMO_PASSWORD})."
    )


def _cast(rng: random.Random, tickets: int) -> Cast:
    demo = setup.DemoCast()
    with transaction.atomic():
        setup.ensure_teams_and_staff(demo)
        setup.ensure_categories(demo)
        setup.ensure_custom_fields()
        _extra_teams(demo, tickets)
        Tag.objects.bulk_create([Tag(name=t) for t in texts.TAGS], ignore_conflicts=True)
        contacts = _contacts(rng, max(300, tickets // 8))
    teams = [(demo.teams[k], demo.members(k, technicians=k == "repair")) for k in demo.team_staff]
    return Cast(
        statuses={s.category: s for s in Status.objects.filter(is_default=True)},
        teams=[(team, members) for team, members in teams if members],
        contacts=contacts,
        category_ids=list(
            Category.objects.filter(parent__isnull=False).values_list("pk", flat=True)
        ),
        tag_ids=list(Tag.objects.values_list("pk", flat=True)),
        supervisor=demo.by_role(Role.SUPERVISOR)[0],
    )


def _extra_teams(demo: setup.DemoCast, tickets: int) -> None:
    """A big helpdesk has more queues: one more team of three agents per 20,000 tickets."""
    for i in range(tickets // 20_000):
        key = f"region_{i + 1}"
        team = demo.teams.get(key) or team_create(name=f"区域服务 Regional service {i + 1}")
        demo.teams[key] = team
        for j in range(3):
            email = f"region{i + 1}.agent{j + 1}@{people.STAFF_DOMAIN}"
            user = User.objects.filter(email=email).first() or user_create(
                email=email,
                password=None,
                display_name=f"Regional agent {i + 1}.{j + 1}",
                role=Role.AGENT,
                language="zh-hans" if j % 2 else "en",
            )
            team.members.add(user)
            demo.team_staff.setdefault(key, []).append(user)


def _contacts(rng: random.Random, count: int) -> list[tuple[int, int | None, str]]:
    """Bulk contacts (with an email identity each) in organisations of ~25 people."""
    existing = Contact.objects.count()
    if existing < count:
        offset = (Contact.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        orgs = Organization.objects.bulk_create(
            [
                Organization(
                    name=f"Bench Customer {offset + i}",
                    domain=f"bench{offset + i}.example.com",
                    tier="vip" if i % 20 == 0 else "standard",
                )
                for i in range((count - existing) // 25 + 1)
            ]
        )
        new = []
        for i in range(count - existing):
            org = orgs[i % len(orgs)]
            zh = rng.random() < 0.7
            if zh:
                (s, s_py), (g, g_py) = rng.choice(people.ZH_SURNAMES), rng.choice(people.ZH_GIVEN)
                name, local = s + g, f"{s_py}.{g_py}"
            else:
                first, last = rng.choice(people.EN_FIRST), rng.choice(people.EN_LAST)
                name, local = f"{first} {last}", first.lower()
            new.append(
                Contact(
                    name=name,
                    organization=org,
                    language="zh-hans" if zh else "en",
                    primary_email=f"{local}.{offset + i}@{org.domain}",
                )
            )
        new = Contact.objects.bulk_create(new, batch_size=BATCH)
        ContactIdentity.objects.bulk_create(
            [
                ContactIdentity(contact=c, kind="email", value=c.primary_email, is_primary=True)
                for c in new
            ],
            batch_size=BATCH,
        )
    return list(Contact.objects.values_list("pk", "organization_id", "language"))


def _write_chunk(rng: random.Random, cast: Cast, first_number: int, n: int, now) -> None:
    planned = [plan_ticket(rng, cast, first_number + i, now) for i in range(n)]
    with transaction.atomic():
        Ticket.objects.bulk_create([p.ticket for p in planned], batch_size=BATCH)
        messages, events, tags = [], [], []
        for p in planned:
            for m in p.messages:
                m.ticket_id = p.ticket.pk
            for e in p.events:
                e.ticket_id = p.ticket.pk
            messages += p.messages
            events += p.events
            tags += [Ticket.tags.through(ticket_id=p.ticket.pk, tag_id=t) for t in p.tag_ids]
        _insert_rows(Message, messages)
        _insert_rows(TicketEvent, events)
        _insert_rows(Ticket.tags.through, tags)


def _insert_rows(model, objects: list) -> None:
    """executemany of plain tuples: bulk_create spends most of its time compiling SQL
    per value, which matters at millions of messages. Values come from unsaved model
    instances, so field defaults (including fields added later) still apply."""
    if not objects:
        return
    fields = [f for f in model._meta.local_concrete_fields if not f.primary_key]
    ops = connection.ops
    converters = []
    for f in fields:
        if isinstance(f, DateTimeField):
            converters.append(ops.adapt_datetimefield_value)
        elif isinstance(f, JSONField):
            converters.append(lambda value, f=f: f.get_db_prep_save(value, connection))
        else:
            converters.append(None)
    columns = ", ".join(ops.quote_name(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {ops.quote_name(model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    pairs = list(zip([f.attname for f in fields], converters, strict=True))
    with connection.cursor() as cursor:
        for start in range(0, len(objects), BATCH):
            cursor.executemany(
                sql,
                [
                    tuple(c(getattr(o, a)) if c else getattr(o, a) for a, c in pairs)
                    for o in objects[start : start + BATCH]
                ],
            )


@contextmanager
def _timestamps_as_given():
    """Let bulk_create keep our created_at/updated_at instead of stamping 'now'."""
    patched = []
    for model in (Ticket, Message, TicketEvent):
        for name in ("created_at", "updated_at"):
            try:
                f = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            patched.append((f, f.auto_now, f.auto_now_add))
            f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in patched:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _next_number() -> int:
    top = Ticket.objects.aggregate(m=Max("number"))["m"] or TICKET_NUMBER_START
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT last_value, is_called FROM {SEQUENCE}")  # noqa: S608 -- a constant
            last, called = cursor.fetchone()
        top = max(top, last if called else last - 1)
    else:
        counter = Counter.objects.filter(name=TICKET_NUMBER).first()
        top = max(top, counter.value if counter else 0)
    return top + 1


def _advance_sequence(last_number: int) -> None:
    """The services keep numbering after the bulk rows: no duplicate number later."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval(%s, %s, true)", [SEQUENCE, last_number])
    else:
        Counter.objects.update_or_create(name=TICKET_NUMBER, defaults={"value": last_number})


def _build_search_index() -> None:
    try:
        from loopdesk.core.search import reindex_all
    except ImportError:
        print("Search module not present: no index built.")
        return
    t0 = time.monotonic()
    print("Building the search index (reindex_all, batches of 1,000)…", flush=True)
    with _gin_built_after():
        written = reindex_all()
    print(f"Indexed {written:,} documents in {time.monotonic() - t0:.1f} s")


@contextmanager
def _gin_built_after():
    """On PostgreSQL, drop the full-text GIN index for the bulk load and build it once
    afterwards: with fastupdate off (migration core 0004) every document inserted updates
    the index in place, several times slower than one sorted build. Fresh bench data only
    (nobody searches meanwhile); production reindexing keeps the index."""
    if connection.vendor != "postgresql":
        yield
        return
    name = "core_searchdocument_vector_gin"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {name}")
    try:
        yield
    finally:
        t0 = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '512MB'")
            cursor.execute(
                f"CREATE INDEX {name} ON core_searchdocument USING GIN (search_vector)"
                " WITH (fastupdate = off)"
            )
        print(f"  GIN index built in {time.monotonic() - t0:.1f} s", flush=True)
