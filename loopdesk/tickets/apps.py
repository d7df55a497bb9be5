from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "loopdesk.tickets"
    label = "tickets"
    verbose_name = _("Tickets")

    def ready(self) -> None:
        from .config import TICKET_CONFIG
        from .models import CustomFieldDefinition, Status

        TICKET_CONFIG.connect(Status, CustomFieldDefinition)
