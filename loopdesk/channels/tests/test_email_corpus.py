"""The .eml fixture corpus: every file parses, and what a person reading it would see
(sender, subject, class, attachments, a piece of the text) is what the parser gives.
LF and CRLF versions of every file give the same result."""

import dataclasses
from pathlib import Path

import pytest

from loopdesk.channels.email.parse import parse_email

CORPUS = Path(__file__).resolve().parent / "email_corpus"

# file: (sender address, exact subject, class, attachment names, text snippet)
MANIFEST: dict[str, tuple[str, str, str, list[str], str]] = {
    # Chinese
    "zh_gb2312_plain.eml": (
        "zhang.wei@example.cn",
        "关于发票的问题",
        "normal",
        [],
        "订单号：2026-1108-77",
    ),
    "zh_gbk_qp.eml": (
        "zhurong@example.com.cn",
        "报价单（含镕字）",
        "normal",
        [],
        "镕、珺、喆这些字不在 GB2312 里",
    ),
    "zh_gb18030_4byte.eml": (
        "huangrong@example.cn",
        "生僻字𠀀测试",
        "normal",
        [],
        "扩展字：𠀀、𪚥，还有欧元符号€",
    ),
    "zh_utf8_base64_alternative.eml": (
        "lina@example.cn",
        "账号被锁定了",
        "normal",
        [],
        "请协助解锁",
    ),
    "zh_utf8_qp_reply.eml": (
        "wangfang@example.cn",
        "Re: [#100234] 打印机无法连接",
        "normal",
        [],
        "错误代码 0x0000011b",
    ),
    "zh_big5_traditional.eml": (
        "chan.taiman@example.com.hk",
        "查詢訂單進度",
        "normal",
        [],
        "查詢訂單嘅進度，唔該晒",
    ),
    "undeclared_8bit.eml": (
        "zhaomin@example.cn",
        "网站打不开了，请尽快处理",
        "normal",
        [],
        "显示五百错误",
    ),
    "bogus_charset_labels.eml": (
        "liuyang@example.cn",
        "系统升级通知",
        "normal",
        [],
        "服务暂停两小时",
    ),
    "zh_html_meta_charset.eml": (
        "hejing@126.example",
        "发票抬头错误",
        "normal",
        [],
        "应为“上海某某贸易有限公司”",
    ),
    "mixed_charsets_parts.eml": (
        "ops@example.com.tw",
        "兩岸辦公室 / 两岸办公室",
        "normal",
        [],
        "上海办公室：网络正常",
    ),
    # Japanese, Korean
    "ja_iso2022jp_outlook.eml": (
        "ichiro.suzuki@example.co.jp",
        "お見積りの件",
        "normal",
        [],
        "①見積書を添付いたします。\n②納期は来月末の予定です。",
    ),
    "ja_shift_jis.eml": (
        "hanako@example.jp",
        "請求書再発行のお願い",
        "normal",
        [],
        "㈱サンプル 経理部です。",
    ),
    "ko_ks_c_5601.eml": (
        "minsu.kim@example.co.kr",
        "문의 드립니다",
        "normal",
        [],
        "제품 설치 문의입니다",
    ),
    # German, UTF-7
    "de_latin1_qp.eml": (
        "j.mueller@example.de",
        "Rückfrage zur Lieferung",
        "normal",
        [],
        "Lieferung für München",
    ),
    "de_utf8_apple_mail.eml": (
        "sabine@example.de",
        "Grüße und eine Frage zur Rechnung",
        "normal",
        [],
        "enthält einen Fehler",
    ),
    "utf7_message.eml": ("legacy@example.org", "Café 日本語", "normal", [], "日本語 and café"),
    # Clients
    "outlook_winmail_dat.eml": (
        "john.smith@corp.example.com",
        "Server room temperature alarm",
        "normal",
        ["winmail.dat"],
        "went off twice last night. Log attached.",
    ),
    "outlook_raw_utf8_filename.eml": (
        "gaofeng@corp.example.cn",
        "合同草案",
        "normal",
        ["合同草案 v2.pdf"],
        "请审阅",
    ),
    "outlook_raw_gbk_filename.eml": (
        "sunli@corp.example.cn",
        "月度报表",
        "normal",
        ["十月报表.xls"],
        "报表在附件里",
    ),
    "foxmail_split_words.eml": (
        "zhoujie@example.cn",
        "关于服务器迁移的安排",
        "normal",
        [],
        "预计两小时",
    ),
    "gmail_inline_image.eml": (
        "alex.chen@gmail.example",
        "Screenshot of the error",
        "normal",
        ["error.png"],
        "[image: error.png]",
    ),
    "forwarded_rfc822.eml": (
        "maria.rossi@example.it",
        "Fwd: Complaint from a customer",
        "normal",
        ["Beschwerde: Lieferung beschädigt.eml"],
        "forwarded as an attachment",
    ),
    "forwarded_rfc822_base64.eml": (
        "sales@example.it",
        "Fw: Preisanfrage",
        "normal",
        ["Preisanfrage.eml"],
        "See the attached request.",
    ),
    "apple_mail_inline_photo_mixed.eml": (
        "rene.dubois@example.fr",
        "Photo of the damaged box",
        "normal",
        ["IMG_0042.jpeg"],
        "The corner is crushed.",
    ),
    "calendar_invite.eml": (
        "kelly.wong@corp.example.com",
        "Quarterly support review",
        "normal",
        ["invite.ics"],
        "Where: Room 5",
    ),
    "rfc2231_filenames.eml": (
        "tb@example.org",
        "Files with long international names",
        "normal",
        ["产品说明书.pdf", "文件名称很长.txt", "Prüfbericht 2026.bin"],
        "Two files attached.",
    ),
    "reply_threaded_plain.eml": (
        "zhang.wei@example.cn",
        "Re: [#100234] Invoice question",
        "normal",
        [],
        "the invoice arrived",
    ),
    # Bounces
    "dsn_postfix.eml": (
        "mailer-daemon@mail.loopdesk.example",
        "Undelivered Mail Returned to Sender",
        "bounce",
        ["delivery-status.txt", "original-headers.txt"],
        "This is the mail system at host",
    ),
    "dsn_postfix_delayed.eml": (
        "mailer-daemon@mail.loopdesk.example",
        "Delayed Mail (still being retried)",
        "auto_reply",
        ["delivery-status.txt", "original-headers.txt"],
        "THIS IS A WARNING ONLY",
    ),
    "dsn_exim.eml": (
        "mailer-daemon@smtp.example.net",
        "Mail delivery failed: returning message to sender",
        "bounce",
        [],
        "The following address(es) failed",
    ),
    "dsn_qmail.eml": (
        "mailer-daemon@qmail.example.org",
        "failure notice",
        "bounce",
        [],
        "qmail-send program",
    ),
    "dsn_exchange_ndr.eml": (
        "postmaster@corp.example.com",
        "Undeliverable: [#100321] Password reset",
        "bounce",
        ["delivery-status.txt", "[#100321] Password reset.eml"],
        "couldn't be delivered",
    ),
    "dsn_gmail.eml": (
        "mailer-daemon@googlemail.com",
        "Delivery Status Notification (Failure)",
        "bounce",
        ["delivery-status.txt", "[#100888] Welcome.eml"],
        "Address not found",
    ),
    "dsn_qq_bounce.eml": (
        "postmaster@qq.example",
        "退信：[#100999] 您的工单已受理",
        "bounce",
        [],
        "系统自动生成的退信",
    ),
    "dsn_163_bounce.eml": (
        "postmaster@163.example",
        "系统退信",
        "bounce",
        [],
        "很抱歉您发送的邮件被退回",
    ),
    # Auto-replies
    "ooo_zh_exchange.eml": (
        "chenjing@corp.example.cn",
        "自动回复: [#100234] 打印机无法连接",
        "auto_reply",
        [],
        "我正在休假",
    ),
    "ooo_zh_outlook_dafu.eml": (
        "wulei@corp.example.cn",
        "自动答复: 关于合同续签",
        "auto_reply",
        [],
        "本人出差中",
    ),
    "ooo_en_subject_only.eml": (
        "tom.baker@example.co.uk",
        "Automatic reply: [#100235] Laptop replacement",
        "auto_reply",
        [],
        "out of the office",
    ),
    "ooo_de_abwesenheit.eml": (
        "f.baecker@example.de",
        "Abwesenheitsnotiz zu: [#100236] VPN geht nicht",
        "auto_reply",
        [],
        "nicht im Büro",
    ),
    "ooo_ja_fuzai.eml": (
        "takahashi@example.co.jp",
        "不在席のお知らせ",
        "auto_reply",
        [],
        "不在にしております",
    ),
    "vacation_unix.eml": (
        "bob@example.org",
        "away from my mail",
        "auto_reply",
        [],
        "will be read when I'm back",
    ),
    "list_mail.eml": (
        "announce@lists.example.org",
        "[announce] Version 4.2 released",
        "auto_reply",
        [],
        "many fixes",
    ),
    "noreply_notification.eml": (
        "no-reply@notifications.example.com",
        "Your invoice for November is ready",
        "auto_reply",
        [],
        "Your invoice for November is ready. View invoice",
    ),
    "auto_generated_monitoring.eml": (
        "zabbix@monitor.example.net",
        "PROBLEM: Disk space is low on db01",
        "auto_reply",
        [],
        "Host: db01",
    ),
    "read_receipt_mdn.eml": (
        "lisa.park@example.com",
        "Read: [#100240] Account question",
        "auto_reply",
        ["disposition-notification.txt"],
        "Your message was read",
    ),
    # Spam and hostile content
    "spam_like.eml": (
        "security@paypai-verify.example",
        "【紧急】您的账户已被冻结！！！立即验证 $$$",
        "normal",
        [],
        "点击这里立即验证",
    ),
    "hostile_html.eml": (
        "mallory@evil.example",
        "<img src=x onerror=alert(1)> please help",
        "normal",
        [],
        "Please help with my order.",
    ),
    "header_injection.eml": (
        "attacker@evil.example",
        "Hello Bcc: victim@example.com body",
        "normal",
        [],
        "Header injection attempt.",
    ),
    # Malformed
    "malformed_missing_boundary.eml": (
        "broken@example.com",
        "Missing boundary parameter",
        "normal",
        ["data.bin"],
        "whose boundary was lost",
    ),
    "malformed_truncated.eml": (
        "sender@example.com",
        "Truncated in transit",
        "normal",
        ["report.pdf"],
        "was cut off",
    ),
    "malformed_bad_base64.eml": (
        "sender@example.com",
        "Bad base64 body",
        "normal",
        [],
        "This body has bad base64 in the middle",
    ),
    "malformed_nul_bytes.eml": (
        "nul@example.com",
        "NUL bytes inside",
        "normal",
        [],
        "Text with a NUL byte and control chars.",
    ),
    "malformed_header_no_colon.eml": (
        "colon@example.com",
        "A header line without a colon",
        "normal",
        [],
        "The body is still here.",
    ),
    "malformed_1000_recipients.eml": (
        "blast@example.com",
        "Message to a thousand people",
        "normal",
        [],
        "Hello everyone.",
    ),
    "malformed_long_subject.eml": (
        "long@example.com",
        ("Very long subject " * 59)[:1000],
        "normal",
        [],
        "Long subject test.",
    ),
    "malformed_cr_only.eml": (
        "mac@example.com",
        "Old Mac line endings",
        "normal",
        [],
        "Line one\nLine two",
    ),
    "malformed_bad_address_and_date.eml": ("", "Bad addresses", "normal", [], "Who sent this?"),
}


