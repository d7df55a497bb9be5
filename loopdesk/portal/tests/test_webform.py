"""The public web form and its embeddable twin: intake, confirmation mail, spam,
throttling, hostile input, custom fields and deflection."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from loopdesk.portal.models import DeflectionClick, HeldSubmission
from loopdesk.portal.selectors import deflection_summary
from loopdesk.portal.services.webform import done_token_read, form_token_new
from loopdesk.tickets.constants import Channel
from loopdesk.tickets.models import CustomFieldDefinition, Message, Ticket

pytestmark = pytest.mark.django_db


def _done_number(response):
    return done_token_read(response["Location"].rstrip("/").rsplit("/", 1)[-1])


TOKEN = re.compile(r'name="form_token" value="([^"]+)"')


def _token(client: Client, path: str = "/portal/new/") -> str:
    return TOKEN.search(client.get(path).content.decode()).group(1)


def _post(client: Client, path: str = "/portal/new/", token: str | None = None, **fields):
    data = {
        "email": "Buyer@Example.com",
        "name": "张三",
        "type": "repair",
        "subject": "空调不制冷 AC not cooling",
        "description": "Since Monday it blows warm air.",
        "form_token": token if token is not None else _token(client, path),
        **fields,
    }
    return client.post(path, data)


def test_a_request_goes_through_intake_with_an_attachment_and_confirmation(
    django_capture_on_commit_callbacks,
):
    client = Client()
    upload = SimpleUploadedFile("发票.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, attachments=[upload])
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.channel == Channel.WEB and ticket.type == "repair"
    assert ticket.contact.primary_email == "buyer@example.com"
    message = ticket.messages.get()
    assert message.external_id.startswith("form:")
    assert message.attachments.get().filename == "发票.pdf"

    done = client.get(response["Location"])
    assert f"#{ticket.number}" in done.content.decode()

    assert len(mail.outbox) == 1
    confirmation = mail.outbox[0]
    assert confirmation.to == ["buyer@example.com"]
    assert confirmation.extra_headers["Auto-Submitted"] == "auto-generated"
    assert str(ticket.number) in confirmation.subject
    assert f"/portal/tickets/{ticket.number}/" in confirmation.body


def test_the_same_form_sent_twice_makes_one_ticket():
    client = Client()
    token = _token(client)
    first = _post(client, token=token)
    second = _post(client, token=token)
    assert first.status_code == second.status_code == 302
    # Both redirects name the one ticket; the signature's timestamp may differ
    # when the two posts straddle a second.
    assert _done_number(first) == _done_number(second) == Ticket.objects.get().number


def test_honeypot_holds_the_post_for_review_and_creates_nothing():
    client = Client()
    response = _post(client, website="http://spam.example")
    assert response.status_code == 302
    assert Ticket.objects.count() == 0
    held = HeldSubmission.objects.get()
    assert held.reason == "honeypot" and held.email == "buyer@example.com"
    page = client.get(response["Location"]).content.decode()
    assert "we received your request" in page and "ticket-number" not in page


def test_a_flood_from_one_address_is_throttled(settings):
    """10,000 posts a minute from one address: the limiter, with a small limit."""
    settings.LOOPDESK_PORTAL_FORM_PER_IP = 3
    settings.LOOPDESK_PORTAL_FORM_PER_ADDRESS = 100
    client = Client()
    token = _token(client)
    codes = [_post(client, token=token, subject=f"Flood {i}").status_code for i in range(5)]
    assert codes[:1] == [302] and codes[3:] == [429, 429]
    assert Ticket.objects.count() == 1  # the same form token: one ticket, then refused
    page = _post(client, token=token).content.decode()
    assert "Too many requests" in page
    # Another address (IP) is served.
    assert _post(Client(REMOTE_ADDR="10.1.1.1")).status_code == 302


def test_per_address_limit_across_ips(settings):
    settings.LOOPDESK_PORTAL_FORM_PER_ADDRESS = 2
    codes = [_post(Client(REMOTE_ADDR=f"10.0.0.{i}")).status_code for i in range(3)]
    assert codes == [302, 302, 429]


@pytest.mark.parametrize("path", ["/portal/new/", "/portal/embed/"])
def test_oversized_request_is_refused_unread(settings, path, monkeypatch):
    settings.LOOPDESK_PORTAL_MAX_REQUEST_BYTES = 2000
    client = Client(enforce_csrf_checks=True)
    token = _token(client, path)
    read = []
    from django.core.handlers.wsgi import WSGIRequest

    original = WSGIRequest._load_post_and_files
    monkeypatch.setattr(
        WSGIRequest,
        "_load_post_and_files",
        lambda self: read.append(self.path) or original(self),
    )
    response = _post(
        client, path, token=token, attachments=[SimpleUploadedFile("big.bin", b"x" * 5000)]
    )
    assert response.status_code == 413
    assert "too large" in response.content.decode()
    assert read == []  # refused before the body was parsed (CSRF check included)
    assert Ticket.objects.count() == 0


def test_oversized_attachment_is_a_form_error(settings):
    settings.LOOPDESK_MAX_ATTACHMENT_BYTES = 1024
    response = _post(Client(), attachments=[SimpleUploadedFile("big.bin", b"x" * 2048)])
    assert response.status_code == 422
    assert "larger than" in response.content.decode()
    assert Ticket.objects.count() == 0


def test_xss_in_subject_and_body_is_escaped(customer):
    client = Client()
    payload = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    response = _post(client, email="ming@acme.example", subject=payload, description=payload)
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    from .conftest import portal_client

    page = portal_client(customer).get(f"/portal/tickets/{ticket.number}/").content.decode()
    assert "<script>alert(2)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page


def test_invalid_input_gives_form_errors_and_keeps_values():
    client = Client()
    response = _post(client, email="not-an-email", subject="", type="hacking")
    assert response.status_code == 422
    body = response.content.decode()
    assert "Enter a valid email address." in body
    assert "This field is required." in body
    assert "Since Monday it blows warm air." in body
    assert Ticket.objects.count() == 0


def test_forged_or_missing_form_token_is_refused():
    response = _post(Client(), token="forged")
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert Ticket.objects.count() == 0


def test_custom_fields_per_type():
    CustomFieldDefinition.objects.create(
        key="serial",
        label="Serial number",
        label_zh_hans="序列号",
        kind="text",
        required=True,
        ticket_types=["repair"],
    )
    client = Client()
    fields = client.get("/portal/new/fields/?type=repair").content.decode()
    assert 'name="cf_serial"' in fields
    assert (
        'name="cf_serial"' not in client.get("/portal/new/fields/?type=question").content.decode()
    )

    missing = _post(client)
    assert missing.status_code == 422
    assert "Serial number" in missing.content.decode()
    assert _post(client, cf_serial="SN-123").status_code == 302
    assert Ticket.objects.get().custom_fields == {"serial": "SN-123"}
    # Another type does not need it.
    assert _post(Client(), type="question").status_code == 302


def test_embedded_form_frame_headers_and_cookieless_post(settings):
    client = Client(enforce_csrf_checks=True)
    page = client.get("/portal/embed/")
    assert page.status_code == 200
    assert page["Content-Security-Policy"] == "frame-ancestors 'self'"
    assert page["X-Frame-Options"] == "SAMEORIGIN"
    settings.LOOPDESK_PORTAL_FRAME_ANCESTORS = ["https://shop.example.com"]
    page = client.get("/portal/embed/?lang=zh-hans")
    assert page["Content-Security-Policy"] == "frame-ancestors 'self' https://shop.example.com"
    assert "X-Frame-Options" not in page
    assert "您的邮箱" in page.content.decode()
    settings.LOOPDESK_PORTAL_FRAME_ANCESTORS = ["https://ok.example", "x; script-src *", "'none'"]
    page = client.get("/portal/embed/")
    assert page["Content-Security-Policy"] == "frame-ancestors 'self' https://ok.example"
    settings.LOOPDESK_PORTAL_FRAME_ANCESTORS = ["https://shop.example.com"]

    # Third-party iframes get no cookies: no CSRF cookie, the signed token is enough.
    cookieless = Client(enforce_csrf_checks=True)
    response = _post(cookieless, "/portal/embed/", token=_token(Client(), "/portal/embed/"))
    assert response.status_code == 302
    assert response["Location"].startswith("/portal/embed/done/")
    done = cookieless.get(response["Location"])
    assert done["Content-Security-Policy"].startswith("frame-ancestors")
    # A page on another site posting straight at us is refused.
    hostile = Client(enforce_csrf_checks=True, HTTP_ORIGIN="https://evil.example")
    token = _token(Client(), "/portal/embed/")
    assert _post(hostile, "/portal/embed/", token=token).status_code == 403
    # The portal form itself keeps the CSRF cookie check.
    assert _post(Client(enforce_csrf_checks=True), token=token).status_code == 403
    assert Ticket.objects.count() == 1


def test_portal_form_for_a_logged_in_customer(customer, customer_client):
    token = _token(customer_client)
    response = customer_client.post(
        "/portal/new/",
        {
            "type": "question",
            "subject": "Invoice",
            "description": "Need a 发票",
            "form_token": token,
        },
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.contact == customer and ticket.channel == Channel.PORTAL


def test_deflection_clicks_and_avoided_requests(settings):
    from loopdesk.knowledge.tests.factories import make_article

    article = make_article(title="如何退款 How to get a refund", body="退款 refund steps")
    client = Client()
    form_session, token = form_token_new()
    html = client.get("/portal/new/suggest/", {"subject": "退款", "form_token": token})
    body = html.content.decode()
    assert "如何退款" in body
    link = re.search(r'href="(/portal/new/article/[^"]+/)"', body).group(1)
    response = client.get(link)
    assert response.status_code == 302
    assert response["Location"] == article_url(article)
    click = DeflectionClick.objects.get()
    assert click.form_session == form_session and not click.submitted

    later = timezone.now() + timedelta(hours=2)
    summary = deflection_summary(since=timezone.now() - timedelta(days=1), now=later)
    assert (summary.visits_with_clicks, summary.avoided, summary.submitted) == (1, 1, 0)

    # The visitor came back and sent the form after all: not avoided.
    assert _post(client, token=token).status_code == 302
    summary = deflection_summary(since=timezone.now() - timedelta(days=1), now=later)
    assert (summary.avoided, summary.submitted) == (0, 1)

    # A tampered link never redirects elsewhere.
    assert client.get("/portal/new/article/abc/")["Location"] == "/portal/new/"


def article_url(article) -> str:
    from loopdesk.knowledge.selectors import article_url as url

    return url(article, public=True)


def test_message_has_no_html_from_the_form():
    _post(Client(), description="<b>bold</b>")
    assert Message.objects.get().body_html == ""
