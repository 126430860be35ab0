"""The PDF of a demo report on the real questionnaire: ten themes and six profile elements, so the radar is drawn;
every title is there and every page opens. The pages are kept in test-artifacts/pdf/ for a look by a person."""

from __future__ import annotations

import shutil

import pytest

from peerreview.evaluation.lifecycle import load_evaluation, questionnaire_of_round
from peerreview.exports import pdf, services
from tests.conftest import REAL_QUESTIONNAIRES
from tests.exports.test_pdf import ARTIFACTS, flat, render, text_of

pytestmark = pytest.mark.db


@pytest.fixture
def app_config() -> dict:
    return {"QUESTIONNAIRES_PATH": str(REAL_QUESTIONNAIRES)}


def test_the_demo_report_on_the_real_questionnaire(runner, app, tmp_path):
    """Ten themes and six profile elements: the radar is drawn, every title is there, the pages open."""
    from sqlalchemy import select

    from peerreview.domain.evaluations import EvaluationStatus
    from peerreview.extensions import db
    from peerreview.models import Evaluation, User

    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    evaluation = db.session.scalar(select(Evaluation).where(Evaluation.status == EvaluationStatus.closed)
                                   .order_by(Evaluation.id).limit(1))
    evaluation = load_evaluation(evaluation.id)
    admin = db.session.scalar(select(User).where(User.email == "beheer@demo.peerreview.nl"))
    content = pdf.report_pdf(services.evaluation_export(evaluation, admin))
    _reader, pages = text_of(content)
    whole = " ".join(pages)
    questionnaire = questionnaire_of_round(evaluation.round)
    assert len(questionnaire.knelpunt_sections) == 10
    for section in questionnaire.sections:
        assert flat(section.title) in whole
        for element in section.elements:
            assert flat(element.title) in whole
    assert evaluation.municipality.name in pages[0]
    assert "De thema's 8 en 9 liggen grotendeels buiten de gemeente" in whole and "over de 10 knelpunten" in whole
    images = render(content, tmp_path, 1, len(pages), name="demo")
    assert len(images) == len(pages)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "collegiale-toets-demo.pdf").write_bytes(content)
    for image in images[:4]:
        shutil.copy(image, ARTIFACTS / image.name)
