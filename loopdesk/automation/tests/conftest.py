import pytest

from loopdesk.automation import engine


@pytest.fixture(autouse=True)
def _fresh_rules():
    """Compiled rules are cached per process under a version in the (cleared) cache."""
    engine.reset()
    yield
    engine.reset()


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """`with commit(): ...` runs what the block's transaction(s) left for after the commit
    (ticket hooks: triggers and due times; tasks), including reactions to reactions, as a
    real commit would, inside the test's rolled-back transaction."""

    def block():
        return django_capture_on_commit_callbacks(execute=True)

    return block
