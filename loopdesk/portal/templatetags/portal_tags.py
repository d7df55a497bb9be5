from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

# What a customer reads: no internal nuance (on hold for a third party is "in progress").
CUSTOMER_STATUS = {
    "new": _("Received"),
    "open": _("In progress"),
    "pending": _("Awaiting your reply"),
    "on_hold": _("In progress"),
    "solved": _("Solved"),
    "closed": _("Closed"),
}


@register.filter
def customer_status(category: str) -> str:
    return str(CUSTOMER_STATUS.get(category, category))
