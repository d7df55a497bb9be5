from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "loopdesk.core"
    label = "core"
    verbose_name = "Loopdesk core"
