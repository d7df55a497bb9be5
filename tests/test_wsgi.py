"""The WSGI entry point freezes what it loaded, so the collector's full passes skip it."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = (
    "import gc\n"
    "assert gc.get_freeze_count() == 0\n"
    "import config.wsgi\n"
    "print(gc.get_freeze_count(), callable(config.wsgi.application))\n"
)


def test_wsgi_application_freezes_the_startup_objects(tmp_path):
    dropped = ("REDIS_URL", "DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.base", LOOPDESK_DATA_DIR=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    frozen, app = done.stdout.split()
    assert int(frozen) > 10_000 and app == "True"
