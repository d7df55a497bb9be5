"""Background work of rules: mail and webhooks (after the commit), recomputing due times."""

import logging

from django_tasks import task

from loopdesk.core.exceptions import ValidationFailed

from . import outbound

logger = logging.getLogger(__name__)


@task()
def rule_email_task(*, to: list[str], subject: str, body: str, ticket_number: int) -> int:
    return outbound.send_rule_email(to=to, subject=subject, body=body, ticket_number=ticket_number)


@task()
def rule_webhook_task(*, url: str, payload: dict, execution_id: int) -> int:
    try:
        status = outbound.post_webhook(url=url, payload=payload)
    except (ValidationFailed, OSError) as exc:
        logger.warning("rule webhook refused or failed execution=%s: %s", execution_id, exc)
        return 0
    except Exception as exc:  # noqa: BLE001 - urllib3 errors of every kind: log, never retry-loop
        logger.warning("rule webhook failed execution=%s: %s", execution_id, type(exc).__name__)
        return 0
    if status >= 400:
        logger.warning("rule webhook execution=%s answered %s", execution_id, status)
    return status


@task()
def rule_due_refresh_task(*, rule_id: int) -> int:
    from .timerules import due_refresh_rule

    return due_refresh_rule(rule_id=rule_id)
