from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "loopdesk.portal"
    label = "portal"
    verbose_name = _("Customer portal")

    def ready(self) -> None:
        from loopdesk.tickets import hooks

        from .services.csat import csat_on_ticket_change

        hooks.subscribe("portal.csat_survey", csat_on_ticket_change, order=50)
