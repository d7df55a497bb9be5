"""How the portal's event fields read in a ticket's history."""

from django.utils.translation import gettext as _


def labels() -> dict[str, str]:
    return {"csat_score": _("Satisfaction score"), "csat_comment": _("Satisfaction comment")}