def _files() -> list[str]:
    return sorted(p.name for p in CORPUS.glob("*.eml"))


def _class(parsed) -> str:
    if parsed.bounce is not None:
        return "bounce"
    return "auto_reply" if parsed.auto_reply is not None else "normal"


def test_manifest_covers_every_file():
    files = _files()
    assert len(files) >= 40
    assert sorted(MANIFEST) == files


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_corpus_expectations(name):
    sender, subject, kind, attachments, snippet = MANIFEST[name]
    parsed = parse_email((CORPUS / name).read_bytes())
    assert parsed.sender.address == sender
    assert parsed.subject == subject
    assert _class(parsed) == kind, (parsed.auto_reply, parsed.bounce)
    assert [a.filename for a in parsed.attachments] == attachments
    assert snippet in parsed.text, parsed.text[:300]
    for value in [parsed.subject, parsed.sender.name, *parsed.headers.values()]:
        assert "\n" not in value and "\r" not in value and "\x00" not in value
    assert "\x00" not in parsed.text and "\x00" not in parsed.html
    if kind == "bounce":
        assert parsed.auto_reply is not None and parsed.auto_reply.reason == "bounce"


def _normalised(parsed):
    """The parse result with text attachment bytes line-ending neutral (a 7-bit text
    attachment legitimately keeps the line endings it arrived with)."""
    data = dataclasses.asdict(parsed)
    for attachment in data["attachments"]:
        if attachment["content_type"].startswith(("text/", "message/")):
            attachment["content"] = attachment["content"].replace(b"\r\n", b"\n")
    return data


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_lf_and_crlf_parse_the_same(name):
    raw = (CORPUS / name).read_bytes()
    lf = raw.replace(b"\r\n", b"\n")
    crlf = lf.replace(b"\n", b"\r\n")
    assert _normalised(parse_email(lf)) == _normalised(parse_email(crlf))


