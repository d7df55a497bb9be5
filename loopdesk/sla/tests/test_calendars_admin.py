"""Admin for the SLA models: every model registered and listed, the calendar forms validate
like the services, the China preset action and the missing-year warning."""

from datetime import time

import pytest
from django.apps import apps
from django.contrib import admin as admin_site
from django.urls import reverse

from loopdesk.sla.models import BusinessCalendar, CalendarException, SlaPolicy, SlaTarget
from loopdesk.sla.presets import PRESET_SOURCE, preset_years_missing
from loopdesk.sla.services.calendars import WeeklyInterval, calendar_create
from loopdesk.sla.tests.years import UNSUPPORTED_YEAR

HOST = {"HTTP_HOST": "127.0.0.1"}
SLA_MODELS = list(apps.get_app_config("sla").get_models())


def test_every_sla_model_is_registered():
    assert [m._meta.label for m in SLA_MODELS if m not in admin_site.site._registry] == []


@pytest.fixture
def calendar(db):
    return calendar_create(
        name="China",
        timezone="Asia/Shanghai",
        intervals=[WeeklyInterval(d, time(9), time(18)) for d in range(5)],
    )


@pytest.mark.parametrize("model", SLA_MODELS, ids=lambda m: m._meta.label)
def test_changelists_render(client, admin, calendar, model):
    client.force_login(admin)
    url = reverse(f"admin:sla_{model._meta.model_name}_changelist")
    assert client.get(url, **HOST).status_code == 200


def _calendar_post(**overrides):
    data = {
        "name": "Admin calendar",
        "timezone": "Asia/Shanghai",
        "description": "",
        "intervals-TOTAL_FORMS": "2",
        "intervals-INITIAL_FORMS": "0",
        "intervals-0-weekday": "0",
        "intervals-0-start": "09:00",
        "intervals-0-end": "12:00",
        "intervals-1-weekday": "0",
        "intervals-1-start": "13:00",
        "intervals-1-end": "18:00",
        "exceptions-TOTAL_FORMS": "0",
        "exceptions-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_add_calendar_through_the_admin(client, admin):
    client.force_login(admin)
    response = client.post(reverse("admin:sla_businesscalendar_add"), _calendar_post(), **HOST)
    assert response.status_code == 302, response.content[:2000]
    assert BusinessCalendar.objects.get().intervals.count() == 2


@pytest.mark.parametrize(
    "overrides",
    [
        {"timezone": "Atlantis/Capital"},
        {"intervals-1-start": "11:00"},  # overlaps 09:00-12:00
        {
            "exceptions-TOTAL_FORMS": "1",
            "exceptions-0-date": "2025-10-01",
            "exceptions-0-kind": "closed",
            "exceptions-0-name": "",
            "exceptions-0-intervals": '[["09:00", "12:00"]]',
        },
    ],
    ids=["timezone", "overlap", "closed-with-hours"],
)
def test_admin_refuses_bad_calendars(client, admin, overrides):
    client.force_login(admin)
    response = client.post(
        reverse("admin:sla_businesscalendar_add"), _calendar_post(**overrides), **HOST
    )
    assert response.status_code == 200  # the form again, with errors
    assert not BusinessCalendar.objects.exists()


def test_policy_without_targets_is_refused(client, admin):
    client.force_login(admin)
    data = {
        "name": "Empty",
        "order": "0",
        "is_active": "on",
        "conditions": "{}",
        "pause_categories": "{}",
        "warn_at_percent": "75",
        "escalation": "{}",
        "targets-TOTAL_FORMS": "0",
        "targets-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:sla_slapolicy_add"), data, **HOST)
    assert response.status_code == 200
    assert not SlaPolicy.objects.exists()
    data.update(
        {
            "targets-TOTAL_FORMS": "1",
            "targets-0-metric": "first_response",
            "targets-0-priority": "",
            "targets-0-minutes": "60",
            "targets-0-business_hours": "on",
        }
    )
    response = client.post(reverse("admin:sla_slapolicy_add"), data, **HOST)
    assert response.status_code == 302
    assert SlaTarget.objects.get().minutes == 60


def test_china_preset_action_and_missing_year_warning(client, admin, calendar, monkeypatch):
    # The admin's "today": late in the last year the installed chinesecalendar covers.
    import types
    from datetime import date

    from loopdesk.sla import admin as sla_admin

    today = date(UNSUPPORTED_YEAR - 1, 11, 22)
    monkeypatch.setattr(sla_admin, "timezone", types.SimpleNamespace(localdate=lambda: today))
    client.force_login(admin)
    url = reverse("admin:sla_businesscalendar_changelist")
    response = client.post(
        url,
        {"action": "load_china_preset", "_selected_action": [calendar.pk]},
        follow=True,
        **HOST,
    )
    assert response.status_code == 200
    texts = [str(m) for m in response.context["messages"]]
    loaded = CalendarException.objects.filter(calendar=calendar, source=PRESET_SOURCE)
    assert loaded.exists()
    missing = preset_years_missing(today)
    assert missing == [UNSUPPORTED_YEAR]
    assert any(str(missing[0]) in t and "chinesecalendar" in t for t in texts), texts
    # The change page warns too.
    page = client.get(reverse("admin:sla_businesscalendar_change", args=[calendar.pk]), **HOST)
    assert str(missing[0]) in page.content.decode()


def test_recompute_action(client, admin, calendar):
    client.force_login(admin)
    response = client.post(
        reverse("admin:sla_businesscalendar_changelist"),
        {"action": "recompute_open_tickets", "_selected_action": [calendar.pk]},
        follow=True,
        **HOST,
    )
    texts = [str(m) for m in response.context["messages"]]
    assert any("0 open tickets" in t for t in texts), texts
