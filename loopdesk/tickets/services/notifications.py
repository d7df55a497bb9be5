"""Notifications to agents (for now: @mentions in internal notes) by email."""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation

from ..models import Mention, Message

logger = logging.getLogger(__name__)


def mention_notify(*, message_id: int) -> int:
    """Email each agent mentioned in a note, once, in their own language.

    Safe to retry: each mention is marked `notified_at` right after its mail was handed to
    the backend, and only unmarked mentions are sent.
    """
    message = Message.objects.select_related("ticket", "author_user").filter(pk=message_id).first()
    if message is None:
        return 0
    pending = Mention.objects.filter(
        message_id=message_id, notified_at__isnull=True
    ).select_related("user")
    sent = 0
    for row in pending:
        user = row.user
        if not user.is_active or not user.email or not user.notify_mentioned:
            continue
        with translation.override(user.language or settings.LANGUAGE_CODE):
            context = {
                "user": user,
                "message": message,
                "ticket": message.ticket,
                "url": f"{settings.BASE_URL}/tickets/{message.ticket.number}/",
            }
            subject = render_to_string("tickets/emails/mention.subject.txt", context).strip()
            body = render_to_string("tickets/emails/mention.txt", context)
        mail = EmailMultiAlternatives(
            subject=" ".join(subject.split()),
            body=body,
            to=[user.email],
            headers={
                "Auto-Submitted": "auto-generated",
                "X-Loopdesk-Ticket": str(message.ticket.number),
            },
        )
        mail.send()
        Mention.objects.filter(pk=row.pk).update(notified_at=timezone.now())
        sent += 1
    logger.info("mention notifications sent message=%s count=%s", message_id, sent)
    return sent
