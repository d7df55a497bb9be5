"""Build RFC 822 test mail with the standard library (as a real client would send it)."""

from email.message import EmailMessage
from email.utils import formataddr


def build_mail(
    *,
    sender: str = "zhang@example.cn",
    name: str = "张三",
    to: str = "support@acme.test",
    subject: str = "打印机坏了 printer broken",
    body: str = "你好，打印机不能打印。",
    msgid: str | None = "m1@example.cn",
    in_reply_to: str | None = None,
    references: str | None = None,
    headers: dict | None = None,
    attachments: list[tuple[str, bytes, str]] | None = None,
) -> bytes:
    mail = EmailMessage()
    mail["From"] = formataddr((name, sender)) if name else sender
    mail["To"] = to
    mail["Subject"] = subject
    if msgid:
        mail["Message-ID"] = f"<{msgid}>"
    if in_reply_to:
        mail["In-Reply-To"] = in_reply_to
    if references:
        mail["References"] = references
    for key, value in (headers or {}).items():
        mail[key] = value
    mail.set_content(body)
    for filename, content, content_type in attachments or []:
        maintype, _, subtype = content_type.partition("/")
        mail.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return mail.as_bytes()


def dsn(*, original_msgid: str, recipient: str, status: str = "5.1.1") -> bytes:
    """A Postfix-style delivery status notification for a mail we sent."""
    return (
        "From: MAILER-DAEMON@mx.example.cn (Mail Delivery System)\r\n"
        "To: support@acme.test\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "Message-ID: <dsn-" + original_msgid + ">\r\n"
        "Auto-Submitted: auto-replied\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n'
        "\r\n--B\r\nContent-Type: text/plain\r\n\r\nI'm sorry to have to inform you that your "
        "message could not be delivered.\r\n"
        "\r\n--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example.cn\r\n\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\nAction: failed\r\nStatus: {status}\r\n"
        f"Diagnostic-Code: smtp; 550 {status} User unknown\r\n"
        "\r\n--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"From: support@acme.test\r\nTo: {recipient}\r\nMessage-ID: <{original_msgid}>\r\n"
        "Subject: Re: [#10001] test\r\n\r\n--B--\r\n"
    ).encode()
