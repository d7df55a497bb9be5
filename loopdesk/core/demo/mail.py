"""Demo mail: a support mailbox (no IMAP server: mail comes in by `loopdesk ingest-email`)
and a short real email conversation fed through the ingest service, so the ticket page
shows threading and the mail log has something to show."""

from email.message import EmailMessage
from email.utils import formataddr

from loopdesk.channels.email.ingest import ingest_raw
from loopdesk.channels.models import InboundSource, Mailbox

from .setup import DemoCast

ADDRESS = "support@acme-demo.localhost"
CUSTOMER = "wang.fang@customer-demo.localhost"


def _mail(subject: str, body: str, msgid: str, **headers) -> bytes:
    mail = EmailMessage()
    mail["From"] = formataddr(("王芳", CUSTOMER))
    mail["To"] = ADDRESS
    mail["Subject"] = subject
    mail["Message-ID"] = f"<{msgid}>"
    for key, value in headers.items():
        mail[key.replace("_", "-")] = value
    mail.set_content(body)
    return mail.as_bytes()


def ensure_mail(cast: DemoCast) -> None:
    if Mailbox.objects.filter(address=ADDRESS).exists():
        return
    team = next(iter(cast.teams.values()), None)
    mailbox = Mailbox.objects.create(
        name="ACME 售后服务", address=ADDRESS, from_name="ACME 售后服务", default_team=team
    )
    first = "demo-1@customer-demo.localhost"
    for raw in (
        _mail(
            "净水器滤芯指示灯一直闪烁 / filter light keeps blinking",
            "你好，\n\n上个月买的净水器滤芯指示灯一直闪烁，已经换过滤芯了，还是这样。"
            "请问需要上门维修吗？\n\n王芳",
            first,
        ),
        _mail(
            "Re: 净水器滤芯指示灯一直闪烁",
            "补充一下：型号是 RO-500，购买单号 JD20261102。\n\n> 上个月买的净水器滤芯指示灯一直闪烁",
            "demo-2@customer-demo.localhost",
            In_Reply_To=f"<{first}>",
            References=f"<{first}>",
        ),
        _mail(
            "自动回复: 休假中",
            "我 12 月 1 日回来，急事请致电。",
            "demo-3@customer-demo.localhost",
            Auto_Submitted="auto-replied",
        ),
    ):
        ingest_raw(raw, source=InboundSource.PIPE, mailbox=mailbox)
