"""The htmx agent workspace for tickets: one module per screen."""

from .actions import ticket_fields, ticket_message, ticket_take
from .attachments import attachment_download
from .create import ticket_new
from .detail import ticket_detail, ticket_history, ticket_related
from .inbox import inbox, inbox_bulk

__all__ = [
    "attachment_download",
    "inbox",
    "inbox_bulk",
    "ticket_detail",
    "ticket_fields",
    "ticket_history",
    "ticket_message",
    "ticket_new",
    "ticket_related",
    "ticket_take",
]
