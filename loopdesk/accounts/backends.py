from django.contrib.auth.backends import ModelBackend

from loopdesk.core.prepared import PreparedQuery

from .models import User


class EmailBackend(ModelBackend):
    """Email + password login, case-insensitive on the email, timing-safe on misses."""

    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        login = (email or username or "").strip().lower()
        if not login or password is None:
            return None
        try:
            user = User.objects.get(email=login)
        except User.DoesNotExist:
            User().set_password(password)  # spend the same time as a real check
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id):
        """The signed-in user of every request, read with one precompiled statement
        (core.prepared): Django's own `get(pk=...)` compiled the same query every time."""
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        if not 0 < pk < 2**63:  # beyond a bigint: no such user (PostgreSQL would raise)
            return None
        found = _USER_BY_PK.objects([pk])
        user = found[0] if found else None
        return user if user is not None and self.user_can_authenticate(user) else None


_USER_BY_PK = PreparedQuery(lambda ids: User.objects.filter(pk__any=ids))
