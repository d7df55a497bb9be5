"""The first year the installed chinesecalendar has no official data for.

Tests use it instead of a fixed year, so they keep working when a new release of the
package adds next year's holidays (usually published around November).
"""

from loopdesk.sla.presets import china_year_supported

UNSUPPORTED_YEAR = next(y for y in range(2025, 2200) if not china_year_supported(y))
