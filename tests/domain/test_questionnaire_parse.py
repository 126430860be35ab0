"""Parsing a questionnaire mapping into domain objects: what a valid file gives, and how problems are reported.
Each validation rule has its own broken fixture in ``tests/questionnaires/test_files.py``."""

import copy
from pathlib import Path

import pytest
import yaml

from peerreview.domain.questionnaire import (
    EvidenceRequest,
    Lever,
    QuestionnaireError,
    QuestionnaireStatus,
    RecordedVersion,
    SectionKind,
    check_recorded_versions,
    content_hash,
    parse,
    version_sort_key,
)

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "questionnaires" / "minimal" / "1.yaml"


@pytest.fixture
def raw():
    return yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))


def test_a_valid_mapping_becomes_the_questionnaire(raw):
    q = parse(raw, source="minimal/1.yaml")
    assert (q.key, q.version, q.status, q.source) == ("minimal", "1", QuestionnaireStatus.ACTIVE, "minimal/1.yaml")
    assert (q.scale.minimum, q.scale.maximum) == (0, 4)
    assert [level.label for level in q.scale.levels] == ["Niets", "Weinig", "Deels", "Veel", "Alles"]
    assert q.scale.unknown_label == "Weet niet / niet van toepassing"
    assert q.scale.required_level_values == (0, 2, 4)
    assert [s.id for s in q.sections] == ["analyse", "keten", "profiel"]
    assert [s.id for s in q.knelpunt_sections] == ["analyse", "keten"]
    analyse, keten, profiel = q.sections
    assert (analyse.number, analyse.kind, analyse.lever, analyse.external) == (1, SectionKind.KNELPUNT, Lever.KENNEN,
                                                                               False)
    assert keten.external is True and keten.lever is Lever.KUNNEN
    assert profiel.is_profile and profiel.lever is None and q.profile_section is profiel
    assert [e.id for e in profiel.elements] == ["netwerk", "bestuur"]
    assert profiel.question_ids == ("profiel.netwerk.partners", "profiel.bestuur.toegang", "profiel.bestuur.druk")


def test_questions_carry_number_levels_evidence_and_weight(raw):
    q = parse(raw)
    cijfers = q.question("analyse.cijfers")
    assert (cijfers.number, cijfers.section_id, cijfers.element_id) == ("1.1", "analyse", None)
    assert dict(cijfers.levels) == {0: "Geen cijfers.", 2: "Enkele cijfers.", 4: "Alle cijfers."}
    assert cijfers.evidence is EvidenceRequest.REQUIRED and cijfers.evidence.is_asked
    assert cijfers.evidence_hint == "De veiligheidsanalyse."
    assert cijfers.weight == 1 and q.question("analyse.gebruik").weight == 2
    druk = q.question("profiel.bestuur.druk")
    assert (druk.number, druk.section_id, druk.element_id) == ("3.2.2", "profiel", "bestuur")
    assert [x.number for x in q.questions] == ["1.1", "1.2", "2.1", "2.2", "3.1.1", "3.2.1", "3.2.2"]
    assert q.has_question("keten.signalen") and not q.has_question("keten.onbekend")
    with pytest.raises(KeyError):
        q.question("keten.onbekend")


def test_the_domain_objects_cannot_be_changed(raw):
    q = parse(raw)
    with pytest.raises(AttributeError):
        q.version = "2"  # type: ignore[misc]
    with pytest.raises(TypeError):
        q.question("analyse.cijfers").levels[1] = "Iets."  # type: ignore[index]


def test_surrounding_spaces_in_texts_are_trimmed(raw):
    raw["title"] = "  Kleine testvragenlijst  "
    assert parse(raw).title == "Kleine testvragenlijst"


def test_the_content_hash_ignores_layout_but_not_words(raw):
    first = parse(raw).content_hash
    assert len(first) == 64
    reordered = dict(reversed(list(raw.items())))  # key order and YAML layout do not matter
    assert parse(reordered).content_hash == first
    changed = copy.deepcopy(raw)
    changed["sections"][0]["questions"][0]["text"] = "Zijn er goede cijfers?"
    assert parse(changed).content_hash != first
    assert content_hash(raw) == first
    retired = copy.deepcopy(raw)
    retired["status"] = "retired"  # lifecycle, not content: a used version may be retired
    assert parse(retired).content_hash == first


