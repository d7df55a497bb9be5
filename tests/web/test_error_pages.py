"""Errors render our own pages, in the user's language, and say what to do."""

from django.urls import reverse


def test_404_page_is_ours(agent_client):
    response = agent_client.get("/tickets/999999999/")
    assert response.status_code == 404
    assert b"Page not found" in response.content


def test_oversized_form_post_gets_a_clear_400(agent_client, ticket, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    before = ticket.messages.count()
    response = agent_client.post(
        reverse("tickets:message", args=[ticket.number]), {"kind": "reply", "body": "x" * 5000}
    )
    assert response.status_code == 400
    assert b"too large" in response.content
    assert ticket.messages.count() == before


def test_error_page_speaks_the_users_language(agent_client, agent):
    agent.language = "zh-hans"
    agent.save(update_fields=["language"])
    response = agent_client.get("/tickets/999999999/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()
