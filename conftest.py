import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.utils import translation

from loopdesk.accounts.models import Role
from loopdesk.core import config_cache
from loopdesk.tickets.models.managers import reset_scope_sizes
from loopdesk.tickets.tests import factories


@pytest.fixture
def team_a(db):
    return factories.make_team("Team A")


@pytest.fixture
def team_b(db):
    return factories.make_team("Team B")


@pytest.fixture
def admin(db):
    return factories.make_user(role=Role.ADMIN, email="admin@loopdesk.test")


@pytest.fixture
def supervisor(team_a):
    return factories.make_user(role=Role.SUPERVISOR, teams=[team_a], email="sup@loopdesk.test")


@pytest.fixture
def agent(team_a):
    return factories.make_user(role=Role.AGENT, teams=[team_a], email="agent.a@loopdesk.test")


@pytest.fixture
def other_agent(team_b):
    """An agent outside team A: must not see team A's tickets."""
    return factories.make_user(role=Role.AGENT, teams=[team_b], email="agent.b@loopdesk.test")


@pytest.fixture
def technician(db):
    return factories.make_user(role=Role.TECHNICIAN, email="tech@loopdesk.test")


@pytest.fixture
def ticket(team_a):
    return factories.make_ticket(team=team_a, subject="打印机无法打印 Printer broken")


# An instant early in a minute, an hour and a day: rate-limit tests send their requests
# inside one fixed window however slow the machine (a real clock could cross a window
# boundary mid-test, start a fresh counter and let the last request through).
RATE_LIMIT_NOW = 1_800_000_030.0


@pytest.fixture(autouse=True)
def _pinned_rate_limit_clock(monkeypatch):
    from types import SimpleNamespace

    from loopdesk.core import ratelimit

    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: RATE_LIMIT_NOW))


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Each test starts with empty caches: database rollbacks between tests would
    otherwise leave compiled SLA policies or rate-limit counters of an earlier test."""
    cache.clear()
    caches["shared"].clear()
    config_cache.reset_all()
    reset_scope_sizes()
    # A request by a zh-hans user leaves that language active in the thread; every test
    # starts in the default language, whatever ran before it in this process.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    config_cache.reset_all()
    translation.deactivate()
