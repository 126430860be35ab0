"""The voortgangsreview: after the plan period the peer team's chair records a verdict per recommendation, with a
note; the gemeente reads it beside its plan, and the report shows it too."""

from __future__ import annotations

from peerreview.domain.plans import Verdict
from peerreview.extensions import db
from peerreview.models import RecommendationVerdict
from tests.reviews.conftest import count, page_text

from .conftest import add_action, end_plan_period


def review_url(plan) -> str:
    return f"/evaluations/{plan.evaluation.id}/plan/review"


def verdict_form(plan, **values) -> dict:
    first, second = plan.recommendations
    data = {f"r{first.id}-verdict": "followed", f"r{first.id}-note": "Het plan ligt er en is vastgesteld.",
            f"r{second.id}-verdict": "not_followed", f"r{second.id}-note": "Geen afspraken met de keten gemaakt."}
    data.update(values)
    return data


def test_during_the_plan_period_the_chair_cannot_judge_yet(client, auth, plan):
    auth.login(plan.chair)
    page = client.get(review_url(plan))
    assert page.status_code == 200
    assert "De voortgangsreview begint na de planperiode" in page_text(page)
    response = client.post(review_url(plan), data=verdict_form(plan))
    assert response.status_code == 422
    assert "De voortgangsreview begint na de planperiode" in page_text(response)
    assert count(RecommendationVerdict) == 0


def test_after_the_plan_period_the_chair_records_verdicts_and_the_gemeente_sees_them(client, auth, plan):
    row = add_action(plan)
    end_plan_period(plan.evaluation)
    auth.login(plan.chair)
    response = client.post(review_url(plan), data=verdict_form(plan))
    assert response.status_code == 302
    stored = {v.recommendation_id: v for v in db.session.query(RecommendationVerdict)}
    assert stored[plan.recommendations[0].id].verdict is Verdict.followed
    assert stored[plan.recommendations[1].id].verdict is Verdict.not_followed
    auth.logout()
    auth.login(plan.lead)
    text = page_text(client.get(f"/evaluations/{plan.evaluation.id}/plan"))
    assert "Het plan ligt er en is vastgesteld." in text and "Niet opgevolgd" in text
    action_page = page_text(client.get(f"/evaluations/{plan.evaluation.id}/plan/actions/{row.id}"))
    assert "Opgevolgd" in action_page  # the chain: the action shows the verdict on what it answers
    report = page_text(client.get(f"/evaluations/{plan.evaluation.id}/report"))
    assert "Voortgangsreview:" in report


def test_a_verdict_needs_a_note_and_a_known_kind(client, auth, plan):
    end_plan_period(plan.evaluation)
    first, second = plan.recommendations
    auth.login(plan.chair)
    response = client.post(review_url(plan), data=verdict_form(
        plan, **{f"r{first.id}-note": "", f"r{second.id}-verdict": "geweldig"}))
    assert response.status_code == 422
    text = page_text(response)
    assert "Licht het oordeel kort toe" in text and "Kies een oordeel" in text
    assert count(RecommendationVerdict) == 0
    long = client.post(review_url(plan), data=verdict_form(plan, **{f"r{first.id}-note": "z" * 9000}))
    assert long.status_code == 422 and "De toelichting is te lang" in page_text(long)
    assert count(RecommendationVerdict) == 0


def test_only_the_chair_judges(client, auth, plan):
    end_plan_period(plan.evaluation)
    for user in (plan.review.member, plan.lead, plan.setting.coordinator):
        auth.login(user)
        assert client.get(review_url(plan)).status_code == 403
        assert client.post(review_url(plan), data=verdict_form(plan)).status_code == 403
        auth.logout()
    assert count(RecommendationVerdict) == 0


def test_a_crafted_verdict_for_another_recommendation_is_not_read(client, auth, plan):
    end_plan_period(plan.evaluation)
    auth.login(plan.chair)
    response = client.post(review_url(plan), data={"r999999-verdict": "followed", "r999999-note": "Ingebroken."})
    assert response.status_code == 302
    assert count(RecommendationVerdict) == 0
