import pytest

from loopdesk.accounts.models import ApiScope
from loopdesk.accounts.selectors import api_key_authenticate
from loopdesk.accounts.services import api_key_create, api_key_revoke, user_deactivate
from loopdesk.core.exceptions import ValidationFailed


def test_default_scopes_exclude_import(agent):
    issued = api_key_create(user=agent, name="default")
    assert ApiScope.TICKETS_IMPORT not in issued.api_key.scopes
    assert ApiScope.TICKETS_WRITE in issued.api_key.scopes
    explicit = api_key_create(user=agent, name="importer", scopes=["tickets:import"])
    assert explicit.api_key.scopes == ["tickets:import"]


def test_secret_is_stored_hashed_and_checked(agent):
    issued = api_key_create(user=agent, name="k")
    assert issued.secret not in issued.api_key.key_hash
    assert api_key_authenticate(secret=issued.secret) == issued.api_key
    assert api_key_authenticate(secret=issued.secret[:-1] + "x") is None
    assert api_key_authenticate(secret="ld_" + "a" * 500) is None


def test_revoked_keys_and_deactivated_users_fail(agent):
    first = api_key_create(user=agent, name="a")
    second = api_key_create(user=agent, name="b")
    api_key_revoke(api_key=first.api_key)
    assert api_key_authenticate(secret=first.secret) is None
    user_deactivate(user=agent)
    assert api_key_authenticate(secret=second.secret) is None


def test_unknown_scope_rejected(agent):
    with pytest.raises(ValidationFailed):
        api_key_create(user=agent, name="x", scopes=["admin:all"])


def test_user_team_ids_come_in_team_name_order_for_the_default_team(db):
    """default_team_for takes the first of user_team_ids when it was read already."""
    from loopdesk.accounts.models import Role
    from loopdesk.accounts.selectors import default_team_for, user_team_ids
    from loopdesk.tickets.tests import factories

    zeta = factories.make_team("Zeta")  # created first: the lower id
    alpha = factories.make_team("Alpha")
    agent = factories.make_user(role=Role.AGENT, teams=[zeta, alpha], email="two@loopdesk.test")
    assert default_team_for(agent) == alpha  # by name, before the ids were read
    assert user_team_ids(agent) == [alpha.pk, zeta.pk]
    assert default_team_for(agent) == alpha  # and the same from the ids
