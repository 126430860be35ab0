"""The instrument the app ships: every file under questionnaires/ is valid, and version 2026.1 holds what the
brief asks for (ten knelpunten with their lever, themes 8 and 9 external, the six-element coordinator profile,
guidance, level descriptions and an evidence choice for every question)."""

from collections import Counter

import pytest

from peerreview.domain.questionnaire import EvidenceRequest, Lever, QuestionnaireStatus
from peerreview.questionnaire_loader import load_directory, load_file, questionnaire_files
from tests.conftest import REAL_QUESTIONNAIRES

FILES = questionnaire_files(REAL_QUESTIONNAIRES)


def test_there_is_at_least_one_questionnaire_file():
    assert FILES


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(REAL_QUESTIONNAIRES).as_posix())
def test_every_shipped_file_is_valid(path):
    load_file(path, path.relative_to(REAL_QUESTIONNAIRES).as_posix())


def test_the_folder_loads_as_the_app_loads_it():
    registry = load_directory(REAL_QUESTIONNAIRES)
    assert registry.latest("regie-integrale-veiligheid") is not None


@pytest.fixture(scope="module")
def instrument():
    return load_directory(REAL_QUESTIONNAIRES).get("regie-integrale-veiligheid", "2026.1")


THEMES = [  # (id, lever, largely external), in the brief's order
    ("systematische_aanpak", Lever.KUNNEN, False),
    ("coordinator_als_trekker", Lever.KENNEN, False),
    ("horizontale_regie", Lever.KUNNEN, False),
    ("expertise", Lever.KENNEN, False),
    ("informatie_en_analyse", Lever.KENNEN, False),
    ("samenhang_beleid_organisatie", Lever.WILLEN, False),
    ("bestuurlijk_commitment", Lever.WILLEN, False),
    ("capaciteit_ketens", Lever.KUNNEN, True),
    ("verkokering_rijk", Lever.KUNNEN, True),
    ("leer_en_veranderproces", Lever.WILLEN, False),
]


def test_ten_knelpunten_in_order_with_lever_and_external_flag(instrument):
    assert instrument.status is QuestionnaireStatus.ACTIVE
    assert [(s.id, s.lever, s.external) for s in instrument.knelpunt_sections] == THEMES
    assert [s.number for s in instrument.knelpunt_sections] == list(range(1, 11))


@pytest.mark.parametrize("section_id", [theme[0] for theme in THEMES])
def test_each_knelpunt_has_three_to_six_questions(instrument, section_id):
    assert 3 <= len(instrument.section(section_id).questions) <= 6


def test_the_coordinator_profile_has_the_six_elements(instrument):
    profile = instrument.profile_section
    assert profile is not None and instrument.sections[-1] is profile
    assert [e.title for e in profile.elements] == [
        "Procesmanager", "Netwerk", "Inhoudelijke kennis", "Systematische aanpak", "Positie in het apparaat",
        "Korte lijn naar het bestuur"]
    assert all(e.questions for e in profile.elements)


def test_one_scale_from_1_to_5_with_labels_and_weet_niet(instrument):
    scale = instrument.scale
    assert (scale.minimum, scale.maximum) == (1, 5)
    assert all(level.label and level.description for level in scale.levels)
    assert scale.unknown_label == "Weet niet / niet van toepassing"


def test_every_question_explains_itself(instrument):
    for question in instrument.questions:
        assert len(question.guidance) >= 80, question.id
        assert set(question.levels) == {1, 2, 3, 4, 5}, question.id  # all five levels, beyond the required 1, 3, 5
        assert len(set(question.levels.values())) == 5, question.id
        assert (question.evidence_hint is not None) == question.evidence.is_asked, question.id


def test_evidence_is_asked_where_a_document_exists_and_not_everywhere(instrument):
    counts = Counter(q.evidence for q in instrument.questions)
    assert counts[EvidenceRequest.REQUIRED] and counts[EvidenceRequest.OPTIONAL] and counts[EvidenceRequest.NONE]


def test_no_two_questions_ask_the_same(instrument):
    texts = [q.text for q in instrument.questions]
    assert len(texts) == len(set(texts))


def test_the_external_themes_ask_what_the_gemeente_signals(instrument):
    for section_id in ("capaciteit_ketens", "verkokering_rijk"):
        assert any("signal" in q.id for q in instrument.section(section_id).questions), section_id
