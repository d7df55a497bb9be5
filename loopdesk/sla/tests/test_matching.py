"""Policy matching: every given condition must match; the first active policy wins."""

import pytest

from loopdesk.sla.matching import Attributes, PolicyRule, TargetRule, first_match, matches

ATTRS = Attributes(
    priority=2,
    type="repair",
    channel="wechat",
    team=3,
    organization=7,
    tier="vip",
    tags=("printer", "上门"),
)


@pytest.mark.parametrize(
    ("conditions", "expected"),
    [
        ({}, True),
        ({"priority": [1, 2]}, True),
        ({"priority": [1]}, False),
        ({"priority": ["2"]}, True),  # ids and priorities compare as numbers
        ({"type": ["repair", "return"]}, True),
        ({"type": ["question"]}, False),
        ({"channel": ["wechat"]}, True),
        ({"team": [3]}, True),
        ({"team": [4]}, False),
        ({"organization": [7]}, True),
        ({"tier": ["vip"]}, True),
        ({"tier": ["standard"]}, False),
        ({"tags": ["上门", "x"]}, True),
        ({"tags": ["x"]}, False),
        ({"priority": [2], "channel": ["email"]}, False),  # all conditions must match
        ({"priority": []}, True),  # an empty list does not restrict
    ],
)
def test_conditions(conditions, expected):
    assert matches(PolicyRule(id=1, name="p", conditions=conditions), ATTRS) is expected


def test_unset_fields_do_not_match_id_conditions():
    attrs = Attributes(None, None, None, None, None, "standard")
    assert not matches(PolicyRule(id=1, name="p", conditions={"team": [3]}), attrs)
    assert not matches(PolicyRule(id=1, name="p", conditions={"priority": [1]}), attrs)


def test_first_match_in_order():
    a = PolicyRule(id=1, name="a", conditions={"channel": ["email"]})
    b = PolicyRule(id=2, name="b", conditions={"tier": ["vip"]})
    c = PolicyRule(id=3, name="c")
    assert first_match([a, b, c], ATTRS) is b
    assert first_match([a], ATTRS) is None


def test_target_for_priority_falls_back_to_any_priority():
    policy = PolicyRule(
        id=1,
        name="p",
        targets=(
            TargetRule("resolution", None, 600),
            TargetRule("resolution", 1, 60),
            TargetRule("first_response", 2, 30),
        ),
    )
    assert policy.target("resolution", 1).minutes == 60
    assert policy.target("resolution", 3).minutes == 600
    assert policy.target("first_response", 2).minutes == 30
    assert policy.target("first_response", 3) is None
    assert policy.target("next_response", 1) is None
