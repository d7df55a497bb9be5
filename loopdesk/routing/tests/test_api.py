"""REST API: agent status, availability, skills, requirements, team routing.
Auth and scopes, who may change whom, and bad input (problem+json, nothing changed)."""

import json

import pytest
from django.test import Client

from loopdesk.accounts.models import ApiScope, Role
from loopdesk.accounts.services import api_key_create
from loopdesk.routing.constants import AgentStatus, Strategy
from loopdesk.routing.models import AgentProfile, AgentSkill, Skill, SkillRequirement, TeamRouting
from loopdesk.tickets.tests import factories
from tests.api.conftest import assert_problem

pytestmark = pytest.mark.django_db
PREFIX = "/api/v1"


class Api:
    def __init__(self, user=None, scopes=None):
        self.client = Client()
        self.headers = {}
        if user is not None:
            secret = api_key_create(
                user=user, name="k", scopes=scopes or list(ApiScope.values)
            ).secret
            self.headers = {"Authorization": f"Bearer {secret}"}

    def call(self, method, path, body=None):
        kwargs = {"headers": self.headers}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        return getattr(self.client, method)(PREFIX + path, **kwargs)


def _state():
    """Everything the routing API can change, to assert that a refused call changed nothing."""
    return (
        sorted(AgentProfile.objects.values_list("user_id", "status", "capacity", "calendar_id")),
        sorted(AgentSkill.objects.values_list("user_id", "skill_id", "level")),
        sorted(TeamRouting.objects.values_list("team_id", "strategy", "require_all_skills")),
        sorted(Skill.objects.values_list("name", flat=True)),
        SkillRequirement.objects.count(),
    )


