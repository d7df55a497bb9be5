"""The compiled-policy cache never serves a configuration the database does not hold."""

import pytest
from django.db import transaction

from loopdesk.sla.config_cache import SLA_CONFIG
from loopdesk.sla.models import SlaPolicy
from loopdesk.sla.services.clocks import compiled_policies
from loopdesk.sla.services.policies import TargetSpec, sla_policy_create


def names():
    return [p.name for p in compiled_policies()[0]]


def make(name, order=0):
    return sla_policy_create(
        name=name, order=order, targets=[TargetSpec("resolution", 60, business_hours=False)]
    )


def test_own_uncommitted_write_is_seen_and_rollback_is_not_cached(db):
    assert names() == []
    with pytest.raises(RuntimeError), transaction.atomic():
        make("temporary")
        assert names() == ["temporary"]  # this process sees its own write
        raise RuntimeError("roll back")
    assert SlaPolicy.objects.count() == 0
    assert names() == []  # not served from a cache after the rollback


def test_commit_elsewhere_is_seen_through_the_shared_version(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make("first")
    assert names() == ["first"]
    cached = compiled_policies()
    assert compiled_policies() is cached  # no rebuild while nothing changed
    # Another process commits a policy: its on-commit bump is all this process sees.
    SlaPolicy.objects.filter(name="first").update(name="renamed")  # no signal, like a raw write
    assert names() == ["first"]
    SLA_CONFIG.bump_shared()
    assert names() == ["renamed"]
