from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AutomationConfig(AppConfig):
    name = "loopdesk.automation"
    label = "automation"
    verbose_name = _("Automation")

    def ready(self) -> None:
        from loopdesk.tickets import hooks
        from loopdesk.tickets.models import Status

        from .engine import RULES_CONFIG, on_ticket_change
        from .models import Rule

        hooks.subscribe("automation", on_ticket_change, order=10)
        # Compiled rules hold status ids; Django admin edits of rules count too.
        RULES_CONFIG.connect(Rule, Status)
