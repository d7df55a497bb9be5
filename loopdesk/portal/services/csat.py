"""CSAT: a survey when a ticket is solved, and the customer's one answer per ticket.

The survey goes out from a ticket hook (after commit) when a status change moved the
ticket into a solved status; at most once per ticket per LOOPDESK_CSAT_RESEND_DAYS,
never to a contact without email, never after the ticket was already rated. An answer
records a `csat.received` event, so automation rules can react to it.
"""

import logging
from datetime import timedelta

from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loopdesk.core.exceptions import NotFound, ValidationFailed
from loopdesk.customers.models import Contact, ContactIdentity, IdentityKind
from loopdesk.tickets import events
from loopdesk.tickets.constants import DONE_CATEGORIES, Channel, StatusCategory
from loopdesk.tickets.events import Actor
from loopdesk.tickets.hooks import TicketChange
from loopdesk.tickets.lock_objects import ticket_lock
from loopdesk.tickets.models import Status, Ticket, TicketEvent, TicketEventType

from .. import conf
from ..mail import send_customer_mail
from ..models import CsatResponse, CsatSurvey
from ..selectors import csat_editable

logger = logging.getLogger(__name__)

SURVEY_SALT = "loopdesk.portal.csat"
MAX_COMMENT = 5000


# --- signed survey links ------------------------------------------------------------


def survey_token(*, ticket: Ticket) -> str:
    return signing.dumps({"t": ticket.pk, "c": ticket.contact_id}, salt=SURVEY_SALT)


