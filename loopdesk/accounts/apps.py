from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "loopdesk.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from .directory import STAFF_CONFIG
        from .models import Team, User

        # A login only stamps last_login: the pickers stay as they are.
        STAFF_CONFIG.connect(User, Team, ignore_saves_of=frozenset({"last_login"}))
