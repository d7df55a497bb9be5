import pytest
from django.test import Client

from loopdesk.tickets.events import Actor
from loopdesk.tickets.services import AttachmentUpload, message_add
from loopdesk.tickets.tests import factories


@pytest.fixture(autouse=True)
def _clear_cache():
    """The login throttle lives in the cache; every test starts clean."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def agent_client(agent):
    return login(agent)


@pytest.fixture
def other_client(other_agent):
    return login(other_agent)


@pytest.fixture
def tech_client(technician):
    return login(technician)


@pytest.fixture
def supervisor_client(supervisor):
    return login(supervisor)


@pytest.fixture
def attachment(ticket, agent):
    message = message_add(
        ticket=ticket,
        actor=Actor.person(agent),
        kind="reply",
        author_user=agent,
        body_text="See file",
        attachments=[
            AttachmentUpload(
                filename="../../evil<script>.html",
                content=b"<script>alert(1)</script>",
                content_type="text/html",
            )
        ],
    )
    return message.attachments.get()


@pytest.fixture
def b_ticket(team_b):
    return factories.make_ticket(team=team_b, subject="Team B secret")
