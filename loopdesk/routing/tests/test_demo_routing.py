"""The demo's routing set-up: skills, requirements, availability and team strategies."""

import pytest

from loopdesk.core.demo.routing import ensure_routing
from loopdesk.core.demo.setup import DemoCast, ensure_categories, ensure_teams_and_staff
from loopdesk.routing.models import AgentProfile, AgentSkill, SkillRequirement, TeamRouting

pytestmark = pytest.mark.django_db


def test_demo_routing_is_complete_and_idempotent():
    cast = DemoCast()
    ensure_teams_and_staff(cast)
    ensure_categories(cast)

    ensure_routing(cast)
    ensure_routing(cast)  # a second `loopdesk demo` changes nothing

    strategies = dict(TeamRouting.objects.values_list("team__name", "strategy"))
    assert strategies[cast.teams["repair"].name] == "skills"
    assert strategies[cast.teams["key_accounts"].name] == "manual"
    assert AgentProfile.objects.filter(status="online").count() == 4
    assert AgentProfile.objects.filter(capacity__gt=0).count() == 6
    assert SkillRequirement.objects.filter(kind="category").count() == 7
    assert SkillRequirement.objects.filter(kind="language").count() == 2
    assert AgentSkill.objects.filter(user=cast.staff["li.na"]).count() == 4
