"""/sla-policies: list, get, create, update and delete SLA policies with their targets.

Reads need tickets:read; writes need tickets:write and an admin user.
"""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.responses import Status

from loopdesk.accounts.api_auth import TICKETS_READ, TICKETS_WRITE, principal
from loopdesk.core.api_common import PageQuery, page_body, sent_fields
from loopdesk.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from loopdesk.core.pagination import SortKey, keyset_page

from ..models import BusinessCalendar, SlaPolicy
from ..schemas.policies import PolicyIn, PolicyOut, PolicyPageOut, PolicyPatch, TargetIO
from ..selectors import policies_qs
from ..services.policies import (
    TargetSpec,
    sla_policy_create,
    sla_policy_delete,
    sla_policy_update,
)

router = Router(tags=["sla"])
WRITE_NOTE = "Scope: tickets:write; the key's user must be an admin."


def _policy(policy_id: int) -> SlaPolicy:
    try:
        return policies_qs().get(pk=policy_id)
    except (SlaPolicy.DoesNotExist, OverflowError) as exc:
        raise NotFound(_("SLA policy not found.")) from exc


def _require_admin(request: HttpRequest) -> None:
    if not principal(request).user.is_admin:
        raise PermissionDenied(_("Only admins can change SLA policies."))


def _calendar(calendar_id: int | None) -> BusinessCalendar | None:
    if calendar_id is None:
        return None
    calendar = BusinessCalendar.objects.filter(pk=calendar_id).first()
    if calendar is None:
        raise ValidationFailed(_("Calendar not found."), field="calendar_id")
    return calendar


def _targets(items: list[TargetIO]) -> list[TargetSpec]:
    return [
        TargetSpec(
            metric=t.metric, minutes=t.minutes, priority=t.priority, business_hours=t.business_hours
        )
        for t in items
    ]


@router.get(
    "/sla-policies",
    response=PolicyPageOut,
    auth=TICKETS_READ,
    operation_id="sla_policies_list",
    summary="List SLA policies",
    description="Scope: tickets:read. In the order they are matched.",
)
def sla_policies_list(request: HttpRequest, page: Query[PageQuery]):
    result = keyset_page(
        policies_qs(),
        keys=[SortKey("order", False, "int"), SortKey("id", False, "int")],
        size=page.size,
        after=page.after,
    )
    return page_body(request, result, result.items)


@router.post(
    "/sla-policies",
    response={201: PolicyOut},
    auth=TICKETS_WRITE,
    operation_id="sla_policies_create",
    summary="Create an SLA policy",
    description=f"{WRITE_NOTE} At least one target; minutes 1–10,000,000.",
)
def sla_policies_create(request: HttpRequest, payload: PolicyIn):
    _require_admin(request)
    policy = sla_policy_create(
        name=payload.name,
        order=payload.order,
        is_active=payload.is_active,
        conditions=payload.conditions,
        calendar=_calendar(payload.calendar_id),
        pause_categories=payload.pause_categories,
        warn_at_percent=payload.warn_at_percent,
        escalation=payload.escalation,
        targets=_targets(payload.targets),
    )
    return Status(201, _policy(policy.pk))


@router.get(
    "/sla-policies/{policy_id}",
    response=PolicyOut,
    auth=TICKETS_READ,
    operation_id="sla_policies_get",
    summary="Get an SLA policy",
    description="Scope: tickets:read.",
)
def sla_policies_get(request: HttpRequest, policy_id: int):
    return _policy(policy_id)


@router.patch(
    "/sla-policies/{policy_id}",
    response=PolicyOut,
    auth=TICKETS_WRITE,
    operation_id="sla_policies_update",
    summary="Update an SLA policy",
    description=(
        f"{WRITE_NOTE} Only the fields sent change; `targets` replaces all targets. "
        "Open tickets pick up the change at their next event."
    ),
)
def sla_policies_update(request: HttpRequest, policy_id: int, payload: PolicyPatch):
    _require_admin(request)
    policy = _policy(policy_id)
    fields = sent_fields(payload, nullable=frozenset({"calendar_id"}))
    if "calendar_id" in fields:
        fields["calendar"] = _calendar(fields.pop("calendar_id"))
    if "targets" in fields:
        fields["targets"] = _targets(payload.targets or [])
    sla_policy_update(policy=policy, changes=fields)
    return _policy(policy.pk)


@router.delete(
    "/sla-policies/{policy_id}",
    response={204: None},
    auth=TICKETS_WRITE,
    operation_id="sla_policies_delete",
    summary="Delete an SLA policy",
    description=f"{WRITE_NOTE} Clocks keep their results.",
)
def sla_policies_delete(request: HttpRequest, policy_id: int):
    _require_admin(request)
    sla_policy_delete(policy=_policy(policy_id))
    return Status(204, None)
