"""Background tasks of the tickets app: fetch by pk, call one service. Idempotent."""

from django_tasks import task

from .services.notifications import mention_notify


@task()
def notify_mentions_task(*, message_id: int) -> int:
    return mention_notify(message_id=message_id)
