from .custom_field import CustomFieldDefinition, CustomFieldKind
from .event import TicketEvent, TicketEventType
from .message import Attachment, Message
from .status import Status
from .ticket import Category, Tag, Ticket

__all__ = [
    "Attachment",
    "Category",
    "CustomFieldDefinition",
    "CustomFieldKind",
    "Message",
    "Status",
    "Tag",
    "Ticket",
    "TicketEvent",
    "TicketEventType",
]
