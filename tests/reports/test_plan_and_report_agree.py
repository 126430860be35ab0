"""The plan page's table of scores (target against actual) and the result report read the same numbers: the plan
asks the result report's rules (``domain.results.peer_scores`` and ``self_scores``) instead of computing its own."""

from __future__ import annotations

import pytest

from peerreview.evaluation.lifecycle import load_evaluation, questionnaire_of
from peerreview.plans.services import plan_page
from peerreview.reports.services import build_report

pytestmark = pytest.mark.db


def test_the_plan_page_shows_the_scores_of_the_result_report(build_region):
    built = build_region(5)  # five patterns of team scores: the profile's mean is a whole or a half level
    profiles = set()
    for member in range(5):
        evaluation = load_evaluation(built.evaluation(member).id)
        questionnaire = questionnaire_of(evaluation)
        lead = built.leads[member]
        report = build_report(evaluation, lead)
        in_report = {item.id: (item.peer_score, item.self_score) for item in report.sections}
        on_plan = {row.section.id: (row.peer_score, row.self_score)
                   for row in plan_page(lead, evaluation, questionnaire, {}).scores}
        assert on_plan == in_report
        profiles.add(on_plan["profiel"][0])
    assert len(profiles) > 1 and any(score % 1 for score in profiles)  # the test saw halves, not only levels

