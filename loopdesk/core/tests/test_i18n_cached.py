"""`{% load i18n %}` is Django's library with literal {% translate %} labels remembered per
language: the output must be exactly Django's own, in every language and form."""

import pytest
from django.template import Context, Engine, engines
from django.utils import translation

from loopdesk.core.templatetags.i18n_cached import CachedTranslateNode

ENGINE = engines["django"].engine
DJANGO = Engine(libraries={"i18n": "django.templatetags.i18n"})  # the stock library

SOURCES = [
    '{% load i18n %}{% translate "Inbox" %}',
    '{% load i18n %}{% trans "Log out" %}|{% translate "Save" %}',
    '{% load i18n %}{% translate "Search tickets or #number  (/)" %}',
    "{% load i18n %}{% translate '100%% <b>&</b> \"quoted\"' %}",
    '{% load i18n %}{% translate "Inbox" noop %}',
    '{% load i18n %}{% translate "Inbox" as label %}[{{ label }}]',
    '{% load i18n %}{% translate "Inbox"|upper %}',
    '{% load i18n %}{% translate "May" context "month name" %}',
    "{% load i18n %}{% translate word %}",
    '{% load i18n %}{% autoescape off %}{% translate "<x>" %}{% endautoescape %}<{% translate "<x>" %}>',
    "{% load i18n %}{% blocktranslate with n=3 %}Select #{{ n }}{% endblocktranslate %}",
]


@pytest.mark.parametrize("source", SOURCES)
def test_same_output_as_djangos_library_in_both_languages_and_twice(source):
    ours, stock = ENGINE.from_string(source), DJANGO.from_string(source)
    for language in ["zh-hans", "en", "zh-hans", "en"]:  # the second pass reads the memo
        with translation.override(language):
            context = {"word": "Contacts <b>"}
            assert ours.render(Context(context)) == stock.render(Context(context))


def test_the_settings_install_it_under_the_name_i18n():
    template = ENGINE.from_string('{% load i18n %}{% translate "Inbox" %}')
    assert isinstance(template.nodelist[-1], CachedTranslateNode)
    with translation.override("zh-hans"):
        assert template.render(Context()) == "收件箱"
    with translation.override("en"):
        assert template.render(Context()) == "Inbox"


def test_only_literals_without_filters_or_context_are_remembered():
    def node(source):
        return ENGINE.from_string("{% load i18n %}" + source).nodelist[-1]

    assert node('{% translate "Inbox" %}').cacheable
    assert node('{% translate "Inbox" as x %}').cacheable
    assert not node("{% translate word %}").cacheable
    assert not node('{% translate "Inbox"|upper %}').cacheable
    assert not node('{% translate "May" context "month" %}').cacheable
