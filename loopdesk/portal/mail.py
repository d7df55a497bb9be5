"""The one function that sends the portal's mail to customers (magic links, request
confirmations, CSAT surveys). When the email channel's outbound module exists, this is
the single place to switch over to it."""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)


def send_customer_mail(
    *,
    to: str,
    template: str,
    context: dict,
    language: str | None = None,
    ticket_number: int | None = None,
) -> None:
    """Render portal/emails/<template>.{subject.txt,txt,html} in the customer's language
    and send it. Always `Auto-Submitted: auto-generated` (RFC 3834), so well-behaved
    auto-responders never answer it."""
    with translation.override(language or settings.LANGUAGE_CODE):
        context = {**context, "base_url": settings.BASE_URL}
        subject = render_to_string(f"portal/emails/{template}.subject.txt", context)
        body = render_to_string(f"portal/emails/{template}.txt", context)
        try:
            html = render_to_string(f"portal/emails/{template}.html", context)
        except TemplateDoesNotExist:
            html = None
    headers = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}
    if ticket_number is not None:
        headers["X-Loopdesk-Ticket"] = str(ticket_number)
    mail = EmailMultiAlternatives(
        # One line: a CR/LF from a ticket subject must never become a header.
        subject=" ".join(subject.split())[:250],
        body=body,
        to=[to],
        headers=headers,
    )
    if html:
        mail.attach_alternative(html, "text/html")
    mail.send()
    logger.info("portal mail sent template=%s ticket=%s", template, ticket_number)
