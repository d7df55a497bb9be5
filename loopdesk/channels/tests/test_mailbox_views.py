"""Mailbox settings and quarantine pages: permissions, validation, secrets, actions."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from loopdesk.channels.models import (
    InboundEmail,
    InboundResult,
    InboundStatus,
    Mailbox,
    ProcessedAction,
    Security,
)
from loopdesk.core.crypto import decrypt, encrypt

pytestmark = pytest.mark.django_db

IMAP_PASSWORD = "Imap-Secret-9931"  # noqa: S105
SMTP_PASSWORD = "Smtp-Secret-7720"  # noqa: S105


def form_data(**overrides) -> dict:
    data = {
        "name": "Support",
        "address": "support@example.com",
        "from_name": "Example Support",
        "default_team": "",
        "is_active": "on",
        "imap_host": "imap.example.com",
        "imap_port": "993",
        "imap_security": Security.SSL,
        "imap_user": "support@example.com",
        "imap_password": IMAP_PASSWORD,
        "imap_folder": "INBOX",
        "processed_action": ProcessedAction.SEEN,
        "processed_folder": "",
        "poll_interval": "60",
        "smtp_host": "smtp.example.com",
        "smtp_port": "465",
        "smtp_security": Security.SSL,
        "smtp_user": "support@example.com",
        "smtp_password": SMTP_PASSWORD,
    }
    data.update(overrides)
    return data


@pytest.fixture
def admin_client(admin):
    client = Client()
    client.force_login(admin)
    return client


@pytest.fixture
def mailbox(team_a) -> Mailbox:
    return Mailbox.objects.create(
        name="Support",
        address="support@example.com",
        default_team=team_a,
        imap_host="imap.example.com",
        imap_user="support@example.com",
        imap_password=encrypt(IMAP_PASSWORD),
        smtp_host="smtp.example.com",
        smtp_user="support@example.com",
        smtp_password=encrypt(SMTP_PASSWORD),
        uid_validity=77,
        last_uid=12,
    )


def make_inbound(mailbox=None, *, status=InboundStatus.QUARANTINED, raw: bytes | None = None):
    raw = raw or (
        b"From: =?UTF-8?B?5byg5LiJ?= <zhang@example.cn>\r\nSubject: broken\r\n"
        b"Content-Type: text/html\r\n\r\n<script>alert(1)</script><b>bold</b>\r\n"
    )
    inbound = InboundEmail(
        mailbox=mailbox,
        source="imap",
        size=len(raw),
        sha256="0" * 64,
        sender="zhang@example.cn",
        subject="broken",
        status=status,
        result=InboundResult.QUARANTINED if status == InboundStatus.QUARANTINED else "",
        reason="ParseError: boom",
        defects=["MissingHeaderBodySeparatorDefect"],
    )
    inbound.raw.save("raw.eml", ContentFile(raw), save=False)
    inbound.save()
    return inbound


# --- permissions --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["agent", "supervisor", "technician"])
def test_non_admins_are_refused_everywhere(request, role, mailbox):
    user = request.getfixturevalue(role)
    inbound = make_inbound(mailbox)
    client = Client()
    client.force_login(user)
    for url in (
        reverse("channels:mailbox_list"),
        reverse("channels:mailbox_new"),
        reverse("channels:mailbox_edit", args=[mailbox.pk]),
        reverse("channels:inbound_list"),
        reverse("channels:inbound_detail", args=[inbound.pk]),
        reverse("channels:inbound_raw", args=[inbound.pk]),
    ):
        assert client.get(url).status_code == 403, url
    response = client.post(reverse("channels:mailbox_edit", args=[mailbox.pk]), form_data(name="X"))
    assert response.status_code == 403
    assert client.post(reverse("channels:inbound_discard", args=[inbound.pk])).status_code == 403
    assert client.post(reverse("channels:mailbox_check", args=[mailbox.pk])).status_code == 403
    mailbox.refresh_from_db()
    inbound.refresh_from_db()
    assert mailbox.name == "Support"
    assert inbound.status == InboundStatus.QUARANTINED


def test_anonymous_is_sent_to_login(mailbox):
    response = Client().get(reverse("channels:mailbox_list"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_csrf_is_enforced(admin):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    response = client.post(reverse("channels:mailbox_new"), form_data())
    assert response.status_code == 403
    assert not Mailbox.objects.exists()


# --- mailbox form -------------------------------------------------------------------------


def test_create_encrypts_passwords_and_never_echoes_them(admin_client, team_a):
    response = admin_client.post(
        reverse("channels:mailbox_new"), form_data(default_team=str(team_a.pk))
    )
    assert response.status_code == 302
    mailbox = Mailbox.objects.get()
    assert mailbox.imap_password != IMAP_PASSWORD
    assert decrypt(mailbox.imap_password) == IMAP_PASSWORD
    assert decrypt(mailbox.smtp_password) == SMTP_PASSWORD
    assert mailbox.default_team == team_a
    page = admin_client.get(reverse("channels:mailbox_edit", args=[mailbox.pk])).content.decode()
    for secret in (IMAP_PASSWORD, SMTP_PASSWORD, mailbox.imap_password, mailbox.smtp_password):
        assert secret not in page
    assert "A password is stored" in page


def test_blank_password_keeps_stored_one_and_sync_resets_on_folder_change(admin_client, mailbox):
    url = reverse("channels:mailbox_edit", args=[mailbox.pk])
    response = admin_client.post(url, form_data(imap_password="", smtp_password="", name="Renamed"))
    assert response.status_code == 302
    mailbox.refresh_from_db()
    assert mailbox.name == "Renamed"
    assert decrypt(mailbox.imap_password) == IMAP_PASSWORD
    assert decrypt(mailbox.smtp_password) == SMTP_PASSWORD
    assert (mailbox.uid_validity, mailbox.last_uid) == (77, 12)  # same folder: state kept

    admin_client.post(url, form_data(imap_password="", smtp_password="", imap_folder="Support"))
    mailbox.refresh_from_db()
    assert (mailbox.uid_validity, mailbox.last_uid) == (None, 0)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"imap_port": "0"}, "imap_port", "greater than or equal to 1"),
        ({"smtp_port": "70000"}, "smtp_port", "less than or equal to 65535"),
        ({"imap_host": "bad host!"}, "imap_host", "host name"),
        ({"smtp_host": "https://smtp.example.com"}, "smtp_host", "host name"),
        ({"name": "   "}, "name", "required"),
        ({"address": "not-an-address"}, "address", "valid email"),
        ({"processed_action": "move", "processed_folder": ""}, "processed_folder", "folder"),
        (
            {"processed_action": "move", "processed_folder": "inbox"},
            "processed_folder",
            "another folder",
        ),
        ({"imap_password": ""}, "imap_password", "needs a password"),
        ({"from_name": "Evil\r\nBcc: x@example.com"}, "from_name", "Line breaks"),
        ({"poll_interval": "1"}, "poll_interval", "greater than or equal to 10"),
    ],
)
def test_bad_input_is_refused_with_a_form_error(admin_client, overrides, field, message):
    response = admin_client.post(reverse("channels:mailbox_new"), form_data(**overrides))
    assert response.status_code == 422
    form = response.context["form"]
    assert field in form.errors, form.errors
    assert message in " ".join(form.errors[field])
    assert not Mailbox.objects.exists()
    page = response.content.decode()
    assert IMAP_PASSWORD not in page
    assert SMTP_PASSWORD not in page


def test_duplicate_address_is_refused(admin_client, mailbox):
    response = admin_client.post(
        reverse("channels:mailbox_new"), form_data(address="SUPPORT@example.com")
    )
    assert response.status_code == 422
    assert "already uses this address" in " ".join(response.context["form"].errors["address"])
    assert Mailbox.objects.count() == 1


def test_idn_host_is_stored_as_ascii(admin_client):
    admin_client.post(reverse("channels:mailbox_new"), form_data(imap_host="邮件.例子.中国"))
    assert Mailbox.objects.get().imap_host.startswith("xn--")


def test_list_shows_last_error_and_poll(admin_client, mailbox):
    Mailbox.objects.filter(pk=mailbox.pk).update(last_error="Could not connect <b>x</b>")
    page = admin_client.get(reverse("channels:mailbox_list")).content.decode()
    assert "Could not connect &lt;b&gt;x&lt;/b&gt;" in page
    assert "support@example.com" in page


def test_check_connection_tests_form_values_with_stored_password(
    admin_client, mailbox, imap_account
):
    """The button tests what is in the form; a blank password means the stored one."""
    Mailbox.objects.filter(pk=mailbox.pk).update(imap_password=encrypt(imap_account.password))
    data = form_data(
        imap_host=imap_account.server.host,
        imap_port=str(imap_account.server.port),
        imap_security=Security.NONE,
        imap_user=imap_account.user,
        imap_password="",
        smtp_host="",
        smtp_user="",
        smtp_password="",
    )
    response = admin_client.post(
        reverse("channels:mailbox_check", args=[mailbox.pk]), data, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "IMAP login to" in page
    assert "flash-success" in page
    mailbox.refresh_from_db()
    assert mailbox.imap_host == "imap.example.com"  # testing saved nothing

    data["imap_password"] = "wrong-Pa55-xyz"
    page = admin_client.post(reverse("channels:mailbox_check", args=[mailbox.pk]), data)
    text = page.content.decode()
    assert "rejected the user name or password" in text
    assert "wrong-Pa55-xyz" not in text


def test_check_connection_with_invalid_form_lists_errors(admin_client):
    response = admin_client.post(reverse("channels:mailbox_check_new"), form_data(imap_port="0"))
    assert response.status_code == 200
    assert "Fix the form first" in response.content.decode()


# --- quarantine ---------------------------------------------------------------------------


def test_quarantine_list_filters_and_paginates(admin_client, mailbox, monkeypatch):
    from loopdesk.channels import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    quarantined = [make_inbound(mailbox) for _ in range(3)]
    processed = make_inbound(mailbox, status=InboundStatus.PROCESSED)
    url = reverse("channels:inbound_list")
    first = admin_client.get(url)
    assert [r.pk for r in first.context["rows"]] == [quarantined[2].pk, quarantined[1].pk]
    cursor = first.context["next_cursor"]
    assert cursor
    second = admin_client.get(url, {"after": cursor})
    assert [r.pk for r in second.context["rows"]] == [quarantined[0].pk]
    assert second.context["next_cursor"] is None
    everything = admin_client.get(url, {"show": "all"})
    assert processed.pk in [r.pk for r in everything.context["rows"]]
    assert admin_client.get(url, {"after": "garbage!!"}).status_code == 404
    other = Mailbox.objects.create(name="Other", address="other@example.com")
    elsewhere = make_inbound(other)
    only_other = admin_client.get(url, {"show": "all", "mailbox": str(other.pk)})
    assert [r.pk for r in only_other.context["rows"]] == [elsewhere.pk]
    paged = admin_client.get(url, {"mailbox": str(mailbox.pk)})
    assert f"mailbox={mailbox.pk}" in paged.content.decode()  # kept in the next-page link


def test_detail_shows_escaped_preview_and_headers(admin_client, mailbox):
    inbound = make_inbound(mailbox)
    page = admin_client.get(reverse("channels:inbound_detail", args=[inbound.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "张三" in page  # the decoded From header
    assert "ParseError: boom" in page
    assert "MissingHeaderBodySeparatorDefect" in page


def test_download_raw_is_an_attachment(admin_client, mailbox):
    inbound = make_inbound(mailbox)
    response = admin_client.get(reverse("channels:inbound_raw", args=[inbound.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/octet-stream"
    assert b"<script>alert(1)</script>" in b"".join(response.streaming_content)


def test_actions_are_post_only(admin_client, mailbox):
    inbound = make_inbound(mailbox)
    assert (
        admin_client.get(reverse("channels:inbound_discard", args=[inbound.pk])).status_code == 405
    )
    assert (
        admin_client.get(reverse("channels:inbound_reprocess", args=[inbound.pk])).status_code
        == 405
    )


def test_discard(admin_client, mailbox):
    inbound = make_inbound(mailbox)
    response = admin_client.post(reverse("channels:inbound_discard", args=[inbound.pk]))
    assert response.status_code == 302
    inbound.refresh_from_db()
    assert inbound.status == InboundStatus.DISCARDED


def test_reprocess_creates_a_ticket(admin_client, mailbox, django_capture_on_commit_callbacks):
    raw = (
        b"From: Kunde <kunde@example.org>\r\nTo: support@example.com\r\n"
        b"Subject: Reprocess me\r\nMessage-ID: <reprocess-1@example.org>\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n\r\nHello\r\n"
    )
    inbound = make_inbound(mailbox, raw=raw)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("channels:inbound_reprocess", args=[inbound.pk]))
    assert response.status_code == 302
    inbound.refresh_from_db()
    assert inbound.status == InboundStatus.PROCESSED
    assert inbound.result == InboundResult.CREATED
    assert inbound.ticket is not None


def test_settings_page_links_admins_only(admin_client, agent):
    page = admin_client.get(reverse("accounts:settings")).content.decode()
    assert reverse("channels:mailbox_list") in page
    assert reverse("channels:inbound_list") in page
    client = Client()
    client.force_login(agent)
    page = client.get(reverse("accounts:settings")).content.decode()
    assert reverse("channels:mailbox_list") not in page


def test_check_connection_answers_in_the_users_language(admin, admin_client, dovecot):
    admin.language = "zh-hans"
    admin.save(update_fields=["language"])
    data = form_data(
        imap_host="127.0.0.1",
        imap_port=str(dovecot.closed_port),
        imap_security=Security.NONE,
        smtp_host="",
        smtp_user="",
        smtp_password="",
    )
    try:
        response = admin_client.post(reverse("channels:mailbox_check_new"), data)
    finally:
        translation.deactivate()  # the user's language stays active in this thread
    page = response.content.decode()
    assert "拒绝了连接" in page  # refused the connection
    assert "未设置 SMTP 服务器" in page
