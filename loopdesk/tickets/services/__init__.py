"""Every write to tickets goes through these functions (see ARCHITECTURE.md)."""

from .fields import tags_normalise, validate_custom_fields
from .lifecycle import (
    ticket_assign,
    ticket_create,
    ticket_set_status,
    ticket_update,
    tickets_bulk_update,
)
from .replies import AttachmentUpload, message_add

__all__ = [
    "AttachmentUpload",
    "message_add",
    "tags_normalise",
    "ticket_assign",
    "ticket_create",
    "ticket_set_status",
    "ticket_update",
    "tickets_bulk_update",
    "validate_custom_fields",
]
