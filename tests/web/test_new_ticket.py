"""New ticket on behalf of a contact: through intake only, nothing half-written."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from loopdesk.customers.models import Contact, ContactIdentity
from loopdesk.customers.services import contact_create
from loopdesk.tickets.models import CustomFieldDefinition, Ticket, TicketEvent

URL = reverse("tickets:new")


def _post(client, **data):
    base = {
        "channel": "phone",
        "subject": "Printer jams",
        "description": "Paper jam on tray 2",
        "priority": 2,
        "type": "incident",
    }
    return client.post(URL, {**base, **data})


def test_form_defaults_to_my_team(agent_client, team_a):
    response = agent_client.get(URL)
    assert response.status_code == 200
    assert response.context["form"]["team"].value() == team_a.pk


def test_for_an_existing_contact(agent_client, agent, team_a):
    contact = contact_create(name="李雷", identities=[("phone", "13800138000")])
    response = _post(
        agent_client,
        contact=contact.pk,
        team=team_a.pk,
        assignee=agent.pk,
        tags="printer, 上门",
        attachments=[SimpleUploadedFile("photo.jpg", b"\xff\xd8", content_type="image/jpeg")],
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("tickets:detail", args=[ticket.number])
    assert (
        ticket.contact,
        ticket.channel,
        ticket.priority,
        ticket.type,
        ticket.team,
        ticket.assignee,
    ) == (contact, "phone", 2, "incident", team_a, agent)
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["printer", "上门"]
    message = ticket.messages.get()
    assert message.body_text == "Paper jam on tray 2"
    assert message.attachments.get().filename == "photo.jpg"
    created = TicketEvent.objects.get(ticket=ticket, type="ticket.created")
    assert (created.cause_kind, created.cause_ref, created.actor_user) == (
        "channel",
        "phone",
        agent,
    )


def test_new_caller_by_phone_is_matched_by_intake(agent_client, team_a):
    existing = contact_create(name="韩梅梅", identities=[("phone", "+8613900139000")])
    _post(agent_client, new_name="Han", new_phone="139 0013 9000", team=team_a.pk)
    assert Ticket.objects.get().contact == existing
    assert Contact.objects.count() == 1


def test_new_caller_with_phone_and_email(agent_client, team_a):
    _post(
        agent_client,
        new_name="Wang Wu",
        new_phone="13700137000",
        new_email="Wang@Example.com",
        team=team_a.pk,
    )
    contact = Ticket.objects.get().contact
    assert contact.name == "Wang Wu"
    assert sorted(
        ContactIdentity.objects.filter(contact=contact).values_list("value", flat=True)
    ) == ["+8613700137000", "wang@example.com"]


def test_identity_of_someone_else_is_an_error_and_nothing_is_written(agent_client, team_a):
    contact_create(name="Owner", identities=[("email", "taken@example.com")])
    response = _post(
        agent_client,
        new_name="New",
        new_phone="13600136000",
        new_email="taken@example.com",
        team=team_a.pk,
    )
    assert response.status_code == 422
    assert "already belongs to another contact" in response.content.decode()
    assert (Ticket.objects.count(), Contact.objects.count()) == (0, 1)


def test_invalid_input_shows_messages(agent_client, team_a):
    cases = [
        ({"new_phone": "12"}, "Invalid phone number"),
        ({"new_email": "not-an-email"}, "Invalid email address"),
        ({}, "Choose an existing contact or enter the caller"),
        ({"new_phone": "13800138000", "subject": "x" * 300}, "longer than 250 characters"),
        ({"new_phone": "13800138000", "subject": ""}, "This field is required."),
        ({"new_phone": "13800138000", "channel": "wechat"}, "Select a valid choice."),
        ({"contact": "999999"}, "That contact no longer exists."),
    ]
    for data, text in cases:
        response = _post(agent_client, team=team_a.pk, **data)
        assert response.status_code == 422, data
        assert text in response.content.decode(), data
    assert (Ticket.objects.count(), Contact.objects.count()) == (0, 0)


def test_required_custom_field(agent_client, team_a):
    CustomFieldDefinition.objects.create(
        key="serial", label="Serial number", kind="text", required=True
    )
    response = _post(agent_client, new_phone="13800138000", team=team_a.pk)
    assert response.status_code == 422
    assert "Required fields missing: Serial number" in response.content.decode()
    assert (Ticket.objects.count(), Contact.objects.count()) == (0, 0)
    _post(agent_client, new_phone="13800138000", team=team_a.pk, cf_serial="SN-42")
    assert Ticket.objects.get().custom_fields == {"serial": "SN-42"}


def test_ticket_outside_my_teams_goes_back_to_the_inbox(agent_client, team_b):
    response = _post(agent_client, new_phone="13800138000", team=team_b.pk)
    assert response["Location"] == reverse("tickets:inbox")
    assert Ticket.objects.get().team == team_b


def test_contact_picker_live_search(agent_client):
    contact_create(
        name="张三", identities=[("phone", "13800138000"), ("email", "zhang@example.com")]
    )
    picker = reverse("customers:contact_picker")
    for q in ("张三", "zhang@", "138 0013 8000"):
        html = agent_client.get(picker, {"q": q}, HTTP_HX_REQUEST="true").content.decode()
        assert "data-pick-contact" in html and "张三" in html, q
    assert "No contact found" in agent_client.get(picker, {"q": "nobody"}).content.decode()
