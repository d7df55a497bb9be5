"""/rules, /macros, /canned-replies and applying a macro to a ticket.

Reads need tickets:read, writes tickets:write. Rules are for admins and supervisors;
macros and canned replies for every staff user (shared ones: admins, team supervisors).
"""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.responses import Status

from loopdesk.accounts.api_auth import TICKETS_READ, TICKETS_WRITE, principal
from loopdesk.accounts.models import Team
from loopdesk.core.api_common import PageQuery, page_body, sent_fields
from loopdesk.core.exceptions import PermissionDenied, ValidationFailed
from loopdesk.core.pagination import SortKey, keyset_page
from loopdesk.tickets.selectors import ticket_get_for_user

from . import selectors, services
from .permissions import can_manage_rules
from .schemas import (
    CannedIn,
    CannedOut,
    CannedPatch,
    CannedRenderOut,
    DryRunIn,
    DryRunOut,
    ExecutionOut,
    MacroApplyOut,
    MacroIn,
    MacroOut,
    MacroPatch,
    RuleIn,
    RuleOut,
    RulePageOut,
    RulePatch,
)

router = Router(tags=["automation"])
RULES_NOTE = "The key's user must be an admin or a supervisor."


def _manager(request: HttpRequest):
    user = principal(request).user
    if not can_manage_rules(user):
        raise PermissionDenied(_("Only admins and supervisors can see and change rules."))
    return user


def _rule(request: HttpRequest, rule_id: int):
    user = _manager(request)
    return services.get_or_404(selectors.rules_for(user), rule_id, _("Rule not found."))


def _team(team_id: int | None) -> Team | None:
    if team_id is None:
        return None
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise ValidationFailed(_("Team not found."), field="team_id")
    return team


@router.get(
    "/rules",
    response=RulePageOut,
    auth=TICKETS_READ,
    operation_id="rules_list",
    summary="List rules",
    description=f"Scope: tickets:read. {RULES_NOTE} In the order they run.",
)
def rules_list(request: HttpRequest, page: Query[PageQuery]):
    user = _manager(request)
    result = keyset_page(
        selectors.rules_for(user),
        keys=[SortKey("order", False, "int"), SortKey("id", False, "int")],
        size=page.size,
        after=page.after,
    )
    return page_body(request, result, result.items)


@router.post(
    "/rules",
    response={201: RuleOut},
    auth=TICKETS_WRITE,
    operation_id="rules_create",
    summary="Create a rule",
    description=f"Scope: tickets:write. {RULES_NOTE} Invalid definitions are a 400 listing "
    "every problem; nothing is saved.",
)
def rules_create(request: HttpRequest, payload: RuleIn):
    user = _manager(request)
    rule = services.rule_create(user=user, **payload.model_dump())
    return Status(201, rule)


@router.post(
    "/rules/dry-run",
    response=DryRunOut,
    auth=TICKETS_READ,
    operation_id="rules_dry_run",
    summary="Dry-run an unsaved rule",
    description=f"Scope: tickets:read. {RULES_NOTE} Which recent tickets match now and what "
    "would change on each; nothing is written.",
)
def rules_dry_run(request: HttpRequest, payload: DryRunIn):
    user = _manager(request)
    return services.rule_dry_run(user=user, **payload.model_dump())


@router.get(
    "/rules/{rule_id}",
    response=RuleOut,
    auth=TICKETS_READ,
    operation_id="rules_get",
    summary="Get a rule",
    description=f"Scope: tickets:read. {RULES_NOTE}",
)
def rules_get(request: HttpRequest, rule_id: int):
    return _rule(request, rule_id)


@router.patch(
    "/rules/{rule_id}",
    response=RuleOut,
    auth=TICKETS_WRITE,
    operation_id="rules_update",
    summary="Update a rule",
    description=f"Scope: tickets:write. {RULES_NOTE} Only the fields sent change; the "
    "revision goes up by one.",
)
def rules_update(request: HttpRequest, rule_id: int, payload: RulePatch):
    rule = _rule(request, rule_id)
    return services.rule_update(
        user=principal(request).user, rule=rule, changes=sent_fields(payload)
    )


