from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "loopdesk.core"
    label = "core"
    verbose_name = "Loopdesk core"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import lookups  # noqa: F401 - registers __lit and __lit_in

        post_migrate.connect(_refresh_statistics, sender=self)


def _refresh_statistics(**kwargs) -> None:
    from .dbmaint import sqlite_refresh_statistics

    sqlite_refresh_statistics()