# --- details a manifest line cannot say --------------------------------------------------

BOUNCES = {
    "dsn_postfix.eml": (
        "ticket-100234.1700000000.abcd@loopdesk.example",
        ("nobody@gone.example",),
        "5.1.1",
    ),
    "dsn_exim.eml": (
        "ticket-100777.1700000500.ef01@loopdesk.example",
        ("ghost@example.net",),
        "5.1.1",
    ),
    "dsn_qmail.eml": (
        "ticket-100500.1700001000.9999@loopdesk.example",
        ("old.user@example.org",),
        "5.1.1",
    ),
    "dsn_exchange_ndr.eml": (
        "ticket-100321.1700002000.7777@loopdesk.example",
        ("j.doe@corp.example.com",),
        "5.1.10",
    ),
    "dsn_gmail.eml": (
        "ticket-100888.1700003000.aaaa@loopdesk.example",
        ("no.such.user.12345@gmail.example",),
        "5.1.1",
    ),
    "dsn_qq_bounce.eml": (
        "ticket-100999.1700004000.bbbb@loopdesk.example",
        ("bucunzai@qq.example",),
        "5.0.0",
    ),
    "dsn_163_bounce.eml": (
        "ticket-101000.1700005000.cccc@loopdesk.example",
        ("someone@163.example",),
        "5.0.0",
    ),
}