def test_agent_sets_and_reads_own_status(agent):
    api = Api(agent)
    response = api.call("put", "/agents/me/status", {"status": "online"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "online" and body["agent_id"] == agent.pk
    assert body["status_changed_at"] is not None
    assert body["open_tickets"] == 0 and body["capacity"] == 10 and body["on_shift"] is True
    assert api.call("get", "/agents/me/status").json()["status"] == "online"
    assert api.call("get", f"/agents/{agent.pk}/status").json()["status"] == "online"


def test_supervisor_manages_team_member(supervisor, agent, team_a):
    refund = Skill.objects.create(name="refund")
    api = Api(supervisor)
    assert (
        api.call("put", f"/agents/{agent.pk}/status", {"status": "away"}).json()["status"] == "away"
    )
    body = api.call("patch", f"/agents/{agent.pk}/routing", {"capacity": 3}).json()
    assert body["capacity"] == 3
    body = api.call("put", f"/agents/{agent.pk}/skills/{refund.pk}", {"level": 4}).json()
    assert body["skills"] == [{"skill_id": refund.pk, "skill": "refund", "level": 4}]
    assert api.call("delete", f"/agents/{agent.pk}/skills/{refund.pk}").status_code == 204
    body = api.call(
        "put", f"/teams/{team_a.pk}/routing", {"strategy": "skills", "require_all_skills": False}
    ).json()
    assert body == {
        "team_id": team_a.pk,
        "team": team_a.name,
        "strategy": "skills",
        "require_all_skills": False,
        "waiting_tickets": 0,
    }
    assert api.call("get", f"/teams/{team_a.pk}/routing").json()["strategy"] == "skills"


def test_team_routing_counts_waiting_tickets_and_going_online_assigns_them(
    supervisor, agent, team_a, django_capture_on_commit_callbacks
):
    api = Api(supervisor)
    factories.make_ticket(team=team_a)
    assert (
        api.call("put", f"/teams/{team_a.pk}/routing", {"strategy": "round_robin"}).json()[
            "waiting_tickets"
        ]
        == 1
    )
    with django_capture_on_commit_callbacks(execute=True):
        Api(agent).call("put", "/agents/me/status", {"status": "online"})
    response = Api(agent).call("get", "/agents/me/status")
    assert response.json()["open_tickets"] == 1


def test_admin_manages_catalogue_and_requirements(admin):
    api = Api(admin)
    response = api.call("post", "/skills", {"name": "hardware repair", "description": "维修"})
    assert response.status_code == 201
    skill_id = response.json()["id"]
    response = api.call(
        "post",
        "/skill-requirements",
        {"kind": "tag", "value": "Repair", "skill_id": skill_id, "min_level": 2},
    )
    assert response.status_code == 201, response.content
    assert response.json()["value"] == "repair"
    listed = api.call("get", "/skill-requirements").json()
    assert [(r["kind"], r["value"], r["skill"], r["min_level"]) for r in listed] == [
        ("tag", "repair", "hardware repair", 2)
    ]
    assert api.call("delete", f"/skill-requirements/{listed[0]['id']}").status_code == 204
    assert api.call("get", "/skills").json()[0]["name"] == "hardware repair"


@pytest.mark.parametrize(
    ("who", "method", "path", "body", "status", "field"),
    [
        ("agent", "put", "/agents/me/status", {"status": "busy"}, 400, "status"),
        ("agent", "put", "/agents/me/status", {"status": "online", "extra": 1}, 400, None),
        ("agent", "put", "/agents/{other}/status", {"status": "online"}, 404, None),
        ("agent", "put", "/agents/{peer}/status", {"status": "online"}, 403, None),
        ("agent", "patch", "/agents/{agent}/routing", {"capacity": 50}, 403, None),
        ("supervisor", "put", "/agents/999999/status", {"status": "online"}, 404, None),
        (
            "supervisor",
            "put",
            "/agents/99999999999999999999/status",
            {"status": "online"},
            404,
            None,
        ),
        ("supervisor", "patch", "/agents/{agent}/routing", {"capacity": -1}, 400, "capacity"),
        ("supervisor", "patch", "/agents/{agent}/routing", {"capacity": 501}, 400, "capacity"),
        ("supervisor", "patch", "/agents/{agent}/routing", {"capacity": None}, 400, "capacity"),
        (
            "supervisor",
            "patch",
            "/agents/{agent}/routing",
            {"calendar_id": 424242},
            400,
            "calendar_id",
        ),
        ("supervisor", "put", "/agents/{agent}/skills/{skill}", {"level": 9}, 400, "level"),
        ("supervisor", "put", "/agents/{agent}/skills/{skill}", {"level": 0}, 400, "level"),
        ("supervisor", "put", "/agents/{agent}/skills/{skill}", {"level": "expert"}, 400, None),
        ("supervisor", "put", "/agents/{agent}/skills/77777", {"level": 3}, 404, None),
        ("supervisor", "put", "/agents/{other}/status", {"status": "online"}, 404, None),
        ("supervisor", "patch", "/agents/{other}/routing", {"capacity": 1}, 404, None),
        ("supervisor", "put", "/teams/{team_b}/routing", {"strategy": "skills"}, 404, None),
        ("supervisor", "put", "/teams/{team_a}/routing", {"strategy": "random"}, 400, "strategy"),
        ("supervisor", "post", "/skills", {"name": "x"}, 403, None),
        ("agent", "put", "/teams/{team_a}/routing", {"strategy": "skills"}, 403, None),
        ("admin", "post", "/skills", {"name": "  "}, 400, "name"),
        (
            "admin",
            "post",
            "/skill-requirements",
            {"kind": "mood", "value": "x", "skill_id": "{skill}"},
            400,
            "kind",
        ),
        (
            "admin",
            "post",
            "/skill-requirements",
            {"kind": "tag", "value": "x", "skill_id": "{skill}", "min_level": 6},
            400,
            "min_level",
        ),
        (
            "admin",
            "post",
            "/skill-requirements",
            {"kind": "category", "skill_id": "{skill}"},
            400,
            "category",
        ),
        (
            "admin",
            "post",
            "/skill-requirements",
            {"kind": "category", "category_id": 5555, "skill_id": "{skill}"},
            400,
            "category_id",
        ),
        ("admin", "delete", "/skill-requirements/4242", None, 404, None),
    ],
)
def test_bad_input_and_foreign_agents_are_refused_and_change_nothing(
    who, method, path, body, status, field, admin, supervisor, agent, other_agent, team_a, team_b
):
    peer = factories.make_user(role=Role.AGENT, teams=[team_a])
    skill = Skill.objects.create(name="refund")
    AgentProfile.objects.create(user=agent, status=AgentStatus.OFFLINE, capacity=5)
    TeamRouting.objects.create(team=team_a, strategy=Strategy.MANUAL)
    ids = {
        "other": other_agent.pk,
        "peer": peer.pk,
        "agent": agent.pk,
        "skill": skill.pk,
        "team_a": team_a.pk,
        "team_b": team_b.pk,
    }
    path = path.format(**ids)
    if body:
        body = {
            k: (int(v.format(**ids)) if isinstance(v, str) and v.startswith("{") else v)
            for k, v in body.items()
        }
    caller = {"admin": admin, "supervisor": supervisor, "agent": agent}[who]
    before = _state()

    response = Api(caller).call(method, path, body)

    assert_problem(response, status, field)
    assert _state() == before


def test_scopes_and_authentication(agent):
    assert_problem(Api().call("get", "/agents/me/status"), 401)
    read_only = Api(agent, scopes=[ApiScope.TICKETS_READ])
    assert read_only.call("get", "/agents/me/status").status_code == 200
    before = _state()
    assert_problem(read_only.call("put", "/agents/me/status", {"status": "online"}), 403)
    contacts_only = Api(agent, scopes=[ApiScope.CONTACTS_READ])
    assert_problem(contacts_only.call("get", "/skills"), 403)
    assert _state() == before


def test_agents_see_their_teams_only(agent, other_agent, team_a, team_b):
    api = Api(agent)
    assert api.call("get", f"/agents/{other_agent.pk}/routing").status_code == 404
    assert api.call("get", f"/teams/{team_b.pk}/routing").status_code == 404
    assert api.call("get", f"/teams/{team_a.pk}/routing").json()["strategy"] == "manual"
