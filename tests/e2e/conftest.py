"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live_server.

A missing Chromium fails the test (it never skips): the journey is part of the contract.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; our test data is created
# from the same thread with the ORM, which Django would otherwise refuse.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from .helpers import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), (
        f"{CHROMIUM} is required for browser tests (apt-get install chromium)"
    )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def shot(request):
    """shot(page, name): save a screenshot under test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name: str, *, full_page: bool = True) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take
