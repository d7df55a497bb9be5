"""How mail shows on the ticket page: why it threaded, delivery state, resend, quotes."""

import pytest

from loopdesk.channels.email.ingest import ingest_raw
from loopdesk.channels.models import Mailbox, OutboundEmail, OutboundStatus
from loopdesk.channels.templatetags.mail_display import quote_parts
from loopdesk.tickets.events import Actor
from loopdesk.tickets.models import Ticket
from loopdesk.tickets.services import message_add

from .mailbuild import build_mail

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def mail_ticket(team_a):
    Mailbox.objects.create(name="S", address="support@acme.test", default_team=team_a)
    first = ingest_raw(build_mail(), source="pipe")
    ticket = Ticket.objects.get(number=first.ticket_number)
    ingest_raw(
        build_mail(
            msgid="m2@example.cn",
            in_reply_to="<m1@example.cn>",
            subject="Re: 打印机",
            body="还是不行。\n\n在 2026年11月23日 写道：\n> 请重启打印机",
        ),
        source="pipe",
    )
    return ticket


def test_thread_rule_quotes_and_failed_delivery_with_resend(client, agent, mail_ticket, settings):
    settings.EMAIL_BACKEND = "loopdesk.channels.tests.test_email_ticket_page.FailingBackend"
    reply = message_add(
        ticket=mail_ticket,
        actor=Actor.person(agent),
        kind="reply",
        body_text="x",
        author_user=agent,
    )
    assert OutboundEmail.objects.get(message=reply).status == OutboundStatus.FAILED
    client.force_login(agent)
    html = client.get(f"/tickets/{mail_ticket.number}/").content.decode()
    assert "threaded by In-Reply-To/References" in html
    assert "Show quoted text" in html
    assert "email failed" in html
    assert f"/tickets/{mail_ticket.number}/messages/{reply.pk}/resend/" in html

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    url = f"/tickets/{mail_ticket.number}/messages/{reply.pk}/resend/"
    assert client.post(url).status_code == 302
    assert OutboundEmail.objects.get(message=reply).status == OutboundStatus.SENT


def test_resend_is_refused_outside_scope(client, other_agent, mail_ticket):
    client.force_login(other_agent)  # team_b: cannot see team_a's ticket
    assert client.post(f"/tickets/{mail_ticket.number}/messages/1/resend/").status_code == 404


def test_quote_detection():
    assert quote_parts("Thanks!\n\nOn Mon, 23 Nov 2026 Li wrote:\n> hi") == (
        "Thanks!",
        "On Mon, 23 Nov 2026 Li wrote:\n> hi",
    )
    assert quote_parts("> only a quote") == ("> only a quote", "")
    assert quote_parts("好的\n-----原始邮件-----\n发件人: x") == (
        "好的",
        "-----原始邮件-----\n发件人: x",
    )


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server refused the connection")
