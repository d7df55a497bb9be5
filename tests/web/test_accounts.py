"""Login (with throttle), logout, language switch, My settings and API keys."""

from django.conf import settings
from django.urls import reverse

from loopdesk.accounts.forms import LOGIN_MAX_FAILURES
from loopdesk.accounts.models import ApiKey
from loopdesk.accounts.selectors import api_key_authenticate
from loopdesk.tickets.tests.factories import PASSWORD

LOGIN = reverse("accounts:login")


def test_login_by_email_and_logout(client, agent):
    response = client.post(LOGIN, {"username": "Agent.A@loopdesk.test", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("tickets:inbox")
    assert client.get(reverse("tickets:inbox")).status_code == 200
    assert client.get(reverse("accounts:logout")).status_code == 405  # no logout by link
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("tickets:inbox")).status_code == 302


def test_wrong_password_message(client, agent):
    response = client.post(LOGIN, {"username": agent.email, "password": "nope"})
    assert response.status_code == 200
    assert "Wrong email or password." in response.content.decode()


def test_login_throttle_per_email_and_ip(client, agent):
    for _ in range(LOGIN_MAX_FAILURES):
        client.post(LOGIN, {"username": agent.email, "password": "wrong"})
    response = client.post(LOGIN, {"username": agent.email, "password": PASSWORD})
    assert response.status_code == 200  # even the right password is refused now
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another IP is not affected.
    response = client.post(
        LOGIN, {"username": agent.email, "password": PASSWORD}, REMOTE_ADDR="10.0.0.9"
    )
    assert response.status_code == 302


def test_language_switch_renders_chinese(agent_client):
    response = agent_client.post(
        reverse("set_language"), {"language": "zh-hans", "next": reverse("tickets:inbox")}
    )
    assert response.status_code == 302
    html = agent_client.get(reverse("tickets:inbox")).content.decode()
    assert '<html lang="zh-hans">' in html
    assert "收件箱" in html and "未分配" in html and "退出登录" in html


def test_my_settings_language_timezone_signature(agent_client, agent, ticket):
    url = reverse("accounts:settings")
    response = agent_client.post(
        url, {"language": "zh-hans", "timezone": "Europe/Berlin", "signature": "— Li Na"}
    )
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    agent.refresh_from_db()
    assert (agent.language, agent.timezone, agent.signature) == (
        "zh-hans",
        "Europe/Berlin",
        "— Li Na",
    )
    page = agent_client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    assert "— Li Na</textarea>" in page  # the signature pre-fills the reply
    assert "我的设置" in agent_client.get(url).content.decode()
    response = agent_client.post(
        url, {"language": "xx", "timezone": "Mars/Olympus", "signature": "s" * 3000}
    )
    assert response.status_code == 422
    agent.refresh_from_db()
    assert agent.timezone == "Europe/Berlin"


def test_api_keys_create_list_revoke(agent_client, agent, other_agent):
    url = reverse("accounts:api_key_new")
    response = agent_client.post(
        url, {"name": "CRM sync", "scopes": ["tickets:read", "contacts:read"]}
    )
    assert response.status_code == 302  # post/redirect/get: a reload cannot make a second key
    response = agent_client.get(response.url)
    secret = response.context["new_secret"]
    assert secret.startswith("ld_") and secret in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    key = ApiKey.objects.get(user=agent)
    assert key.scopes == ["tickets:read", "contacts:read"]
    assert api_key_authenticate(secret=secret) == key
    listing = agent_client.get(reverse("accounts:settings")).content.decode()
    assert key.prefix in listing and secret not in listing  # shown once only
    response = agent_client.post(url, {"name": "", "scopes": ["root"]})
    assert response.status_code == 422
    assert ApiKey.objects.count() == 1
    # Someone else's key cannot be revoked through my page.
    other_key = ApiKey.objects.create(
        user=other_agent, name="theirs", prefix="abc123", key_hash="0" * 64
    )
    assert (
        agent_client.post(reverse("accounts:api_key_revoke", args=[other_key.pk])).status_code
        == 404
    )
    assert ApiKey.objects.get(pk=other_key.pk).revoked_at is None
    response = agent_client.post(reverse("accounts:api_key_revoke", args=[key.pk]), follow=True)
    assert "revoked" in response.content.decode()
    assert api_key_authenticate(secret=secret) is None