def survey_token_read(token: str) -> tuple[int, int]:
    """(ticket id, contact id) of a valid, unexpired link; NotFound otherwise."""
    max_age = timedelta(days=conf.get("LOOPDESK_CSAT_LINK_DAYS"))
    try:
        data = signing.loads(token, salt=SURVEY_SALT, max_age=max_age)
        return int(data["t"]), int(data["c"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise NotFound(_("This survey link is invalid or has expired.")) from exc


# --- sending ----------------------------------------------------------------------------


def contact_email(contact: Contact) -> str:
    if contact.primary_email:
        return contact.primary_email
    return (
        ContactIdentity.objects.filter(contact=contact, kind=IdentityKind.EMAIL)
        .order_by("-is_primary", "pk")
        .values_list("value", flat=True)
        .first()
        or ""
    )


def _solved_by_staff(change: TicketChange) -> tuple[bool, int | None]:
    """Whether one of the change's status events moved the ticket into a solved status
    (not a customer closing it themselves: they can rate in the portal), and by whom."""
    if TicketEventType.STATUS_CHANGED not in change.types:
        return False, None
    rows = TicketEvent.objects.filter(
        pk__in=change.event_ids, type=TicketEventType.STATUS_CHANGED
    ).values("changes", "actor_contact_id", "actor_user_id")
    solved = set(Status.objects.filter(category=StatusCategory.SOLVED).values_list("pk", flat=True))
    for row in rows:
        new = (row["changes"] or {}).get("status", [None, None])[1]
        if isinstance(new, dict) and new.get("id") in solved and row["actor_contact_id"] is None:
            return True, row["actor_user_id"]
    return False, None


def csat_on_ticket_change(change: TicketChange) -> None:
    """Ticket hook (order 50)."""
    solved, solver_id = _solved_by_staff(change)
    if solved:
        csat_survey_create(ticket_id=change.ticket_id, solver_id=solver_id)


def csat_survey_create(*, ticket_id: int, solver_id: int | None = None) -> CsatSurvey | None:
    """The survey for a just-solved ticket. Its agent is the assignee at solve time, or
    the person who solved an unassigned ticket."""
    with transaction.atomic():
        # The ticket lock serialises two solves of one ticket racing to send a survey.
        ticket = ticket_lock(ticket_id=ticket_id)
        if ticket.status_category != StatusCategory.SOLVED:
            return None
        if CsatResponse.objects.filter(ticket_id=ticket.pk).exists():
            return None
        contact = Contact.objects.get(pk=ticket.contact_id)
        email = contact_email(contact)
        if not email:
            logger.info("csat: no survey for ticket=%s, contact has no email", ticket.number)
            return None
        since = timezone.now() - timedelta(days=conf.get("LOOPDESK_CSAT_RESEND_DAYS"))
        if CsatSurvey.objects.filter(ticket_id=ticket.pk, sent_at__gte=since).exists():
            return None
        survey = CsatSurvey.objects.create(
            ticket=ticket,
            contact=contact,
            agent_id=ticket.assignee_id or solver_id,
            team_id=ticket.team_id,
            email=email,
        )
        transaction.on_commit(lambda: _enqueue_survey_mail(survey.pk))
    return survey


def _enqueue_survey_mail(survey_id: int) -> None:
    from ..tasks import send_csat_survey_task

    send_csat_survey_task.enqueue(survey_id=survey_id)


def csat_survey_mail(*, survey_id: int) -> bool:
    """Mail one survey (task body). Safe to retry: marked mailed_at once handed over."""
    survey = (
        CsatSurvey.objects.select_related("ticket", "contact", "agent")
        .filter(pk=survey_id, mailed_at__isnull=True)
        .first()
    )
    if survey is None:
        return False
    token = survey_token(ticket=survey.ticket)
    send_customer_mail(
        to=survey.email,
        template="csat_survey",
        context={
            "ticket": survey.ticket,
            "contact": survey.contact,
            "agent": survey.agent,
            "path": f"/portal/survey/{token}/",
            "scores": range(1, 6),
        },
        language=survey.contact.language,
        ticket_number=survey.ticket.number,
    )
    CsatSurvey.objects.filter(pk=survey.pk).update(mailed_at=timezone.now())
    return True


# --- answers ------------------------------------------------------------------------------


RATINGS_PER_WINDOW = 20


def rating_bucket(ticket: Ticket) -> tuple[str, int]:
    """Each change of a rating records an event: a leaked survey link cannot flood the
    ticket's history (or the rules that react to csat.received)."""
    return f"portal-rate:{ticket.pk}", RATINGS_PER_WINDOW


def parse_score(value) -> int:
    try:
        score = int(str(value).strip())
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise ValidationFailed(_("Choose a score from 1 to 5."), field="score")
    return score


def csat_respond(
    *, ticket: Ticket, contact: Contact, score, comment: str = "", channel: str = Channel.PORTAL
) -> CsatResponse:
    """Record (or, within the edit window, change) the requester's rating of a done ticket."""
    score = parse_score(score)
    comment = (comment or "").replace("\x00", "").strip()
    if len(comment) > MAX_COMMENT:
        raise ValidationFailed(
            _("The comment can be at most %(max)s characters.") % {"max": MAX_COMMENT},
            field="comment",
        )
    if ticket.contact_id != contact.pk:
        raise NotFound(_("Request not found."))
    with transaction.atomic():
        locked = ticket_lock(ticket_id=ticket.pk)
        if locked.status_category not in DONE_CATEGORIES:
            raise ValidationFailed(_("Only a solved request can be rated."), field="score")
        response = CsatResponse.objects.select_for_update().filter(ticket_id=locked.pk).first()
        if response is not None and not csat_editable(response):
            raise ValidationFailed(_("This rating can no longer be changed."), field="score")
        old_score = response.score if response else None
        old_comment = response.comment if response else ""
        if response is None:
            survey = CsatSurvey.objects.filter(ticket_id=locked.pk).order_by("-sent_at").first()
            response = CsatResponse.objects.create(
                ticket=locked,
                contact=contact,
                agent_id=survey.agent_id if survey else locked.assignee_id,
                team_id=survey.team_id if survey else locked.team_id,
                score=score,
                comment=comment,
            )
        elif (old_score, old_comment) != (score, comment):
            response.score, response.comment = score, comment
            response.save(update_fields=["score", "comment", "updated_at"])
        else:
            return response
        changes = {"csat_score": [old_score, score]}
        if comment != old_comment:
            changes["csat_comment"] = [old_comment[:500], comment[:500]]
        events.record(
            ticket=locked,
            type=TicketEventType.CSAT_RECEIVED,
            actor=Actor.channel(channel, contact=contact),
            changes=changes,
        )
    return response
