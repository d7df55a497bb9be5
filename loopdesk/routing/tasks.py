"""Background tasks of routing: primary keys in, one service call. Safe to retry."""

from django_tasks import task

from .services import route_waiting, route_waiting_for_agent


@task()
def route_waiting_for_agent_task(*, user_id: int) -> int:
    return route_waiting_for_agent(user_id=user_id)


@task()
def route_team_waiting_task(*, team_id: int) -> int:
    return route_waiting(team_ids=[team_id])
