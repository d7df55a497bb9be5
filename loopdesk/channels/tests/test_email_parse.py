"""Unit tests of the email parser (pure Python, no database)."""

import base64
import random

import pytest

from loopdesk.channels.email import charsets
from loopdesk.channels.email.parse import decode_header_bytes, parse_date, parse_email


def _mail(headers: str, body: str = "hello\n", *, raw_body: bytes | None = None) -> bytes:
    return (
        headers.strip("\n").encode("utf-8")
        + b"\n\n"
        + (raw_body if raw_body is not None else body.encode())
    )


# --- headers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"=?utf-8?B?5Lit5paH?=", "中文"),
        (b"=?gb2312?B?1tC5+g==?=", "中国"),
        (b"=?GBK?Q?=D6=D0=B9=FA?=", "中国"),
        (b"=?iso-gb2312?B?1tC5+g==?=", "中国"),  # bogus label through the alias map
        (b"=?x-gbk?B?1tA=?= =?x-gbk?B?ufo=?=", "中国"),
        # Foxmail/Outlook: one character's bytes split over two words.
        (b"=?utf-8?Q?=E4=B8?= =?utf-8?Q?=AD=E6=96=87?=", "中文"),
        (b"=?gbk?B?1g==?= =?gbk?B?0Lk=?= =?gbk?B?+g==?=", "中国"),
        # Base64 split mid-quantum without padding.
        (b"=?utf-8?B?5Lit5?= =?utf-8?B?paH?=", "中文"),
        (b"=?big5?B?pKSk5Q==?=", "中文"),
        (b"=?ISO-2022-JP?B?GyRCRnxLXDhsGyhC?=", "日本語"),
        (b"=?shift_jis?B?k/qWe4zq?=", "日本語"),
        (b"=?iso-8859-1?q?Gr=FC=DFe_aus_M=FCnchen?=", "Grüße aus München"),
        (b"=?utf-8?q?Gr=C3=BC=C3=9Fe?=", "Grüße"),
        (b"=?utf8?B?5Lit5paH?=", "中文"),
        (b'=?"utf-8"?B?5Lit5paH?=', "中文"),
        (b"=?x-unknown?B?5Lit5paH?=", "中文"),
        (b"=?utf-8*zh?B?5Lit5paH?=", "中文"),
        (b"Re:=?utf-8?B?5Lit5paH?=Fwd", "Re:中文Fwd"),  # missing spaces around the word
        (b"a =?utf-8?B?5Lit?= b", "a 中 b"),
        (b"Re: \xd6\xd0\xb9\xfa\xb1\xa8\xbc\xdb", "Re: 中国报价"),  # raw GBK
        (b"Re: \xe4\xb8\xad\xe6\x96\x87", "Re: 中文"),  # raw UTF-8
        (b"Re: M\xfcller", "Re: Müller"),  # raw latin-1
        (b"=?utf-8?B?!!!invalid?=", None),
    ],
)
def test_decode_header_words(raw, expected):
    value = decode_header_bytes(raw)
    if expected is None:
        assert "\n" not in value
    else:
        assert value == expected


def test_encoded_crlf_does_not_survive_in_subject_or_name():
    raw = _mail(
        "From: =?utf-8?q?Evil=0D=0ABcc:_x@y?= <evil@example.com>\n"
        "Subject: =?utf-8?q?a=0D=0ABcc:_x@y?=\n"
        "X-Loopdesk-Ticket: =?utf-8?q?1=0A2?="
    )
    parsed = parse_email(raw)
    assert parsed.subject == "a Bcc: x@y"
    assert "\n" not in parsed.sender.name and "\r" not in parsed.sender.name
    assert parsed.sender.address == "evil@example.com"
    assert parsed.headers["x-loopdesk-ticket"] == "1 2"


def test_subject_folded_to_one_line_and_capped():
    parsed = parse_email(_mail("From: a@b.example\nSubject: first\n  second\n\tthird"))
    assert parsed.subject == "first second third"
    long = parse_email(_mail("From: a@b.example\nSubject: " + "x" * 10_000))
    assert len(long.subject) == 1000
    assert any("subject" in d for d in long.defects)


