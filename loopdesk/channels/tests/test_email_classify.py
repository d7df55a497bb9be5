"""Auto-reply and bounce classification, rule by rule, including what must NOT count."""

import pytest

from loopdesk.channels.email.classify import detect_auto_reply, detect_bounce
from loopdesk.channels.email.parse import parse_email


def _mail(headers: str, body: str = "Hello, I need help with my order.\n") -> bytes:
    base = "To: support@loopdesk.example\nMessage-ID: <m1@example.com>\nDate: Mon, 23 Nov 2026 10:00:00 +0000\n"
    if "From:" not in headers:
        base += "From: Customer <customer@example.com>\n"
    return (base + headers.strip("\n") + "\n\n" + body).encode()


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ("Subject: x\nAuto-Submitted: auto-replied", "Auto-Submitted: auto-replied"),
        ("Subject: x\nAuto-Submitted: auto-generated", "Auto-Submitted: auto-generated"),
        (
            "Subject: x\nAuto-Submitted: Auto-Notified; owner-email=x@y",
            "Auto-Submitted: auto-notified",
        ),
        ("Subject: x\nPrecedence: bulk", "Precedence: bulk"),
        ("Subject: x\nPrecedence: JUNK", "Precedence: junk"),
        ("Subject: x\nPrecedence: list", "Precedence: list"),
        ("Subject: x\nPrecedence: auto_reply", "Precedence: auto_reply"),
        ("Subject: x\nX-Auto-Response-Suppress: All", "X-Auto-Response-Suppress: All"),
        (
            "Subject: x\nX-Auto-Response-Suppress: DR, OOF, AutoReply, All",
            "X-Auto-Response-Suppress: All",
        ),
        ("Subject: x\nX-Autoreply: yes", "X-Autoreply: yes"),
        ("Subject: x\nX-Autorespond: Out of office", "X-Autorespond: Out of office"),
        ("Subject: x\nList-Id: <dev.lists.example.org>", "List-Id (mailing list)"),
        (
            "Subject: x\nList-Unsubscribe: <mailto:leave@example.org>",
            "List-Unsubscribe (bulk mail)",
        ),
        ("Subject: x\nReturn-Path: <>", "Return-Path: <> (null sender)"),
        ("From: MAILER-DAEMON@mx.example.com\nSubject: x", "sender: mailer-daemon"),
        ("From: postmaster@example.com\nSubject: x", "sender: postmaster"),
        ("From: No Reply <noreply@example.com>\nSubject: x", "sender: no-reply"),
        ("From: do-not-reply@example.com\nSubject: x", "sender: no-reply"),
        ("From: no-reply-billing@example.com\nSubject: x", "sender: no-reply"),
        ("Subject: Automatic reply: your ticket", "subject: Automatic reply"),
        ("Subject: Auto-Reply: your ticket", "subject: Auto-Reply"),
        ("Subject: Out of Office: back Monday", "subject: Out of Office"),
        ("Subject: =?utf-8?B?6Ieq5Yqo5Zue5aSNOiDkvaDnmoTlt6XljZU=?=", "subject: 自动回复"),
        (
            "Subject: =?utf-8?B?6Ieq5Yqo5Zue5aSN77ya5L2g55qE5bel5Y2V?=",
            "subject: 自动回复",
        ),  # full-width colon
        (
            "Subject: Abwesenheitsnotiz zu: Rechnung\nX-MS-Exchange-Inbox-Rules-Loop: x@example.de",
            "subject: out of office, with an autoresponder header",
        ),
        (
            "Subject: =?utf-8?B?5LiN5Zyo5bit?=\nX-Auto-Response-Suppress: OOF",
            "subject: out of office, with an autoresponder header",
        ),
        (
            "Subject: I am on vacation\nX-Mailer: vacation 1.2.7",
            "subject: out of office, with an autoresponder header",
        ),
    ],
)
def test_auto_reply_rules(headers, reason):
    parsed = parse_email(_mail(headers))
    assert parsed.auto_reply is not None
    assert parsed.auto_reply.reason == reason
    assert parsed.bounce is None


