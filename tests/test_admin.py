"""Every Loopdesk model has a Django admin page, and each changelist renders."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from loopdesk.tickets.tests.factories import make_ticket

OURS = ("core", "accounts", "customers", "tickets")


def test_every_model_is_registered():
    missing = [
        m._meta.label
        for app in OURS
        for m in apps.get_app_config(app).get_models()
        if m not in admin.site._registry
    ]
    assert missing == []


@pytest.mark.parametrize(
    "model",
    [m for m in admin.site._registry if m._meta.app_label in OURS],
    ids=lambda m: m._meta.label,
)
def test_changelist_renders(client, superuser, team_a, model):
    make_ticket(team=team_a)  # some rows in tickets, messages, events, contacts
    client.force_login(superuser)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    response = client.get(url, HTTP_HOST="127.0.0.1")
    assert response.status_code == 200


@pytest.fixture
def superuser(admin):  # "admin" is also the module imported above
    return admin
