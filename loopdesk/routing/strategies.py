"""Assignment strategies: small pure functions over plain data, no database access.

Every strategy has the same signature: it receives the team's members as `Candidate`s
(availability already decided by the caller) and the ticket's skill `Requirement`s, and
returns every candidate as a `Scored` row, best first. Ineligible candidates stay in the
list (with the reason they were passed over) so a decision explains itself.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import NamedTuple

from .constants import MAX_LEVEL, Exclusion, Strategy

_NEVER = datetime.min.replace(tzinfo=UTC)  # never assigned: before everyone else


@dataclass(frozen=True)
class Requirement:
    skill_id: int
    skill: str
    min_level: int


# Plain slotted dataclasses (not frozen): a 200-agent decision builds hundreds of these,
# and frozen ones cost an object.__setattr__ per field.
@dataclass(slots=True)
class Candidate:
    """A team member as routing sees them."""

    agent_id: int
    name: str
    open_count: int
    capacity: int
    last_assigned_at: datetime | None
    skills: Mapping[int, int] = field(default_factory=dict)  # skill id -> level
    # Set by the caller when the agent cannot take a ticket now (offline, away, off
    # shift); capacity is checked here, from open_count and capacity.
    unavailable: str | None = None


class SkillMatch(NamedTuple):
    skill: str
    level: int  # 0: does not have it
    min_level: int

    @property
    def met(self) -> bool:
        return self.level >= self.min_level


@dataclass(slots=True)
class Scored:
    """One candidate's standing in one decision."""

    agent_id: int
    name: str
    rank: int  # 1 = winner (when eligible); ineligible rows follow the eligible ones
    score: float  # 0–100; the strategy's headline number (skill match, free capacity …)
    eligible: bool
    excluded: str | None  # an Exclusion value when not eligible
    open_count: int
    capacity: int
    last_assigned_at: datetime | None
    skills: tuple[SkillMatch, ...] = ()

    def as_dict(self) -> dict:
        """The JSON kept in the ticket's routing.decision event."""
        return {
            "id": self.agent_id,
            "name": self.name,
            "rank": self.rank,
            "score": self.score,
            "eligible": self.eligible,
            "excluded": self.excluded,
            "open": self.open_count,
            "capacity": self.capacity,
            "last_assigned_at": self.last_assigned_at.isoformat()
            if self.last_assigned_at
            else None,
            "skills": [[m.skill, m.level, m.min_level] for m in self.skills],
        }


StrategyFn = Callable[[Sequence[Candidate], Sequence[Requirement], bool], list[Scored]]


def _exclusion(candidate: Candidate) -> str | None:
    if candidate.unavailable:
        return candidate.unavailable
    if candidate.open_count >= candidate.capacity:
        return Exclusion.AT_CAPACITY.value
    return None


def _last(candidate: Candidate) -> datetime:
    return candidate.last_assigned_at or _NEVER


def _free_share(candidate: Candidate) -> float:
    if candidate.capacity <= 0:
        return 0.0
    return max(0.0, 1 - candidate.open_count / candidate.capacity)


def _rank(rows: list[tuple[tuple, Scored]]) -> list[Scored]:
    """Eligible rows by their key, then the ineligible ones by name; ranks 1..n."""
    eligible = sorted((r for r in rows if r[1].eligible), key=lambda r: r[0])
    others = sorted(
        (r for r in rows if not r[1].eligible), key=lambda r: (r[1].name, r[1].agent_id)
    )
    ranked = []
    for index, (_key, row) in enumerate([*eligible, *others], start=1):
        row.rank = index
        ranked.append(row)
    return ranked


def _row(candidate: Candidate, *, score: float, excluded: str | None, skills=()) -> Scored:
    return Scored(
        agent_id=candidate.agent_id,
        name=candidate.name,
        rank=0,
        score=round(score, 1),
        eligible=excluded is None,
        excluded=excluded,
        open_count=candidate.open_count,
        capacity=candidate.capacity,
        last_assigned_at=candidate.last_assigned_at,
        skills=tuple(skills),
    )


def manual(
    candidates: Sequence[Candidate], requirements: Sequence[Requirement], strict: bool = True
) -> list[Scored]:
    """Nobody is chosen: the team assigns by hand. Members are listed for the record."""
    rows = []
    for index, c in enumerate(sorted(candidates, key=lambda c: (c.name, c.agent_id)), 1):
        row = _row(c, score=0, excluded=_exclusion(c))
        row.rank = index
        rows.append(row)
    return rows


def round_robin(
    candidates: Sequence[Candidate], requirements: Sequence[Requirement], strict: bool = True
) -> list[Scored]:
    """The available agent whose last routed assignment is oldest (never assigned first).

    Stateless: the agents' last assignment times are the turn order, so a newcomer or an
    agent back from a break takes the next ticket, and no cursor can drift."""
    rows = []
    for c in candidates:
        row = _row(c, score=100 * _free_share(c), excluded=_exclusion(c))
        rows.append(((_last(c), c.agent_id), row))
    return _rank(rows)


