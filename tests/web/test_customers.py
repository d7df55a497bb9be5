"""Contacts and organisations: list, search, scoped tickets, edits."""

from django.urls import reverse

from loopdesk.customers.models import Contact
from loopdesk.customers.services import contact_create, organization_create
from loopdesk.tickets.tests import factories


def test_contact_page_lists_only_tickets_in_my_scope(agent_client, team_a, team_b):
    org = organization_create(name="星辰电器", tier="vip")
    contact = contact_create(
        name="王小明", organization=org, identities=[("email", "wang@example.com")]
    )
    mine = factories.make_ticket(team=team_a, contact=contact, subject="Visible one")
    factories.make_ticket(team=team_b, contact=contact, subject="Hidden one")
    response = agent_client.get(reverse("customers:contact_detail", args=[contact.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Visible one" in html and "Hidden one" not in html
    assert "wang@example.com" in html and "VIP" in html
    assert [t.number for t in response.context["tickets"]] == [mine.number]
    org_page = agent_client.get(
        reverse("customers:organization_detail", args=[org.pk])
    ).content.decode()
    assert "Visible one" in org_page and "Hidden one" not in org_page and "王小明" in org_page


def test_contact_list_and_search(agent_client):
    contact_create(name="Alice", identities=[("email", "alice@example.com")])
    contact_create(name="Bob", identities=[("phone", "13800138000")])
    html = agent_client.get(reverse("customers:contact_list")).content.decode()
    assert "Alice" in html and "Bob" in html
    html = agent_client.get(
        reverse("customers:contact_list"), {"q": "138 0013 8000"}
    ).content.decode()
    assert "Bob" in html and "Alice" not in html
    assert (
        agent_client.get(reverse("customers:contact_list"), {"after": "garbage"}).status_code == 200
    )


def test_edit_contact(agent_client):
    contact = contact_create(name="Old", identities=[("email", "old@example.com")])
    org = organization_create(name="ACME")
    url = reverse("customers:contact_detail", args=[contact.pk])
    response = agent_client.post(
        url,
        {
            "name": "New name",
            "organization": org.pk,
            "tier": "vip",
            "language": "en",
            "notes": "Prefers calls",
        },
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.name, contact.organization, contact.tier, contact.notes) == (
        "New name",
        org,
        "vip",
        "Prefers calls",
    )
    response = agent_client.post(url, {"name": "", "tier": "gold", "language": "en"})
    assert response.status_code == 422
    contact.refresh_from_db()
    assert contact.name == "New name" and contact.tier == "vip"


def test_technician_cannot_edit_contacts_and_unknown_is_404(tech_client):
    contact = contact_create(name="Keep")
    url = reverse("customers:contact_detail", args=[contact.pk])
    assert (
        tech_client.post(url, {"name": "Changed", "tier": "standard", "language": "en"}).status_code
        == 403
    )
    assert Contact.objects.get(pk=contact.pk).name == "Keep"
    assert tech_client.get(reverse("customers:contact_detail", args=[999999])).status_code == 404
    assert (
        tech_client.get(reverse("customers:organization_detail", args=[999999])).status_code == 404
    )
