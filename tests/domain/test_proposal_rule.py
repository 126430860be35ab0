"""One rule for a proposal (``scoring.proposal_level``): the colleagues' answers proposing the gemeente's consensus
and the members' scores proposing the peer team's score go through it, so a median between two levels goes to the
lower one in both."""

from __future__ import annotations

import math
import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peerreview.domain.evaluations import AnswerData, consensus_proposal
from peerreview.domain.reviews import team_proposal
from peerreview.domain.scoring import UNKNOWN, proposal_level


def _answers(values) -> list[AnswerData]:
    return [AnswerData() if v is None else AnswerData(unknown=True) if v == UNKNOWN else AnswerData(value=v)
            for v in values]


def _levels(values) -> list[int | None]:
    """What a team member's score form gives for the same values: "weet niet" is no level."""
    return [None if v == UNKNOWN else v for v in values]


@pytest.mark.parametrize(("values", "expected"), [
    ((2, 3), 2),
    ((3, 2), 2),
    ((0, 1), 0),
    ((3, 4), 3),
    ((1, 2, 3, 4), 2),
    ((1, 1, 2, 2), 1),
    ((2, 3, UNKNOWN), 2),  # "weet niet" is no level for either
    ((None, 4, 3, None), 3),  # nor is an empty answer
    ((0, 4), 2),  # a whole median stays
    ((1, 3, 4), 3),
])
def test_both_proposals_take_the_lower_level_between_two(values, expected) -> None:
    assert proposal_level(_levels(values)) == expected
    assert consensus_proposal(_answers(values)).value == expected
    assert team_proposal(_levels(values)) == expected


@given(st.lists(st.one_of(st.integers(min_value=0, max_value=10), st.just(UNKNOWN), st.none()), max_size=12))
def test_the_consensus_and_the_team_proposal_agree_on_any_answers(values) -> None:
    levels = [v for v in _levels(values) if v is not None]
    expected = math.floor(statistics.median(levels)) if levels else None
    team = team_proposal(_levels(values))
    consensus = consensus_proposal(_answers(values))
    assert team == consensus.value == expected
    assert team is None or type(team) is int
    if levels and len(levels) % 2 == 0 and statistics.median(levels) % 1:  # a .5 median: the lower level
        assert team < statistics.median(levels) < team + 1
