"""Background tasks of the SLA app: primary keys in, one service call."""

from django_tasks import task

from .services.notify import sla_email


@task()
def sla_email_task(*, notification_ids: list[int]) -> int:
    return sla_email(notification_ids=notification_ids)