@pytest.mark.parametrize("name", sorted(BOUNCES))
def test_bounce_details(name):
    original, recipients, status = BOUNCES[name]
    bounce = parse_email((CORPUS / name).read_bytes()).bounce
    assert bounce.original_message_id == original
    assert bounce.recipients == recipients
    assert bounce.status == status
    assert bounce.permanent is True
    assert bounce.diagnostic


def test_delayed_dsn_is_not_a_bounce():
    parsed = parse_email((CORPUS / "dsn_postfix_delayed.eml").read_bytes())
    assert parsed.bounce is None
    assert parsed.auto_reply is not None


def test_inline_image_and_html():
    parsed = parse_email((CORPUS / "gmail_inline_image.eml").read_bytes())
    (image,) = parsed.attachments
    assert image.inline and image.content_id == "ii_lp1a2b3c0"
    assert image.content.startswith(b"\x89PNG")
    assert 'src="cid:ii_lp1a2b3c0"' in parsed.html


def test_forwarded_message_is_a_readable_eml():
    parsed = parse_email((CORPUS / "forwarded_rfc822.eml").read_bytes())
    (forwarded,) = parsed.attachments
    assert forwarded.content_type == "message/rfc822"
    inner = parse_email(forwarded.content)
    assert inner.sender.address == "angry@example.net"
    assert inner.subject == "Beschwerde: Lieferung beschädigt"
    assert "beschädigt an" in inner.text


def test_base64_encoded_forward_is_decoded():
    parsed = parse_email((CORPUS / "forwarded_rfc822_base64.eml").read_bytes())
    inner = parse_email(parsed.attachments[0].content)
    assert inner.subject == "Preisanfrage für 2027"
    assert inner.sender.address == "old.customer@example.net"
    assert "ein Angebot" in inner.text


