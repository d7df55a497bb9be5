"""The published contract: OpenAPI snapshot, operation ids, and a self-hosted docs page."""

import json
import os
import re
from pathlib import Path

from django.contrib.staticfiles import finders

SNAPSHOT = Path(__file__).with_name("openapi_snapshot.json")


def test_openapi_matches_the_committed_snapshot(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    live = json.dumps(response.json(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(live, encoding="utf-8")
    assert SNAPSHOT.exists(), (
        "No snapshot yet: run UPDATE_SNAPSHOTS=1 pytest tests/api/test_openapi.py"
    )
    assert live == SNAPSHOT.read_text(encoding="utf-8"), (
        "The API's OpenAPI schema changed. If the change is intended, review the diff and run "
        "`UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/api/test_openapi.py` and commit "
        "tests/api/openapi_snapshot.json."
    )


def test_every_operation_has_an_explicit_id_tag_and_security(client):
    schema = client.get("/api/v1/openapi.json").json()
    ids = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            ids.append(operation["operationId"])
            assert "." not in operation["operationId"], (
                method,
                path,
            )  # not ninja's module-derived id
            assert operation["tags"] in (
                ["tickets"],
                ["customers"],
                ["accounts"],
                ["sla"],
                ["routing"],
                ["satisfaction"],
                ["automation"],
                ["knowledge"],
            )
            assert operation["security"] == [{"ApiKeyAuth": []}]
    assert len(ids) == len(set(ids))
    # 18 core operations + 9 of /calendars (the SLA areas add more).
    assert len(ids) >= 27


def test_docs_page_loads_only_our_own_static_files(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls, html
    for url in urls:
        assert url.startswith("/static/"), url
        assert finders.find(url.removeprefix("/static/")), f"{url} is not among our static files"
    assert "//" not in "".join(urls)
    assert '"validatorUrl": null' in html  # no badge fetched from an outside validator
