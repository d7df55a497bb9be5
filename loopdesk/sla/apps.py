from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "loopdesk.sla"
    label = "sla"
    verbose_name = _("SLA")

    def ready(self) -> None:
        from loopdesk.tickets.models import Status

        from . import models
        from .config_cache import SLA_CONFIG

        # Compiled policies are rebuilt after any change to SLA configuration, including
        # edits in the Django admin.
        SLA_CONFIG.connect(
            models.SlaPolicy,
            models.SlaTarget,
            models.BusinessCalendar,
            models.CalendarInterval,
            models.CalendarException,
            Status,  # the fold maps statuses to categories
        )
