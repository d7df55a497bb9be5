"""Background tasks of the customers app."""

from django_tasks import task

from .services import contact_tickets_reindex


@task()
def reindex_contact_tickets_task(*, contact_id: int) -> int:
    return contact_tickets_reindex(contact_id=contact_id)
