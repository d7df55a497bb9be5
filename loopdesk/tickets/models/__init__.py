from .custom_field import CustomFieldDefinition, CustomFieldKind
from .event import TicketEvent, TicketEventType
from .message import Attachment, Mention, Message
from .status import Status
from .ticket import Category, Tag, Ticket

__all__ = [
    "Attachment",
    "Category",
    "CustomFieldDefinition",
    "CustomFieldKind",
    "Mention",
    "Message",
    "Status",
    "Tag",
    "Ticket",
    "TicketEvent",
    "TicketEventType",
]
