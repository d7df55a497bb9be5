"""Database sessions, read with one precompiled statement.

Every page and htmx request loads its session. Django's database store builds and
compiles the same `Session.objects.get(session_key=..., expire_date__gt=now)` each time;
here the statement is compiled once per process (core.prepared) and expiry is checked on
the row. Storage, keys, expiry and cleanup are Django's own (`SESSION_ENGINE`
"loopdesk.accounts.sessions" in the settings).
"""

from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.contrib.sessions.models import Session
from django.db import router
from django.utils import timezone

from loopdesk.core.prepared import PreparedQuery

_SESSION_BY_KEY = PreparedQuery(
    lambda keys: Session.objects.filter(session_key__any=keys).values(
        "session_key", "session_data", "expire_date"
    ),
    kind="text",
)


class SessionStore(DatabaseStore):
    def _get_session_from_db(self):
        # The same contract as the parent: a Session row, or None (and the key forgotten)
        # when the session is missing or expired.
        key = self.session_key
        rows = _SESSION_BY_KEY.tuples([key], using=router.db_for_read(Session)) if key else []
        if rows and rows[0][2] > timezone.now():
            return Session(session_key=rows[0][0], session_data=rows[0][1], expire_date=rows[0][2])
        self._session_key = None
        return None