def test_every_problem_is_reported_at_once_with_its_place(raw):
    raw["version"] = 2
    raw["sections"][0]["lever"] = "moeten"
    raw["sections"][1]["questions"][1]["text"] = "Worden tekorten gemeld"
    del raw["sections"][2]["elements"][1]["questions"][0]["guidance"]
    raw["scale"]["levels"].pop(3)
    with pytest.raises(QuestionnaireError) as raised:
        parse(raw, source="minimal/1.yaml")
    problems = [str(p) for p in raised.value.problems]
    assert problems == [
        "minimal/1.yaml: version: moet tekst zijn (zet er aanhalingstekens omheen)",
        "minimal/1.yaml: scale › levels: elk niveau van min tot en met max heeft een label nodig; ontbreekt: 3",
        "minimal/1.yaml: sectie 1 (analyse) › lever: moet een van deze waarden zijn: willen, kennen of kunnen",
        "minimal/1.yaml: sectie 2 (keten) › vraag 2 (keten.signalen) › text: een vraag eindigt met een vraagteken",
        "minimal/1.yaml: sectie 3 (profiel) › element 2 (bestuur) › vraag 1 (profiel.bestuur.toegang) › guidance: "
        "ontbreekt (verplicht)",
    ]  # in the order of the file, whichever check found them
    assert str(raised.value).startswith("5 problemen in de vragenlijsten:\n  - minimal/1.yaml: version")


@pytest.mark.parametrize("value", [None, [], "vragenlijst", 3])
def test_something_other_than_a_mapping_is_not_a_questionnaire(value):
    with pytest.raises(QuestionnaireError) as raised:
        parse(value, source="x.yaml")
    assert "het bestand bevat geen vragenlijst" in str(raised.value.problems[0])


def test_versions_sort_as_numbers():
    assert sorted(["2026.10", "2026.2", "2025.1", "2026.1"], key=version_sort_key) == [
        "2025.1", "2026.1", "2026.2", "2026.10"]


def test_recorded_versions_must_still_have_their_content(raw):
    q = parse(raw, source="minimal/1.yaml")
    same = RecordedVersion("minimal", "1", q.content_hash)
    assert check_recorded_versions([q], [same]) == []
    changed = RecordedVersion("minimal", "1", "0" * 64)
    [problem] = check_recorded_versions([q], [changed])
    assert problem.source == "minimal/1.yaml"
    assert "door evaluaties gebruikt en mag niet meer veranderen" in problem.message
    assert "000000000000…" in problem.message and "nieuwe versie" in problem.message
    gone = RecordedVersion("minimal", "7", "0" * 64)
    [problem] = check_recorded_versions([q], [gone])
    assert problem.source == "minimal/7.yaml" and "het bestand ontbreekt" in problem.message


def test_each_level_reads_for_the_question_with_the_general_meaning_where_it_has_none(raw):
    q = parse(raw)
    levels = q.scale.describe(q.question("analyse.cijfers"))  # describes 0, 2 and 4 only
    assert [(x.value, x.label, x.text, x.is_specific) for x in levels] == [
        (0, "Niets", "Geen cijfers.", True),
        (1, "Weinig", "Er is weinig geregeld.", False),
        (2, "Deels", "Enkele cijfers.", True),
        (3, "Veel", "Het meeste is geregeld.", False),
        (4, "Alles", "Alle cijfers.", True),
    ]


def test_questions_and_sections_can_be_dictionary_keys(raw):
    q = parse(raw)
    seen = {q.question("analyse.cijfers"): 1, q.section("keten"): 2, q: 3}
    assert seen[q.question("analyse.cijfers")] == 1 and seen[q] == 3


def test_a_duplicate_id_is_reported_in_file_order(raw):
    raw["sections"][0]["questions"][1]["id"] = "analyse.cijfers"  # duplicate in section 1
    raw["sections"][2]["elements"][0]["questions"][0]["text"] = "Geen vraag"  # a problem in section 3
    raw["version"] = 1  # and one at the top
    with pytest.raises(QuestionnaireError) as raised:
        parse(raw)
    assert [p.location.split(" › ")[0] for p in raised.value.problems] == ["version", "sectie 1 (analyse)",
                                                                          "sectie 3 (profiel)"]
