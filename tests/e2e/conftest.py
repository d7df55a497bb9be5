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


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Remember each phase's outcome so fixtures can react to a failed test."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def new_page(browser, request):
    """new_page(width): a page that leaves a screenshot in test-artifacts/ if the test fails."""
    pages = []

    def make(width: int = 1280, height: int = 900):
        page = browser.new_page(viewport={"width": width, "height": height})
        pages.append(page)
        return page

    yield make
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    for i, page in enumerate(pages):
        if failed:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(
                path=str(ARTIFACTS / f"{request.node.name}-failure-{i}.png"), full_page=True
            )
        page.close()


@pytest.fixture
def shot(request):
    """shot(page, name): save a screenshot under test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name: str, *, full_page: bool = True) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take


@pytest.fixture(scope="session", autouse=True)
def _end_live_server_sessions(django_db_setup, django_db_blocker):
    """Live-server request threads may still sit on a browser keep-alive socket, holding
    a PostgreSQL session, when the test database is dropped. End those sessions first
    (set up after django_db_setup, so torn down before it)."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
