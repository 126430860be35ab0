"""A submitted self-evaluation of Aadorp, and peers around it: a chair and a member in its team, and outsiders.

Builds on the ``setting`` of tests/evaluations (region, Aadorp and Beekdal in a round on the minimal
questionnaire, with its people). Items of the minimal questionnaire: themes ``analyse`` and ``keten``, profile
elements ``netwerk`` and ``bestuur`` (sections ``analyse``, ``keten``, ``profiel``); scale 0..4."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from peerreview.domain.evaluations import AnswerData
from peerreview.domain.reviews import Capacity
from peerreview.domain.roles import Role
from peerreview.evaluation.lifecycle import questionnaire_of as questionnaire_of_evaluation
from peerreview.evaluations import services as evaluation_services
from peerreview.extensions import db
from peerreview.models import ConsensusAnswer, Evaluation, Municipality, User
from peerreview.reviews import entries as review_entries
from peerreview.reviews import report as review_report
from peerreview.reviews import services
from tests.evaluations.conftest import Setting, setting  # noqa: F401  (the fixture, re-exported)
from tests.support.hearing import publish_after_hearing

ITEMS = ["analyse", "keten", "netwerk", "bestuur"]
SECTIONS = ["analyse", "keten", "profiel"]
QUESTIONS = ["analyse.cijfers", "analyse.gebruik", "keten.capaciteit", "keten.signalen", "profiel.netwerk.partners",
             "profiel.bestuur.toegang", "profiel.bestuur.druk"]


@dataclass
class Review:
    setting: Setting
    evaluation: Evaluation
    chair: User  # Petra Peer (Cederveen)
    member: User  # Daan Deskundige (Dijkstad)
    outsider: User  # Olaf Outsider (Eemwoude): a peer reviewer of the region, not in the team
    dijkstad: Municipality
    eemwoude: Municipality


def submit_self_evaluation(evaluation: Evaluation, lead: User, value: int = 2) -> None:
    for qid in QUESTIONS:
        row = ConsensusAnswer(evaluation_id=evaluation.id, question_id=qid, updated_by_id=lead.id)
        row.set_data(AnswerData(value=value, explanation=f"Toelichting bij {qid}"))
        db.session.add(row)
    db.session.flush()
    evaluation_services.submit(lead, evaluation, questionnaire_of(evaluation))
    db.session.commit()


@pytest.fixture
def review(setting, create_municipality, create_user) -> Review:  # noqa: F811
    """Aadorp submitted; team: Petra (chair) and Daan; the review started."""
    dijkstad = create_municipality("Dijkstad", region=setting.region)
    eemwoude = create_municipality("Eemwoude", region=setting.region)
    member = create_user(Role.peer_reviewer, municipality=dijkstad, name="Daan Deskundige")
    outsider = create_user(Role.peer_reviewer, municipality=eemwoude, name="Olaf Outsider")
    evaluation = setting.evaluation
    submit_self_evaluation(evaluation, setting.lead)
    coordinator = setting.coordinator
    services.add_member(coordinator, evaluation, setting.peer.id, capacity=Capacity.administrator, as_chair=True,
                        confirmed=False)
    services.add_member(coordinator, evaluation, member.id, capacity=Capacity.official, as_chair=False,
                        confirmed=False)
    services.start_review(coordinator, evaluation)
    db.session.commit()
    return Review(setting, evaluation, setting.peer, member, outsider, dijkstad, eemwoude)


def score_all(client, evaluation: Evaluation, values: dict[str, int], *, submit: bool = True):
    """Post a member's own scores through the page (the client must be logged in as that member)."""
    data = {"csrf_token": "", "action": "submit" if submit else "save"}
    for item, value in values.items():
        data[f"{item}-value"] = str(value)
        data[f"{item}-rationale"] = f"Onderbouwing {item}"
    return client.post(f"/evaluations/{evaluation.id}/review/scores", data=data)


# ---------------------------------------------------------------- helpers for the request tests
#
# Set-up goes through the services (quick, and the same rules as the pages); what a test is about goes through
# the pages.


def page_text(response) -> str:
    """The response body with HTML entities resolved (Jinja escapes ' and ")."""
    import html

    return html.unescape(response.get_data(as_text=True))


def count(model, *where) -> int:
    from sqlalchemy import func, select

    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def questionnaire_of(evaluation: Evaluation):
    return questionnaire_of_evaluation(evaluation)


def give_scores(user: User, evaluation: Evaluation, values: dict[str, int], *, submit: bool = True,
                rationale: str = "Onderbouwing") -> None:
    """A member's own scores through the service (set-up only)."""
    questionnaire = questionnaire_of(evaluation)
    services.save_own_scores(user, evaluation, questionnaire,
                             {item: (str(v), f"{rationale} {item}") for item, v in values.items()})
    if submit:
        services.submit_own_scores(user, evaluation, questionnaire)
    db.session.commit()


def set_team_scores(chair: User, evaluation: Evaluation, values: dict[str, int]) -> None:
    services.save_team_scores(chair, evaluation, questionnaire_of(evaluation),
                              {item: (str(v), f"Motivering {item}") for item, v in values.items()})
    db.session.commit()


def write_report(chair: User, evaluation: Evaluation, *, judgement: str = "De regie is in opbouw.",
                 recommendations: int = 1) -> None:
    from peerreview.domain.reviews import check_recommendation

    questionnaire = questionnaire_of(evaluation)
    if judgement:
        review_report.save_judgement(chair, evaluation, judgement, "Betrokken college.")
    for n in range(recommendations):
        review_report.add_recommendation(chair, evaluation, check_recommendation(
            questionnaire, text=f"Aanbeveling nummer {n + 1}: maak een plan.", section_ids=["analyse"],
            priority="high", addressee="municipality"))
    db.session.commit()


def add_entry(author: User, evaluation: Evaluation, notes: str, *, confidentiality: str = "team",
              themes: tuple[str, ...] = ("analyse",), kind: str = "observation"):
    from peerreview.domain.reviews import EntryKind, check_entry
    from tests.conftest import app_today

    data = check_entry(questionnaire_of(evaluation), kind=EntryKind(kind), held_on=app_today(), notes=notes,
                       section_ids=list(themes), confidentiality=confidentiality,
                       interviewees="Wethouder – gemeente", today=app_today())
    row = review_entries.add_entry(author, evaluation, data)
    db.session.commit()
    return row


def ready_to_publish(review: Review, *, member_submits: bool = True) -> None:
    """Both members scored (or only the chair), every team score set, a judgement and one recommendation."""
    if member_submits:
        give_scores(review.member, review.evaluation, dict.fromkeys(ITEMS, 2))
    give_scores(review.chair, review.evaluation, dict.fromkeys(ITEMS, 3))
    set_team_scores(review.chair, review.evaluation, dict.fromkeys(ITEMS, 3))
    write_report(review.chair, review.evaluation)


def publish_report(review: Review) -> None:
    """Ready and published (every member submitted)."""
    ready_to_publish(review)
    publish_after_hearing(review.chair, review.evaluation, review.setting.lead)
