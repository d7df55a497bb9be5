"""/api/v1/calendars: CRUD, admin-only writes, due preview, China preset, bad input."""

import pytest
from django.test import Client
from django.utils import timezone

from loopdesk.accounts.models import ApiScope
from loopdesk.accounts.services import api_key_create
from loopdesk.sla.models import BusinessCalendar, CalendarException, CalendarInterval, SlaPolicy
from loopdesk.sla.presets import preset_years_missing
from loopdesk.sla.tests.years import UNSUPPORTED_YEAR
from tests.api.conftest import ApiClient, assert_problem

WEEK = [{"weekday": d, "start": "09:00", "end": "18:00"} for d in range(5)]


def _client(user, scopes=None) -> ApiClient:
    issued = api_key_create(user=user, name="k", scopes=scopes or list(ApiScope.values))
    return ApiClient(Client(), issued.secret)


@pytest.fixture
def as_admin(admin):
    return _client(admin)


@pytest.fixture
def china(as_admin):
    response = as_admin.post(
        "/calendars", {"name": "China", "timezone": "Asia/Shanghai", "intervals": WEEK}
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_create_get_list(as_admin, china, agent):
    assert [(i["weekday"], i["start"], i["end"]) for i in china["intervals"]][0] == (
        0,
        "09:00",
        "18:00",
    )
    reader = _client(agent, [ApiScope.TICKETS_READ])
    assert reader.get(f"/calendars/{china['id']}").json()["name"] == "China"
    body = reader.get("/calendars").json()
    assert [c["name"] for c in body["data"]] == ["China"]
    assert body["links"]["next"] is None


def test_worked_case_through_the_api(as_admin, china):
    response = as_admin.post(f"/calendars/{china['id']}/china-preset", {"year": 2025})
    assert response.status_code == 200, response.content
    assert response.json()["differences"] == []
    assert response.json()["years_missing"] == preset_years_missing(timezone.localdate())
    due = as_admin.get(
        f"/calendars/{china['id']}/due", {"start": "2025-09-30T17:00:00+08:00", "minutes": 480}
    )
    assert due.status_code == 200, due.content
    assert due.json() == {"due_at": "2025-10-09T08:00:00Z"}
    # An unencoded "+" (a space after URL decoding) is understood too.
    due = as_admin.client.get(
        f"/api/v1/calendars/{china['id']}/due?start=2025-09-30T17:00:00+08:00&minutes=480",
        headers={"Authorization": f"Bearer {as_admin.secret}"},
    )
    assert due.json() == {"due_at": "2025-10-09T08:00:00Z"}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2025-09-30T17:00:00+08:00", "minutes": -5}, "minutes"),
        ({"start": "2025-09-30T17:00:00+08:00", "minutes": 10**9}, "minutes"),
        ({"start": "2025-09-30T17:00:00", "minutes": 5}, "start"),
        ({"start": "yesterday", "minutes": 5}, "start"),
        ({"start": "2025-09-30T17:00:00+08:00", "minutes": "many"}, "minutes"),
        ({"start": "9999-12-31T23:00:00+00:00", "minutes": 600}, "start"),
        ({"start": "2025-09-30T17:00:00+08:00", "minutes": 10**40}, "minutes"),
    ],
    ids=["negative", "huge", "naive", "garbage", "not-a-number", "year-9999", "enormous"],
)
def test_due_bad_input_is_400(as_admin, china, params, field):
    assert_problem(as_admin.get(f"/calendars/{china['id']}/due", params), 400, field)


def test_due_on_calendar_without_hours(as_admin):
    empty = as_admin.post("/calendars", {"name": "Empty", "timezone": "UTC"}).json()
    body = assert_problem(
        as_admin.get(
            f"/calendars/{empty['id']}/due", {"start": "2025-01-01T00:00:00Z", "minutes": 1}
        ),
        400,
        "calendar",
    )
    assert "working" in body["detail"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "X", "timezone": "Nowhere/City", "intervals": WEEK}, "timezone"),
        (
            {"name": "X", "intervals": [{"weekday": 0, "start": "18:00", "end": "09:00"}]},
            "intervals.0",
        ),
        (
            {
                "name": "X",
                "intervals": [
                    {"weekday": 0, "start": "09:00", "end": "12:00"},
                    {"weekday": 0, "start": "11:00", "end": "13:00"},
                ],
            },
            "intervals",
        ),
        ({"name": "X", "intervals": [{"weekday": 9, "start": "09:00", "end": "12:00"}]}, None),
        ({"name": "X", "intervals": [{"weekday": 1, "start": "9h", "end": "12:00"}]}, None),
        ({"name": "X", "colour": "red"}, "colour"),
        ({"name": ""}, "name"),
    ],
    ids=["tz", "inverted", "overlap", "weekday", "bad-time", "unknown-field", "blank-name"],
)
def test_create_bad_input_saves_nothing(as_admin, body, field):
    assert_problem(as_admin.post("/calendars", body), 400, field)
    assert not BusinessCalendar.objects.exists()
    assert not CalendarInterval.objects.exists()


