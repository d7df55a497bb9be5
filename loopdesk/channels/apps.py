from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    name = "loopdesk.channels"
    label = "loopdesk_channels"  # "channels" would clash with Django Channels
    verbose_name = _("Channels")

    def ready(self) -> None:
        from loopdesk.tickets import hooks

        from .email.reactions import on_ticket_change

        hooks.subscribe("email-outbound", on_ticket_change, order=30)

        from anymail.signals import inbound

        from .webhooks import on_inbound

        inbound.connect(on_inbound, dispatch_uid="loopdesk-inbound-mail")
