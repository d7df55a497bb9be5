"""An admin adds a mailbox for a real (Dovecot) IMAP account from the settings page, tests
the connection (htmx), saves it; mail on the server is fetched and shows up under
"Received mail" as a new ticket."""

import pytest

from loopdesk.accounts.models import Role
from loopdesk.channels.email import imap
from loopdesk.channels.models import InboundEmail, Mailbox
from loopdesk.channels.tests.conftest import (  # noqa: F401 — fixtures
    dovecot,
    imap_account,
    tls_material,
)
from loopdesk.core.crypto import decrypt
from loopdesk.tickets.tests import factories

from .helpers import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

MAIL = (
    b"From: =?UTF-8?B?5byg5LiJ?= <zhang@example.cn>\r\n"
    b"To: support@example.com\r\n"
    b"Subject: =?UTF-8?B?5omT5Y2w5py65Z2P5LqG?=\r\n"
    b"Message-ID: <journey-1@example.cn>\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n\r\n"
    b"Printer broken.\r\n"
)


def test_admin_adds_tests_and_saves_a_mailbox(live_server, new_page, shot, imap_account):  # noqa: F811
    team = factories.make_team("Support")
    admin = factories.make_user(role=Role.ADMIN, email="root@loopdesk.test")
    imap_account.append(MAIL)

    page = new_page(1280)
    log_in(page, live_server.url, admin.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/accounts/settings/")
    page.click("#admin-email a[href$='/mailboxes/']")
    page.wait_for_url("**/settings/channels/mailboxes/")
    page.click("a:has-text('Add mailbox')")
    page.wait_for_url("**/mailboxes/new/")

    page.fill("#id_name", "售后 Support")
    page.fill("#id_address", "support@example.com")
    page.select_option("#id_default_team", str(team.pk))
    page.fill("#id_imap_host", imap_account.server.host)
    page.fill("#id_imap_port", str(imap_account.server.port))
    page.select_option("#id_imap_security", "none")
    page.fill("#id_imap_user", imap_account.user)
    page.fill("#id_imap_password", "wrong-password-1")
    page.click("#check-connection")
    page.wait_for_selector("#check-result .flash-error")
    assert "rejected the user name or password" in page.inner_text("#check-result")
    assert "wrong-password-1" not in page.content()

    page.fill("#id_imap_password", imap_account.password)
    page.click("#check-connection")
    # The first answer's SMTP line is already a success: wait for the new IMAP line.
    page.locator("#check-result").get_by_text("IMAP login to").wait_for()
    result = page.inner_text("#check-result")
    assert "holds 1 messages" in result
    assert "IDLE (push) offered: yes" in result
    shot(page, "mailbox-test-connection")

    page.click(".mailbox-form button.btn-primary")
    page.wait_for_selector("text=A password is stored. Leave empty to keep it.")
    mailbox = Mailbox.objects.get()
    assert decrypt(mailbox.imap_password) == imap_account.password
    assert imap_account.password not in page.content()

    outcome = imap.poll_mailbox(mailbox)  # what the worker's poller does
    assert outcome.error == ""
    inbound = InboundEmail.objects.get()
    assert inbound.ticket is not None

    page.goto(f"{live_server.url}/settings/channels/mail/?show=all")
    page.wait_for_selector(".inbound-table")
    row = page.inner_text(".inbound-table tbody tr")
    assert "打印机坏了" in row
    assert "Created a ticket" in row
    assert f"#{inbound.ticket.number}" in row

    phone = new_page(390, 800)
    log_in(phone, live_server.url, admin.email, factories.PASSWORD)
    phone.goto(f"{live_server.url}/settings/channels/mailboxes/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "mailbox-list-phone")
