"""flask seed national: the synthetic national data set that ``make bench`` measures on. It must be deterministic,
consistent (the rows the services would write, in states the pages accept) and readable by every key page."""

from __future__ import annotations

import hashlib
from collections import Counter

import pytest
from sqlalchemy import func, select

from peerreview.domain.evaluations import EvaluationStatus
from peerreview.domain.reviews import Addressee
from peerreview.extensions import db
from peerreview.models import (
    ActionRecommendation,
    Answer,
    ConsensusAnswer,
    Evaluation,
    ImprovementAction,
    Municipality,
    PeerReport,
    Recommendation,
    RecommendationVerdict,
    Region,
    RegionMembership,
    Round,
    TeamMember,
    TeamScore,
    User,
)
from peerreview.seed.national import NATIONAL_PASSWORD, load_national, national_email
from tests.conftest import REAL_QUESTIONNAIRES

pytestmark = pytest.mark.db

SMALL = {"gemeenten": 30, "rounds": 3, "regions": 4, "seed": 7, "year": 2026, "password_method": "pbkdf2:sha256:1000"}


@pytest.fixture
def app_config() -> dict:
    return {"QUESTIONNAIRES_PATH": str(REAL_QUESTIONNAIRES)}


def _digest() -> str:
    """A fingerprint of the content by natural keys (CBS code, year, question, e-mail), not by ids: PostgreSQL's
    sequences go on counting after the tables are emptied."""
    place = (Municipality.cbs_code, Round.year)

    def of(model, *columns):
        return (select(*place, *columns).select_from(model).join(Evaluation, Evaluation.id == model.evaluation_id)
                .join(Round, Round.id == Evaluation.round_id)
                .join(Municipality, Municipality.id == Evaluation.municipality_id).order_by(*place, *columns))

    parts = []
    for statement in (
        select(Municipality.cbs_code, Municipality.name, Municipality.inhabitants).order_by(Municipality.cbs_code),
        select(Region.name, func.count()).join(RegionMembership).group_by(Region.name).order_by(Region.name),
        select(*place, Evaluation.status).join(Round, Round.id == Evaluation.round_id)
        .join(Municipality, Municipality.id == Evaluation.municipality_id).order_by(*place),
        of(Answer, Answer.question_id, User.email, Answer.value).join(User, User.id == Answer.author_id),
        of(TeamScore, TeamScore.item_id, TeamScore.value),
        of(Recommendation, Recommendation.position, Recommendation.text, Recommendation.addressee),
        of(ImprovementAction, ImprovementAction.title, ImprovementAction.status, ImprovementAction.due_on),
    ):
        parts.append(repr(db.session.execute(statement).all()))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _empty() -> None:
    db.session.rollback()
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


def test_it_makes_what_was_asked_and_reports_it(app):
    summary = load_national(**SMALL)
    db.session.commit()
    count = lambda model: db.session.scalar(select(func.count()).select_from(model))  # noqa: E731
    assert count(Region) == 4 and count(Municipality) == 30 and count(Round) == 4 * 3
    assert count(Evaluation) == 30 * 3  # every member in every round
    assert summary.counts["evaluations"] == 90 and summary.counts["municipalities"] == 30
    # four people per gemeente, a coordinator per region and the admin
    assert count(User) == 30 * 4 + 4 + 1
    text = "\n".join(summary.lines())
    assert "gemeenten" in text and "90" in text and "2024–2026" in text
    sizes = [n for (n,) in db.session.execute(select(func.count()).select_from(RegionMembership)
                                               .group_by(RegionMembership.region_id))]
    assert sum(sizes) == 30 and min(sizes) >= 1 and max(sizes) > min(sizes)  # uneven, as real regions


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(app):
    load_national(**SMALL)
    db.session.commit()
    first = _digest()
    _empty()
    load_national(**SMALL)
    db.session.commit()
    assert _digest() == first
    _empty()
    load_national(**{**SMALL, "seed": 8})
    db.session.commit()
    assert _digest() != first