@router.delete(
    "/rules/{rule_id}",
    response={204: None},
    auth=TICKETS_WRITE,
    operation_id="rules_delete",
    summary="Delete a rule",
    description=f"Scope: tickets:write. {RULES_NOTE} Its history events stay on the tickets.",
)
def rules_delete(request: HttpRequest, rule_id: int):
    services.rule_delete(user=principal(request).user, rule=_rule(request, rule_id))
    return Status(204, None)


@router.post(
    "/rules/{rule_id}/dry-run",
    response=DryRunOut,
    auth=TICKETS_READ,
    operation_id="rules_dry_run_saved",
    summary="Dry-run a saved rule",
    description=f"Scope: tickets:read. {RULES_NOTE} Nothing is written.",
)
def rules_dry_run_saved(request: HttpRequest, rule_id: int):
    rule = _rule(request, rule_id)
    return services.rule_dry_run(
        user=principal(request).user,
        kind=rule.kind,
        events=rule.events,
        conditions=rule.conditions,
        actions=rule.actions,
    )


@router.get(
    "/rules/{rule_id}/executions",
    response=list[ExecutionOut],
    auth=TICKETS_READ,
    operation_id="rules_executions",
    summary="A rule's execution log",
    description=f"Scope: tickets:read. {RULES_NOTE} The latest 100, newest first.",
)
def rules_executions(request: HttpRequest, rule_id: int):
    return selectors.executions_for_rule(rule=_rule(request, rule_id))


# --- macros ------------------------------------------------------------------------------


def _macro(request: HttpRequest, macro_id: int):
    user = principal(request).user
    return services.get_or_404(selectors.macros_visible_to(user), macro_id, _("Macro not found."))


@router.get(
    "/macros",
    response=list[MacroOut],
    auth=TICKETS_READ,
    operation_id="macros_list",
    summary="List the macros you can use",
    description="Scope: tickets:read. Yours, your teams' and shared ones.",
)
def macros_list(request: HttpRequest):
    return list(selectors.macros_visible_to(principal(request).user).order_by("name", "pk")[:500])


@router.post(
    "/macros",
    response={201: MacroOut},
    auth=TICKETS_WRITE,
    operation_id="macros_create",
    summary="Create a macro",
    description="Scope: tickets:write. Personal by default; shared macros need an admin "
    "(or a supervisor of the team).",
)
def macros_create(request: HttpRequest, payload: MacroIn):
    macro = services.macro_create(
        user=principal(request).user,
        name=payload.name,
        actions=payload.actions,
        personal=payload.personal,
        team=_team(payload.team_id),
    )
    return Status(201, macro)


@router.get(
    "/macros/{macro_id}",
    response=MacroOut,
    auth=TICKETS_READ,
    operation_id="macros_get",
    summary="Get a macro",
    description="Scope: tickets:read.",
)
def macros_get(request: HttpRequest, macro_id: int):
    return _macro(request, macro_id)


@router.patch(
    "/macros/{macro_id}",
    response=MacroOut,
    auth=TICKETS_WRITE,
    operation_id="macros_update",
    summary="Update a macro",
    description="Scope: tickets:write.",
)
def macros_update(request: HttpRequest, macro_id: int, payload: MacroPatch):
    return services.macro_update(
        user=principal(request).user,
        macro=_macro(request, macro_id),
        changes=sent_fields(payload),
    )


@router.delete(
    "/macros/{macro_id}",
    response={204: None},
    auth=TICKETS_WRITE,
    operation_id="macros_delete",
    summary="Delete a macro",
    description="Scope: tickets:write.",
)
def macros_delete(request: HttpRequest, macro_id: int):
    services.macro_delete(user=principal(request).user, macro=_macro(request, macro_id))
    return Status(204, None)


