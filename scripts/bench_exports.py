"""How long the exports take, and how much memory they need, for a region of 25 gemeenten (README, "Benchmarks").

    .venv/bin/python scripts/bench_exports.py [--members 25] [--runs 20]

Builds a throwaway SQLite database (migrated like production) with one region on the real questionnaire: 25
gemeenten, each with a submitted self-evaluation (every question answered with an explanation), a published peer
report (team scores and motivations on all 16 items, a judgement, five recommendations), two quotable and two
team-only interview notes and a plan of six actions with notes. Then it times, with a warm app, what a download
does: gathering the export (the queries) and writing the file, for one gemeente's PDF and Excel and for the
region's Excel; the median and the slowest of ``--runs`` runs, and the peak of Python's memory (tracemalloc) in a
separate run. The database is deleted afterwards."""

from __future__ import annotations

import argparse
import secrets
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build(members: int) -> tuple[int, list[int], int]:
    """The region; returns the round id, the evaluation ids and the coordinator's user id."""
    from peerreview.domain.evaluations import AnswerData, EvaluationStatus
    from peerreview.domain.plans import ActionStatus
    from peerreview.domain.reviews import Addressee, Confidentiality, EntryKind, Priority, review_items
    from peerreview.domain.roles import Role
    from peerreview.extensions import db
    from peerreview.models import (
        ActionNote,
        ActionRecommendation,
        ActionTheme,
        ConsensusAnswer,
        Evaluation,
        ImprovementAction,
        Municipality,
        PeerReport,
        Recommendation,
        RecommendationTheme,
        Region,
        RegionMembership,
        ReviewEntry,
        ReviewEntryTheme,
        Round,
        TeamMember,
        TeamScore,
        User,
    )
    from peerreview.models.types import utcnow
    from peerreview.questionnaires.services import get_questionnaire, record_use

    questionnaire = get_questionnaire("regie-integrale-veiligheid", "2026.1")
    record_use(questionnaire)
    region = Region(name="Veiligheidsregio Benchmark", description="")
    db.session.add(region)
    db.session.flush()
    coordinator = User(email="coordinator@bench.invalid", name="Coördinator", role=Role.region_coordinator,
                       region=region, password_hash=None)
    db.session.add(coordinator)
    today = date.today()
    round_ = Round(region_id=region.id, name=f"Collegiale toets {today.year}", year=today.year,
                   questionnaire_key=questionnaire.key, questionnaire_version=questionnaire.version,
                   questionnaire_hash=questionnaire.content_hash, self_evaluation_due=today - timedelta(days=200),
                   peer_review_due=today - timedelta(days=100), plan_due=today + timedelta(days=200))
    db.session.add(round_)
    db.session.flush()
    items = review_items(questionnaire)
    sections = [s.id for s in questionnaire.sections]
    evaluation_ids = []
    for index in range(members):
        municipality = Municipality(name=f"Gemeente {index:02d}", cbs_code=f"GM{9000 + index}",
                                    inhabitants=[8_000, 25_000, 60_000, 150_000][index % 4] + index * 100)
        db.session.add(municipality)
        db.session.flush()
        db.session.add(RegionMembership(region_id=region.id, municipality_id=municipality.id))
        lead = User(email=f"lead{index}@bench.invalid", name=f"Trekker {index}", role=Role.municipal_lead,
                    municipality=municipality, password_hash=None)
        db.session.add(lead)
        db.session.flush()
        evaluation = Evaluation(round_id=round_.id, municipality_id=municipality.id,
                                status=EvaluationStatus.published, submitted_at=utcnow(), submitted_by_id=lead.id)
        db.session.add(evaluation)
        db.session.flush()
        evaluation_ids.append(evaluation.id)
        for q_index, question in enumerate(questionnaire.questions):
            row = ConsensusAnswer(evaluation_id=evaluation.id, question_id=question.id, updated_by_id=lead.id)
            row.set_data(AnswerData(value=1 + (index + q_index) % 5,
                                    explanation="Toelichting bij het antwoord, met een verwijzing naar het IVP. " * 3))
            db.session.add(row)
        db.session.add(TeamMember(evaluation_id=evaluation.id, user_id=coordinator.id, is_chair=True))
        for i_index, item in enumerate(items):
            db.session.add(TeamScore(evaluation_id=evaluation.id, item_id=item.id, value=1 + (index * 3 + i_index) % 5,
                                     motivation="Het team zag in de gesprekken een stevige basis, maar ook ruimte "
                                                "voor verbetering in de samenwerking met partners. " * 2))
        db.session.add(PeerReport(evaluation_id=evaluation.id, judgement="Het peer team oordeelt ... " * 40,
                                  strengths="Betrokken bestuur; korte lijnen. " * 5, published_at=utcnow()))
        recommendations = []
        for position in range(1, 6):
            recommendation = Recommendation(
                evaluation_id=evaluation.id, position=position, text=f"Aanbeveling {position}: " + "maak werk van "
                "de regie op dit thema. " * 4, priority=list(Priority)[position % 3],
                addressee=list(Addressee)[position % 3],
                themes=[RecommendationTheme(section_id=sections[(index + position) % len(sections)])])
            db.session.add(recommendation)
            recommendations.append(recommendation)
        db.session.flush()
        for number in range(4):
            db.session.add(ReviewEntry(
                evaluation_id=evaluation.id, kind=EntryKind.interview, held_on=today - timedelta(days=120),
                notes="Aantekening van het gesprek. " * 20, interviewees="Burgemeester – gemeente",
                confidentiality=Confidentiality.quotable if number % 2 else Confidentiality.team,
                themes=[ReviewEntryTheme(section_id=sections[number])]))
        for number in range(6):
            db.session.add(ImprovementAction(
                evaluation_id=evaluation.id, title=f"Actie {number}", description="Wat we gaan doen. " * 10,
                owner="Team Openbare Orde en Veiligheid", start_on=today - timedelta(days=60),
                due_on=today + timedelta(days=number * 20 - 30), status=list(ActionStatus)[number % 4],
                status_reason="Niet meer nodig" if number % 4 == 3 else "",
                themes=[ActionTheme(section_id=sections[number])],
                links=[ActionRecommendation(recommendation_id=recommendations[number % 5].id)],
                notes=[ActionNote(noted_on=today - timedelta(days=5), text="Voortgang: op schema.")]))
    db.session.commit()
    return round_.id, evaluation_ids, coordinator.id