def test_addresses_lowercased_names_decoded_invalid_recorded():
    parsed = parse_email(
        _mail(
            'From: "=?gb2312?B?1cXI/Q==?=" <ZhangSan@Example.COM>\n'
            "To: a@b.example, Bad <not an address>, =?utf-8?B?5p2O5Zub?= <li@x.example>\n"
            "Cc: c@d.example\nReply-To: r@e.example"
        )
    )
    assert parsed.sender.address == "zhangsan@example.com"
    assert parsed.sender.name == "张三"
    assert [a.address for a in parsed.to] == ["a@b.example", "", "li@x.example"]
    assert parsed.to[2].name == "李四"
    assert any("invalid address in To" in d for d in parsed.defects)
    assert parsed.cc[0].address == "c@d.example" and parsed.reply_to[0].address == "r@e.example"


def test_whole_from_encoded_in_one_word():
    value = base64.b64encode("王五 <wangwu@example.cn>".encode()).decode()
    parsed = parse_email(_mail(f"From: =?utf-8?B?{value}?="))
    assert parsed.sender == type(parsed.sender)(address="wangwu@example.cn", name="王五")


def test_raw_gbk_display_name_uses_body_charset():
    name = "张三".encode("gbk")
    raw = (
        b"From: "
        + name
        + b" <zs@example.cn>\nSubject: x\nContent-Type: text/plain; charset=gbk\n\nhi"
    )
    parsed = parse_email(raw)
    assert parsed.sender.name == "张三"


def test_unusable_from_falls_back():
    parsed = parse_email(_mail("From: nobody\nSender: real@example.com"))
    assert parsed.sender.address == "real@example.com"
    assert any("From" in d for d in parsed.defects)
    parsed = parse_email(_mail("From:\nReturn-Path: <rp@example.com>"))
    assert parsed.sender.address == "rp@example.com"
    parsed = parse_email(_mail("Subject: none"))
    assert parsed.sender.address == ""


def test_message_ids_robust():
    parsed = parse_email(
        _mail(
            "From: a@b.example\nMessage-ID:  <abc@host>  \n"
            "In-Reply-To: <p1@host> (message from Bob)\n"
            "References: <r1@h>\n <r2@h> garbage <r3@h> <r2@h>"
        )
    )
    assert parsed.message_id == "abc@host"
    assert parsed.in_reply_to == ["p1@host"]
    assert parsed.references == ["r1@h", "r2@h", "r3@h"]
    bare = parse_email(_mail("From: a@b.example\nMessage-ID: 1234.x@host\nIn-Reply-To: y@host"))
    assert bare.message_id == "1234.x@host" and bare.in_reply_to == ["y@host"]
    many = " ".join(f"<id{i}@h>" for i in range(200))
    capped = parse_email(_mail(f"From: a@b.example\nReferences: {many}"))
    assert len(capped.references) == 50
    assert capped.references[0] == "id0@h" and capped.references[-1] == "id199@h"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Mon, 23 Nov 2026 10:00:00 +0800", "2026-11-23T10:00:00+08:00"),
        ("Mon, 23 Nov 2026 10:00:00 +0800 (CST)", "2026-11-23T10:00:00+08:00"),
        ("23 Nov 2026 02:00:00 GMT", "2026-11-23T02:00:00+00:00"),
        ("Mon, 23 Nov 2026 10:00:00 -0000", "2026-11-23T10:00:00+00:00"),
        ("yesterday", ""),
        ("", ""),
    ],
)
def test_parse_date(value, expected):
    assert parse_date(value) == expected


def test_selected_headers_kept():
    parsed = parse_email(
        _mail(
            "From: a@b.example\nAuto-Submitted: auto-replied\nX-Loop: one\nX-Loop: two\n"
            "X-Loopdesk-Mailbox: 7\nList-Id: <l.example>\nX-Unrelated: no\nDelivered-To: s@x.example"
        )
    )
    assert parsed.headers["auto-submitted"] == "auto-replied"
    assert parsed.headers["x-loop"] == "one, two"
    assert parsed.headers["x-loopdesk-mailbox"] == "7"
    assert parsed.headers["list-id"] == "<l.example>"
    assert "x-unrelated" not in parsed.headers


def test_return_path():
    assert parse_email(_mail("From: a@b.example")).return_path is None
    assert parse_email(_mail("From: a@b.example\nReturn-Path: <>")).return_path == ""
    assert (
        parse_email(_mail("From: a@b.example\nReturn-Path: <X@Y.example>")).return_path
        == "x@y.example"
    )


