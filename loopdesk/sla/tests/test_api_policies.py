"""/api/v1/sla-policies: CRUD, admin-only writes, validation (nothing saved half-way)."""

import pytest
from django.test import Client

from loopdesk.accounts.models import ApiScope
from loopdesk.accounts.services import api_key_create
from loopdesk.sla.models import SlaPolicy, SlaTarget
from loopdesk.sla.services.calendars import WeeklyInterval, calendar_create
from tests.api.conftest import ApiClient, assert_problem

TARGETS = [
    {"metric": "first_response", "priority": 1, "minutes": 60},
    {"metric": "first_response", "priority": None, "minutes": 240},
    {"metric": "resolution", "minutes": 2880, "business_hours": False},
]


def _client(user, scopes=None) -> ApiClient:
    issued = api_key_create(user=user, name="k", scopes=scopes or list(ApiScope.values))
    return ApiClient(Client(), issued.secret)


@pytest.fixture
def as_admin(admin):
    return _client(admin)


@pytest.fixture
def calendar(db):
    from datetime import time

    return calendar_create(
        name="Office",
        timezone="Europe/Berlin",
        intervals=[WeeklyInterval(weekday=d, start=time(9), end=time(17)) for d in range(5)],
    )


def test_create_get_list_update_delete(as_admin, agent, calendar, team_a):
    created = as_admin.post(
        "/sla-policies",
        {
            "name": "VIP",
            "conditions": {"tier": ["vip"], "team": [team_a.pk], "tags": ["Urgent"]},
            "calendar_id": calendar.pk,
            "warn_at_percent": 80,
            "targets": TARGETS,
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["conditions"]["tags"] == ["urgent"]
    assert body["calendar_id"] == calendar.pk and body["warn_at_percent"] == 80
    assert len(body["targets"]) == 3
    policy_id = body["id"]

    reader = _client(agent, scopes=["tickets:read"])
    assert reader.get(f"/sla-policies/{policy_id}").json()["name"] == "VIP"
    assert [p["id"] for p in reader.get("/sla-policies").json()["data"]] == [policy_id]

    patched = as_admin.patch(
        f"/sla-policies/{policy_id}",
        {"targets": [{"metric": "resolution", "minutes": 30}], "calendar_id": None},
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["calendar_id"] is None
    assert [(t["metric"], t["minutes"]) for t in patched.json()["targets"]] == [("resolution", 30)]

    deleted = as_admin.client.delete(
        f"/api/v1/sla-policies/{policy_id}", headers=as_admin._headers(None)
    )
    assert deleted.status_code == 204
    assert_problem(reader.get(f"/sla-policies/{policy_id}"), 404)


def test_writes_need_an_admin(agent):
    response = _client(agent).post("/sla-policies", {"name": "x", "targets": TARGETS})
    assert_problem(response, 403)
    assert not SlaPolicy.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "No targets", "targets": []}, "targets"),
        ({"name": "Zero", "targets": [{"metric": "resolution", "minutes": 0}]}, "targets"),
        ({"name": "Negative", "targets": [{"metric": "resolution", "minutes": -5}]}, "targets"),
        ({"name": "Huge", "targets": [{"metric": "resolution", "minutes": 10**9}]}, "targets"),
        ({"name": "Metric", "targets": [{"metric": "lunch", "minutes": 5}]}, "targets"),
        (
            {"name": "Prio", "targets": [{"metric": "resolution", "priority": 9, "minutes": 5}]},
            "targets",
        ),
        ({"name": "Twice", "targets": [TARGETS[2], TARGETS[2]]}, "targets"),
        ({"name": "Key", "conditions": {"colour": ["red"]}, "targets": TARGETS}, "conditions"),
        (
            {"name": "Value", "conditions": {"priority": [7]}, "targets": TARGETS},
            "conditions.priority",
        ),
        ({"name": "Tier", "conditions": {"tier": ["gold"]}, "targets": TARGETS}, "conditions.tier"),
        (
            {"name": "Pause", "pause_categories": {"resolution": ["solved"]}, "targets": TARGETS},
            "pause_categories",
        ),
        ({"name": "Warn", "warn_at_percent": 150, "targets": TARGETS}, "warn_at_percent"),
        (
            {"name": "Esc", "escalation": {"breach": [{"action": "explode"}]}, "targets": TARGETS},
            "escalation",
        ),
        ({"name": "Cal", "calendar_id": 999999, "targets": TARGETS}, "calendar_id"),
        ({"name": "", "targets": TARGETS}, "name"),
    ],
)
def test_bad_input_is_a_400_and_saves_nothing(as_admin, body, field):
    assert_problem(as_admin.post("/sla-policies", body), 400, field)
    assert not SlaPolicy.objects.exists() and not SlaTarget.objects.exists()


def test_unknown_body_field_is_rejected(as_admin):
    response = as_admin.post("/sla-policies", {"name": "x", "targets": TARGETS, "colour": 1})
    assert_problem(response, 400)


def test_bad_patch_keeps_the_old_targets(as_admin):
    policy_id = as_admin.post("/sla-policies", {"name": "P", "targets": TARGETS}).json()["id"]
    assert_problem(as_admin.patch(f"/sla-policies/{policy_id}", {"targets": []}), 400, "targets")
    assert SlaTarget.objects.filter(policy_id=policy_id).count() == 3
    assert_problem(as_admin.patch(f"/sla-policies/{policy_id}", {"name": None}), 400)


def test_calendar_without_hours_is_rejected(as_admin):
    empty = calendar_create(name="Never", timezone="UTC", intervals=[])
    response = as_admin.post(
        "/sla-policies", {"name": "P", "calendar_id": empty.pk, "targets": TARGETS}
    )
    assert_problem(response, 400, "calendar")
