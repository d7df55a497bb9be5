"""Compiled SLA policies (targets, calendars as CalendarSpec), cached per process.

Every ticket event folds against the active policies; loading and compiling them (with a
few years of holiday exceptions) cost ~9 ms per event. The compiled form is cached under
a configuration version shared by every process (see loopdesk.core.config_cache).
"""

from loopdesk.core.config_cache import ConfigCache

SLA_CONFIG = ConfigCache("sla")


def sla_config_changed() -> None:
    """Call after writing SLA configuration (signals do it for model saves/deletes)."""
    SLA_CONFIG.changed()