# --- charsets ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("gb2312", "gb18030"),
        ("GBK", "gb18030"),
        ("cp936", "gb18030"),
        ("x-gbk", "gb18030"),
        ("euc-cn", "gb18030"),
        ("iso-gb2312", "gb18030"),
        ("big5", "big5hkscs"),
        ("shift_jis", "cp932"),
        ("SJIS", "cp932"),
        ("ks_c_5601-1987", "cp949"),
        ("iso-2022-jp", "iso2022_jp_ext"),
        ("unicode-1-1-utf-7", "utf-7"),
        ('"utf-8"', "utf-8"),
        ("utf8", "utf-8"),
        ("x-unknown", None),
        ("base64", None),
        ("", None),
    ],
)
def test_codec_for(label, codec):
    assert charsets.codec_for(label) == codec


def test_decode_bytes_rules():
    gbk_only = "镕基".encode("gbk")  # 镕 is not in GB2312
    assert charsets.decode_bytes(gbk_only, "gb2312").text == "镕基"
    hk = "香港嘅".encode("big5hkscs")
    assert charsets.decode_bytes(hk, "big5").text == "香港嘅"
    # NEC special characters in ISO-2022-JP, as Outlook sends them (CP50220).
    nec = "①株式会社".encode("cp932")
    jis = b"\x1b$B" + bytes([0x2D, 0x21]) + "株式会社".encode("iso2022_jp")[3:]
    decoded = charsets.decode_bytes(jis, "iso-2022-jp")
    assert decoded.text == "①株式会社", decoded
    assert nec  # sanity
    assert charsets.decode_bytes(b"+ZeVnLIqe-", "utf-7").text == "日本語"
    # Declared latin-1, really UTF-8.
    assert charsets.decode_bytes("Grüße".encode(), "iso-8859-1").text == "Grüße"
    # No label, not UTF-8: detection, never an exception.
    text = "这是一封没有声明字符集的中文邮件，内容比较长，用来测试字符集检测是否可靠。" * 3
    assert charsets.decode_bytes(text.encode("gb18030"), None).text == text
    # Bogus label and junk: replacement characters.
    out = charsets.decode_bytes(b"\xff\xfe\x00abc\x81", "no-such-charset")
    assert isinstance(out.text, str) and out.note


# --- bodies ------------------------------------------------------------------------------


def test_alternative_keeps_both_and_html_only_derives_text():
    raw = _mail(
        'From: a@b.example\nContent-Type: multipart/alternative; boundary="b"',
        "--b\nContent-Type: text/plain; charset=utf-8\n\nplain version\n"
        "--b\nContent-Type: text/html; charset=utf-8\n\n<p>html <b>version</b></p>\n--b--\n",
    )
    parsed = parse_email(raw)
    assert parsed.text.strip() == "plain version"
    assert "<b>version</b>" in parsed.html
    html_only = parse_email(
        _mail(
            "From: a@b.example\nContent-Type: text/html; charset=utf-8",
            "<html><head><style>p{}</style></head><body><p>Hello&nbsp;there</p><p>line 2<br>3</p>"
            "<script>alert(1)</script></body></html>",
        )
    )
    assert html_only.text == "Hello there\nline 2\n3"


def test_bad_base64_missing_boundary_and_nul_bytes_do_not_raise():
    bad = parse_email(
        _mail(
            "From: a@b.example\nContent-Type: text/plain\nContent-Transfer-Encoding: base64",
            "aGVsbG8gd29y!!!bGQ",
        )
    )
    assert bad.text.startswith("hello wor")
    assert any("base64" in d for d in bad.defects)
    nb = parse_email(
        _mail(
            "From: a@b.example\nContent-Type: multipart/mixed",
            "--zz\nContent-Type: text/plain\n\nfirst part\n--zz\nContent-Type: text/plain\n\nsecond\n--zz--\n",
        )
    )
    assert "first part" in nb.text and "second" in nb.text
    assert any("boundary" in d for d in nb.defects)
    nul = parse_email(b"From: a@b.example\nSubject: a\x00b\n\nbody\x00with nul")
    assert nul.subject == "a b" and "\x00" not in nul.text


def test_header_line_without_colon_does_not_swallow_headers():
    parsed = parse_email(b"Subject: hi\nthis line is broken\nFrom: a@b.example\n\nbody")
    assert parsed.sender.address == "a@b.example"
    assert any("colon" in d for d in parsed.defects)


