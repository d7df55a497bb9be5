"""Settings for `python -m bench http`: production settings plus the bench URLs.

The server under test runs with exactly the product's settings and middleware; the only
difference is ROOT_URLCONF, which adds `/bench/hello.json` (the ceiling every workload is
compared with) in front of the product's URLs. Production never loads this module, so
the hello view does not exist there.
"""

from config.settings.base import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