@pytest.mark.parametrize(
    "headers",
    [
        "Subject: Order question",
        "Subject: x\nAuto-Submitted: no",
        "Subject: x\nPrecedence: first-class",
        "Subject: x\nX-Auto-Response-Suppress: DR, RN, NRN",  # asks for no receipts only
        "Subject: x\nX-Autoreply: no",
        "Subject: x\nReturn-Path: <customer@example.com>",
        "From: noreplyfan@example.com\nSubject: x",  # a person, not a no-reply address
        "From: postmaster.general@example.com\nSubject: x",
        # Looser out-of-office wording needs a second hint.
        "Subject: Will you be out of office next week?",
        "Subject: Re: my vacation booking is wrong",
        "Subject: 自动答复功能怎么关闭",
        "Subject: Re: Automatic reply settings not working",
    ],
)
def test_not_auto_reply(headers):
    parsed = parse_email(_mail(headers))
    assert parsed.auto_reply is None, parsed.auto_reply
    assert parsed.bounce is None


def test_customer_complaining_about_bounces_is_not_a_bounce():
    parsed = parse_email(
        _mail(
            "Subject: Undeliverable: my mails to you bounce",
            "Your message could not be delivered, 550 5.1.1 user unknown, says my mail server.\n",
        )
    )
    assert parsed.bounce is None and parsed.auto_reply is None


DSN = """From: Mail Delivery System <MAILER-DAEMON@mx.example.com>
To: support@loopdesk.example
Subject: Delivery Status Notification
Message-ID: <dsn.1@mx.example.com>
Content-Type: multipart/report; report-type=delivery-status; boundary="R"

--R
Content-Type: text/plain

Report.

--R
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.com

Final-Recipient: rfc822; first@example.net
Action: {action1}
Status: {status1}
Diagnostic-Code: smtp; {status1} first failed

Final-Recipient: rfc822;<second@example.net>
Action: {action2}
Status: {status2}

--R
Content-Type: text/rfc822-headers

From: support@loopdesk.example
Message-ID: <orig.77@loopdesk.example>
Subject: [#100300] Hello

--R--
"""


@pytest.mark.parametrize(
    ("a1", "s1", "a2", "s2", "expected"),
    [
        (
            "failed",
            "5.1.1",
            "failed",
            "5.2.2",
            (("first@example.net", "second@example.net"), "5.1.1", True),
        ),
        ("delivered", "2.0.0", "failed", "5.7.1", (("second@example.net",), "5.7.1", True)),
        ("failed", "4.2.2", "delayed", "4.4.1", (("first@example.net",), "4.2.2", False)),
        ("delayed", "4.4.1", "delayed", "4.4.7", None),
        ("relayed", "2.0.0", "expanded", "2.0.0", None),
    ],
)
def test_dsn_actions(a1, s1, a2, s2, expected):
    raw = DSN.format(action1=a1, status1=s1, action2=a2, status2=s2).encode()
    parsed = parse_email(raw)
    if expected is None:
        assert parsed.bounce is None
        assert parsed.auto_reply is not None  # still never acknowledged
        return
    recipients, status, permanent = expected
    assert parsed.bounce.recipients == recipients
    assert parsed.bounce.status == status
    assert parsed.bounce.permanent is permanent
    assert parsed.bounce.original_message_id == "orig.77@loopdesk.example"
    assert parsed.auto_reply.reason == "bounce"


def test_detect_functions_work_without_a_message_tree():
    parsed = parse_email(_mail("Subject: x\nAuto-Submitted: auto-replied"))
    assert detect_auto_reply(parsed).reason == "Auto-Submitted: auto-replied"
    assert detect_bounce(parsed, None) is None


def test_vendor_bounce_without_dsn_reads_body():
    raw = _mail(
        "From: Mail Delivery Subsystem <mailer-daemon@relay.example.org>\nSubject: Returned mail: see transcript",
        "   ----- The following addresses had permanent fatal errors -----\n"
        "<lost@example.org>\n    (reason: 550 5.1.1 <lost@example.org>... User unknown)\n\n"
        "   ----- Original message -----\nMessage-ID: <abc.1@loopdesk.example>\n",
    )
    bounce = parse_email(raw).bounce
    assert bounce.recipients == ("lost@example.org",)
    assert bounce.status == "5.1.1"
    assert bounce.original_message_id == "abc.1@loopdesk.example"


def test_vendor_delay_warning_is_not_a_bounce():
    raw = _mail(
        "From: MAILER-DAEMON@relay.example.org\nSubject: Warning: message delayed",
        "Delivery is delayed; the server will retry for 4 more days.\n",
    )
    parsed = parse_email(raw)
    assert parsed.bounce is None
    assert parsed.auto_reply.reason == "sender: mailer-daemon"
