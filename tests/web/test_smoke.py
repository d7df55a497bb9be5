"""Every screen renders for an allowed agent (a broad net for template errors)."""

from django.urls import reverse


def test_login_page_is_clean(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert "{#" not in html and "{%" not in html and "Log in" in html


def test_pages_render(agent_client, ticket, attachment):
    for url in [
        reverse("tickets:inbox"),
        reverse("tickets:inbox") + "?view=unassigned",
        reverse("tickets:detail", args=[ticket.number]),
        reverse("tickets:history", args=[ticket.number]),
        reverse("tickets:related", args=[ticket.number]),
        reverse("tickets:new"),
        reverse("customers:contact_list"),
        reverse("customers:contact_list") + "?q=Customer",
        reverse("customers:contact_picker") + "?q=Cu",
        reverse("customers:contact_detail", args=[ticket.contact_id]),
        reverse("accounts:settings"),
    ]:
        response = agent_client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for leaked in (
            "{#",
            "#}",
            "{%",
            "%}",
            "{{",
            "}}",
        ):  # template syntax never reaches the page
            assert leaked not in html, (url, leaked)
