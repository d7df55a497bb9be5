import pytest
from django.core.cache import cache
from django.test import Client

from loopdesk.customers.services import contact_create, organization_create
from loopdesk.portal.models import PortalAccount
from loopdesk.portal.services.auth import magic_link_issue
from loopdesk.tickets.tests import factories


@pytest.fixture(autouse=True)
def _portal_settings(settings):
    """A day-long rate window (no test straddles it) and a clean cache."""
    settings.LOOPDESK_PORTAL_RATE_WINDOW = 86_400
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def org(db):
    return organization_create(name="Acme 公司", domain="acme.example")


@pytest.fixture
def customer(org):
    return contact_create(
        name="王小明", identities=[("email", "ming@acme.example")], organization=org
    )


@pytest.fixture
def colleague(org):
    return contact_create(
        name="Li Lei", identities=[("email", "lilei@acme.example")], organization=org
    )


@pytest.fixture
def stranger(db):
    return contact_create(name="Eve", identities=[("email", "eve@elsewhere.example")])


def portal_client(contact) -> Client:
    """A browser logged in to the portal through a real magic link."""
    client = Client()
    email = contact.primary_email
    _contact, token = magic_link_issue(email=email)
    response = client.post(f"/portal/login/{token}/")
    assert response.status_code == 302
    return client


@pytest.fixture
def customer_client(customer):
    return portal_client(customer)


@pytest.fixture
def make_org_admin():
    def make(contact):
        PortalAccount.objects.update_or_create(contact=contact, defaults={"is_org_admin": True})

    return make


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run a block, then its on-commit reactions (ticket hooks), as a request would. Every
    ticket write of a hook test goes through this, or its events would join an earlier
    batch whose commit never comes inside the test transaction."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


@pytest.fixture
def own_ticket(customer, team_a, commit):
    return commit(
        factories.make_ticket, contact=customer, team=team_a, subject="打印机卡纸 Paper jam"
    )
