"""Mail actions on the ticket page (the ticket views stay in the tickets app)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from loopdesk.tickets import permissions
from loopdesk.tickets.views.common import ticket_or_404

from .email.outbound import resend
from .models import OutboundEmail, OutboundKind


@login_required
@require_POST
def resend_message(request: HttpRequest, number: int, message_id: int) -> HttpResponse:
    ticket = ticket_or_404(request, number)
    if not permissions.can_edit(request.user, ticket):
        raise PermissionDenied
    outbound = (
        OutboundEmail.objects.filter(ticket=ticket, message_id=message_id, kind=OutboundKind.REPLY)
        .order_by("-id")
        .first()
    )
    if outbound is None:
        raise Http404
    resend(outbound_id=outbound.pk)
    messages.success(request, _("The email was queued again."))
    return redirect("tickets:detail", number=ticket.number)
