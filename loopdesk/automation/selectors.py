"""Reads for automation, rooted in what the user may see."""

from django.db.models import Q, QuerySet

from .models import CannedReply, Macro, Rule, RuleExecution


def rules_for(user) -> QuerySet[Rule]:
    return Rule.objects.order_by("order", "pk")


def executions_for_rule(*, rule: Rule, limit: int = 100) -> list[RuleExecution]:
    return list(
        RuleExecution.objects.filter(rule=rule)
        .select_related("ticket")
        .order_by("-created_at", "-pk")[:limit]
    )


def macros_visible_to(user) -> QuerySet[Macro]:
    """Shared (no owner, no team), the user's teams', and the user's own."""
    if user.is_admin:
        return Macro.objects.filter(Q(owner__isnull=True) | Q(owner=user))
    return Macro.objects.filter(
        Q(owner=user) | Q(owner__isnull=True, team__isnull=True) | Q(team__members=user)
    ).distinct()


def canned_visible_to(user) -> QuerySet[CannedReply]:
    if user.is_admin:
        return CannedReply.objects.filter(Q(owner__isnull=True) | Q(owner=user))
    return CannedReply.objects.filter(
        Q(owner=user) | Q(owner__isnull=True, team__isnull=True) | Q(team__members=user)
    ).distinct()
