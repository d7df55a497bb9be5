"""Automation screens: the rule list and editor (with dry run), a rule's execution log,
macros and canned replies, and the ticket page's macro/canned-reply card."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from loopdesk.accounts.models import Team
from loopdesk.core.exceptions import LoopdeskError, ValidationFailed
from loopdesk.core.htmx import htmx_partial, render_page
from loopdesk.tickets.views.common import ticket_or_404

from . import editor, selectors, services
from .constants import ACTION_LABELS, FIELD_LABELS, OPERATOR_LABELS, EventKind, Language, RuleKind
from .definition import HOURS_FIELDS, MACRO_ACTIONS
from .models import Rule
from .permissions import can_edit_shared, can_manage_rules, can_use_macros
from .validation import DefinitionInvalid


def _require_manager(request: HttpRequest) -> None:
    if not can_manage_rules(request.user):
        raise DjangoPermissionDenied(_("Only admins and supervisors can manage rules."))


def _go(request: HttpRequest, url: str) -> HttpResponse:
    if htmx_partial(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    if can_manage_rules(request.user):
        return redirect("automation:rules")
    return redirect("automation:macros")


@login_required
@require_GET
def rules(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    labels = dict(EventKind.choices)
    rows = list(selectors.rules_for(request.user))
    for rule in rows:
        rule.event_labels = [str(labels.get(e, e)) for e in rule.events]
    return render(request, "automation/rules.html", {"rules": rows})


def _rule_or_404(rule_id: int) -> Rule:
    rule = Rule.objects.filter(pk=rule_id).first()
    if rule is None:
        raise Http404(_("Rule not found."))
    return rule


@login_required
@require_POST
def rule_toggle(request: HttpRequest, rule_id: int) -> HttpResponse:
    _require_manager(request)
    rule = _rule_or_404(rule_id)
    services.rule_set_active(user=request.user, rule=rule, active=not rule.is_active)
    return _go(request, reverse("automation:rules"))


@login_required
@require_POST
def rule_move(request: HttpRequest, rule_id: int) -> HttpResponse:
    _require_manager(request)
    direction = "up" if request.POST.get("direction") == "up" else "down"
    services.rule_move(user=request.user, rule=_rule_or_404(rule_id), direction=direction)
    return _go(request, reverse("automation:rules"))


@login_required
@require_POST
def rule_delete(request: HttpRequest, rule_id: int) -> HttpResponse:
    _require_manager(request)
    services.rule_delete(user=request.user, rule=_rule_or_404(rule_id))
    return _go(request, reverse("automation:rules"))


def _editor_context(state: editor.EditorState, rule: Rule | None, dry_run=None) -> dict:
    for row in state.conditions:
        row.operators = [
            (op, OPERATOR_LABELS[op])
            for op in OPERATOR_LABELS
            if op in editor.operators_for(row.field)
        ] or list(OPERATOR_LABELS.items())
        row.is_hours = row.field in HOURS_FIELDS
    return {
        "state": state,
        "rule": rule,
        "dry_run": dry_run,
        "choices": editor.choices(),
        "kinds": RuleKind.choices,
        "event_choices": EventKind.choices,
        "field_labels": FIELD_LABELS,
        "action_labels": ACTION_LABELS,
        "has_errors": bool(
            state.errors
            or state.field_errors
            or any(r.error for r in [*state.conditions, *state.actions])
        ),
    }


@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, rule_id: int | None = None) -> HttpResponse:
    _require_manager(request)
    rule = _rule_or_404(rule_id) if rule_id is not None else None
    dry_run = None
    if request.method == "GET":
        state = (
            editor.state_from_rule(rule)
            if rule
            else editor.EditorState(conditions=[editor.CondRow()], actions=[editor.ActRow()])
        )
    else:
        state = editor.state_from_post(request.POST)
        intent = request.POST.get("intent", "")
        if intent in ("dry_run", "save"):
            converted = editor.to_definition(state)
            if converted is not None:
                conditions, actions, where = converted
                events = state.events if state.kind == RuleKind.TRIGGER else []
                try:
                    if intent == "dry_run":
                        dry_run = services.rule_dry_run(
                            user=request.user,
                            kind=state.kind,
                            events=events,
                            conditions=conditions,
                            actions=actions,
                        )
                    elif rule is None:
                        services.rule_create(
                            user=request.user,
                            name=state.name,
                            kind=state.kind,
                            events=events,
                            conditions=conditions,
                            actions=actions,
                            is_active=state.is_active,
                            stop_processing=state.stop_processing,
                        )
                        return _go(request, reverse("automation:rules"))
                    else:
                        services.rule_update(
                            user=request.user,
                            rule=rule,
                            changes={
                                "name": state.name,
                                "kind": state.kind,
                                "events": events,
                                "conditions": conditions,
                                "actions": actions,
                                "is_active": state.is_active,
                                "stop_processing": state.stop_processing,
                            },
                        )
                        return _go(request, reverse("automation:rules"))
                except DefinitionInvalid as exc:
                    editor.attach_errors(state, exc.errors, where)
                except ValidationFailed as exc:
                    if exc.field in ("name", "kind", "events"):
                        state.field_errors[exc.field] = exc.message
                    else:
                        state.errors.append(exc.message)
    context = _editor_context(state, rule, dry_run)
    return render_page(
        request,
        full="automation/rule_edit.html",
        partial="automation/partials/_rule_form.html",
        context=context,
        status=422 if context["has_errors"] else 200,
    )


@login_required
@require_GET
def rule_log(request: HttpRequest, rule_id: int) -> HttpResponse:
    _require_manager(request)
    rule = _rule_or_404(rule_id)
    return render(
        request,
        "automation/rule_log.html",
        {"rule": rule, "executions": selectors.executions_for_rule(rule=rule)},
    )


# --- macros and canned replies -------------------------------------------------------------


def _scope_choices(request: HttpRequest) -> list[tuple[str, str]]:
    options = [("personal", _("Only me"))]
    user = request.user
    teams = Team.objects.order_by("name") if user.is_admin else user.teams.order_by("name")
    for team in teams:
        if can_edit_shared(user, team.pk):
            options.append((f"team:{team.pk}", _("Team %(t)s") % {"t": team.name}))
    if user.is_admin:
        options.append(("shared", _("Everyone")))
    return options


def _scope(value: str) -> tuple[bool, Team | None]:
    if value.startswith("team:") and value[5:].isdigit():
        return False, Team.objects.filter(pk=int(value[5:])).first()
    return value != "shared", None


@login_required
@require_http_methods(["GET", "POST"])
def macros(request: HttpRequest) -> HttpResponse:
    if not can_use_macros(request.user):
        raise DjangoPermissionDenied
    state = editor.EditorState(actions=[editor.ActRow(type="set_field")])
    name, scope, errors = "", "personal", []
    if request.method == "POST":
        if request.POST.get("delete"):
            macro = services.get_or_404(
                selectors.macros_visible_to(request.user), request.POST["delete"], "x"
            )
            try:
                services.macro_delete(user=request.user, macro=macro)
            except LoopdeskError as exc:
                errors.append(exc.message)
            else:
                return _go(request, reverse("automation:macros"))
        state = editor.state_from_post(request.POST)
        name, scope = request.POST.get("name", "").strip(), request.POST.get("scope", "personal")
        if request.POST.get("intent") == "save":
            converted = editor.to_definition(state)
            if converted is not None:
                _c, actions, where = converted
                personal, team = _scope(scope)
                try:
                    services.macro_create(
                        user=request.user, name=name, actions=actions, personal=personal, team=team
                    )
                    return _go(request, reverse("automation:macros"))
                except DefinitionInvalid as exc:
                    editor.attach_errors(state, exc.errors, where)
                except LoopdeskError as exc:
                    errors.append(exc.message)
    context = _editor_context(state, None)
    context.update(
        {
            "macros": list(
                selectors.macros_visible_to(request.user).select_related("team", "owner")
            ),
            "name": name,
            "scope": scope,
            "scopes": _scope_choices(request),
            "errors": errors + state.errors,
            "macro_action_types": [(k, v) for k, v in ACTION_LABELS.items() if k in MACRO_ACTIONS],
            "can_manage": can_manage_rules(request.user),
        }
    )
    has_errors = bool(context["errors"]) or any(r.error for r in state.actions)
    return render_page(
        request,
        full="automation/macros.html",
        partial="automation/partials/_macro_form.html",
        context=context,
        status=422 if has_errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def canned(request: HttpRequest) -> HttpResponse:
    if not can_use_macros(request.user):
        raise DjangoPermissionDenied
    form = {"title": "", "body": "", "language": "zh-hans", "scope": "personal"}
    error = ""
    if request.method == "POST":
        if request.POST.get("delete"):
            reply = services.get_or_404(
                selectors.canned_visible_to(request.user), request.POST["delete"], "x"
            )
            try:
                services.canned_delete(user=request.user, reply=reply)
            except LoopdeskError as exc:
                error = exc.message
            else:
                return _go(request, reverse("automation:canned"))
        else:
            form = {k: request.POST.get(k, "") for k in form}
            personal, team = _scope(form["scope"])
            try:
                services.canned_create(
                    user=request.user,
                    title=form["title"],
                    body=form["body"],
                    language=form["language"],
                    personal=personal,
                    team=team,
                )
                return _go(request, reverse("automation:canned"))
            except LoopdeskError as exc:
                error = exc.message
    from .placeholders import VARIABLES

    return render(
        request,
        "automation/canned.html",
        {
            "replies": list(
                selectors.canned_visible_to(request.user).select_related("team", "owner")
            ),
            "form": form,
            "error": error,
            "languages": Language.choices,
            "scopes": _scope_choices(request),
            "variables": VARIABLES,
            "can_manage": can_manage_rules(request.user),
        },
        status=422 if error else 200,
    )


# --- the ticket page's card ------------------------------------------------------------------


@login_required
@require_GET
def ticket_panel(request: HttpRequest, number: int) -> HttpResponse:
    ticket = ticket_or_404(request, number)
    user = request.user
    return render_page(
        request,
        full="automation/ticket_panel.html",
        partial="automation/partials/_ticket_panel.html",
        context={
            "ticket": ticket,
            "macros": list(selectors.macros_visible_to(user).filter(is_active=True)[:50]),
            "replies": list(selectors.canned_visible_to(user).order_by("language", "title")[:100]),
            "can_apply": can_use_macros(user),
        },
    )


@login_required
@require_POST
def ticket_apply_macro(request: HttpRequest, number: int, macro_id: int) -> HttpResponse:
    ticket = ticket_or_404(request, number)
    url = reverse("tickets:detail", args=[ticket.number])
    try:
        macro = services.get_or_404(
            selectors.macros_visible_to(request.user), macro_id, _("Macro not found.")
        )
        services.macro_apply(user=request.user, macro=macro, ticket=ticket)
    except LoopdeskError as exc:
        from django.contrib import messages

        messages.error(request, exc.message)
    return _go(request, url)


@login_required
@require_POST
def ticket_insert_canned(request: HttpRequest, number: int, reply_id: int) -> HttpResponse:
    """The reply box with the canned reply appended (an out-of-band swap of #reply-body)."""
    ticket = ticket_or_404(request, number)
    try:
        reply = services.get_or_404(
            selectors.canned_visible_to(request.user), reply_id, _("Canned reply not found.")
        )
    except LoopdeskError as exc:
        raise Http404(exc.message) from exc
    text = services.canned_render(reply=reply, ticket=ticket, agent=request.user)
    current = request.POST.get("body", "")[:100_000]
    body = f"{current.rstrip()}\n\n{text}" if current.strip() else text
    return render(request, "automation/partials/_reply_body.html", {"body": body})
