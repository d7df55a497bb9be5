import pytest

from loopdesk.accounts.models import Role
from loopdesk.routing.constants import AgentStatus
from loopdesk.routing.models import AgentProfile, TeamRouting
from loopdesk.tickets.tests import factories


@pytest.fixture
def make_agent(team_a):
    def make(*, status=AgentStatus.ONLINE, capacity=5, teams=None, name=None, **profile):
        user = factories.make_user(role=Role.AGENT, teams=teams or [team_a])
        if name:
            user.display_name = name
            user.save(update_fields=["display_name"])
        AgentProfile.objects.create(user=user, status=status, capacity=capacity, **profile)
        return user

    return make


@pytest.fixture
def set_strategy():
    def set_(team, strategy, **extra):
        TeamRouting.objects.update_or_create(team=team, defaults={"strategy": strategy, **extra})

    return set_