def test_writes_are_admin_only(agent, supervisor, china):
    for user in (agent, supervisor):
        client = _client(user)
        assert_problem(client.post("/calendars", {"name": "Mine"}), 403)
        assert_problem(client.patch(f"/calendars/{china['id']}", {"name": "Mine"}), 403)
        assert_problem(client.post(f"/calendars/{china['id']}/china-preset", {"year": 2025}), 403)
        response = client.client.delete(
            f"/api/v1/calendars/{china['id']}", headers={"Authorization": f"Bearer {client.secret}"}
        )
        assert_problem(response, 403)
    assert BusinessCalendar.objects.get().name == "China"
    assert not CalendarException.objects.exists()


def test_scopes(admin, anon_client, china):
    read_only = _client(admin, [ApiScope.TICKETS_READ])
    assert_problem(read_only.post("/calendars", {"name": "Mine"}), 403)
    contacts_only = _client(admin, [ApiScope.CONTACTS_READ])
    assert_problem(contacts_only.get("/calendars"), 403)
    assert_problem(anon_client.get("/calendars"), 401)


@pytest.fixture
def anon_client():
    return ApiClient(Client(), None)


def test_patch_and_delete(as_admin, china):
    response = as_admin.patch(
        f"/calendars/{china['id']}",
        {
            "timezone": "Europe/Berlin",
            "intervals": [{"weekday": 5, "start": "10:00", "end": "24:00"}],
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["timezone"] == "Europe/Berlin"
    assert [(i["weekday"], i["start"], i["end"]) for i in body["intervals"]] == [
        (5, "10:00", "24:00")
    ]
    assert_problem(as_admin.patch(f"/calendars/{china['id']}", {"timezone": None}), 400, "timezone")
    url = f"/api/v1/calendars/{china['id']}"
    auth = {"Authorization": f"Bearer {as_admin.secret}"}
    assert as_admin.client.delete(url, headers=auth).status_code == 204
    assert_problem(as_admin.get(f"/calendars/{china['id']}"), 404)


def test_delete_refused_while_used(as_admin, china):
    SlaPolicy.objects.create(name="P", calendar_id=china["id"])
    response = as_admin.client.delete(
        f"/api/v1/calendars/{china['id']}", headers={"Authorization": f"Bearer {as_admin.secret}"}
    )
    assert_problem(response, 409)


def test_exceptions_endpoints(as_admin, china):
    url = f"/calendars/{china['id']}/exceptions"
    response = as_admin.post(
        url, {"date": "2025-11-08", "kind": "working", "intervals": [["10:00", "12:00"]]}
    )
    assert response.status_code == 200, response.content
    assert response.json()["source"] == ""
    due = as_admin.get(
        f"/calendars/{china['id']}/due", {"start": "2025-11-08T00:00:00+08:00", "minutes": 30}
    )
    assert due.json() == {"due_at": "2025-11-08T02:30:00Z"}
    assert_problem(
        as_admin.post(
            url, {"date": "2025-11-09", "kind": "closed", "intervals": [["10:00", "12:00"]]}
        ),
        400,
        "intervals",
    )
    assert_problem(as_admin.post(url, {"date": "2025-02-30", "kind": "closed"}), 400, "date")
    auth = {"Authorization": f"Bearer {as_admin.secret}"}
    assert as_admin.client.delete(f"/api/v1{url}/2025-11-08", headers=auth).status_code == 204
    assert_problem(as_admin.client.delete(f"/api/v1{url}/2025-11-08", headers=auth), 404)


def test_preset_missing_year_and_out_of_range(as_admin, china):
    body = assert_problem(
        as_admin.post(f"/calendars/{china['id']}/china-preset", {"year": UNSUPPORTED_YEAR}),
        400,
        "year",
    )
    assert str(UNSUPPORTED_YEAR) in body["detail"]
    assert_problem(as_admin.post(f"/calendars/{china['id']}/china-preset", {"year": 99999}), 400)
    assert not CalendarException.objects.exists()


def test_unknown_or_huge_id_is_404(as_admin):
    assert_problem(as_admin.get("/calendars/999999"), 404)
    assert_problem(as_admin.get(f"/calendars/{10**30}"), 404)
