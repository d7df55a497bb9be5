from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AutomationConfig(AppConfig):
    name = "loopdesk.automation"
    label = "automation"
    verbose_name = _("Automation")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from loopdesk.tickets import hooks
        from loopdesk.tickets.models import Status

        from .engine import on_ticket_change

        hooks.subscribe("automation", on_ticket_change, order=10)
        # Cache invalidation only: compiled rules hold status ids.
        post_save.connect(_statuses_changed, sender=Status, dispatch_uid="automation-status")
        post_delete.connect(_statuses_changed, sender=Status, dispatch_uid="automation-status-d")


def _statuses_changed(**kwargs) -> None:
    from .engine import rules_changed

    rules_changed()
