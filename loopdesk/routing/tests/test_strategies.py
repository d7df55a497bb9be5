"""The strategies as pure functions: no database, exact rankings and explanations."""

from datetime import UTC, datetime, timedelta

import pytest

from loopdesk.routing.strategies import (
    Candidate,
    Requirement,
    decide,
    explain,
    skill_matches,
    skill_score,
)

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
REFUND = Requirement(skill_id=1, skill="refund", min_level=3)
CHINESE = Requirement(skill_id=2, skill="zh-hans", min_level=2)


def cand(agent_id, *, open_count=0, capacity=5, last=None, skills=None, unavailable=None):
    return Candidate(
        agent_id=agent_id,
        name=f"A{agent_id}",
        open_count=open_count,
        capacity=capacity,
        last_assigned_at=last,
        skills=skills or {},
        unavailable=unavailable,
    )


def ids(ranked):
    return [r.agent_id for r in ranked]


def test_manual_never_picks_anyone():
    winner, ranked = decide("manual", [cand(1), cand(2)])
    assert winner is None
    assert ids(ranked) == [1, 2]
    assert explain("manual", ranked) == {"code": "manual"}


def test_round_robin_never_assigned_first_then_oldest_last_assignment():
    candidates = [
        cand(1, last=T0),
        cand(2, last=T0 - timedelta(minutes=5)),
        cand(3, last=None),
        cand(4, last=None, unavailable="offline"),
    ]
    winner, ranked = decide("round_robin", candidates)
    assert winner.agent_id == 3
    assert ids(ranked) == [3, 2, 1, 4]
    assert [r.rank for r in ranked] == [1, 2, 3, 4]
    assert ranked[-1].eligible is False and ranked[-1].excluded == "offline"


def test_round_robin_tie_on_time_goes_to_lower_id():
    winner, ranked = decide("round_robin", [cand(7, last=T0), cand(3, last=T0)])
    assert winner.agent_id == 3
    assert explain("round_robin", ranked)["code"] == "tie"


def test_least_load_fewest_open_then_more_free_capacity_then_idle_time():
    candidates = [
        cand(1, open_count=2, capacity=5),
        cand(2, open_count=1, capacity=5, last=T0),
        cand(3, open_count=1, capacity=8, last=T0),
        cand(4, open_count=1, capacity=8, last=T0 - timedelta(hours=1)),
    ]
    winner, ranked = decide("least_load", candidates)
    assert ids(ranked) == [4, 3, 2, 1]
    assert explain("least_load", ranked) == {
        "code": "longer_idle",
        "winner": "A4",
        "runner_up": "A3",
    }
    winner, ranked = decide("least_load", candidates[:3])
    assert winner.agent_id == 3
    assert explain("least_load", ranked)["code"] == "more_free"
    winner, ranked = decide("least_load", candidates[:2])
    assert explain("least_load", ranked) == {
        "code": "fewer_open",
        "winner": "A2",
        "runner_up": "A1",
        "a": "1/5",
        "b": "2/5",
    }


def test_capacity_is_a_hard_limit():
    winner, ranked = decide("least_load", [cand(1, open_count=5, capacity=5), cand(2, capacity=0)])
    assert winner is None
    assert {r.excluded for r in ranked} == {"at_capacity"}
    assert explain("least_load", ranked) == {"code": "none_available"}


@pytest.mark.parametrize("strategy", ["round_robin", "least_load", "skills"])
def test_unavailable_agents_never_win(strategy):
    candidates = [cand(1, unavailable="away"), cand(2, unavailable="off_shift")]
    winner, ranked = decide(strategy, candidates)
    assert winner is None
    assert [r.excluded for r in ranked] == ["away", "off_shift"]


def test_skill_score_counts_levels_of_met_requirements_only():
    agent = cand(1, skills={1: 5, 2: 1})
    matches = skill_matches(agent, [REFUND, CHINESE])
    assert [(m.skill, m.level, m.min_level, m.met) for m in matches] == [
        ("refund", 5, 3, True),
        ("zh-hans", 1, 2, False),
    ]
    assert skill_score(matches) == 50.0
    assert skill_score([]) == 100.0


def test_skills_best_match_wins_over_lower_load():
    expert = cand(1, open_count=4, skills={1: 5, 2: 3})
    decent = cand(2, open_count=0, skills={1: 3, 2: 2})
    winner, ranked = decide("skills", [decent, expert], [REFUND, CHINESE])
    assert winner.agent_id == 1
    assert ranked[0].score == 80.0 and ranked[1].score == 50.0
    assert explain("skills", ranked) == {
        "code": "higher_skill",
        "winner": "A1",
        "runner_up": "A2",
        "a": 80.0,
        "b": 50.0,
    }


def test_skills_equal_match_goes_to_lower_share_of_capacity():
    a = cand(1, open_count=2, capacity=4, skills={1: 4})
    b = cand(2, open_count=2, capacity=10, skills={1: 4})
    winner, ranked = decide("skills", [a, b], [REFUND])
    assert winner.agent_id == 2
    assert explain("skills", ranked)["code"] == "lower_load"


def test_skills_strict_excludes_partial_matches():
    partial = cand(1, skills={1: 5})
    winner, ranked = decide("skills", [partial], [REFUND, CHINESE], strict=True)
    assert winner is None
    assert ranked[0].excluded == "missing_skills"


def test_skills_lenient_prefers_full_match_then_takes_best_partial():
    partial = cand(1, skills={1: 5})
    full = cand(2, skills={1: 3, 2: 2})
    winner, ranked = decide("skills", [partial, full], [REFUND, CHINESE], strict=False)
    assert winner.agent_id == 2  # full match first even with a lower score (50 vs 50)
    assert explain("skills", ranked)["code"] == "full_match"
    winner, _ranked = decide("skills", [partial, cand(3)], [REFUND, CHINESE], strict=False)
    assert winner.agent_id == 1  # the partial match; A3 has none of the skills
    assert _ranked[1].excluded == "missing_skills"


def test_skills_without_requirements_behaves_like_least_share_of_load():
    winner, _ranked = decide("skills", [cand(1, open_count=3), cand(2, open_count=1)], [])
    assert winner.agent_id == 2


def test_scored_as_dict_is_json_ready():
    _winner, ranked = decide("skills", [cand(1, last=T0, skills={1: 4})], [REFUND])
    assert ranked[0].as_dict() == {
        "id": 1,
        "name": "A1",
        "rank": 1,
        "score": 80.0,
        "eligible": True,
        "excluded": None,
        "open": 0,
        "capacity": 5,
        "last_assigned_at": T0.isoformat(),
        "skills": [["refund", 4, 3]],
    }


def test_skills_lenient_without_requirements_excludes_nobody():
    winner, ranked = decide("skills", [cand(1, open_count=2), cand(2)], [], strict=False)
    assert winner.agent_id == 2
    assert all(r.eligible for r in ranked)
