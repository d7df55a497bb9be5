"""The Python time tags write exactly what the template filters they replace wrote."""

from datetime import UTC, datetime, timedelta

import pytest
from django.template import engines
from django.utils import timezone, translation

RENDER = engines["django"].from_string


@pytest.mark.parametrize("tz", ["Asia/Shanghai", "UTC", "America/New_York"])
@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_relative_time_matches_the_filters(tz, lang):
    value = timezone.now() - timedelta(hours=3, minutes=7, microseconds=123)
    old = RENDER(
        "{% load humanize %}<time datetime=\"{{ v|date:'c' }}\" title=\"{{ v|date:'Y-m-d H:i' }}\">"
        "{{ v|naturaltime }}</time>"
    )
    new = RENDER("{% load loopdesk_time %}{% relative_time v %}")
    with timezone.override(tz), translation.override(lang):
        assert new.render({"v": value}) == old.render({"v": value})


@pytest.mark.parametrize("tz", ["Asia/Shanghai", "Europe/Berlin"])
def test_local_time_matches_the_filters(tz):
    value = datetime(2026, 3, 29, 0, 30, 5, 42, tzinfo=UTC)  # Berlin's DST switch day
    old = RENDER("<time datetime=\"{{ v|date:'c' }}\">{{ v|date:'Y-m-d H:i' }}</time>")
    new = RENDER("{% load loopdesk_time %}{% local_time v %}")
    with timezone.override(tz):
        assert new.render({"v": value}) == old.render({"v": value})
    css = RENDER('{% load loopdesk_time %}{% local_time v "muted small" %}')
    with timezone.override(tz):
        html = css.render({"v": value})
    assert html.startswith('<time class="muted small" datetime="')


def test_missing_values_render_nothing():
    tpl = RENDER("{% load loopdesk_time %}[{% relative_time v %}][{% local_time v %}]")
    assert tpl.render({"v": None}) == "[][]"
    assert tpl.render({}) == "[][]"
