"""A customer's whole self-service path in the browser, with real mail over SMTP.

The customer submits a request with an attachment through the web form (and sees a
suggested article while typing), logs in to the portal by the magic link that arrives at
a real SMTP server (aiosmtpd on loopback), replies; an agent solves the ticket in the
workspace; the customer rates it and the agent sees the rating.
"""

import contextlib
import email
import re
import socket
import threading
import time
from email.message import Message as EmailMessage
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller

from loopdesk.accounts.models import Role
from loopdesk.portal.models import CsatResponse
from loopdesk.tickets.models import Ticket
from loopdesk.tickets.tests import factories

from .helpers import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CUSTOMER = "mei.chen@example.com"


class _Inbox:
    """Collects what the SMTP server receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
        parsed = email.message_from_bytes(envelope.original_content, policy=default_policy)
        with self.lock:
            self.messages.append(parsed)
        return "250 OK"

    def wait_for(self, predicate, timeout: float = 10.0) -> EmailMessage:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                for message in self.messages:
                    if predicate(message):
                        return message
            time.sleep(0.05)
        subjects = [m["Subject"] for m in self.messages]
        raise AssertionError(f"no such mail arrived; got {subjects}")


def _free_port() -> int:
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_inbox(settings, live_server):
    inbox = _Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    # The live server runs in this process: the overrides reach its request threads.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.BASE_URL = live_server.url
    settings.LOOPDESK_PORTAL_RATE_WINDOW = 86_400
    try:
        yield inbox
    finally:
        controller.stop()


def _body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""


def test_customer_submits_logs_in_by_link_replies_and_rates(
    live_server, new_page, smtp_inbox, shot
):
    from loopdesk.knowledge.tests.factories import make_article

    make_article(
        title="空调不制冷怎么办", language="zh-hans", body="请先清洗空调滤网，然后检查制冷模式。"
    )
    agent = factories.make_user(role=Role.ADMIN, email="li.na@loopdesk.test")
    base = live_server.url

    # 1. The web form, on a phone-sized screen, with a suggested article while typing.
    page = new_page(390, 844)
    page.goto(f"{base}/portal/new/")
    page.fill("#id_email", CUSTOMER)
    page.fill("#id_name", "陈美")
    page.select_option("#id_type", "repair")
    page.locator("#id_subject").press_sequentially("空调不制冷", delay=20)
    page.wait_for_selector("#suggestions a:has-text('空调不制冷怎么办')")
    page.fill("#id_description", "从周一开始空调一直吹热风。")
    page.set_input_files(
        "#id_attachments",
        files=[{"name": "铭牌.jpg", "mimeType": "image/jpeg", "buffer": b"\xff\xd8\xff fake"}],
    )
    shot(page, "portal-web-form-mobile")
    page.click("button:has-text('Send request')")
    page.wait_for_selector("#request-done #ticket-number")
    ticket = Ticket.objects.get()
    assert page.inner_text("#ticket-number") == f"#{ticket.number}"
    assert ticket.attachments.get().filename == "铭牌.jpg"

    confirmation = smtp_inbox.wait_for(lambda m: str(ticket.number) in m["Subject"])
    assert confirmation["To"] == CUSTOMER
    assert confirmation["Auto-Submitted"] == "auto-generated"

    # 2. Log in by the magic link that arrives by mail.
    page.click("a:has-text('Follow your request')")
    page.wait_for_url("**/portal/login/**")
    page.fill("#id_email", CUSTOMER)
    page.click("button:has-text('Email me a login link')")
    page.wait_for_selector("#link-sent")
    login_mail = smtp_inbox.wait_for(lambda m: "login link" in m["Subject"])
    link = re.search(r"http://\S+/portal/login/\S+", _body(login_mail)).group(0)
    page.goto(link)
    page.click("#use-link")
    page.wait_for_url(f"**/portal/tickets/{ticket.number}/")

    # 3. Reply from the portal.
    assert "从周一开始空调一直吹热风。" in page.inner_text("#portal-thread")
    assert page.locator("#portal-thread a:has-text('铭牌.jpg')").count() == 1
    page.fill("#id_body", "型号是 KFR-35GW，已经重启过。")
    page.click("#portal-reply button:has-text('Send')")
    page.wait_for_selector("#portal-thread .msg:has-text('KFR-35GW')")
    shot(page, "portal-ticket-mobile")

    # 4. An agent answers and solves it in the workspace.
    desk = new_page(1280)
    log_in(desk, base, agent.email, factories.PASSWORD)
    desk.goto(f"{base}/tickets/{ticket.number}/")
    assert "KFR-35GW" in desk.inner_text("#thread")
    desk.fill("#reply-panel textarea", "请清洗滤网后再试，如仍有问题请回复。")
    desk.click("#reply-panel button:has-text('Send and mark Solved')")
    desk.wait_for_selector("#ticket-head .badge.st-solved")
    survey_mail = smtp_inbox.wait_for(lambda m: "How did we do" in m["Subject"])
    assert survey_mail["To"] == CUSTOMER
    assert "/portal/survey/" in _body(survey_mail)

    # 5. The customer rates the solved request in the portal.
    page.reload()
    page.wait_for_selector("#portal-rating")
    assert "请清洗滤网后再试" in page.inner_text("#portal-thread")
    page.click("#portal-rating label.score-choice:has-text('5')")
    page.fill("#portal-rating textarea", "很快就解决了，谢谢！")
    page.click("#portal-rating button:has-text('Send my rating')")
    page.wait_for_selector("#rating-current")
    assert "5 of 5" in page.inner_text("#rating-current")
    rating = CsatResponse.objects.get()
    assert (rating.score, rating.ticket_id, rating.agent_id) == (5, ticket.pk, agent.pk)

    # 6. The agent sees the rating on the ticket page.
    desk.reload()
    desk.wait_for_selector("#csat-panel .csat-score")
    assert "5" in desk.inner_text("#csat-panel .csat-score")
    assert "很快就解决了" in desk.inner_text("#csat-panel")
    shot(desk, "portal-agent-sees-csat")


def test_embedded_form_on_another_site(live_server, new_page, settings):
    """The form inside a third-party page (another site: localhost vs 127.0.0.1), where
    the browser withholds our cookies: the signed form token carries the submission."""
    import http.server

    host_port = _free_port()
    host_origin = f"http://localhost:{host_port}"
    settings.LOOPDESK_PORTAL_FRAME_ANCESTORS = [host_origin]
    settings.LOOPDESK_PORTAL_RATE_WINDOW = 86_400
    snippet = (
        "<!DOCTYPE html><html><body><h1>Shop</h1><div id='loopdesk-form'></div>"
        f"<script src='{live_server.url}/static/portal/embed.js' data-lang='en'></script>"
        "</body></html>"
    ).encode()

    class Host(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server API
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(snippet)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", host_port), Host)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        page = new_page(800, 900)
        page.goto(f"{host_origin}/")
        frame = page.frame_locator("iframe")
        frame.locator("#id_email").fill("buyer@example.org")
        frame.locator("#id_subject").fill("Order 1234 arrived damaged")
        frame.locator("#id_description").fill("The box was crushed.")
        frame.locator("button:has-text('Send request')").click()
        frame.locator("#ticket-number").wait_for()
        ticket = Ticket.objects.get()
        assert frame.locator("#ticket-number").inner_text() == f"#{ticket.number}"
        assert ticket.channel == "web" and ticket.contact.primary_email == "buyer@example.org"
        # The host page followed the frame's height.
        assert page.eval_on_selector("iframe", "el => el.getBoundingClientRect().height") > 150
    finally:
        server.shutdown()
