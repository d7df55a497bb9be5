"""The list rows and thread articles written in Python escape every field as the template
engine did (tests/web/test_hostile.py covers the same through whole pages)."""

from django.utils.safestring import mark_safe

from loopdesk.tickets.views.rows import (
    Attached,
    InboxRow,
    ThreadRow,
    _thread_markup,
    inbox_rows_html,
)

XSS = '<script>alert("x")</script>\'&'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#x27;&amp;"


def test_every_inbox_field_is_escaped_and_safe_html_kept():
    row = InboxRow(
        number=7,
        url=f"/tickets/7/?{XSS}",
        select_label=XSS,
        subject=XSS,
        contact=XSS,
        status_category=XSS,
        status_label=XSS,
        priority=3,
        priority_label=XSS,
        sla=mark_safe('<span class="sla">2h</span>'),
        assignee=XSS,
        team=XSS,
        tags=[XSS, "vip"],
        updated=XSS,
    )
    html = inbox_rows_html([row])
    assert "<script" not in html and "'&" not in html
    # url twice, select label, subject, contact, status class and label, priority label,
    # assignee, team, one tag, updated
    assert html.count(ESCAPED) == 12
    assert '<span class="sla">2h</span>' in html
    assert '<span class="tag">vip</span>' in html and 'value="7"' in html


def test_thread_markup_escapes_author_attachments_and_quoted_text():
    row = ThreadRow(
        m=None,
        pk=5,
        direction="inbound",
        author=XSS,
        badge=mark_safe('<span class="badge">Customer</span>'),
        via=XSS,
        time="",
        body=mark_safe("<p>sanitised</p>"),
        quoted=XSS,
        is_html=True,
        attachments=[Attached(url="/a/1", filename=XSS, size="1 KB")],
        to_article_url="",
        mail="",
        head=mark_safe(""),
        tail=mark_safe(""),
    )
    head, tail = _thread_markup(row, {"show_quoted": "Show", "attachments": "Files"})
    both = head + tail
    assert "<script" not in both
    assert both.count(ESCAPED) == 4  # author, via, quoted, filename
    assert '<span class="badge">Customer</span>' in head and "<p>sanitised</p>" in tail
    assert head.startswith('<article class="msg msg-inbound" id="message-5">')
    assert tail.endswith("</article>")
