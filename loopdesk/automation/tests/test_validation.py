"""Bad rule definitions: clear errors, nothing saved."""

import pytest

from loopdesk.automation.models import Rule
from loopdesk.automation.services import rule_create, rule_update
from loopdesk.core.exceptions import PermissionDenied, ValidationFailed

pytestmark = pytest.mark.django_db

OK_ACTIONS = [{"type": "add_tags", "tags": ["x"]}]


def _case(conditions=None, actions=None, *, kind="trigger", events=("created",), expect, id_):
    return pytest.param(
        kind,
        list(events),
        conditions or {},
        OK_ACTIONS if actions is None else actions,
        expect,
        id=id_,
    )


@pytest.mark.parametrize(
    ("kind", "events", "conditions", "actions", "expect"),
    [
        _case(
            {"all": [{"field": "colour", "op": "is", "value": "red"}]},
            expect="Unknown field",
            id_="unknown-field",
        ),
        _case(
            {"all": [{"field": "subject", "op": "matches", "value": "x"}]},
            expect="cannot be used",
            id_="unknown-op",
        ),
        _case(
            {"all": [{"field": "subject", "op": "greater_than", "value": 1}]},
            expect="cannot be used",
            id_="op-field-mismatch",
        ),
        _case(
            {"all": [{"field": "status", "op": "is", "value": "nope"}]},
            expect="No status",
            id_="missing-status-cond",
        ),
        _case(
            {"all": [{"field": "priority", "op": "is", "value": 9}]},
            expect="Priority",
            id_="bad-priority",
        ),
        _case(
            {"all": [{"field": "team", "op": "is", "value": 999999}]},
            expect="No team",
            id_="missing-team",
        ),
        _case(
            {"all": [{"field": "customer_vip", "op": "is", "value": "yes"}]},
            expect="true or false",
            id_="vip-not-bool",
        ),
        _case(
            {"all": [{"field": "subject", "op": "in_list", "value": []}]},
            expect="list",
            id_="empty-list",
        ),
        _case(
            {"all": [{"field": "subject", "op": "contains", "value": "x", "extra": 1}]},
            expect="Extra inputs",
            id_="unknown-key",
        ),
        _case({"every": []}, expect="Extra inputs", id_="unknown-group"),
        _case(
            actions=[{"type": "set_field", "field": "status", "value": "nonexistent"}],
            expect="No status",
            id_="set-missing-status",
        ),
        _case(
            actions=[{"type": "set_field", "field": "subject", "value": "x"}],
            expect="cannot set",
            id_="set-unsettable",
        ),
        _case(
            actions=[{"type": "launch_rocket"}],
            expect="does not match any of the expected tags",
            id_="unknown-action",
        ),
        _case(actions=[], expect="at least 1", id_="no-actions"),
        _case(
            actions=[{"type": "assign_agent", "user_id": 424242}],
            expect="No active staff",
            id_="missing-agent",
        ),
        _case(
            actions=[{"type": "webhook", "url": "ftp://example.com/x"}],
            expect="https",
            id_="webhook-scheme",
        ),
        _case(
            actions=[{"type": "webhook", "url": "https://u:p@example.com/x"}],
            expect="credentials",
            id_="webhook-creds",
        ),
        _case(events=(), expect="at least one event", id_="trigger-no-events"),
        _case(events=("deleted",), expect="Unknown event", id_="unknown-event"),
        _case(events=("field_changed",), expect="changed", id_="field-changed-needs-changed"),
        _case(kind="time", events=(), expect="hours since", id_="time-without-hours"),
        _case(kind="sometimes", expect="Kind", id_="bad-kind"),
    ],
)
def test_invalid_definitions_save_nothing(admin, kind, events, conditions, actions, expect):
    with pytest.raises(ValidationFailed) as err:
        rule_create(
            user=admin, name="bad", kind=kind, events=events, conditions=conditions, actions=actions
        )
    assert expect in err.value.message
    assert not Rule.objects.exists()


def test_update_keeps_rule_when_invalid(admin):
    rule = rule_create(
        user=admin, name="ok", kind="trigger", events=["created"], actions=OK_ACTIONS
    )
    with pytest.raises(ValidationFailed):
        rule_update(
            user=admin,
            rule=rule,
            changes={"actions": [{"type": "set_field", "field": "status", "value": "gone"}]},
        )
    rule.refresh_from_db()
    assert rule.actions == [{"type": "add_tags", "tags": ["x"]}] and rule.revision == 1
    rule = rule_update(user=admin, rule=rule, changes={"name": "renamed"})
    assert rule.revision == 2 and rule.schema_version == 1


def test_duplicate_name(admin):
    rule_create(user=admin, name="same", kind="trigger", events=["created"], actions=OK_ACTIONS)
    with pytest.raises(ValidationFailed, match="already exists"):
        rule_create(user=admin, name="same", kind="trigger", events=["created"], actions=OK_ACTIONS)


def test_agents_cannot_write_rules(agent):
    with pytest.raises(PermissionDenied):
        rule_create(user=agent, name="x", kind="trigger", events=["created"], actions=OK_ACTIONS)
    assert not Rule.objects.exists()