def test_the_rows_are_consistent(app):
    from peerreview.evaluation.lifecycle import questionnaire_of_round

    load_national(**SMALL)
    db.session.commit()
    evaluations = list(db.session.scalars(select(Evaluation).join(Round)))
    questionnaire = questionnaire_of_round(evaluations[0].round)
    questions = len(questionnaire.questions)
    answers = Counter(db.session.execute(select(Answer.evaluation_id, Answer.author_id)).all())
    latest = max(e.round.year for e in evaluations)
    statuses = Counter(e.status for e in evaluations if e.round.year == latest)
    assert statuses[EvaluationStatus.published] > statuses[EvaluationStatus.in_peer_review]
    assert all(statuses[s] for s in (EvaluationStatus.draft, EvaluationStatus.submitted,
                                     EvaluationStatus.in_peer_review))  # every stage, however small the set
    for evaluation in evaluations:
        authors = [a for (e, a), n in answers.items() if e == evaluation.id]
        assert len(authors) == 3 and all(answers[(evaluation.id, a)] == questions for a in authors)  # complete
        if evaluation.round.year < latest:
            assert evaluation.status is EvaluationStatus.closed
        team = list(db.session.scalars(select(TeamMember).where(TeamMember.evaluation_id == evaluation.id)))
        if evaluation.status in (EvaluationStatus.draft, EvaluationStatus.submitted):
            assert not team and db.session.get(PeerReport, evaluation.id) is None
            continue
        assert len(team) == 3 and sum(m.is_chair for m in team) == 1
        reviewers = [db.session.get(User, m.user_id) for m in team]
        assert evaluation.municipality_id not in {r.municipality_id for r in reviewers}  # never their own
        if not evaluation.status.is_report_published:
            continue
        consensus = db.session.scalar(select(func.count()).where(ConsensusAnswer.evaluation_id == evaluation.id))
        assert consensus == questions
        report = db.session.get(PeerReport, evaluation.id)
        assert report.published_at is not None
        assert (report.closed_at is not None) == (evaluation.status is EvaluationStatus.closed)
        recommendations = list(db.session.scalars(select(Recommendation)
                                                  .where(Recommendation.evaluation_id == evaluation.id)))
        assert 3 <= len(recommendations) <= 6 and all(r.themes for r in recommendations)
        assert any(r.addressee is Addressee.municipality for r in recommendations)
        linked = set(db.session.scalars(select(ActionRecommendation.recommendation_id)
                                        .join(ImprovementAction).where(ImprovementAction.evaluation_id ==
                                                                       evaluation.id)))
        assert linked <= {r.id for r in recommendations}  # an action answers a recommendation of its own report
        verdicts = db.session.scalar(select(func.count()).where(RecommendationVerdict.evaluation_id ==
                                                                evaluation.id))
        assert verdicts == (len(recommendations) if evaluation.status is EvaluationStatus.closed else 0)


def _login(client, local: str) -> None:
    client.post("/auth/logout")
    response = client.post("/auth/login", data={"email": national_email(local), "password": NATIONAL_PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]


def test_every_key_page_reads_the_data(app, client):
    load_national(**SMALL)
    db.session.commit()
    latest = db.session.scalar(select(func.max(Round.year)))
    published = db.session.scalar(select(Evaluation).join(Round).where(
        Round.year == latest, Evaluation.status == EvaluationStatus.published).order_by(Evaluation.id))
    draft = db.session.scalar(select(Evaluation).where(Evaluation.status == EvaluationStatus.draft)
                              .order_by(Evaluation.id))
    code = published.municipality.cbs_code.lower()
    _login(client, f"trekker.{code}")
    for url in (f"/evaluations/{published.id}/results", f"/evaluations/{published.id}/benchmark",
                f"/evaluations/{published.id}/plan", f"/evaluations/{published.id}/results/report.pdf",
                f"/evaluations/{published.id}/results/data.xlsx"):
        assert client.get(url).status_code == 200, url
    html = client.get(f"/evaluations/{published.id}/results").get_data(as_text=True)
    assert "Ontwikkeling over de rondes" in html  # three rounds: a trend
    region_number = db.session.scalar(select(Region.id).join(Round).where(Round.id == published.round_id))
    coordinator = db.session.scalar(select(User).where(User.region_id == region_number))
    _login(client, coordinator.email.split("@")[0])
    assert client.get(f"/rounds/{published.round_id}/results").status_code == 200
    assert client.get(f"/rounds/{published.round_id}/results/region.xlsx").status_code == 200
    _login(client, f"bijdrager1.{draft.municipality.cbs_code.lower()}")
    assert client.get(f"/evaluations/{draft.id}/sections/expertise").status_code == 200
    chair = db.session.scalar(select(User).join(TeamMember, TeamMember.user_id == User.id)
                              .where(TeamMember.evaluation_id == published.id, TeamMember.is_chair))
    _login(client, chair.email.split("@")[0])
    assert client.get(f"/evaluations/{published.id}/results").status_code == 200


def test_the_command_fills_an_empty_database_only(runner):
    result = runner.invoke(args=["seed", "national", "--gemeenten", "12", "--rounds", "2", "--regions", "3",
                                 "--year", "2026"])
    assert result.exit_code == 0, result.output
    assert "gemeenten" in result.output and national_email("beheer") in result.output
    assert db.session.scalar(select(func.count()).select_from(Municipality)) == 12
    again = runner.invoke(args=["seed", "national", "--gemeenten", "12"])
    assert again.exit_code != 0 and "lege database" in again.output
    assert db.session.scalar(select(func.count()).select_from(Municipality)) == 12


def test_the_command_refuses_impossible_sizes(runner):
    result = runner.invoke(args=["seed", "national", "--gemeenten", "3", "--regions", "5"])
    assert result.exit_code != 0 and "niet meer regio's dan gemeenten" in result.output
    assert db.session.scalar(select(func.count()).select_from(Municipality)) == 0
