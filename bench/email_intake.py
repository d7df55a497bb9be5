"""Email intake throughput: a 1,000-message mixed corpus through the ingest service.

    python -m bench email [--messages 1000] [--database-url URL] [--seed 7]

The corpus is generated (seeded): new requests in Chinese and English (some with an
attachment), replies threading by In-Reply-To, replies by subject tag, auto-replies,
bounces, byte-identical redeliveries and malformed mail. Each message goes through
`ingest_raw` exactly as `loopdesk ingest-email` feeds it (raw stored, parsed, threaded,
intake, Message-ID indexed, acknowledgement queued as a task). The run happens on the
bench database beside its existing tickets and removes what it created afterwards.
Reports messages/s, median and p95 per message, and the outcome mix; writes JSON.
"""

import json
import random
import statistics
import time
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formataddr
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"

ZH_SUBJECTS = [
    "打印机无法打印",
    "申请开具增值税发票",
    "退款什么时候到账",
    "设备保修咨询",
    "安装预约",
]
EN_SUBJECTS = ["Printer not printing", "Invoice request", "Refund status", "Warranty question"]
ZH_BODY = "你好，我们公司上周购买的设备出现故障，开机后指示灯一直闪烁，请尽快安排售后。订单号 {n}。"
EN_BODY = "Hello, the unit we bought last week shows a blinking light after power-on. Order {n}."


def _mail(n: int, *, subject: str, body: str, sender: str, **headers) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = formataddr((f"客户 {n}", sender))
    mail["To"] = "support@bench.example"
    mail["Subject"] = subject
    mail["Message-ID"] = f"<bench-{n}-{random.getrandbits(40):x}@mail.example.cn>"
    mail["Date"] = "Mon, 23 Nov 2026 10:00:00 +0800"
    for key, value in headers.items():
        mail[key.replace("_", "-")] = value
    mail.set_content(body)
    return mail


def corpus(count: int, seed: int) -> list[tuple[str, bytes]]:
    random.seed(seed)
    items: list[tuple[str, bytes]] = []
    sent: list[EmailMessage] = []
    for n in range(count):
        roll = random.random()
        sender = f"bench{random.randrange(400)}@customer{random.randrange(50)}.example.cn"
        if roll < 0.55 or not sent:
            zh = random.random() < 0.6
            subject = random.choice(ZH_SUBJECTS if zh else EN_SUBJECTS)
            mail = _mail(
                n, subject=subject, body=(ZH_BODY if zh else EN_BODY).format(n=n), sender=sender
            )
            if random.random() < 0.15:
                mail.add_attachment(
                    random.randbytes(20_000),
                    maintype="application",
                    subtype="pdf",
                    filename="发票.pdf" if zh else "invoice.pdf",
                )
            sent.append(mail)
            items.append(("new", mail.as_bytes()))
        elif roll < 0.80:
            original = random.choice(sent)
            reply = _mail(
                n,
                subject="Re: " + original["Subject"],
                body="补充信息：仍然有问题。\n\n> 原文",
                sender=original["From"].addresses[0].addr_spec,
                In_Reply_To=original["Message-ID"],
                References=original["Message-ID"],
            )
            items.append(("reply", reply.as_bytes()))
        elif roll < 0.88:
            auto = _mail(
                n,
                subject="自动回复: 休假中",
                body="我 12 月 1 日回来。",
                sender=sender,
                Auto_Submitted="auto-replied",
            )
            items.append(("auto_reply", auto.as_bytes()))
        elif roll < 0.93:
            items.append(("bounce", _dsn(n, sender)))
        elif roll < 0.98:
            items.append(("redelivery", random.choice(items)[1]))
        else:
            items.append(
                (
                    "malformed",
                    b"\x00\xffFrom nobody\r\nSubject: =?gb2312?B?broken\r\n\r\n"
                    + random.randbytes(200),
                )
            )
    return items


def _dsn(n: int, recipient: str) -> bytes:
    return (
        "From: MAILER-DAEMON@mx.example.cn\r\nTo: support@bench.example\r\n"
        f"Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <dsn-{n}@mx.example.cn>\r\n"
        "MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; "
        'boundary="B"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nUndeliverable.\r\n'
        "--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx\r\n\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        "\r\n--B--\r\n"
    ).encode()


def run(*, messages: int, seed: int) -> dict:
    from django.db import connection

    from loopdesk.channels.email.ingest import ingest_raw
    from loopdesk.channels.models import InboundEmail, Mailbox
    from loopdesk.customers.models import Contact
    from loopdesk.tickets.models import Ticket

    items = corpus(messages, seed)
    existing = Ticket.objects.count()
    max_ticket = Ticket.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    max_contact = Contact.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    max_inbound = InboundEmail.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    mailbox, _ = Mailbox.objects.get_or_create(
        address="support@bench.example", defaults={"name": "Bench"}
    )
    durations, results = [], {}
    started, cpu_started = time.perf_counter(), time.process_time()
    for _kind, raw in items:
        t0 = time.perf_counter()
        outcome = ingest_raw(raw, source="pipe", mailbox=mailbox)
        durations.append((time.perf_counter() - t0) * 1000)
        results[outcome.result] = results.get(outcome.result, 0) + 1
    total = time.perf_counter() - started
    cpu = time.process_time() - cpu_started

    # Leave the bench database as it was.
    Ticket.objects.filter(pk__gt=max_ticket).delete()
    InboundEmail.objects.filter(pk__gt=max_inbound).delete()
    Contact.objects.filter(pk__gt=max_contact, tickets__isnull=True).delete()

    durations.sort()
    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": connection.vendor,
        "tickets_before": existing,
        "messages": len(items),
        "seconds": round(total, 2),
        "messages_per_second": round(len(items) / total, 1),
        # CPU seconds of this process: what a quiet machine would approach (the database
        # server's own CPU is not in it on PostgreSQL).
        "messages_per_cpu_second": round(len(items) / cpu, 1),
        "median_ms": round(statistics.median(durations), 2),
        "p95_ms": round(durations[int(len(durations) * 0.95) - 1], 2),
        "outcomes": {str(k): v for k, v in results.items()},
        "load": Path("/proc/loadavg").read_text().split()[:3],
    }
    print(
        f"email intake on {report['database']} with {existing:,} tickets: "
        f"{report['messages_per_second']} messages/s "
        f"({report['messages_per_cpu_second']}/s of CPU) over {len(items)} "
        f"(median {report['median_ms']} ms, p95 {report['p95_ms']} ms) outcomes={results} "
        f"load={' '.join(report['load'])}"
    )
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"email-intake-{report['database']}.json"
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2))
    return report
