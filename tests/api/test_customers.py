"""Contacts and organisations through the API."""

from loopdesk.customers.models import Contact, ContactIdentity, Organization
from loopdesk.tickets.tests.factories import make_contact

from .conftest import assert_problem


def test_create_contact_with_identities_and_organisation(api_as, agent):
    api = api_as(agent)
    org = api.post(
        "/organizations", {"name": "  Acme 公司 ", "domain": "ACME.cn", "tier": "vip"}
    ).json()
    assert (org["name"], org["domain"], org["tier"]) == ("Acme 公司", "acme.cn", "vip")
    response = api.post(
        "/contacts",
        {
            "name": "李四",
            "emails": ["Li.Si@Acme.cn"],
            "phones": ["13800138000"],
            "organization_id": org["id"],
        },
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["organization"] == {"id": org["id"], "name": "Acme 公司"}
    assert data["email"] == "li.si@acme.cn" and data["phone"] == "+8613800138000"
    assert data["identities"] == [
        {"kind": "email", "value": "li.si@acme.cn", "is_primary": True},
        {"kind": "phone", "value": "+8613800138000", "is_primary": True},
    ]
    assert api.get(f"/contacts/{data['id']}").json() == data


def test_duplicate_identity_is_400_and_nothing_is_written(api_as, agent):
    make_contact(email="taken@example.com")
    before = (Contact.objects.count(), ContactIdentity.objects.count())
    response = api_as(agent).post(
        "/contacts", {"name": "Dup", "emails": ["fresh@example.com", "TAKEN@example.com"]}
    )
    assert_problem(response, 400)
    assert (Contact.objects.count(), ContactIdentity.objects.count()) == before


def test_contact_validation(api_as, agent):
    api = api_as(agent)
    before = Contact.objects.count()
    for body in (
        {"name": ""},
        {"name": "x" * 201},
        {"name": "A", "emails": ["nope"]},
        {"name": "A", "phones": ["12"]},
        {"name": "A", "organization_id": 424242},
        {"name": "A", "tier": "gold"},
        {"name": "A", "language": "fr"},
        {"name": "A", "emails": [f"e{i}@x.com" for i in range(21)]},
        {"name": "A", "id": 5},
    ):
        assert_problem(api.post("/contacts", body), 400)
    assert Contact.objects.count() == before


def test_patch_contact(api_as, agent):
    contact = make_contact(email="p@example.com", name="Old")
    org = Organization.objects.create(name="Org")
    api = api_as(agent)
    data = api.patch(
        f"/contacts/{contact.pk}", {"name": "New", "organization_id": org.pk, "tier": "vip"}
    ).json()
    assert (data["name"], data["organization"]["id"], data["tier"]) == ("New", org.pk, "vip")
    data = api.patch(f"/contacts/{contact.pk}", {"organization_id": None}).json()
    assert data["organization"] is None and data["name"] == "New"
    assert_problem(api.patch(f"/contacts/{contact.pk}", {"name": None}), 400, "name")
    assert_problem(api.patch(f"/contacts/{contact.pk}", {"primary_email": "x@y.z"}), 400)
    assert_problem(api.patch("/contacts/999999", {"name": "x"}), 404)


def test_search_contacts(api_as, agent):
    wang = make_contact(email="wang@example.com", name="王五")
    make_contact(email="other@example.com", name="Other")
    api = api_as(agent)

    def ids(q: str) -> list[int]:
        return [c["id"] for c in api.get("/contacts", {"q": q}).json()["data"]]

    assert ids("王") == [wang.pk]
    assert ids("wang@") == [wang.pk]
    assert ids("nobody") == []
    assert len(ids("")) == 2


def test_organisations_get_patch_and_404(api_as, agent):
    api = api_as(agent)
    org = api.post("/organizations", {"name": "Beta"}).json()
    assert api.get(f"/organizations/{org['id']}").json()["name"] == "Beta"
    data = api.patch(
        f"/organizations/{org['id']}", {"notes": "key account", "domain": "Beta.COM"}
    ).json()
    assert (data["notes"], data["domain"], data["name"]) == ("key account", "beta.com", "Beta")
    assert_problem(api.patch(f"/organizations/{org['id']}", {"name": "  "}), 400, "name")
    assert_problem(api.patch(f"/organizations/{org['id']}", {"name": None}), 400, "name")
    assert_problem(api.get("/organizations/424242"), 404)
    assert [o["name"] for o in api.get("/organizations", {"q": "bet"}).json()["data"]] == ["Beta"]
