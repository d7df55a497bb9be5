from django.http import Http404, HttpRequest

from loopdesk.core.exceptions import NotFound
from loopdesk.tickets.models import Ticket

from ..selectors import portal_ticket_get
from ..session import portal_contact


def portal_ticket_or_404(request: HttpRequest, number: int) -> Ticket:
    """A ticket in the logged-in contact's scope; any other number is a 404."""
    try:
        return portal_ticket_get(contact=portal_contact(request), number=number)
    except NotFound as exc:
        raise Http404(exc.message) from exc