def measure(label: str, action: Callable[[], bytes], runs: int) -> dict:
    action()  # warm: templates, fonts, questionnaire cache
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        size = len(action())
        times.append(time.perf_counter() - started)
    tracemalloc.start()
    action()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"what": label, "median_ms": statistics.median(times) * 1000, "max_ms": max(times) * 1000,
            "peak_mb": peak / 2**20, "size_kb": size / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=25)
    parser.add_argument("--runs", type=int, default=20)
    options = parser.parse_args()

    from flask_migrate import upgrade

    from peerreview import create_app
    from peerreview.evaluations.services import load_evaluation
    from peerreview.exports import pdf, services, workbooks
    from peerreview.extensions import db
    from peerreview.models import Round, User

    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db", "SECRET_KEY": secrets.token_hex(32),
                          "PUBLIC_BASE_URL": "http://127.0.0.1:5000",
                          "QUESTIONNAIRES_PATH": str(ROOT / "questionnaires")}, instance_path=folder)
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            started = time.perf_counter()
            round_id, evaluation_ids, coordinator_id = build(options.members)
            print(f"Regio met {options.members} gemeenten gebouwd in {time.perf_counter() - started:.1f} s")
            viewer = db.session.get(User, coordinator_id)

            def one_pdf() -> bytes:
                db.session.expire_all()
                return pdf.report_pdf(services.evaluation_export(load_evaluation(evaluation_ids[1]), viewer))

            def one_xlsx() -> bytes:
                db.session.expire_all()
                return workbooks.evaluation_workbook(
                    services.evaluation_export(load_evaluation(evaluation_ids[1]), viewer))

            def region_xlsx() -> bytes:
                db.session.expire_all()
                return workbooks.region_workbook(services.region_export(db.session.get(Round, round_id)))

            rows = [measure("PDF-rapport van één gemeente", one_pdf, options.runs),
                    measure("Excel van één gemeente", one_xlsx, options.runs),
                    measure(f"Excel van de regio ({options.members} gemeenten)", region_xlsx, options.runs)]
            db.session.remove()
    print()
    print("| export | mediaan | langzaamst | piekgeheugen (Python) | grootte |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for row in rows:
        print(f"| {row['what']} | {row['median_ms']:.0f} ms | {row['max_ms']:.0f} ms | {row['peak_mb']:.1f} MB | "
              f"{row['size_kb']:.0f} kB |")


if __name__ == "__main__":
    main()
