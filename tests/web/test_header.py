"""The workspace header is rendered once per (user name, permission, section, language) and
then filled in per request: it must equal the template rendered with the request's own
values, escape them the same way, and never carry another request's token or search."""

import re

import pytest
from django.template.loader import get_template
from django.utils import translation

from loopdesk.core.templatetags import loopdesk_layout

from .conftest import login

HOSTILE = [
    '"><script>alert(1)</script>',
    "' onmouseover='x",
    "\x00query\x00 \x00csrf\x00",  # the stand-ins themselves (NUL is refused by forms)
    "打印机 & <b>",
]


def _header(html: str) -> str:
    return html[html.index('<header class="topbar">') : html.index("</header>") + 9]


def _expected(response, *, section: str, query: str, language: str) -> str:
    request = response.wsgi_request
    with translation.override(language):
        html = get_template("components/_header.html").render(
            {
                "csrf_token": response.context["csrf_token"],
                "next_path": request.get_full_path(),
                "search_q": query,
                "user_name": str(request.user),
                "can_create_ticket": True,
                "section": section,
                "languages": [("en", "English"), ("zh-hans", "简体中文")],
                "current_language": language,
            }
        )
    return _header(html)


@pytest.mark.parametrize("query", HOSTILE)
def test_header_equals_the_template_with_this_requests_values(agent_client, query):
    loopdesk_layout._HEADERS.clear()
    for _ in range(2):  # rendered, then taken from the per-process copy
        response = agent_client.get("/tickets/", {"q": query, "view": "all"})
        assert _header(response.content.decode()) == _expected(
            response, section="tickets", query=query, language="en"
        )


def test_each_request_gets_its_own_token_and_path(agent_client, supervisor_client):
    loopdesk_layout._HEADERS.clear()
    first = agent_client.get("/tickets/", {"q": "one"}).content.decode()
    second = supervisor_client.get("/customers/").content.decode()
    token = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    body_token = re.compile(r'"X-CSRFToken": "([^"]+)"')
    for html in (first, second):
        header_tokens = token.findall(_header(html))
        assert len(header_tokens) == 2 and header_tokens[0] == header_tokens[1]
        assert header_tokens[0] == body_token.search(html).group(1)  # this page's token
    assert token.findall(_header(first))[0] != token.findall(_header(second))[0]
    assert 'value="one"' in _header(first) and 'value="one"' not in _header(second)
    assert 'value="/customers/"' in _header(second)


@pytest.mark.parametrize(
    ("path", "current"),
    [
        ("/tickets/", "Inbox"),
        ("/customers/", "Contacts"),
        ("/routing/", "Routing"),
        ("/automation/", "Automation"),
        ("/kb/", "Knowledge base"),
    ],
)
def test_one_section_is_current(admin, path, current):
    html = _header(login(admin).get(path, follow=True).content.decode())
    marked = re.findall(r'aria-current="page">([^<]+)<', html)
    assert marked == [current]


def test_language_is_part_of_the_key(agent_client, agent):
    loopdesk_layout._HEADERS.clear()
    assert ">Inbox<" in _header(agent_client.get("/tickets/").content.decode())
    agent.language = "zh-hans"
    agent.save(update_fields=["language"])
    assert ">收件箱<" in _header(agent_client.get("/tickets/").content.decode())
