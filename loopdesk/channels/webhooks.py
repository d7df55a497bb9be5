"""Inbound mail from providers' webhooks, through django-anymail (Mailgun's "forward"
route with raw MIME). Anymail checks the HTTP basic-auth secret and the provider's
signature; we take the raw MIME and hand it to the ingest service like any other path.

The URL answers 404 until both LOOPDESK_INBOUND_WEBHOOK_SECRET and the provider's
signing key are set, so an unconfigured install exposes nothing. Replays (the provider
retrying, or an attacker re-posting a captured request) end as `duplicate`: identical
bytes or an already-seen Message-ID are never added twice.
"""

import logging

from anymail.webhooks.mailgun import MailgunInboundWebhookView
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from .email.ingest import ingest_raw
from .models import InboundSource, Mailbox

logger = logging.getLogger(__name__)

_mailgun = MailgunInboundWebhookView.as_view()


@csrf_exempt
def mailgun_inbound(request: HttpRequest) -> HttpResponse:
    configured = settings.ANYMAIL.get("WEBHOOK_SECRET") and settings.ANYMAIL.get(
        "MAILGUN_WEBHOOK_SIGNING_KEY"
    )
    if not configured:
        raise Http404
    return _mailgun(request)


def on_inbound(sender, event, esp_name, **kwargs) -> None:
    """anymail's inbound signal: one verified inbound message."""
    request = event.esp_event
    raw_text = request.POST.get("body-mime") if hasattr(request, "POST") else None
    # Django decoded the form field as UTF-8 (undecodable bytes became U+FFFD; mail with
    # raw 8-bit non-UTF-8 headers loses them here, see docs/channels/email.md).
    raw = raw_text.encode() if raw_text else event.message.as_bytes()
    recipient = (getattr(event.message, "envelope_recipient", None) or "").lower()
    mailbox = Mailbox.objects.filter(address__iexact=recipient).first() if recipient else None
    outcome = ingest_raw(raw, source=InboundSource.WEBHOOK, mailbox=mailbox)
    logger.info(
        "webhook mail esp=%s result=%s ticket=%s", esp_name, outcome.result, outcome.ticket_number
    )
