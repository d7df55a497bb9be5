"""Background tasks of the channels app: fetch by pk, call one service. Idempotent."""

from django_tasks import task

from .email.outbound import deliver


@task()
def send_email_task(*, outbound_id: int) -> str:
    return deliver(outbound_id=outbound_id)