def least_load(
    candidates: Sequence[Candidate], requirements: Sequence[Requirement], strict: bool = True
) -> list[Scored]:
    """Fewest open tickets; ties by more free capacity, then longest since last assigned."""
    rows = []
    for c in candidates:
        row = _row(c, score=100 * _free_share(c), excluded=_exclusion(c))
        rows.append(((c.open_count, -_free_share(c), _last(c), c.agent_id), row))
    return _rank(rows)


def skill_matches(candidate: Candidate, requirements: Sequence[Requirement]) -> list[SkillMatch]:
    return [
        SkillMatch(skill=r.skill, level=candidate.skills.get(r.skill_id, 0), min_level=r.min_level)
        for r in requirements
    ]


def skill_score(matches: Sequence[SkillMatch]) -> float:
    """0–100: each requirement weighs the same; a met one counts the agent's level (a
    level-5 expert beats a level-3 agent), an unmet one counts nothing. No requirements: 100."""
    if not matches:
        return 100.0
    return 100 * sum(m.level / MAX_LEVEL for m in matches if m.met) / len(matches)


def skills(
    candidates: Sequence[Candidate], requirements: Sequence[Requirement], strict: bool = True
) -> list[Scored]:
    """Best skill match, then the lower share of capacity in use, then longest since last
    assigned. With `strict`, an agent must meet every requirement; otherwise a partial
    match can win when nobody meets all (a full match always ranks first)."""
    wanted_ids = [r.skill_id for r in requirements]
    wanted_names = [r.skill for r in requirements]
    wanted_lows = [r.min_level for r in requirements]
    count = len(requirements)
    rows = []
    for c in candidates:  # the same arithmetic as skill_score(), inlined: 200 agents a call
        levels = c.skills
        got = [levels.get(sid, 0) for sid in wanted_ids]
        met = 0
        points = 0
        for level, low in zip(got, wanted_lows, strict=True):
            if level >= low:
                met += 1
                points += level
        matches = tuple(map(SkillMatch, wanted_names, got, wanted_lows))
        full = met == count
        score = 100 * points / MAX_LEVEL / count if count else 100.0
        excluded = _exclusion(c)
        if excluded is None and count and not full and (strict or not met):
            excluded = Exclusion.MISSING_SKILLS.value
        row = _row(c, score=score, excluded=excluded, skills=matches)
        load = c.open_count / c.capacity if c.capacity else 1.0
        rows.append(((not full, -score, load, _last(c), c.agent_id), row))
    return _rank(rows)


STRATEGIES: dict[str, StrategyFn] = {
    Strategy.MANUAL.value: manual,
    Strategy.ROUND_ROBIN.value: round_robin,
    Strategy.LEAST_LOAD.value: least_load,
    Strategy.SKILLS.value: skills,
}


def decide(
    strategy: str,
    candidates: Sequence[Candidate],
    requirements: Sequence[Requirement] = (),
    *,
    strict: bool = True,
) -> tuple[Scored | None, list[Scored]]:
    """(winner or None, every candidate ranked). Manual never has a winner."""
    ranked = STRATEGIES[strategy](candidates, requirements, strict)
    if strategy == Strategy.MANUAL.value:
        return None, ranked
    winner = ranked[0] if ranked and ranked[0].eligible else None
    return winner, ranked


def explain(strategy: str, ranked: Sequence[Scored]) -> dict:
    """Why the winner won, as data (rendered in the reader's language by display.py):
    which ordering criterion separated the winner from the runner-up."""
    eligible = [r for r in ranked if r.eligible]
    if strategy == Strategy.MANUAL.value:
        return {"code": "manual"}
    if not eligible:
        return {"code": "none_available"}
    winner = eligible[0]
    base = {"winner": winner.name}
    if len(eligible) == 1:
        return {**base, "code": "only_candidate"}
    second = eligible[1]
    base["runner_up"] = second.name
    if strategy == Strategy.SKILLS.value:
        win_full = all(m.met for m in winner.skills)
        second_full = all(m.met for m in second.skills)
        if win_full != second_full:
            return {**base, "code": "full_match"}
        if winner.score != second.score:
            return {**base, "code": "higher_skill", "a": winner.score, "b": second.score}
        if winner.open_count * second.capacity != second.open_count * winner.capacity:
            return {**base, "code": "lower_load", **_loads(winner, second)}
    elif strategy == Strategy.LEAST_LOAD.value:
        if winner.open_count != second.open_count:
            return {**base, "code": "fewer_open", **_loads(winner, second)}
        if winner.capacity != second.capacity:
            return {**base, "code": "more_free", **_loads(winner, second)}
    if winner.last_assigned_at != second.last_assigned_at:
        return {**base, "code": "longer_idle"}
    return {**base, "code": "tie"}


def _loads(a: Scored, b: Scored) -> dict:
    return {"a": f"{a.open_count}/{a.capacity}", "b": f"{b.open_count}/{b.capacity}"}
