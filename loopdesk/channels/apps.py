from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    name = "loopdesk.channels"
    label = "loopdesk_channels"  # "channels" would clash with Django Channels
    verbose_name = _("Channels")
