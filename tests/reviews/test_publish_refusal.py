"""Sending the concept to the gemeente (what publication was before hoor en wederhoor) refuses with the one reason
the page shows (``reviews.report.refusal_of``), and sends nothing when there is one, whatever the reason; the
publication after hoor en wederhoor needs the reaction stage."""

from __future__ import annotations

import pytest

from peerreview.domain import permissions
from peerreview.domain.errors import NotAllowed
from peerreview.domain.evaluations import EvaluationStatus
from peerreview.extensions import db
from peerreview.models import PeerReport
from peerreview.reviews import hearing
from peerreview.reviews import report as review_report
from tests.support.hearing import publish_after_hearing, send_concept

from .conftest import questionnaire_of, ready_to_publish, write_report

pytestmark = pytest.mark.db


def _refused(review, actor) -> str:
    evaluation = review.evaluation
    check = review_report.publication_state(evaluation, questionnaire_of(evaluation))
    reason = review_report.refusal_of(actor, evaluation, check)
    with pytest.raises(NotAllowed) as caught:
        hearing.send_concept(actor, evaluation, questionnaire_of(evaluation), None)
    db.session.rollback()
    assert caught.value.message == reason
    report = db.session.get(PeerReport, evaluation.id)
    assert report is None or (report.published_at is None and report.concept_sent_at is None)
    assert evaluation.status is EvaluationStatus.in_peer_review
    return reason


def test_a_member_who_is_not_the_chair_is_refused_with_the_pages_reason(review):
    ready_to_publish(review)
    assert _refused(review, review.member) == "Alleen de voorzitter van het peer team schrijft het rapport."


def test_the_chair_of_an_incomplete_report_is_refused_with_what_is_missing(review):
    write_report(review.chair, review.evaluation)  # no team scores yet
    assert _refused(review, review.chair).startswith("Het concept kan nog niet naar de gemeente: Nog 4 van 4")


def test_no_refusal_by_the_rules_of_publishing_lets_a_report_through(review, monkeypatch):
    """The chair who may write the report but (by a stricter rule) may not send it: publish used to go on
    whenever writing was allowed."""
    ready_to_publish(review)
    monkeypatch.setattr(permissions, "can_send_concept", lambda user, evaluation, team: False)
    assert permissions.can_write_report(review.chair, review.evaluation, review_report.team_of(review.evaluation))
    assert _refused(review, review.chair) == "Alleen de voorzitter van het peer team schrijft het rapport."


def test_the_chair_of_a_ready_report_is_not_refused_and_sends_the_concept(review):
    ready_to_publish(review)
    evaluation = review.evaluation
    check = review_report.publication_state(evaluation, questionnaire_of(evaluation))
    assert review_report.refusal_of(review.chair, evaluation, check) is None
    send_concept(review.chair, evaluation)
    assert evaluation.status is EvaluationStatus.fact_check


def test_publication_is_refused_before_the_reaction_stage_and_goes_through_after_it(review):
    ready_to_publish(review)
    evaluation = review.evaluation
    send_concept(review.chair, evaluation)
    with pytest.raises(NotAllowed, match="na hoor en wederhoor"):
        hearing.publish(review.chair, evaluation)
    db.session.rollback()
    assert evaluation.status is EvaluationStatus.fact_check
    assert db.session.get(PeerReport, evaluation.id).published_at is None


def test_the_whole_hearing_ends_in_publication(review):
    ready_to_publish(review)
    publish_after_hearing(review.chair, review.evaluation, review.setting.lead)
    assert review.evaluation.status is EvaluationStatus.published
    assert db.session.get(PeerReport, review.evaluation.id).published_by_id == review.chair.id