@router.post(
    "/tickets/{number}/macros/{macro_id}/apply",
    response=MacroApplyOut,
    auth=TICKETS_WRITE,
    operation_id="macros_apply",
    summary="Apply a macro to a ticket",
    description="Scope: tickets:write. 404 for a ticket the key's user cannot see.",
)
def macros_apply(request: HttpRequest, number: int, macro_id: int):
    caller = principal(request)
    ticket = ticket_get_for_user(user=caller.user, number=number)
    macro = _macro(request, macro_id)
    execution = services.macro_apply(
        user=caller.user, macro=macro, ticket=ticket, actor=caller.actor
    )
    return {"ticket_number": ticket.number, "changes": execution.changes}


# --- canned replies ----------------------------------------------------------------------


def _canned(request: HttpRequest, reply_id: int):
    user = principal(request).user
    return services.get_or_404(
        selectors.canned_visible_to(user), reply_id, _("Canned reply not found.")
    )


@router.get(
    "/canned-replies",
    response=list[CannedOut],
    auth=TICKETS_READ,
    operation_id="canned_replies_list",
    summary="List the canned replies you can use",
    description="Scope: tickets:read. Optional `language` (zh-hans or en).",
)
def canned_replies_list(request: HttpRequest, language: str | None = None):
    qs = selectors.canned_visible_to(principal(request).user)
    if language:
        qs = qs.filter(language=language)
    return list(qs.order_by("title", "pk")[:500])


@router.post(
    "/canned-replies",
    response={201: CannedOut},
    auth=TICKETS_WRITE,
    operation_id="canned_replies_create",
    summary="Create a canned reply",
    description="Scope: tickets:write. Placeholders: {{ contact.name }}, {{ ticket.number }} "
    "and the others listed in docs/automation.md; unknown ones are refused.",
)
def canned_replies_create(request: HttpRequest, payload: CannedIn):
    reply = services.canned_create(
        user=principal(request).user,
        title=payload.title,
        body=payload.body,
        language=payload.language,
        personal=payload.personal,
        team=_team(payload.team_id),
    )
    return Status(201, reply)


@router.get(
    "/canned-replies/{reply_id}",
    response=CannedOut,
    auth=TICKETS_READ,
    operation_id="canned_replies_get",
    summary="Get a canned reply",
    description="Scope: tickets:read.",
)
def canned_replies_get(request: HttpRequest, reply_id: int):
    return _canned(request, reply_id)


@router.patch(
    "/canned-replies/{reply_id}",
    response=CannedOut,
    auth=TICKETS_WRITE,
    operation_id="canned_replies_update",
    summary="Update a canned reply",
    description="Scope: tickets:write.",
)
def canned_replies_update(request: HttpRequest, reply_id: int, payload: CannedPatch):
    return services.canned_update(
        user=principal(request).user,
        reply=_canned(request, reply_id),
        changes=sent_fields(payload),
    )


@router.delete(
    "/canned-replies/{reply_id}",
    response={204: None},
    auth=TICKETS_WRITE,
    operation_id="canned_replies_delete",
    summary="Delete a canned reply",
    description="Scope: tickets:write.",
)
def canned_replies_delete(request: HttpRequest, reply_id: int):
    services.canned_delete(user=principal(request).user, reply=_canned(request, reply_id))
    return Status(204, None)


@router.get(
    "/tickets/{number}/canned-replies/{reply_id}",
    response=CannedRenderOut,
    auth=TICKETS_READ,
    operation_id="canned_replies_render",
    summary="A canned reply filled in for a ticket",
    description="Scope: tickets:read. Only whitelisted placeholders are replaced; nothing "
    "is evaluated. 404 for a ticket the key's user cannot see.",
)
def canned_replies_render(request: HttpRequest, number: int, reply_id: int):
    user = principal(request).user
    ticket = ticket_get_for_user(user=user, number=number)
    reply = _canned(request, reply_id)
    return {"text": services.canned_render(reply=reply, ticket=ticket, agent=user)}
