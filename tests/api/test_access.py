"""Every route as anonymous (401), with a key lacking the scope (403), as an agent
outside the ticket's team (404 / excluded) and as an allowed agent (2xx).
Denied calls must change nothing."""

import pytest

from loopdesk.accounts.models import ApiScope
from loopdesk.core.models import IdempotencyRecord
from loopdesk.customers.models import Contact, Organization
from loopdesk.customers.services import organization_create
from loopdesk.tickets.models import Attachment, Message, Ticket, TicketEvent

from .conftest import ALL_SCOPES, assert_problem

R, W = ApiScope.TICKETS_READ, ApiScope.TICKETS_WRITE
CR, CW = ApiScope.CONTACTS_READ, ApiScope.CONTACTS_WRITE

# (method, path, scope, body, expected status for an allowed agent)
ROUTES = [
    ("GET", "/tickets", R, None, 200),
    (
        "POST",
        "/tickets",
        W,
        {"subject": "S", "requester": {"email": "n@example.com"}, "body_text": "b"},
        201,
    ),
    ("GET", "/tickets/{n}", R, None, 200),
    ("PATCH", "/tickets/{n}", W, {"priority": 1, "tags": ["vip"]}, 200),
    ("GET", "/tickets/{n}/messages", R, None, 200),
    ("POST", "/tickets/{n}/messages", W, {"kind": "note", "body_text": "internal"}, 201),
    ("GET", "/tickets/{n}/events", R, None, 200),
    ("GET", "/contacts", CR, None, 200),
    ("POST", "/contacts", CW, {"name": "New", "emails": ["new@example.com"]}, 201),
    ("GET", "/contacts/{c}", CR, None, 200),
    ("PATCH", "/contacts/{c}", CW, {"notes": "changed"}, 200),
    ("GET", "/contacts/{c}/tickets", R, None, 200),
    ("GET", "/organizations", CR, None, 200),
    ("POST", "/organizations", CW, {"name": "Acme"}, 201),
    ("GET", "/organizations/{o}", CR, None, 200),
    ("PATCH", "/organizations/{o}", CW, {"notes": "changed"}, 200),
    ("GET", "/teams", None, None, 200),
    ("GET", "/users/me", None, None, 200),
]
TICKET_ROUTES = [r for r in ROUTES if "{n}" in r[1]]
SCOPED_ROUTES = [r for r in ROUTES if r[2] is not None]


def _id(route) -> str:
    return f"{route[0]} {route[1]}"


@pytest.fixture
def world(ticket):
    organization = organization_create(name="Org One")
    return {"n": ticket.number, "c": ticket.contact_id, "o": organization.pk}


def snapshot(number: int) -> dict:
    """Everything a denied call could have touched."""
    row = Ticket.objects.filter(number=number).values(
        "subject", "priority", "status_id", "team_id", "assignee_id", "updated_at", "custom_fields"
    )
    return {
        "ticket": list(row),
        "tags": sorted(Ticket.objects.get(number=number).tags.values_list("name", flat=True)),
        "counts": [
            m.objects.count()
            for m in (
                Ticket,
                TicketEvent,
                Message,
                Attachment,
                Contact,
                Organization,
                IdempotencyRecord,
            )
        ],
        "contacts": list(Contact.objects.values("name", "notes", "organization_id", "updated_at")),
        "orgs": list(Organization.objects.values("name", "notes", "updated_at")),
    }


@pytest.mark.parametrize("route", ROUTES, ids=_id)
def test_anonymous_gets_401_and_changes_nothing(anon, world, route):
    method, path, _, body, _ = route
    before = snapshot(world["n"])
    response = anon.call(method, path.format(**world), body)
    assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert snapshot(world["n"]) == before


@pytest.mark.parametrize("route", SCOPED_ROUTES, ids=_id)
def test_key_without_the_scope_gets_403_and_changes_nothing(api_as, agent, world, route):
    method, path, scope, body, _ = route
    api = api_as(agent, scopes=[s for s in ALL_SCOPES if s != scope])
    before = snapshot(world["n"])
    body_out = assert_problem(api.call(method, path.format(**world), body), 403)
    assert scope in body_out["detail"]
    assert snapshot(world["n"]) == before


def test_contact_tickets_needs_contacts_read_too(api_as, agent, world):
    api = api_as(agent, scopes=[ApiScope.TICKETS_READ])
    assert_problem(api.get(f"/contacts/{world['c']}/tickets"), 403)


@pytest.mark.parametrize("route", ROUTES, ids=_id)
def test_allowed_agent_gets_2xx(api_as, agent, world, route):
    method, path, _, body, expected = route
    response = api_as(agent).call(method, path.format(**world), body)
    assert response.status_code == expected, response.content
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("route", TICKET_ROUTES, ids=_id)
def test_agent_outside_the_team_gets_404_and_changes_nothing(api_as, other_agent, world, route):
    method, path, _, body, _ = route
    before = snapshot(world["n"])
    assert_problem(api_as(other_agent).call(method, path.format(**world), body), 404)
    assert snapshot(world["n"]) == before


def test_unknown_ticket_number_is_the_same_404(api_as, agent, world):
    """A ticket that exists in another team and one that does not exist look alike."""
    api = api_as(agent)
    missing = api.get("/tickets/99999999").json()
    assert missing["status"] == 404
    assert_problem(api.get("/tickets/99999999999999999999999"), 404)


def test_lists_exclude_tickets_outside_scope(api_as, other_agent, agent, world):
    outsider = api_as(other_agent)
    assert outsider.get("/tickets").json()["data"] == []
    assert outsider.get(f"/contacts/{world['c']}/tickets").json()["data"] == []
    assert outsider.get("/tickets", {"number": world["n"]}).json()["data"] == []
    insider = api_as(agent)
    assert [t["number"] for t in insider.get("/tickets").json()["data"]] == [world["n"]]
    assert [t["number"] for t in insider.get(f"/contacts/{world['c']}/tickets").json()["data"]] == [
        world["n"]
    ]


def test_technician_sees_only_assigned_and_cannot_reassign_or_create(
    api_as, technician, admin, world
):
    api = api_as(technician)
    assert_problem(api.get(f"/tickets/{world['n']}"), 404)
    admin_api = api_as(admin)
    # A technician is not a team member: the ticket leaves the team to be assigned.
    response = admin_api.patch(
        f"/tickets/{world['n']}", {"team_id": None, "assignee_id": technician.pk}
    )
    assert response.status_code == 200, response.content
    assert api.get(f"/tickets/{world['n']}").status_code == 200
    before = snapshot(world["n"])
    assert_problem(api.patch(f"/tickets/{world['n']}", {"assignee_id": None}), 403)
    assert_problem(api.post("/tickets", ROUTES[1][3]), 403)
    assert snapshot(world["n"]) == before
    # Working the ticket is allowed.
    assert api.patch(f"/tickets/{world['n']}", {"priority": 2}).status_code == 200


def test_admin_and_supervisor_scopes(api_as, admin, supervisor, world):
    assert api_as(admin).get(f"/tickets/{world['n']}").status_code == 200
    assert api_as(supervisor).get(f"/tickets/{world['n']}").status_code == 200


def test_unknown_paths_and_methods_are_problems(api_as, agent, anon):
    api = api_as(agent)
    for path in ("/", "/nope", "/tickets/1/nope", "/admin"):
        assert_problem(api.get(path), 404)
        assert_problem(anon.get(path), 404)
    response = api.client.delete("/api/v1/tickets", headers=api._headers(None))
    assert_problem(response, 405)
    assert set(response["Allow"].split(", ")) == {"GET", "POST"}
