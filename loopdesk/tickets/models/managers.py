from django.db import models
from django.db.models import Q


class TicketQuerySet(models.QuerySet):
    def visible_to(self, user) -> "TicketQuerySet":
        """The agent-side scope every selector starts from (F-54).

        Admins see everything. Supervisors see their teams' tickets, tickets without a
        team (the triage queue) and tickets assigned to them. Agents see their teams'
        tickets and tickets assigned to them. Technicians see tickets assigned to them.
        Anyone else sees nothing.
        """
        from loopdesk.accounts.models import Role
        from loopdesk.accounts.selectors import user_team_ids

        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_admin:
            return self
        if user.role == Role.TECHNICIAN:
            return self.filter(assignee_id=user.pk)
        team_ids = user_team_ids(user)
        scope = Q(assignee_id=user.pk) | Q(team_id__in=team_ids)
        if user.role == Role.SUPERVISOR:
            scope |= Q(team__isnull=True)
        elif user.role != Role.AGENT:
            return self.none()
        return self.filter(scope)
