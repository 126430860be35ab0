"""Who may do what with the verbeterplan: the matrix over every evaluation status and plan stage, on plain
objects."""

from __future__ import annotations

import pytest

from peerreview.domain import permissions as p
from peerreview.domain.evaluations import EvaluationStatus
from peerreview.domain.plans import PlanStage
from peerreview.domain.reviews import NO_TEAM, TeamFacts
from peerreview.domain.roles import Role
from tests.domain.people import (
    ADMIN,
    CHAIR,
    CONTRIBUTOR,
    COORD_NORTH,
    COORD_SOUTH,
    LEAD,
    LEAD_B,
    MEMBER,
    PEER,
    PEER_FROM_A,
    U,
    at,
)

S = EvaluationStatus

INACTIVE_CHAIR = U(32, Role.peer_reviewer, municipality_id=13, is_active=False)
CONTRIBUTOR_B = U(37, Role.municipal_contributor, municipality_id=12)
INACTIVE_LEAD = U(38, Role.municipal_lead, municipality_id=10, is_active=False)
TEAM = TeamFacts(member_ids=frozenset({CHAIR.id, MEMBER.id}), chair_id=CHAIR.id,
                 submitted_ids=frozenset({CHAIR.id, MEMBER.id}))

PEOPLE = {
    "admin": ADMIN, "coordinator": COORD_NORTH, "other coordinator": COORD_SOUTH, "lead": LEAD,
    "contributor": CONTRIBUTOR, "chair": CHAIR, "member": MEMBER, "outside peer": PEER,
    "peer from A": PEER_FROM_A, "lead of B": LEAD_B, "contributor of B": CONTRIBUTOR_B,
    "inactive lead": INACTIVE_LEAD,
}
GEMEENTE = {"lead", "contributor"}
READERS = GEMEENTE | {"admin", "coordinator", "chair", "member"}


def who(rule) -> set[str]:
    return {name for name, user in PEOPLE.items() if rule(user)}


@pytest.mark.parametrize("status", list(S))
def test_who_reads_the_plan(status):
    expected = READERS if status.is_report_published else set()
    assert who(lambda u: p.can_view_plan(u, at(status), TEAM)) == expected


def test_without_a_team_the_peers_read_nothing():
    assert who(lambda u: p.can_view_plan(u, at(S.published), NO_TEAM)) == GEMEENTE | {"admin", "coordinator"}


@pytest.mark.parametrize(("stage", "expected"), [
    (PlanStage.not_started, set()),
    (PlanStage.running, GEMEENTE),
    (PlanStage.progress_review, set()),  # the period is over: the plan is read-only for everyone
])
def test_only_the_gemeentes_lead_and_contributors_edit_while_the_plan_runs(stage, expected):
    for status in (S.published, S.closed):
        assert who(lambda u: p.can_edit_plan(u, at(status), stage)) == expected  # noqa: B023


@pytest.mark.parametrize(("stage", "status", "expected"), [
    (PlanStage.running, S.published, set()),
    (PlanStage.progress_review, S.published, {"chair"}),
    (PlanStage.progress_review, S.closed, {"chair"}),
    (PlanStage.progress_review, S.in_peer_review, set()),
    (PlanStage.not_started, S.in_peer_review, set()),
])
def test_only_the_chair_judges_after_the_plan_period(stage, status, expected):
    assert who(lambda u: p.can_record_verdicts(u, at(status), TEAM, stage)) == expected


def test_a_switched_off_chair_judges_nothing():
    team = TeamFacts(member_ids=frozenset({INACTIVE_CHAIR.id}), chair_id=INACTIVE_CHAIR.id)
    assert not p.can_record_verdicts(INACTIVE_CHAIR, at(S.published), team, PlanStage.progress_review)
    assert not p.can_view_plan(INACTIVE_CHAIR, at(S.published), team)
