"""Fixtures for the REST API tests: keys with chosen scopes and a small client."""

import json
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.test import Client

from loopdesk.accounts.models import ApiScope
from loopdesk.accounts.services import api_key_create

ALL_SCOPES = list(ApiScope.values)
PREFIX = "/api/v1"


@dataclass
class ApiClient:
    """Sends JSON with `Authorization: Bearer <secret>` (or nothing when secret is None)."""

    client: Client
    secret: str | None = None

    def _headers(self, extra: dict | None) -> dict:
        headers = {"Authorization": f"Bearer {self.secret}"} if self.secret else {}
        headers.update(extra or {})
        return headers

    def get(self, path: str, params: dict | None = None, headers: dict | None = None):
        return self.client.get(PREFIX + path, params or {}, headers=self._headers(headers))

    def post(self, path: str, body=None, headers: dict | None = None, raw: bytes | None = None):
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        return self.client.post(
            PREFIX + path, data, content_type="application/json", headers=self._headers(headers)
        )

    def patch(self, path: str, body=None, headers: dict | None = None):
        return self.client.patch(
            PREFIX + path,
            json.dumps(body if body is not None else {}),
            content_type="application/json",
            headers=self._headers(headers),
        )

    def call(self, method: str, path: str, body=None):
        if method == "GET":
            return self.get(path)
        if method == "POST":
            return self.post(path, body)
        return self.patch(path, body)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit windows live in the cache; no test inherits another's counts."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_as():
    """api_as(user, scopes=None) -> ApiClient with a fresh key (all scopes by default)."""

    def _make(user, scopes: list[str] | None = None, name: str = "test key") -> ApiClient:
        issued = api_key_create(user=user, name=name, scopes=scopes or ALL_SCOPES)
        return ApiClient(Client(), issued.secret)

    return _make


@pytest.fixture
def anon():
    return ApiClient(Client(), None)


def assert_problem(response, status: int, field: str | None = None) -> dict:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["title"] and isinstance(body["detail"], str) and body["detail"]
    assert "type" in body
    if field is not None:
        assert field in [e["field"] for e in body.get("errors", [])], body
    return body