def test_deep_nesting_is_bounded():
    depth = 200
    parts = []
    for i in range(depth):
        parts.append(f'Content-Type: multipart/mixed; boundary="b{i}"\n\n--b{i}\n')
    body = (
        "".join(parts)
        + "Content-Type: text/plain\n\ndeep\n"
        + "".join(f"--b{i}--\n" for i in reversed(range(depth)))
    )
    parsed = parse_email(b"From: a@b.example\n" + body.encode())
    assert any("nesting" in d for d in parsed.defects)


@pytest.mark.parametrize("seed", range(300))
def test_random_bytes_never_raise(seed):
    rnd = random.Random(seed)
    size = rnd.choice([0, 1, 10, 100, 1000, 5000])
    junk = bytes(rnd.getrandbits(8) for _ in range(size))
    header = b"Content-Type: multipart/mixed; boundary=x\n\n--x\n" if seed % 3 == 0 else b""
    parsed = parse_email(header + junk)
    assert isinstance(parsed.subject, str)


def test_odd_inputs_never_raise():
    for raw in (
        b"",
        b"\n",
        b"\r\n\r\n",
        b":",
        b"From:",
        b"\x00" * 100,
        b"text",
        bytearray(b"From: a@b"),
    ):
        parse_email(raw)
    assert parse_email(None).defects  # type: ignore[arg-type]


# --- fuzzing: real messages, damaged ------------------------------------------------------

from pathlib import Path  # noqa: E402

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_CORPUS = sorted((Path(__file__).resolve().parent / "email_corpus").glob("*.eml"))
_SEEDS = [p.read_bytes() for p in _CORPUS if p.stat().st_size < 200_000]


@st.composite
def _damaged_mail(draw):
    data = bytearray(draw(st.sampled_from(_SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["cut", "insert", "delete", "flip", "boundary"]))
        at = draw(st.integers(0, len(data)))
        if kind == "cut":
            del data[at:]
        elif kind == "insert":
            data[at:at] = draw(st.binary(max_size=40))
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 200))]
        elif kind == "flip" and data:
            data[min(at, len(data) - 1)] ^= draw(st.integers(1, 255))
        else:
            data[at:at] = draw(
                st.sampled_from([b"\n--", b"=?utf-8?B?", b"?=", b"\r", b"\n\n", b"\x00", b"=\n"])
            )
    return bytes(data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_damaged_mail())
def test_damaged_corpus_mail_never_raises(raw):
    parsed = parse_email(raw)
    assert "\n" not in parsed.subject and "\r" not in parsed.sender.name
    assert "\x00" not in parsed.text


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=3000))
def test_arbitrary_bytes_never_raise(raw):
    parse_email(b"From: a@b.example\nContent-Type: multipart/mixed; boundary=b\n\n--b\n" + raw)


def test_large_message_is_parsed_whole():
    blob = bytes(range(256)) * 12_000  # ~3 MB attachment
    encoded = base64.encodebytes(blob)
    raw = (
        b'From: big@example.com\nSubject: big\nContent-Type: multipart/mixed; boundary="X"\n\n'
        b"--X\nContent-Type: text/plain\n\nsee attachment\n"
        b"--X\nContent-Type: application/octet-stream; name=big.bin\nContent-Transfer-Encoding: base64\n\n"
        + encoded
        + b"\n--X--\n"
    )
    parsed = parse_email(raw)
    assert parsed.attachments[0].content == blob
    assert parsed.text.strip() == "see attachment"
    assert not parsed.charset_notes  # no charset detection ran on the attachment


def test_alternative_renderings_other_than_text_and_html_are_dropped():
    raw = _mail(
        'From: a@b.example\nContent-Type: multipart/alternative; boundary="a"',
        "--a\nContent-Type: text/plain\n\nplain\n"
        "--a\nContent-Type: text/watch-html\n\n<b>watch</b>\n"
        "--a\nContent-Type: text/x-amp-html\n\n<html amp4email>amp</html>\n"
        "--a\nContent-Type: text/html\n\n<p>html</p>\n"
        "--a\nContent-Type: text/calendar; method=REQUEST\n\nBEGIN:VCALENDAR\nEND:VCALENDAR\n--a--\n",
    )
    parsed = parse_email(raw)
    assert parsed.text.strip() == "plain" and parsed.html.strip() == "<p>html</p>"
    assert [a.filename for a in parsed.attachments] == ["invite.ics"]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ('attachment; filename="../../etc/passwd"', "passwd"),
        ('attachment; filename="C:\\\\Users\\\\x\\\\evil.exe"', "evil.exe"),
        ('attachment; filename="a\x01b.txt"', "a b.txt"),
        ("attachment; filename*=utf-8''%E6%8A%A5%E5%91%8A%0A.pdf", "报告.pdf"),
        ('attachment; filename="=?utf-8?B?5oql5ZGKLnBkZg==?="', "报告.pdf"),
        ("attachment", "attachment-1.pdf"),
    ],
)
def test_attachment_names_are_display_names_only(header, expected):
    raw = _mail(
        'From: a@b.example\nContent-Type: multipart/mixed; boundary="m"',
        f"--m\nContent-Type: text/plain\n\nx\n--m\nContent-Type: application/pdf\n"
        f"Content-Disposition: {header}\nContent-Transfer-Encoding: base64\n\nJVBERg==\n--m--\n",
    )
    (attachment,) = parse_email(raw).attachments
    assert attachment.filename == expected
    assert attachment.content == b"%PDF"