def test_calendar_winmail_and_filenames_keep_content():
    invite = parse_email((CORPUS / "calendar_invite.eml").read_bytes()).attachments[0]
    assert invite.content_type == "text/calendar" and b"BEGIN:VCALENDAR" in invite.content
    winmail = parse_email((CORPUS / "outlook_winmail_dat.eml").read_bytes()).attachments[0]
    assert winmail.content_type == "application/ms-tnef" and winmail.content.startswith(
        b"\x78\x9f\x3e\x22"
    )
    pdf = parse_email((CORPUS / "outlook_raw_utf8_filename.eml").read_bytes()).attachments[0]
    assert pdf.content.startswith(b"%PDF-1.4")


def test_outlook_headers_exposed():
    parsed = parse_email((CORPUS / "ja_iso2022jp_outlook.eml").read_bytes())
    assert parsed.headers["thread-index"] == "AdlXq2x7c3VwcG9ydGxvb3BkZXNr"
    assert parsed.headers["x-mailer"] == "Microsoft Outlook 16.0"
    assert any("iso-2022-jp" in note for note in parsed.charset_notes)


def test_threading_headers_of_a_reply():
    parsed = parse_email((CORPUS / "reply_threaded_plain.eml").read_bytes())
    assert parsed.message_id == "reply.2@example.cn"
    assert parsed.in_reply_to == ["ticket-100234.1700000000.abcd@loopdesk.example"]
    assert parsed.references == [
        "ticket-100234.1699990000.0001@loopdesk.example",
        "ticket-100234.1700000000.abcd@loopdesk.example",
    ]
    assert parsed.date == "2026-11-23T09:00:00+08:00"
    assert parsed.sender.name == "Wei Zhang"


def test_hostile_html_is_kept_and_sanitised_by_intake():
    from loopdesk.tickets.services.text import sanitize_html

    parsed = parse_email((CORPUS / "hostile_html.eml").read_bytes())
    assert "<script>" in parsed.html  # the parser keeps what arrived
    clean = sanitize_html(parsed.html).lower()
    for bad in (
        "<script",
        "onerror",
        "onload",
        "javascript:",
        "<iframe",
        "expression(",
        "<form",
        "<meta",
        "<base",
        "<svg",
    ):
        assert bad not in clean, bad
    assert "please help with my order." in clean


def test_header_injection_is_flattened():
    parsed = parse_email((CORPUS / "header_injection.eml").read_bytes())
    assert parsed.sender.name == "Evil Bcc: victim@example.com"
    assert parsed.reply_to[0].name == "x y"
    assert [a.address for a in parsed.to] == ["support@loopdesk.example"]


def test_malformed_details():
    many = parse_email((CORPUS / "malformed_1000_recipients.eml").read_bytes())
    assert len(many.to) == 200 and any("more than 200" in d for d in many.defects)
    truncated = parse_email((CORPUS / "malformed_truncated.eml").read_bytes())
    assert truncated.attachments[0].content.startswith(b"%PDF-1.4")
    assert any("boundary" in d for d in truncated.defects)
    missing = parse_email((CORPUS / "malformed_missing_boundary.eml").read_bytes())
    assert missing.attachments[0].content == b"\x00\x01\x02\x03"
    assert any("boundary" in d for d in missing.defects)
    bad = parse_email((CORPUS / "malformed_bad_address_and_date.eml").read_bytes())
    assert bad.sender.address == "" and any("ambiguous From" in d for d in bad.defects)
    assert bad.date == ""
    assert bad.message_id == "no-angle-brackets-here@example.com"
    assert bad.references == ["ref.1@example.com"]
    long = parse_email((CORPUS / "malformed_long_subject.eml").read_bytes())
    assert any("subject" in d for d in long.defects)
    nul = parse_email((CORPUS / "malformed_nul_bytes.eml").read_bytes())
    assert nul.subject == "NUL bytes inside"


def test_undeclared_and_bogus_charsets_are_noted():
    undeclared = parse_email((CORPUS / "undeclared_8bit.eml").read_bytes())
    assert undeclared.sender.name == "赵敏"
    assert any("detected gb18030" in n for n in undeclared.charset_notes)
    bogus = parse_email((CORPUS / "bogus_charset_labels.eml").read_bytes())
    assert "iso-gb2312 decoded as gb18030" in bogus.charset_notes
    assert bogus.sender.name == "刘洋"
