"""Without Redis the processes of one install (web workers, `loopdesk worker`) share the
"shared" cache: a file cache in the data directory. A configuration change committed in one
process (here the SLA configuration version, which every process compares before using its
compiled policies) must be seen by the next process that reads it. With a per-process
memory cache (the default before) the worker kept the old policies until restarted."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READ = (
    "import django; django.setup()\n"
    "from loopdesk.sla.config_cache import SLA_CONFIG\n"
    "print(SLA_CONFIG._shared_version())\n"
)
BUMP = (
    "import django; django.setup()\n"
    "from loopdesk.sla.config_cache import sla_config_changed\n"
    "sla_config_changed()  # outside a transaction: bumps at once\n"
)


def _run(code: str, data_dir: Path) -> str:
    # The embedded install: no Redis, no DATABASE_URL (SQLite in the data directory).
    dropped = ("REDIS_URL", "DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.base", LOOPDESK_DATA_DIR=str(data_dir))
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_version_bumped_in_one_process_is_read_by_another(tmp_path):
    first = int(_run(READ, tmp_path))
    _run(BUMP, tmp_path)
    assert int(_run(READ, tmp_path)) == first + 1
    assert (tmp_path / "cache" / "shared").is_dir()
