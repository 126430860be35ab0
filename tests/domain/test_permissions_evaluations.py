"""Who may do what with rounds and self-evaluations: the whole matrix, on plain objects."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from peerreview.domain import permissions as p
from peerreview.domain.evaluations import EvaluationStatus
from peerreview.domain.roles import Role
from tests.domain.people import ADMIN, CONTRIBUTOR, COORD_NORTH, COORD_NORTH_2, COORD_SOUTH, LEAD, NORTH, PEER, U


@dataclass
class E:
    municipality_id: int
    region_id: int
    status: EvaluationStatus


DRAFT = E(10, NORTH, EvaluationStatus.draft)
SUBMITTED = E(10, NORTH, EvaluationStatus.submitted)
LEAD_B = U(20, Role.municipal_lead, municipality_id=12)
CONTRIBUTOR_B = U(21, Role.municipal_contributor, municipality_id=12)
PEER_FROM_A = U(22, Role.peer_reviewer, municipality_id=10)  # works at the gemeente, but reviews others
INACTIVE_LEAD = U(23, Role.municipal_lead, municipality_id=10, is_active=False)

PEOPLE = {
    "admin": ADMIN, "coordinator": COORD_NORTH, "other coordinator": COORD_SOUTH, "lead": LEAD,
    "contributor": CONTRIBUTOR, "lead of B": LEAD_B, "contributor of B": CONTRIBUTOR_B, "peer": PEER,
    "peer from A": PEER_FROM_A, "inactive lead": INACTIVE_LEAD,
}

#: rule -> (who may on the draft, who may on the submitted evaluation)
MATRIX = {
    p.can_view_evaluation: ({"admin", "coordinator", "lead", "contributor"},) * 2,
    p.can_answer: ({"lead", "contributor"}, set()),
    p.can_see_individual_answers: ({"lead", "contributor"},) * 2,
    p.can_set_consensus: ({"lead"}, set()),
    p.can_view_consensus: ({"lead", "contributor"}, {"admin", "coordinator", "lead", "contributor"}),
    p.can_submit: ({"lead"}, set()),
    p.can_reopen: (set(), {"coordinator"}),
    p.can_view_history: ({"lead"},) * 2,
}


@pytest.mark.parametrize("rule", list(MATRIX), ids=lambda rule: rule.__name__)
@pytest.mark.parametrize("evaluation", [DRAFT, SUBMITTED], ids=["draft", "submitted"])
def test_the_matrix(rule, evaluation) -> None:
    allowed = MATRIX[rule][0 if evaluation is DRAFT else 1]
    granted = {name for name, person in PEOPLE.items() if rule(person, evaluation)}
    assert granted == allowed


def test_a_peer_reviewer_never_sees_individual_answers_or_a_draft() -> None:
    for peer in (PEER, PEER_FROM_A):
        for evaluation in (DRAFT, SUBMITTED):
            assert not p.can_view_evaluation(peer, evaluation)
            assert not p.can_see_individual_answers(peer, evaluation)


def test_rounds() -> None:
    assert p.can_open_round(COORD_NORTH, NORTH) and p.can_open_round(COORD_NORTH_2, NORTH)
    assert not p.can_open_round(COORD_SOUTH, NORTH)
    assert not p.can_open_round(ADMIN, NORTH)  # the admin keeps the platform, the region runs its rounds
    assert p.can_view_rounds(ADMIN, NORTH) and p.can_view_rounds(COORD_NORTH, NORTH)
    assert not any(p.can_view_rounds(u, NORTH) for u in (COORD_SOUTH, LEAD, CONTRIBUTOR, PEER))


def test_only_a_lead_invites_colleagues_of_their_own_gemeente() -> None:
    assert p.can_invite_colleague(LEAD, 10)
    assert not p.can_invite_colleague(LEAD, 12)
    assert not p.can_invite_colleague(CONTRIBUTOR, 10)
    assert not p.can_invite_colleague(INACTIVE_LEAD, 10)
    assert not p.can_invite_colleague(ADMIN, 10)
    assert not p.can_invite_colleague(LEAD, None)
