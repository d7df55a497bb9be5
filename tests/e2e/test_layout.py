"""The workspace at desktop and phone widths: nothing overflows sideways, inbox rows
become cards on a phone, and the side panel stacks under the thread. Screenshots of
each screen land in test-artifacts/ for a human look."""

import pytest

from loopdesk.accounts.models import Role
from loopdesk.customers.services import contact_create, organization_create
from loopdesk.tickets.events import Actor
from loopdesk.tickets.services import AttachmentUpload, message_add, ticket_update
from loopdesk.tickets.tests import factories

from .helpers import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth + 1"


def _seed(language: str):
    team = factories.make_team("售后维修 After-sales")
    agent = factories.make_user(
        role=Role.AGENT, teams=[team], email="li.na@loopdesk.test", language=language
    )
    org = organization_create(name="上海星辰电器有限公司", tier="vip")
    vip = contact_create(
        name="王小明",
        organization=org,
        identities=[("phone", "138 0013 8000"), ("email", "wang@xingchen.example")],
    )
    first = None
    for i in range(12):
        ticket = factories.make_ticket(
            team=team,
            contact=vip if i % 3 == 0 else None,
            subject=f"洗衣机漏水 Washing machine leaks water from the bottom, case {i}"
            if i % 2
            else f"发票开具 Invoice request {i}",
            text="机器底部一直漏水。The machine keeps leaking.",
            tags=["warranty", "上门"] if i % 2 else [],
            priority=1 + i % 4,
        )
        first = first or ticket
    ticket_update(ticket=first, actor=Actor.person(agent), changes={"assignee": agent})
    message_add(
        ticket=first,
        actor=Actor.person(agent),
        kind="note",
        author_user=agent,
        body_text="@li.na 客户是 VIP，请优先处理。",
    )
    message_add(
        ticket=first,
        actor=Actor.person(agent),
        kind="reply",
        author_user=agent,
        body_html="<p>您好，我们已安排<b>明天上午</b>上门检修。</p><p>Regards</p>",
        attachments=[AttachmentUpload(filename="维修单.pdf", content=b"%PDF-1.4 test")],
    )
    return agent, first


@pytest.mark.parametrize("width, language", [(1280, "en"), (390, "zh-hans")])
def test_screens_fit_the_width(live_server, new_page, shot, width, language):
    agent, ticket = _seed(language)
    page = new_page(width)
    log_in(page, live_server.url, agent.email, factories.PASSWORD)

    page.goto(f"{live_server.url}/tickets/?view=my_teams")
    page.wait_for_selector("#ticket-list tbody tr")
    shot(page, f"inbox-{width}")
    shot(page, f"inbox-{width}-viewport", full_page=False)
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    row = page.query_selector("#ticket-list tbody tr").bounding_box()
    if width < 700:
        assert row["height"] > 60  # a card: subject on its own line, details below
    else:
        assert row["height"] < 60  # a table row

    page.goto(f"{live_server.url}/tickets/{ticket.number}/")
    page.wait_for_selector("#related .mini-list, #related p.muted")
    shot(page, f"ticket-{width}")
    shot(page, f"ticket-{width}-viewport", full_page=False)
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    thread = page.query_selector("#thread").bounding_box()
    side = page.query_selector("#ticket-fields").bounding_box()
    if width < 700:
        assert side["y"] > thread["y"] + thread["height"]  # stacked under the thread
    else:
        assert side["x"] > thread["x"] + thread["width"]  # beside it
