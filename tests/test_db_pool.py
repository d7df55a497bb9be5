"""DB_POOL: on PostgreSQL the threads of a process share a psycopg pool of that many
connections; SQLite has no pool and ignores the setting. Run in a child process, as a
web worker would be configured by its environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import json, threading
import django
django.setup()
from django.conf import settings
from django.db import connection

pids, errors = set(), []

def work():
    try:
        for _ in range(20):  # twenty "requests" per thread, each closing its connection
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()" if connection.vendor == "postgresql" else "SELECT 1")
                pids.add(cursor.fetchone()[0])
            connection.close()
    except Exception as exc:  # reported to the parent
        errors.append(repr(exc))

threads = [threading.Thread(target=work) for _ in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
db = settings.DATABASES["default"]
print(json.dumps({
    "vendor": connection.vendor,
    "pool": db.get("OPTIONS", {}).get("pool"),
    "conn_max_age": db["CONN_MAX_AGE"],
    "pids": len(pids),
    "errors": errors,
}))
"""


def _child(env: dict) -> dict:
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DB_POOL")}
    done = subprocess.run(
        [sys.executable, "-c", CHILD],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "config.settings.base", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.django_db
def test_threads_share_the_pool_and_never_exceed_it(tmp_path):
    if connection.vendor != "postgresql":
        # No pool for SQLite: the setting is ignored and connections persist as before.
        result = _child({"DB_POOL": "2", "LOOPDESK_DATA_DIR": str(tmp_path)})
        assert result["vendor"] == "sqlite" and result["pool"] is None
        assert result["errors"] == []
        return
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    result = _child({"DATABASE_URL": url, "DB_POOL": "2", "LOOPDESK_DATA_DIR": str(tmp_path)})
    assert result["errors"] == []
    assert result["pool"]["max_size"] == 2 and result["conn_max_age"] == 0
    # 8 threads x 20 queries went through at most two server connections.
    assert 1 <= result["pids"] <= 2

    unpooled = _child({"DATABASE_URL": url, "LOOPDESK_DATA_DIR": str(tmp_path)})
    assert unpooled["pool"] is None and unpooled["errors"] == []
    assert unpooled["pids"] > 2  # without the pool every thread opened its own
