"""Workspace pages: the header status switch, agent and team pages, who may change what."""

import pytest
from django.test import Client

from loopdesk.routing.constants import AgentStatus, Strategy
from loopdesk.routing.models import AgentProfile, AgentSkill, Skill, TeamRouting
from loopdesk.tickets.tests import factories

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_header_loads_the_status_switch_lazily(agent):
    client = login(agent)
    page = client.get("/tickets/").content.decode()
    assert 'hx-get="/routing/status/"' in page
    widget = client.get("/routing/status/", headers={"HX-Request": "true"}).content.decode()
    assert 'name="status"' in widget and 'value="offline" selected' in widget


def test_agent_sets_own_status_from_the_header(agent):
    client = login(agent)
    response = client.post("/routing/status/", {"status": "online"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'value="online" selected' in response.content.decode()
    assert AgentProfile.objects.get(pk=agent.pk).status == AgentStatus.ONLINE
    response = client.post("/routing/status/", {"status": "asleep"}, headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert AgentProfile.objects.get(pk=agent.pk).status == AgentStatus.ONLINE


def test_supervisor_edits_capacity_shift_and_skills(supervisor, agent):
    refund = Skill.objects.create(name="refund")
    client = login(supervisor)
    page = client.get(f"/routing/agents/{agent.pk}/").content.decode()
    assert "Save availability" in page and "Set level" in page

    assert (
        client.post(
            f"/routing/agents/{agent.pk}/settings/", {"capacity": "4", "calendar": ""}
        ).status_code
        == 302
    )
    assert (
        client.post(
            f"/routing/agents/{agent.pk}/skills/", {"skill": refund.pk, "level": "4"}
        ).status_code
        == 302
    )
    assert AgentProfile.objects.get(pk=agent.pk).capacity == 4
    assert AgentSkill.objects.get(user=agent).level == 4

    bad = client.post(f"/routing/agents/{agent.pk}/settings/", {"capacity": "-1"})
    assert bad.status_code == 422 and "errorlist" in bad.content.decode()
    bad = client.post(f"/routing/agents/{agent.pk}/skills/", {"skill": refund.pk, "level": "9"})
    assert bad.status_code == 422
    assert AgentProfile.objects.get(pk=agent.pk).capacity == 4
    assert AgentSkill.objects.get(user=agent).level == 4

    assert (
        client.post(f"/routing/agents/{agent.pk}/skills/", {"remove": refund.pk}).status_code == 302
    )
    assert not AgentSkill.objects.exists()


def test_agent_reads_own_page_but_cannot_edit(agent, supervisor):
    client = login(agent)
    page = client.get(f"/routing/agents/{agent.pk}/").content.decode()
    assert "Save availability" not in page and "Set status" in page
    response = client.post(f"/routing/agents/{agent.pk}/settings/", {"capacity": "99"})
    assert response.status_code == 403
    assert not AgentProfile.objects.filter(pk=agent.pk, capacity=99).exists()
    assert (
        client.post(f"/routing/agents/{supervisor.pk}/status/", {"status": "away"}).status_code
        == 403
    )


def test_other_teams_agents_and_teams_are_404(agent, other_agent, team_b):
    client = login(agent)
    assert client.get(f"/routing/agents/{other_agent.pk}/").status_code == 404
    assert (
        client.post(f"/routing/agents/{other_agent.pk}/status/", {"status": "online"}).status_code
        == 404
    )
    assert client.get(f"/routing/teams/{team_b.pk}/").status_code == 404
    assert not AgentProfile.objects.filter(pk=other_agent.pk).exists()


def test_supervisor_sets_team_strategy_and_sees_load(supervisor, agent, team_a):
    AgentProfile.objects.create(user=agent, status=AgentStatus.ONLINE, capacity=3)
    factories.make_ticket(team=team_a, assignee=agent)
    client = login(supervisor)
    page = client.get(f"/routing/teams/{team_a.pk}/").content.decode()
    assert "1 / 3" in page and "Save strategy" in page

    response = client.post(
        f"/routing/teams/{team_a.pk}/", {"strategy": "skills", "require_all_skills": "on"}
    )
    assert response.status_code == 302
    assert TeamRouting.objects.get(team=team_a).strategy == Strategy.SKILLS
    bad = client.post(f"/routing/teams/{team_a.pk}/", {"strategy": "lottery"})
    assert bad.status_code == 422
    assert TeamRouting.objects.get(team=team_a).strategy == Strategy.SKILLS
    index = client.get("/routing/").content.decode()
    assert team_a.name in index and "Skills-based" in index


def test_agent_cannot_change_team_strategy(agent, team_a):
    client = login(agent)
    page = client.get(f"/routing/teams/{team_a.pk}/").content.decode()
    assert "Save strategy" not in page
    assert client.post(f"/routing/teams/{team_a.pk}/", {"strategy": "skills"}).status_code == 403
    assert not TeamRouting.objects.exists()


def test_pages_need_login():
    client = Client()
    for url in ("/routing/", "/routing/status/", "/routing/agents/1/", "/routing/teams/1/"):
        assert client.get(url).status_code == 302
