"""{% link %} gives exactly what {% url %} gives, and never builds a URL reverse() refuses."""

import uuid

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, reverse, set_script_prefix

from loopdesk.core.templatetags.loopdesk_urls import fast_reverse


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("tickets:inbox", ()),
        ("tickets:detail", (10001,)),
        ("tickets:detail", (7,)),  # the second call uses the cached template
        ("customers:contact_detail", (42,)),
        ("sla:ticket_sla", (987654321,)),  # the sentinel itself as a real argument
    ],
)
def test_same_as_reverse(name, args):
    assert fast_reverse(name, *args) == reverse(name, args=args)
    assert fast_reverse(name, *args) == reverse(name, args=args)


def test_non_integer_arguments_go_through_reverse():
    public_id = uuid.uuid4()
    assert fast_reverse("tickets:attachment", public_id) == reverse(
        "tickets:attachment", args=[public_id]
    )
    with pytest.raises(NoReverseMatch):
        fast_reverse("tickets:detail", "1/../../admin")  # a string never takes the fast path


def test_script_prefix_is_part_of_the_key():
    plain = fast_reverse("tickets:detail", 5)
    set_script_prefix("/desk/")
    try:
        assert fast_reverse("tickets:detail", 5) == "/desk" + plain
    finally:
        set_script_prefix("/")
    assert fast_reverse("tickets:detail", 5) == plain


def test_template_tag_escapes_nothing_it_does_not_need_to():
    html = Template("{% load loopdesk_urls %}<a href=\"{% link 'tickets:detail' n %}\">").render(
        Context({"n": 10001})
    )
    assert html == f'<a href="{reverse("tickets:detail", args=[10001])}">'
