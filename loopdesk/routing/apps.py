from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

HOOK_ORDER = 20  # after automation triggers (10), before outbound mail (30)


class RoutingConfig(AppConfig):
    name = "loopdesk.routing"
    label = "routing"
    verbose_name = _("Routing")

    def ready(self) -> None:
        from loopdesk.tickets import hooks

        from .handlers import on_ticket_change
        from .models import TeamRouting
        from .selectors import ROUTING_CONFIG

        ROUTING_CONFIG.connect(TeamRouting)
        hooks.subscribe("routing", on_ticket_change, order=HOOK_ORDER)
