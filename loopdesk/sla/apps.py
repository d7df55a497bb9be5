from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "loopdesk.sla"
    label = "sla"
    verbose_name = _("SLA")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from loopdesk.tickets.models import Status

        from . import models

        # Cache invalidation only (no domain logic): compiled policies are rebuilt after
        # any change to SLA configuration, including edits in the Django admin.
        for model in (
            models.SlaPolicy,
            models.SlaTarget,
            models.BusinessCalendar,
            models.CalendarInterval,
            models.CalendarException,
            Status,  # the fold maps statuses to categories
        ):
            post_save.connect(
                _config_changed, sender=model, dispatch_uid=f"sla-config-{model.__name__}"
            )
            post_delete.connect(
                _config_changed, sender=model, dispatch_uid=f"sla-config-d-{model.__name__}"
            )


def _config_changed(**kwargs) -> None:
    from .config_cache import sla_config_changed

    sla_config_changed()