@pytest.mark.parametrize(
    ("text", "encoding", "label"),
    [
        ("您好，请问发票什么时候寄出？", "gbk", "utf-8"),
        ("公司官网从今天早上开始一直打不开，显示五百错误", "gbk", None),
        ("我想查詢訂單的進度，謝謝。", "big5", "utf-8"),
        ("お世話になっております。見積書を送ります。", "cp932", "utf-8"),
        ("見積書", "cp932", None),
        ("안녕하세요. 제품 설치 문의입니다.", "cp949", None),
        ("Grüße aus München, vielen Dank für Ihre Hilfe.", "cp1252", "utf-8"),
        ("Schöne Grüße", "cp1252", "us-ascii"),
        ("Ça va très bien, merci à vous.", "cp1252", None),
        ("Здравствуйте, у меня вопрос по заказу.", "cp1251", "utf-8"),
    ],
)
def test_mislabelled_or_undeclared_text_is_guessed(text, encoding, label):
    decoded = charsets.decode_bytes(text.encode(encoding), label)
    assert decoded.text == text
    assert decoded.note


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("见积书的事情", "gbk"),
        ("見積書の件について", "cp932"),
        ("報價單請查收", "big5"),
        ("Grüße", "cp1252"),
    ],
)
def test_raw_8bit_subject_without_any_hint(text, encoding):
    raw = b"From: a@b.example\nSubject: Re: " + text.encode(encoding) + b"\n\nbody"
    assert parse_email(raw).subject == "Re: " + text


def test_format_flowed_is_unwrapped():
    raw = _mail(
        "From: a@b.example\nContent-Type: text/plain; charset=utf-8; format=flowed; delsp=no",
        "Hello this is a long \nparagraph that wraps.\n\n> quoted text \n> continues\n-- \nBob\n",
    )
    assert (
        parse_email(raw).text
        == "Hello this is a long paragraph that wraps.\n\n> quoted text continues\n-- \nBob\n"
    )
    fixed = _mail("From: a@b.example\nContent-Type: text/plain", "line one \nline two\n")
    assert parse_email(fixed).text == "line one \nline two\n"


def test_internationalised_domain_becomes_punycode_with_a_defect():
    raw = "From: PayPal <service@pаypal.com>\nSubject: x\n\nbody".encode()  # Cyrillic "а"
    parsed = parse_email(raw)
    assert parsed.sender.address == "service@xn--pypal-4ve.com"
    assert any("internationalised domain" in d for d in parsed.defects)
    plain = parse_email("From: 用户@例子.广告\nSubject: x\n\nbody".encode())
    assert plain.sender.address == "用户@" + "例子.广告".encode("idna").decode()


def test_mbox_envelope_line_and_leading_blank_lines():
    mbox = parse_email(
        b"From someone@example.com Mon Nov 23 10:00:00 2026\nFrom: a@b.example\nSubject: mbox\n\nbody\n"
    )
    assert mbox.sender.address == "a@b.example" and mbox.subject == "mbox"
    blank = parse_email(b"\r\n\r\nFrom: a@b.example\r\nSubject: late start\r\n\r\nbody\r\n")
    assert blank.subject == "late start" and blank.text == "body\n"


def test_utf8_labelled_as_a_legacy_charset_is_recognised():
    decoded = charsets.decode_bytes("请查收附件中的报价单".encode(), "gb2312")
    assert decoded.text == "请查收附件中的报价单" and decoded.charset == "utf-8"
    assert (
        charsets.decode_bytes("请查收附件中的报价单".encode("gbk"), "gb2312").charset == "gb18030"
    )
