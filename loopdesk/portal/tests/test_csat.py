"""CSAT: the survey on solve (once per period, never without email), answers by signed
link and in the portal, the csat.received event, the agent's card and the API."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from loopdesk.accounts.services import api_key_create
from loopdesk.customers.services import contact_create
from loopdesk.portal.models import CsatResponse, CsatSurvey
from loopdesk.tickets.constants import StatusCategory
from loopdesk.tickets.events import Actor
from loopdesk.tickets.models import TicketEvent, TicketEventType
from loopdesk.tickets.services import ticket_assign, ticket_set_status
from loopdesk.tickets.services.lifecycle import status_default
from loopdesk.tickets.tests import factories

pytestmark = pytest.mark.django_db

SURVEY = re.compile(r"http://[^\s]+(/portal/survey/[^\s?]+/)\?score=5")


def _set(ticket, user, category):
    ticket_set_status(ticket=ticket, status=status_default(category), actor=Actor.person(user))


@pytest.fixture
def solve(commit):
    def run(ticket, user):
        commit(_set, ticket, user, StatusCategory.SOLVED)
        ticket.refresh_from_db()

    return run


@pytest.fixture
def reopen(commit):
    def run(ticket, user):
        commit(_set, ticket, user, StatusCategory.OPEN)
        ticket.refresh_from_db()

    return run


@pytest.fixture
def make(commit):
    def run(**kwargs):
        return commit(factories.make_ticket, **kwargs)

    return run


@pytest.fixture
def assigned(own_ticket, agent, commit):
    commit(ticket_assign, ticket=own_ticket, actor=Actor.person(agent), assignee=agent)
    own_ticket.refresh_from_db()
    return own_ticket


def test_solving_sends_one_survey_with_a_signed_link(assigned, agent, team_a, solve, reopen):
    solve(assigned, agent)
    survey = CsatSurvey.objects.get()
    assert (survey.agent, survey.team, survey.email) == (agent, team_a, "ming@acme.example")
    assert survey.mailed_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    path = SURVEY.search(message.body).group(1)

    # No login needed for this one ticket.
    client = Client()
    page = client.get(path + "?score=5")
    assert page.status_code == 200 and 'value="5" checked' in page.content.decode()
    response = client.post(path, {"score": "4", "comment": "快 fast <b>thanks</b>"})
    assert response.status_code == 200
    rating = CsatResponse.objects.get()
    assert (rating.score, rating.agent, rating.team) == (4, agent, team_a)
    event = TicketEvent.objects.filter(type=TicketEventType.CSAT_RECEIVED).get()
    assert event.changes["csat_score"] == [None, 4]
    assert event.actor_contact_id == assigned.contact_id and event.cause_kind == "channel"

    # Reopen and solve again: no second survey within the period.
    reopen(assigned, agent)
    solve(assigned, agent)
    assert CsatSurvey.objects.count() == 1 and len(mail.outbox) == 1


def test_a_second_survey_only_after_the_period(assigned, agent, solve, reopen, settings):
    settings.LOOPDESK_CSAT_RESEND_DAYS = 7
    solve(assigned, agent)
    reopen(assigned, agent)
    solve(assigned, agent)
    assert CsatSurvey.objects.count() == 1
    CsatSurvey.objects.update(sent_at=timezone.now() - timedelta(days=8))
    reopen(assigned, agent)
    solve(assigned, agent)
    assert CsatSurvey.objects.count() == 2 and len(mail.outbox) == 2


def test_no_survey_without_email_or_when_the_customer_closed_it(
    agent, team_a, solve, make, customer, customer_client, django_capture_on_commit_callbacks
):
    phone_only = contact_create(name="电话客户", identities=[("phone", "+8613800138000")])
    ticket = make(contact=phone_only, team=team_a, channel="phone")
    solve(ticket, agent)
    assert not CsatSurvey.objects.exists()

    own = make(contact=customer, team=team_a)
    with django_capture_on_commit_callbacks(execute=True):
        customer_client.post(f"/portal/tickets/{own.number}/close/")
    own.refresh_from_db()
    assert own.status_category == StatusCategory.SOLVED
    assert not CsatSurvey.objects.exists() and not mail.outbox


@pytest.mark.parametrize("score_case", ["0", "6", "abc", "", "4.5", "-1"])
def test_bad_scores_are_refused_and_nothing_is_stored(
    assigned, agent, solve, customer_client, score_case
):
    solve(assigned, agent)
    response = customer_client.post(
        f"/portal/tickets/{assigned.number}/rate/", {"score": score_case, "comment": "x"}
    )
    assert response.status_code == 422
    assert "Choose a score from 1 to 5." in response.content.decode()
    assert not CsatResponse.objects.exists()
    assert not TicketEvent.objects.filter(type=TicketEventType.CSAT_RECEIVED).exists()


def test_rating_in_the_portal_is_editable_for_a_while(
    assigned, agent, solve, customer_client, settings
):
    url = f"/portal/tickets/{assigned.number}/rate/"
    # Not before it is solved.
    response = customer_client.post(url, {"score": "5"})
    assert response.status_code == 422
    assert "Only a solved request can be rated." in response.content.decode()

    solve(assigned, agent)
    assert customer_client.post(url, {"score": "2", "comment": "slow"}).status_code == 302
    assert customer_client.post(url, {"score": "3", "comment": "ok"}).status_code == 302
    rating = CsatResponse.objects.get()
    assert (rating.score, rating.comment) == (3, "ok")
    assert TicketEvent.objects.filter(type=TicketEventType.CSAT_RECEIVED).count() == 2

    settings.LOOPDESK_CSAT_EDIT_HOURS = 1
    CsatResponse.objects.update(created_at=timezone.now() - timedelta(hours=2))
    response = customer_client.post(url, {"score": "5"})
    assert response.status_code == 422
    assert "can no longer be changed" in response.content.decode()
    assert CsatResponse.objects.get().score == 3


def test_only_the_requester_rates(assigned, agent, solve, colleague, make_org_admin):
    from .conftest import portal_client

    make_org_admin(colleague)
    solve(assigned, agent)
    client = portal_client(colleague)
    assert client.get(f"/portal/tickets/{assigned.number}/").status_code == 200
    response = client.post(f"/portal/tickets/{assigned.number}/rate/", {"score": "1"})
    assert response.status_code == 404
    assert not CsatResponse.objects.exists()


def test_forged_or_foreign_survey_links_are_404(assigned, agent, solve, make, stranger):
    from loopdesk.portal.services.csat import survey_token

    solve(assigned, agent)
    client = Client()
    assert client.get("/portal/survey/forged/").status_code == 404
    other = make(contact=stranger)
    token = survey_token(ticket=other)
    assert client.get(f"/portal/survey/{token}/").status_code == 200  # their own ticket
    # The signature covers ticket and contact; swapping the ticket breaks it.
    tampered = token.replace(token.split(":")[0], token.split(":")[0][:-1] + "x")
    assert client.get(f"/portal/survey/{tampered}/").status_code == 404


def test_agents_see_the_rating_on_the_ticket(assigned, agent, other_agent, solve, customer_client):
    solve(assigned, agent)
    customer_client.post(
        f"/portal/tickets/{assigned.number}/rate/", {"score": "5", "comment": "<i>great</i>"}
    )
    staff = Client()
    staff.force_login(agent)
    page = staff.get(f"/tickets/{assigned.number}/").content.decode()
    assert f"/portal/staff/tickets/{assigned.number}/csat/" in page
    card = staff.get(f"/portal/staff/tickets/{assigned.number}/csat/").content.decode()
    assert (
        "<strong>5</strong> / 5" in card and "sla-ok" in card and "&lt;i&gt;great&lt;/i&gt;" in card
    )
    outsider = Client()
    outsider.force_login(other_agent)
    assert outsider.get(f"/portal/staff/tickets/{assigned.number}/csat/").status_code == 404
    assert Client().get(f"/portal/staff/tickets/{assigned.number}/csat/").status_code == 302


def _api(user, scopes):
    issued = api_key_create(user=user, name="csat", scopes=scopes)
    return Client(headers={"Authorization": f"Bearer {issued.secret}"})


def test_satisfaction_api_lists_filters_and_scopes(
    customer, agent, other_agent, team_a, team_b, solve, make, commit, admin
):
    tickets = []
    for i in range(3):
        t = make(contact=customer, team=team_a, subject=f"T{i}")
        commit(ticket_assign, ticket=t, actor=Actor.person(agent), assignee=agent)
        solve(t, agent)
        tickets.append(t)
    b_ticket = make(contact=customer, team=team_b, subject="B")
    commit(ticket_assign, ticket=b_ticket, actor=Actor.person(other_agent), assignee=other_agent)
    solve(b_ticket, other_agent)
    from loopdesk.portal.services.csat import csat_respond

    for score, t in zip([5, 3, 1, 4], [*tickets, b_ticket], strict=True):
        csat_respond(ticket=t, contact=customer, score=score)

    client = _api(agent, ["tickets:read"])
    first = client.get("/api/v1/satisfaction", {"page[size]": 2})
    assert first.status_code == 200
    body = first.json()
    assert [row["score"] for row in body["data"]] == [1, 3]  # newest first, team A only
    assert body["data"][0]["agent"] == {"id": agent.pk, "name": str(agent)}
    assert body["data"][0]["ticket"]["number"] == tickets[2].number
    second = client.get(body["links"]["next"]).json()
    assert [row["score"] for row in second["data"]] == [5] and second["links"]["next"] is None

    everyone = _api(admin, ["tickets:read"])
    assert len(everyone.get("/api/v1/satisfaction").json()["data"]) == 4
    by_team = everyone.get("/api/v1/satisfaction", {"team": team_b.pk}).json()["data"]
    assert [row["score"] for row in by_team] == [4]
    by_ticket = everyone.get("/api/v1/satisfaction", {"ticket": tickets[1].number}).json()
    assert [row["score"] for row in by_ticket["data"]] == [3]
    by_agent = everyone.get("/api/v1/satisfaction", {"agent": other_agent.pk}).json()["data"]
    assert [row["score"] for row in by_agent] == [4]
    future = (timezone.now() + timedelta(days=1)).isoformat()
    assert everyone.get("/api/v1/satisfaction", {"created_after": future}).json()["data"] == []

    bad = everyone.get(
        "/api/v1/satisfaction", {"created_after": future, "created_before": "2020-01-01T00:00:00Z"}
    )
    assert bad.status_code == 400 and bad["Content-Type"] == "application/problem+json"
    assert everyone.get("/api/v1/satisfaction", {"agent": "abc"}).status_code == 400
    assert everyone.get("/api/v1/satisfaction", {"ticket": "9" * 30}).status_code == 400
    assert everyone.get("/api/v1/satisfaction", {"page[after]": "garbage"}).status_code == 400
    assert _api(admin, ["contacts:read"]).get("/api/v1/satisfaction").status_code == 403
    assert Client().get("/api/v1/satisfaction").status_code == 401
    assert everyone.post("/api/v1/satisfaction").status_code == 405


def test_history_and_self_service_figures(
    assigned, agent, supervisor, solve, customer_client, other_agent
):
    solve(assigned, agent)
    customer_client.post(f"/portal/tickets/{assigned.number}/rate/", {"score": "4"})
    staff = Client()
    staff.force_login(agent)
    history = staff.get(f"/tickets/{assigned.number}/history/").content.decode()
    assert "received a satisfaction rating" in history and "Satisfaction score" in history

    # Agents do not see the overview; supervisors see their teams' ratings.
    assert staff.get("/portal/staff/overview/").status_code == 404
    boss = Client()
    boss.force_login(supervisor)
    page = boss.get("/portal/staff/overview/?days=7").content.decode()
    assert "1 rating" in page and "<strong>4.00</strong> / 5" in page and "100%" in page
    assert boss.get("/portal/staff/overview/?days=abc").status_code == 200


def test_rating_changes_are_rate_limited(assigned, agent, solve, customer_client, monkeypatch):
    from loopdesk.portal.services import csat

    monkeypatch.setattr(csat, "RATINGS_PER_WINDOW", 3)
    solve(assigned, agent)
    url = f"/portal/tickets/{assigned.number}/rate/"
    codes = [customer_client.post(url, {"score": str(1 + i % 2)}).status_code for i in range(4)]
    assert codes == [302, 302, 302, 422]
    assert TicketEvent.objects.filter(type=TicketEventType.CSAT_RECEIVED).count() == 3
