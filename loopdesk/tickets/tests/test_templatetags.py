from django.template import engines
from django.utils import translation

from loopdesk.tickets.constants import Priority
from loopdesk.tickets.models import Ticket


def test_priority_label_is_get_priority_display():
    tpl = engines["django"].from_string("{% load tickets_tags %}{{ p|priority_label }}")
    for lang in ("en", "zh-hans"):
        with translation.override(lang):
            for value in Priority.values:
                assert tpl.render({"p": value}) == Ticket(priority=value).get_priority_display()
    assert tpl.render({"p": 9}) == "9"  # unknown values show as themselves, like Django
