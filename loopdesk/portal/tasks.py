"""Background tasks of the portal: small arguments, one service call, safe to retry."""

from django_tasks import task

from .services.auth import magic_link_send
from .services.csat import csat_survey_mail
from .services.webform import request_confirmation_mail


@task()
def send_magic_link_task(*, email: str, next_path: str = "", language: str = "") -> bool:
    # The token is created here, in the worker: the request answers the same for known
    # and unknown addresses, and the raw token is never stored (only its hash).
    return magic_link_send(email=email, next_path=next_path, language=language)


@task()
def send_csat_survey_task(*, survey_id: int) -> bool:
    return csat_survey_mail(survey_id=survey_id)


@task()
def send_request_confirmation_task(*, ticket_id: int, email: str, language: str = "") -> bool:
    return request_confirmation_mail(ticket_id=ticket_id, email=email, language=language)
