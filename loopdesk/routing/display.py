"""How routing decisions read in a ticket's history, in the reader's language.

The routing.decision event keeps data (names, numbers, codes); the words are chosen
here when the history is shown, so a decision made by the worker reads in Chinese for a
Chinese-speaking supervisor and in English for an English-speaking one.
"""

from collections.abc import Callable

from django.utils.translation import gettext as _

from .constants import Exclusion, Strategy

SHOWN_CANDIDATES = 10


def labels() -> dict[str, str]:
    return {
        "routing_strategy": _("Strategy"),
        "routing_requirements": _("Required skills"),
        "routing_candidates": _("Candidates"),
        "routing_excluded": _("Not available"),
        "routing_why": _("Why"),
    }


def _strategy(value) -> str:
    if value in Strategy.values:
        return str(Strategy(value).label)
    return str(value)


def _requirements(value) -> str:
    if not isinstance(value, list) or not value:
        return _("none")
    return ", ".join(f"{name} ≥ {level}" for name, level in value)


def _exclusion(code) -> str:
    return str(Exclusion(code).label) if code in Exclusion.values else str(code)


def candidate_text(row: dict) -> str:
    """ "1. Li Na — 92 · 1/5 open · refund 4/3 ✓ · zh-hans 0/2 ✗"."""
    parts = [
        f"{row.get('rank')}. {row.get('name')} — {row.get('score')}",
        _("%(open)s/%(capacity)s open")
        % {"open": row.get("open"), "capacity": row.get("capacity")},
    ]
    for name, level, minimum in row.get("skills") or []:
        parts.append(f"{name} {level}/{minimum} {'✓' if level >= minimum else '✗'}")
    if row.get("excluded"):
        parts.append(_exclusion(row["excluded"]))
    return " · ".join(parts)


def _candidates(value) -> str:
    if not isinstance(value, list) or not value:
        return _("none")
    return "; ".join(candidate_text(row) for row in value if isinstance(row, dict))


def _excluded(value) -> str:
    if not isinstance(value, dict) or not value:
        return _("none")
    return ", ".join(f"{_exclusion(code)}: {count}" for code, count in sorted(value.items()))


def why_text(why: dict) -> str:
    code = why.get("code")
    names = {"winner": why.get("winner", ""), "runner_up": why.get("runner_up", "")}
    texts = {
        "manual": _("The team assigns by hand."),
        "none_available": _("No available agent can take it; it waits in the queue."),
        "only_candidate": _("%(winner)s was the only available agent."),
        "full_match": _("%(winner)s has every required skill; %(runner_up)s does not."),
        "higher_skill": _(
            "%(winner)s matches the skills best (%(a)s against %(b)s for %(runner_up)s)."
        ),
        "lower_load": _(
            "Same skill match; %(winner)s has less open work (%(a)s against %(b)s for %(runner_up)s)."
        ),
        "fewer_open": _(
            "%(winner)s has the fewest open tickets (%(a)s against %(b)s for %(runner_up)s)."
        ),
        "more_free": _(
            "Same number of open tickets; %(winner)s has more free capacity (%(a)s against %(b)s)."
        ),
        "longer_idle": _("Otherwise equal; %(winner)s has waited longest since a routed ticket."),
        "tie": _("A tie in every respect; the agent first in a stable order (%(winner)s) won."),
    }
    text = texts.get(code)
    if text is None:
        return str(code)
    try:
        return text % {**names, "a": why.get("a", ""), "b": why.get("b", "")}
    except (KeyError, TypeError, ValueError):
        return text


def _why(value) -> str:
    return why_text(value) if isinstance(value, dict) else str(value)


FORMATTERS: dict[str, Callable[[object], str]] = {
    "routing_strategy": _strategy,
    "routing_requirements": _requirements,
    "routing_candidates": _candidates,
    "routing_excluded": _excluded,
    "routing_why": _why,
}
