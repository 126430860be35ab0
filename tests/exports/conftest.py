"""A region with published reports (tests/reports' ``build_region``), one of whose members has everything an export
shows: contributors' own answers, consensus notes, a quotable and a team-only interview, a plan with actions in
every status, notes, targets and verdicts, and user text that a spreadsheet would read as a formula.

Minimal questionnaire: themes ``analyse`` and ``keten`` (external), profile ``profiel`` with elements ``netwerk``
and ``bestuur``; scale 0..4."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from peerreview.domain.evaluations import AnswerData, SectionNoteData
from peerreview.domain.hearing import PointAnswer
from peerreview.domain.plans import ActionStatus, OwnerKind, Verdict
from peerreview.domain.reviews import Confidentiality, EntryKind
from peerreview.domain.roles import Role
from peerreview.extensions import db
from peerreview.models import (
    ActionNote,
    ActionRecommendation,
    ActionTheme,
    Answer,
    ConsensusNote,
    Evaluation,
    FactualPoint,
    ImprovementAction,
    PlanTarget,
    Recommendation,
    RecommendationVerdict,
    ReviewEntry,
    ReviewEntryTheme,
    User,
)
from peerreview.models.types import utcnow
from tests.reports.conftest import Built, build_region, login  # noqa: F401  (fixture and helper reused)

#: Texts a user may type that a spreadsheet program would evaluate if written as they are.
HOSTILE = ("=HYPERLINK(\"http://example.com/x\",\"klik\")", "+31 6 1234", "-2+3", "@SUM(A1:A2)", "\tverborgen",
           "=1+1")
QUOTE = "Citeerbaar: de burgemeester zegt dat de regie op Financiën en € 12.500 budget ïs geregeld."
SECRET = "Geheim teamgesprek: alleen voor het team bestemd"
REACTION = "Het college neemt de aanbevelingen over; reactie met ë, é en ï."
AFTERWORD = "Het peer team dankt het college voor zijn reactie."
POINTS = ("Het veiligheidsplan is van 2019, niet van 2018.", "Het ketenoverleg bestaat al sinds 2017.")


@dataclass
class Exported:
    built: Built
    evaluation: Evaluation
    lead: User
    contributor: User
    recommendations: list[Recommendation]
    actions: list[ImprovementAction]


@pytest.fixture
def exported(build_region, create_user, today):  # noqa: F811
    """A region of six published members; member 1 has the full export content (see the module's docstring)."""
    built = build_region(6, rounds=1)
    evaluation = built.evaluation(1)
    lead = built.leads[1]
    contributor = create_user(Role.municipal_contributor, municipality=built.municipalities[1],
                              name="Collega Zoë Ünal")
    municipality = built.municipalities[1]
    municipality.name = "Súdwest-Fryslân ë"
    for author, value, text in ((lead, 3, "Eigen toelichting van de trekker"),
                                (contributor, 1, HOSTILE[0])):
        row = Answer(evaluation_id=evaluation.id, question_id="analyse.cijfers", author_id=author.id)
        row.set_data(AnswerData(value=value, explanation=text, evidence=HOSTILE[3]))
        db.session.add(row)
    note = ConsensusNote(evaluation_id=evaluation.id, section_id="analyse", updated_by_id=lead.id)
    note.set_data(SectionNoteData(strengths="Goede cijfers", improvements=HOSTILE[2]))
    db.session.add(note)
    db.session.add_all([
        ReviewEntry(evaluation_id=evaluation.id, author_id=built.chair.id, kind=EntryKind.interview,
                    held_on=date(2020, 5, 1), notes=QUOTE, interviewees="Burgemeester – gemeente",
                    confidentiality=Confidentiality.quotable, themes=[ReviewEntryTheme(section_id="analyse")]),
        ReviewEntry(evaluation_id=evaluation.id, author_id=built.chair.id, kind=EntryKind.interview,
                    held_on=date(2020, 5, 2), notes=SECRET, interviewees="Wethouder",
                    confidentiality=Confidentiality.team, themes=[ReviewEntryTheme(section_id="analyse")]),
    ])
    from peerreview.models import PeerReport

    report = db.session.get(PeerReport, evaluation.id)
    report.reaction = REACTION
    report.reaction_at = utcnow()
    report.reaction_decided_on = date(2020, 6, 2)
    report.reaction_reference = "BW-2020/0417"
    report.afterword = AFTERWORD
    report.documents = "Integraal veiligheidsplan 2019–2022\n\n  Jaarverslag openbare orde 2019  \n"
    report.judgement = "Het peer team oordeelt positief.\nTweede alinea met € en ë."
    recommendations = list(db.session.scalars(
        db.select(Recommendation).where(Recommendation.evaluation_id == evaluation.id)
        .order_by(Recommendation.position)))
    recommendations[0].text = HOSTILE[1] + " bel de wijkagent"
    on = today
    specs = (
        ("Analyse actualiseren", ActionStatus.done, on - timedelta(days=30), "analyse", 0),
        (HOSTILE[5], ActionStatus.in_progress, on - timedelta(days=3), "keten", 1),  # overdue
        ("Ketenoverleg starten", ActionStatus.planned, on + timedelta(days=60), "keten", 2),
        ("Vervallen actie", ActionStatus.dropped, on + timedelta(days=10), "analyse", 0),
    )
    actions = []
    for title, status, due, section, rec in specs:
        action = ImprovementAction(
            evaluation_id=evaluation.id, title=title, description=f"Beschrijving van {title}", owner=HOSTILE[4],
            owner_kind=OwnerKind.internal, start_on=on - timedelta(days=90), due_on=due, status=status,
            status_reason="Niet meer nodig" if status is ActionStatus.dropped else "",
            completed_on=on - timedelta(days=31) if status is ActionStatus.done else None,
            created_by_id=lead.id, updated_by_id=lead.id,
            themes=[ActionTheme(section_id=section)],
            links=[ActionRecommendation(recommendation_id=recommendations[rec].id)])
        action.notes = [ActionNote(noted_on=on - timedelta(days=5), text=f"Voortgang {title}", author_id=lead.id)]
        db.session.add(action)
        actions.append(action)
    db.session.add_all([
        PlanTarget(evaluation_id=evaluation.id, section_id="analyse", target=3, updated_by_id=lead.id),
        PlanTarget(evaluation_id=evaluation.id, section_id="keten", target=2, updated_by_id=lead.id),
        RecommendationVerdict(recommendation_id=recommendations[0].id, evaluation_id=evaluation.id,
                              verdict=Verdict.followed, note="Goed opgepakt", decided_by_id=built.chair.id),
    ])
    db.session.add_all([
        FactualPoint(evaluation_id=evaluation.id, place="judgement", place_label="Het oordeel", text=POINTS[0],
                     author_id=lead.id, created_at=utcnow() - timedelta(days=2), answer=PointAnswer.adopted,
                     answer_text="Het jaartal is aangepast.", answered_by_id=built.chair.id, answered_at=utcnow()),
        FactualPoint(evaluation_id=evaluation.id, place="section:keten", place_label="Thema 2. Keten",
                     text=POINTS[1], author_id=lead.id, created_at=utcnow() - timedelta(days=1),
                     answer=PointAnswer.not_adopted, answer_text="Dit is een oordeel, geen feit.",
                     answered_by_id=built.chair.id, answered_at=utcnow()),
    ])
    db.session.commit()
    return Exported(built, evaluation, lead, contributor, recommendations, actions)
