"""The portal's knobs: a Django setting wins, else the environment, else a safe default.

Kept here (not in config/settings) so the portal is configured in one place; see
docs/portal.md for what each one does.
"""

from django.conf import settings

from config.settings.env import env_int, env_list

_DEFAULTS = {
    # Magic links
    "LOOPDESK_PORTAL_LINK_MINUTES": lambda: env_int("LOOPDESK_PORTAL_LINK_MINUTES", 15),
    "LOOPDESK_PORTAL_LOGIN_PER_ADDRESS": lambda: env_int("LOOPDESK_PORTAL_LOGIN_PER_ADDRESS", 5),
    "LOOPDESK_PORTAL_LOGIN_PER_IP": lambda: env_int("LOOPDESK_PORTAL_LOGIN_PER_IP", 30),
    # Web form
    "LOOPDESK_PORTAL_FORM_PER_IP": lambda: env_int("LOOPDESK_PORTAL_FORM_PER_IP", 10),
    "LOOPDESK_PORTAL_FORM_PER_ADDRESS": lambda: env_int("LOOPDESK_PORTAL_FORM_PER_ADDRESS", 5),
    "LOOPDESK_PORTAL_RATE_WINDOW": lambda: env_int("LOOPDESK_PORTAL_RATE_WINDOW", 600),
    # The whole request (all files) of a public form; bigger bodies get a 413 unread.
    "LOOPDESK_PORTAL_MAX_REQUEST_BYTES": lambda: env_int(
        "LOOPDESK_PORTAL_MAX_REQUEST_BYTES", 30 * 1024 * 1024
    ),
    # Sites allowed to frame the embeddable form (CSP frame-ancestors), e.g.
    # "https://www.example.com,https://shop.example.com". Empty: only our own pages.
    "LOOPDESK_PORTAL_FRAME_ANCESTORS": lambda: env_list("LOOPDESK_PORTAL_FRAME_ANCESTORS", []),
    # CSAT
    "LOOPDESK_CSAT_EDIT_HOURS": lambda: env_int("LOOPDESK_CSAT_EDIT_HOURS", 72),
    "LOOPDESK_CSAT_RESEND_DAYS": lambda: env_int("LOOPDESK_CSAT_RESEND_DAYS", 30),
    "LOOPDESK_CSAT_LINK_DAYS": lambda: env_int("LOOPDESK_CSAT_LINK_DAYS", 30),
    # Deflection: a visitor who opened a suggested article and has not submitted within
    # this many minutes counts as an avoided request.
    "LOOPDESK_DEFLECTION_GRACE_MINUTES": lambda: env_int("LOOPDESK_DEFLECTION_GRACE_MINUTES", 60),
}


def get(name: str):
    if hasattr(settings, name):
        return getattr(settings, name)
    return _DEFAULTS[name]()
