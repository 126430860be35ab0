"""Why a report cannot be published (``reviews.publication_refusal``): one reason or none, for the page and for
``publish`` alike; whoever may not publish always gets a reason."""

from __future__ import annotations

import pytest

from peerreview.domain.evaluations import EvaluationStatus
from peerreview.domain.reviews import (
    Member,
    PublicationCheck,
    ReviewItem,
    publication_check,
    publication_refusal,
)

ITEMS = (ReviewItem("analyse", "1", "Analyse", "analyse", False), ReviewItem("keten", "2", "Keten", "keten", False))
BRAM, EVA = Member(2, "Bram"), Member(5, "Eva")
REVIEWING = EvaluationStatus.in_peer_review


def check(*, scores: dict | None = None, judgement: str = "Goede regie.", recommendations: int = 1,
          submitted: frozenset[int] | set[int] = frozenset({2, 5})) -> PublicationCheck:
    return publication_check(ITEMS, {"analyse": 3, "keten": 2} if scores is None else scores, judgement=judgement,
                             recommendation_count=recommendations, members=(BRAM, EVA), submitted_ids=submitted)


def test_the_chair_of_a_complete_report_is_not_refused() -> None:
    assert publication_refusal(check(), status=REVIEWING, may_publish=True) is None


def test_members_without_scores_are_a_confirmation_not_a_refusal() -> None:
    assert publication_refusal(check(submitted={5}), status=REVIEWING, may_publish=True) is None


@pytest.mark.parametrize(("kwargs", "problem"), [
    ({"scores": {"analyse": 3}}, "Nog 1 van 2 onderdelen zonder score van het team."),
    ({"judgement": " "}, "Het oordeel over de regie ontbreekt."),
    ({"recommendations": 0}, "Er is nog geen aanbeveling."),
])
def test_an_incomplete_report_is_refused_with_what_is_missing(kwargs, problem) -> None:
    result = check(**kwargs)
    assert publication_refusal(result, status=REVIEWING, may_publish=True) == (
        f"Het concept kan nog niet naar de gemeente: {problem}")
    assert result.refusal == publication_refusal(result, status=REVIEWING, may_publish=True)
    assert not result.can_publish


def test_every_problem_is_named_in_the_one_reason() -> None:
    reason = publication_refusal(check(scores={}, judgement="", recommendations=0), status=REVIEWING,
                                 may_publish=True)
    assert reason == ("Het concept kan nog niet naar de gemeente: Nog 2 van 2 onderdelen zonder score van het "
                      "team. Het oordeel over de regie ontbreekt. Er is nog geen aanbeveling.")


@pytest.mark.parametrize(("status", "reason"), [
    (EvaluationStatus.published, "Het rapport is gepubliceerd en kan niet meer worden gewijzigd."),
    (EvaluationStatus.closed, "Het rapport is gepubliceerd en kan niet meer worden gewijzigd."),
    (EvaluationStatus.draft, "De collegiale toetsing loopt nu niet; er is niets opgeslagen."),
    (EvaluationStatus.submitted, "De collegiale toetsing loopt nu niet; er is niets opgeslagen."),
    (EvaluationStatus.in_peer_review, "Alleen de voorzitter van het peer team schrijft het rapport."),
])
def test_who_may_not_publish_is_told_why_before_what_is_missing(status, reason) -> None:
    assert publication_refusal(check(), status=status, may_publish=False) == reason
    assert publication_refusal(check(recommendations=0), status=status, may_publish=False) == reason


@pytest.mark.parametrize("status", list(EvaluationStatus))
@pytest.mark.parametrize("complete", [True, False])
def test_whoever_may_not_publish_always_has_a_reason(status, complete) -> None:
    result = check() if complete else check(judgement="")
    assert publication_refusal(result, status=status, may_publish=False)
