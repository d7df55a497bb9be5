"""Writing search documents. Every write is an upsert on (kind, object_id).

The full-text structures follow the table by themselves (SQLite triggers, PostgreSQL
generated column), so nothing here is database specific.
"""

from collections.abc import Iterable
from dataclasses import dataclass

import phonenumbers
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from .constants import ARTICLE_MARKER
from .models import DocumentKind, SearchDocument
from .tokenizer import tokenize

_UPSERT_FIELDS = ["group_id", "is_public", "title_tokens", "tokens", "updated_at"]


def index_document(
    *,
    kind: str,
    object_id: int,
    group_id: int,
    title: str = "",
    body: str = "",
    is_public: bool = True,
) -> None:
    """(Re)write one document from raw text; the generic entry point (e.g. articles)."""
    document = _document(kind, object_id, group_id, title, body, is_public)
    if kind == DocumentKind.ARTICLE:
        document.tokens = f"{document.tokens} {ARTICLE_MARKER}".lstrip()
    _upsert([document])


def delete_documents(*, kind: str, object_ids: Iterable[int]) -> int:
    """Remove documents of one kind; returns how many were removed."""
    deleted, _ = SearchDocument.objects.filter(kind=kind, object_id__in=list(object_ids)).delete()
    return deleted


def index_ticket(ticket) -> None:
    """(Re)write the ticket document: subject as title; number and customer as body.

    Called inside the caller's transaction, so the document commits with the change.
    """
    _upsert([_ticket_document(ticket)])


def index_message(message) -> None:
    """(Re)write one message's document, grouped under its (possibly new) ticket."""
    _upsert([_message_document(message)])


def unindex_ticket(ticket_id: int) -> None:
    """Remove a ticket's document and its messages' documents (a deleted ticket).

    The ticket document is grouped under the ticket itself, so one filter finds all.
    """
    SearchDocument.objects.filter(
        kind__in=[DocumentKind.TICKET, DocumentKind.MESSAGE], group_id=ticket_id
    ).delete()


def reindex_all(batch_size: int = 1000) -> int:
    """Rewrite every ticket and message document and drop those of deleted rows.

    Each batch commits on its own so that on SQLite no single transaction holds the
    write lock for the whole run. Returns the number of documents written.
    """
    from loopdesk.tickets.models import Message, Ticket

    tickets = Ticket.objects.select_related("contact", "organization", "contact__organization")
    messages = Message.objects.only("pk", "ticket_id", "kind", "body_text")
    written = 0
    for batch in _batches(tickets, batch_size):
        written += _upsert([_ticket_document(ticket) for ticket in batch])
    for batch in _batches(messages, batch_size):
        written += _upsert([_message_document(message) for message in batch])
    # Documents of deleted rows, found with NOT EXISTS (an anti-join). `NOT IN (SELECT id
    # ...)` did not fit PostgreSQL's work_mem at 1,000,000 tickets, so it was planned as a
    # plain subplan rescanning the tickets for every document: still running after minutes.
    with transaction.atomic():
        for kind, model in ((DocumentKind.TICKET, Ticket), (DocumentKind.MESSAGE, Message)):
            SearchDocument.objects.filter(kind=kind).exclude(
                Exists(model.objects.filter(pk=OuterRef("object_id")))
            ).delete()
    return written


def _batches(queryset, size: int):
    """Keyset batches by pk: stable while rows are added and cheap at any depth."""
    size = max(1, size)
    last_pk = 0
    while True:
        batch = list(queryset.filter(pk__gt=last_pk).order_by("pk")[:size])
        if not batch:
            return
        yield batch
        last_pk = batch[-1].pk


def _ticket_document(ticket) -> SearchDocument:
    contact = ticket.contact
    organization = ticket.organization or contact.organization
    body = [
        str(ticket.number),
        contact.name,
        contact.primary_email,
        *_phone_forms(contact.primary_phone),
    ]
    if organization is not None:
        body.append(organization.name)
    return _document(
        DocumentKind.TICKET, ticket.pk, ticket.pk, ticket.subject, " ".join(body), True
    )


def _message_document(message) -> SearchDocument:
    return _document(
        DocumentKind.MESSAGE,
        message.pk,
        message.ticket_id,
        "",
        message.body_text,
        message.kind == "reply",
    )


def _phone_forms(phone: str) -> list[str]:
    """The stored (E.164) number and its national form: people type 13800138000."""
    if not phone:
        return []
    forms = [phone]
    try:
        parsed = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return forms
    forms.append(str(parsed.national_number))
    return forms


@dataclass(slots=True)
class _Document:
    """One row of SearchDocument, as plain values (a model instance per row cost a reindex
    more than the tokenising)."""

    kind: str
    object_id: int
    group_id: int
    is_public: bool
    title_tokens: str
    tokens: str


def _document(
    kind: str, object_id: int, group_id: int, title: str, body: str, is_public: bool
) -> _Document:
    return _Document(
        kind=kind,
        object_id=object_id,
        group_id=group_id,
        is_public=is_public,
        title_tokens=tokenize(title or ""),
        tokens=tokenize(body or ""),
    )


def _upsert(documents: list[_Document]) -> int:
    """Insert or update each document in one statement (INSERT … ON CONFLICT DO UPDATE on
    both databases), so concurrent writers of one document cannot race. Plain tuples
    through executemany: bulk_create compiled every value through the field machinery,
    most of what a reindex cost. One transaction per call (joins the caller's)."""
    if not documents:
        return 0
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    rows = [
        (d.kind, d.object_id, d.group_id, d.is_public, d.title_tokens, d.tokens, now)
        for d in documents
    ]
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.executemany(_upsert_sql(), rows)
    return len(documents)


def _upsert_sql() -> str:
    quote = connection.ops.quote_name
    columns = ["kind", "object_id", "group_id", "is_public", "title_tokens", "tokens", "updated_at"]
    updates = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in _UPSERT_FIELDS)
    return (
        f"INSERT INTO {quote(SearchDocument._meta.db_table)} "  # noqa: S608 -- constant names
        f"({', '.join(quote(c) for c in columns)}) VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT ({quote('kind')}, {quote('object_id')}) DO UPDATE SET {updates}"
    )
