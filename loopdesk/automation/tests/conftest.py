import pytest

from loopdesk.automation import engine


@pytest.fixture(autouse=True)
def _fresh_rules():
    """Compiled rules are cached per process under a version in the (cleared) cache."""
    engine.reset()
    yield
    engine.reset()
