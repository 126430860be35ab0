"""Questionnaire files on disk: one broken fixture file per validation rule, YAML-level faults, the folder layout,
versions side by side. Each broken file is the valid minimal fixture with exactly one fault, written as a real
file and read by the real loader; the test names the place and the Dutch message the author gets."""

import copy
from pathlib import Path

import pytest
import yaml

from peerreview.domain.questionnaire import QuestionnaireError, QuestionnaireStatus
from peerreview.questionnaire_loader import UnknownQuestionnaire, load_directory, load_file
from tests.conftest import FIXTURE_QUESTIONNAIRES

MINIMAL = FIXTURE_QUESTIONNAIRES / "minimal" / "1.yaml"


def minimal_raw():
    return yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))


def _q(raw, section, index):
    return raw["sections"][section]["questions"][index]


def _pq(raw, element, index):
    return raw["sections"][2]["elements"][element]["questions"][index]


def _second_profile(raw):
    text = yaml.safe_dump(raw["sections"][2], allow_unicode=True)
    for old, new in (("profiel", "profieltwee"), ("netwerk", "netwerktwee"), ("bestuur", "bestuurtwee")):
        text = text.replace(old, new)
    raw["sections"].append(yaml.safe_load(text))


def _duplicate_section_id(raw):
    raw["sections"][1]["id"] = "analyse"
    _q(raw, 1, 0)["id"] = "analyse.capaciteit"
    _q(raw, 1, 1)["id"] = "analyse.signalen"


def _duplicate_element_id(raw):
    raw["sections"][2]["elements"][1]["id"] = "netwerk"
    _pq(raw, 1, 0)["id"] = "profiel.netwerk.toegang"
    _pq(raw, 1, 1)["id"] = "profiel.netwerk.druk"


S1, S2, S3 = "sectie 1 (analyse)", "sectie 2 (keten)", "sectie 3 (profiel)"
Q11 = f"{S1} › vraag 1 (analyse.cijfers)"
P11 = f"{S3} › element 1 (netwerk) › vraag 1 (profiel.netwerk.partners)"

# (id, how to break the file, where the problem is, what the message says)
BROKEN = [
    ("key-missing", lambda r: r.pop("key"), "key", "ontbreekt (verplicht)"),
    ("key-format", lambda r: r.update(key="Kleine Lijst"), "key", "geen geldige sleutel"),
    ("version-not-text", lambda r: r.update(version=1), "version", "moet tekst zijn"),
    ("version-format", lambda r: r.update(version="v1"), "version", "geen geldig versienummer"),
    ("status-unknown", lambda r: r.update(status="live"), "status",
     "moet een van deze waarden zijn: draft, active of retired"),
    ("field-unknown", lambda r: r.update(auteur="Jan"), "auteur", "is geen bekend veld (tikfout?)"),
    ("title-empty", lambda r: r.update(title="   "), "title", "mag niet leeg zijn"),
    ("title-too-long", lambda r: r.update(title="x" * 121), "title", "is te lang (hoogstens 120 tekens)"),
    ("description-missing", lambda r: r.pop("description"), "description", "ontbreekt (verplicht)"),
    ("scale-missing", lambda r: r.pop("scale"), "scale", "ontbreekt (verplicht)"),
    ("scale-min-not-below-max", lambda r: r["scale"].update(min=4), "scale", "min (4) moet kleiner zijn dan max (4)"),
    ("scale-max-too-high", lambda r: r["scale"].update(max=11), "scale › max", "mag hoogstens 10 zijn"),
    ("scale-level-missing", lambda r: r["scale"]["levels"].pop(3), "scale › levels", "ontbreekt: 3"),
    ("scale-level-outside", lambda r: r["scale"]["levels"].update({5: {"label": "Meer", "description": "Meer."}}),
     "scale › levels", "niveau 5 ligt buiten de schaal 0 tot en met 4"),
    ("scale-level-label-missing", lambda r: r["scale"]["levels"][2].pop("label"), "scale › levels › 2 › label",
     "ontbreekt (verplicht)"),
    ("scale-unknown-missing", lambda r: r["scale"].pop("unknown"), "scale › unknown", "ontbreekt (verplicht)"),
    ("sections-empty", lambda r: r.update(sections=[]), "sections", "mag niet leeg zijn"),
    ("sections-not-a-list", lambda r: r.update(sections="analyse"), "sections", "moet een lijst zijn"),
    ("section-not-a-mapping", lambda r: r["sections"].__setitem__(1, "keten"), "sectie 2",
     "moet een lijst van sleutels en waarden zijn"),
    ("section-kind-missing", lambda r: r["sections"][0].pop("kind"), f"{S1} › kind", "ontbreekt (verplicht)"),
    ("section-kind-unknown", lambda r: r["sections"][0].update(kind="thema"), f"{S1} › kind",
     "moet knelpunt of coordinator_profile zijn"),
    ("section-id-format", lambda r: r["sections"][0].update(id="Analyse!"), "sectie 1 (Analyse!) › id",
     "is geen geldige id: alleen kleine letters, cijfers en _"),
    ("section-id-duplicate", _duplicate_section_id, "sectie 2 (analyse) › id",
     f"id 'analyse' komt al voor bij {S1} › id"),
    ("lever-unknown", lambda r: r["sections"][0].update(lever="moeten"), f"{S1} › lever",
     "moet een van deze waarden zijn: willen, kennen of kunnen"),
    ("lever-missing", lambda r: r["sections"][1].pop("lever"), f"{S2} › lever", "ontbreekt (verplicht)"),
    ("external-not-boolean", lambda r: r["sections"][1].update(external="ja"), f"{S2} › external",
     "moet true of false zijn"),
    ("external-missing", lambda r: r["sections"][1].pop("external"), f"{S2} › external", "ontbreekt (verplicht)"),
    ("lever-on-profile", lambda r: r["sections"][2].update(lever="kennen"), f"{S3} › lever", "geen bekend veld"),
    ("questions-on-profile", lambda r: r["sections"][2].update(questions=[]), f"{S3} › questions",
     "geen bekend veld"),
    ("elements-on-knelpunt", lambda r: r["sections"][0].update(elements=[]), f"{S1} › elements", "geen bekend veld"),
    ("section-without-questions", lambda r: r["sections"][1].update(questions=[]), f"{S2} › questions",
     "mag niet leeg zijn"),
    ("profile-without-elements", lambda r: r["sections"][2].update(elements=[]), f"{S3} › elements",
     "mag niet leeg zijn"),
    ("element-without-questions", lambda r: r["sections"][2]["elements"][0].update(questions=[]),
     f"{S3} › element 1 (netwerk) › questions", "mag niet leeg zijn"),
    ("element-title-missing", lambda r: r["sections"][2]["elements"][0].pop("title"),
     f"{S3} › element 1 (netwerk) › title", "ontbreekt (verplicht)"),
    ("element-id-duplicate", _duplicate_element_id,
     f"{S3} › element 2 (netwerk) › id", "id 'netwerk' komt al voor"),
    ("two-profiles", _second_profile, "sectie 4 (profieltwee)",
     "een vragenlijst heeft hoogstens één sectie voor het coördinatorprofiel"),
    ("question-id-duplicate", lambda r: _q(r, 0, 1).update(id="analyse.cijfers"),
     f"{S1} › vraag 2 (analyse.cijfers) › id", f"id 'analyse.cijfers' komt al voor bij {Q11} › id"),
    ("question-id-prefix", lambda r: _q(r, 1, 0).update(id="analyse.capaciteit"),
     f"{S2} › vraag 1 (analyse.capaciteit) › id", "een vraag-id is 'keten.' gevolgd door een eigen naam"),
    ("question-id-prefix-in-element", lambda r: _pq(r, 0, 0).update(id="profiel.partners"),
     f"{S3} › element 1 (netwerk) › vraag 1 (profiel.partners) › id", "een vraag-id is 'profiel.netwerk.'"),
    ("question-id-format", lambda r: _q(r, 0, 0).update(id="Analyse.Cijfers"), f"{S1} › vraag 1 (Analyse.Cijfers) › id",
     "is geen geldige vraag-id"),
    ("question-text-missing", lambda r: _q(r, 0, 0).pop("text"), f"{Q11} › text", "ontbreekt (verplicht)"),
    ("question-text-no-question-mark", lambda r: _q(r, 0, 0).update(text="Er zijn cijfers."), f"{Q11} › text",
     "een vraag eindigt met een vraagteken"),
    ("question-text-too-short", lambda r: _q(r, 0, 0).update(text="?"), f"{Q11} › text",
     "is te kort (minstens 10 tekens)"),
    ("version-leading-zero", lambda r: r.update(version="2026.01"), "version", "geen geldig versienummer"),
    ("key-not-text", lambda r: r["sections"][0].update({True: "ja"}), f"{S1} › true",
     "is geen geldige sleutel: een sleutel is tekst"),
    ("level-named-none", lambda r: _q(r, 0, 0)["levels"].update({"none": "Geen."}), f"{Q11} › levels › none › [key]",
     "moet een geheel getal zijn"),
    ("question-text-too-long", lambda r: _q(r, 0, 0).update(text="x" * 300 + "?"), f"{Q11} › text",
     "is te lang (hoogstens 300 tekens)"),
    ("question-text-not-text", lambda r: _q(r, 0, 0).update(text=["Zijn er cijfers?"]), f"{Q11} › text",
     "moet tekst zijn"),
    ("guidance-missing", lambda r: _pq(r, 0, 0).pop("guidance"), f"{P11} › guidance", "ontbreekt (verplicht)"),
    ("levels-missing", lambda r: _q(r, 0, 0).pop("levels"), f"{Q11} › levels", "ontbreekt (verplicht)"),
    ("levels-middle-missing", lambda r: _q(r, 0, 0)["levels"].pop(2), f"{Q11} › levels",
     "beschrijf wat niveau 2 bij deze vraag betekent (verplicht: 0, 2 en 4)"),
    ("levels-ends-missing", lambda r: _pq(r, 0, 0).update(levels={2: "Enkele."}), f"{P11} › levels",
     "beschrijf wat niveau 0 en 4 bij deze vraag betekent"),
    ("levels-outside-scale", lambda r: _q(r, 0, 0)["levels"].update({9: "Meer."}), f"{Q11} › levels",
     "niveau 9 ligt buiten de schaal 0 tot en met 4"),
    ("levels-empty-text", lambda r: _q(r, 0, 0)["levels"].update({2: ""}), f"{Q11} › levels › 2",
     "mag niet leeg zijn"),
    ("levels-key-not-a-number", lambda r: _q(r, 0, 0)["levels"].update({"twee": "Enkele."}),
     f"{Q11} › levels › twee › [key]", "moet een geheel getal zijn"),
    ("evidence-unknown", lambda r: _q(r, 0, 0).update(evidence="soms"), f"{Q11} › evidence",
     "moet een van deze waarden zijn: none, optional of required"),
    ("evidence-missing", lambda r: _q(r, 0, 0).pop("evidence"), f"{Q11} › evidence", "ontbreekt (verplicht)"),
    ("evidence-hint-missing", lambda r: _q(r, 0, 0).pop("evidence_hint"), f"{Q11} › evidence_hint",
     "ontbreekt: zeg welk document, welke link of welk cijfer de score onderbouwt"),
    ("evidence-hint-without-evidence", lambda r: _q(r, 0, 1).update(evidence_hint="Iets."),
     f"{S1} › vraag 2 (analyse.gebruik) › evidence_hint", "hoort alleen bij evidence: optional of required"),
    ("weight-zero", lambda r: _q(r, 0, 1).update(weight=0), f"{S1} › vraag 2 (analyse.gebruik) › weight",
     "moet minstens 1 zijn"),
    ("weight-not-whole", lambda r: _q(r, 0, 1).update(weight=1.5), f"{S1} › vraag 2 (analyse.gebruik) › weight",
     "moet een geheel getal zijn"),
    ("question-field-unknown", lambda r: _q(r, 0, 0).update(hulp="Iets."), f"{Q11} › hulp", "geen bekend veld"),
]


@pytest.mark.parametrize(("breakage", "location", "message"), [case[1:] for case in BROKEN],
                         ids=[case[0] for case in BROKEN])
def test_each_rule_names_the_file_the_place_and_the_problem(tmp_path, breakage, location, message):
    raw = minimal_raw()
    breakage(raw)
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(QuestionnaireError) as raised:
        load_file(path, "minimal/broken.yaml")
    problems = raised.value.problems
    assert [(p.source, p.location) for p in problems] == [("minimal/broken.yaml", location)], problems
    assert message in problems[0].message
    assert f"minimal/broken.yaml: {location}: " in str(raised.value)


def test_the_valid_fixture_passes_the_same_route(tmp_path):
    path = tmp_path / "good.yaml"
    path.write_text(yaml.safe_dump(minimal_raw(), allow_unicode=True), encoding="utf-8")
    assert load_file(path).key == "minimal"


# ---------------------------------------------------------------- faults in the YAML itself


def _problem_of(tmp_path, data: bytes):
    path = tmp_path / "x.yaml"
    path.write_bytes(data)
    with pytest.raises(QuestionnaireError) as raised:
        load_file(path, "x.yaml")
    [problem] = raised.value.problems
    return problem


def test_a_yaml_syntax_error_names_line_and_column(tmp_path):
    text = MINIMAL.read_text(encoding="utf-8").replace("title: Analyse", "title: [Analyse")
    problem = _problem_of(tmp_path, text.encode())
    assert problem.location.startswith("regel ") and "kolom" in problem.location
    assert problem.message.startswith("geen geldige YAML")


def test_a_key_given_twice_is_refused_not_silently_overwritten(tmp_path):
    text = MINIMAL.read_text(encoding="utf-8").replace(
        "title: Kleine testvragenlijst\n", "title: Kleine testvragenlijst\ntitle: Een andere titel\n")
    line = text.splitlines().index("title: Een andere titel") + 1
    problem = _problem_of(tmp_path, text.encode())
    assert problem.location == f"regel {line}, kolom 1"
    assert "de sleutel 'title' staat twee keer in dezelfde lijst" in problem.message


def test_a_duplicate_level_inside_a_flow_mapping_is_refused(tmp_path):
    text = MINIMAL.read_text(encoding="utf-8").replace(
        "levels: {0: Geen cijfers., 2: Enkele cijfers., 4: Alle cijfers.}",
        "levels: {0: Geen cijfers., 2: Enkele cijfers., 2: Sommige cijfers., 4: Alle cijfers.}")
    assert "de sleutel '2' staat twee keer" in _problem_of(tmp_path, text.encode()).message


def test_a_file_that_is_not_utf8(tmp_path):
    problem = _problem_of(tmp_path, "title: Coördinator".encode("latin-1"))
    assert problem.message == "het bestand is geen UTF-8-tekst"


@pytest.mark.parametrize("data", [b"", b"# alleen commentaar\n", b"- een\n- lijst\n"])
def test_an_empty_file_or_a_list_is_not_a_questionnaire(tmp_path, data):
    assert "het bestand bevat geen vragenlijst" in _problem_of(tmp_path, data).message


def test_a_list_as_a_key_is_a_problem_not_a_crash(tmp_path):
    problem = _problem_of(tmp_path, b"? [1, 2]\n: x\n")
    assert "een lijst of mapping kan geen sleutel zijn" in problem.message and problem.location.startswith("regel 1")


def test_absurdly_deep_nesting_is_a_problem_not_a_crash(tmp_path):
    problem = _problem_of(tmp_path, ("a: " + "{a: " * 2000 + "1" + "}" * 2000).encode())
    assert problem.message in ("te diep genest om te lezen",) or problem.message.startswith("geen geldige YAML")


def test_anchors_and_merge_keys_may_repeat_text(tmp_path):
    text = MINIMAL.read_text(encoding="utf-8").replace(
        "      - id: keten.signalen\n        text: Worden tekorten gemeld?\n"
        "        guidance: Denk aan het regionaal overleg.\n"
        "        levels: {0: Nee., 2: Soms., 4: Altijd.}\n        evidence: none\n",
        "      - &signalen\n        id: keten.signalen\n        text: Worden tekorten gemeld?\n"
        "        guidance: Denk aan het regionaal overleg.\n        levels: {0: Nee., 2: Soms., 4: Altijd.}\n"
        "        evidence: none\n      - <<: *signalen\n        id: keten.melden\n"
        "        text: Worden tekorten ook gemeld bij het Rijk?\n")
    path = tmp_path / "merged.yaml"
    path.write_text(text, encoding="utf-8")
    questionnaire = load_file(path)
    melden = questionnaire.question("keten.melden")
    assert melden.guidance == "Denk aan het regionaal overleg." and melden.number == "2.3"
    duplicated = text.replace("        id: keten.melden\n", "        id: keten.melden\n        id: keten.twee\n")
    path.write_text(duplicated, encoding="utf-8")
    with pytest.raises(QuestionnaireError, match="de sleutel 'id' staat twee keer"):
        load_file(path)  # a key written twice is still refused beside a merge


def test_one_broken_file_does_not_hide_the_problems_of_another(tmp_path):
    (tmp_path / "minimal").mkdir()
    (tmp_path / "minimal" / "1.yaml").write_bytes(b"? [1, 2]\n: x\n")
    broken = _version("2")
    broken["status"] = "live"
    _write(tmp_path, "minimal/2.yaml", broken)
    with pytest.raises(QuestionnaireError) as raised:
        load_directory(tmp_path)
    assert [p.source for p in raised.value.problems] == ["minimal/1.yaml", "minimal/2.yaml"]


def test_python_tags_are_not_executed(tmp_path):
    problem = _problem_of(tmp_path, b"key: !!python/object/apply:os.system ['echo oeps']\n")
    assert problem.message.startswith("geen geldige YAML")


# ---------------------------------------------------------------- a folder of files


def _write(folder: Path, relative: str, raw) -> Path:
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _version(number: str, status: str = "active", title: str = "Kleine testvragenlijst"):
    raw = minimal_raw()
    raw.update(version=number, status=status, title=title)
    return raw


def test_the_fixture_folder_loads_two_versions_side_by_side():
    registry = load_directory(FIXTURE_QUESTIONNAIRES)
    assert [(q.key, q.version, q.status) for q in registry] == [
        ("minimal", "1", QuestionnaireStatus.ACTIVE), ("minimal", "2", QuestionnaireStatus.DRAFT)]
    assert registry.get("minimal", "2").question("analyse.cijfers").text == "Zijn er actuele cijfers?"
    assert registry.get("minimal", "1").question("analyse.cijfers").text == "Zijn er cijfers?"
    assert registry.latest("minimal").version == "1"  # a draft is not offered for new rounds
    with pytest.raises(UnknownQuestionnaire):
        registry.get("minimal", "3")


def test_versions_are_ordered_as_numbers_and_the_newest_active_one_is_offered(tmp_path):
    for number, status in (("2026.1", "retired"), ("2026.2", "active"), ("2026.10", "active"),
                           ("2027.1", "draft")):
        _write(tmp_path, f"minimal/{number}.yaml", _version(number, status))
    registry = load_directory(tmp_path)
    assert [q.version for q in registry.versions("minimal")] == ["2026.1", "2026.2", "2026.10", "2027.1"]
    assert [q.version for q in registry.offered()] == ["2026.10", "2026.2"]
    assert registry.latest("minimal").version == "2026.10"
    assert registry.latest("elders") is None
    assert [q.version for q in registry.visible(include_drafts=False)] == ["2026.1", "2026.2", "2026.10"]
    assert len(registry.visible(include_drafts=True)) == 4


def test_the_file_name_must_say_which_version_it_holds(tmp_path):
    _write(tmp_path, "minimal/2026.yaml", _version("2026.1"))
    with pytest.raises(QuestionnaireError) as raised:
        load_directory(tmp_path)
    [problem] = raised.value.problems
    assert problem.source == "minimal/2026.yaml"
    assert problem.message == "dit bestand bevat 'minimal' versie 2026.1 en moet dus minimal/2026.1.yaml heten"


def test_one_version_in_two_files_is_refused(tmp_path):
    _write(tmp_path, "minimal/1.yaml", _version("1"))
    _write(tmp_path, "minimal/1.yml", _version("1"))
    with pytest.raises(QuestionnaireError) as raised:
        load_directory(tmp_path)
    [problem] = raised.value.problems
    assert problem.source == "minimal/1.yml" and "staat ook in minimal/1.yaml" in problem.message


def test_every_problem_in_every_file_is_listed_and_nothing_is_loaded(tmp_path):
    _write(tmp_path, "minimal/1.yaml", _version("1"))  # a good file is not loaded beside broken ones
    broken = _version("2")
    broken["status"] = "live"
    broken["sections"][0]["questions"][0]["levels"].pop(2)
    _write(tmp_path, "minimal/2.yaml", broken)
    (tmp_path / "minimal" / "3.yaml").write_text("key: [", encoding="utf-8")
    with pytest.raises(QuestionnaireError) as raised:
        load_directory(tmp_path)
    assert [p.source for p in raised.value.problems] == ["minimal/2.yaml", "minimal/2.yaml", "minimal/3.yaml"]
    text = str(raised.value)
    assert text.startswith("3 problemen in de vragenlijsten:")
    assert "minimal/2.yaml: status:" in text and "minimal/2.yaml: sectie 1 (analyse) › vraag 1" in text


def test_a_missing_folder_is_a_problem(tmp_path):
    with pytest.raises(QuestionnaireError) as raised:
        load_directory(tmp_path / "nergens")
    assert "de map met vragenlijsten bestaat niet" in str(raised.value)


def test_an_empty_folder_loads_nothing(tmp_path):
    assert len(load_directory(tmp_path)) == 0


def test_files_are_parsed_once_per_content(tmp_path):
    path = _write(tmp_path, "minimal/1.yaml", _version("1"))
    first = load_file(path, "minimal/1.yaml")
    assert load_file(path, "minimal/1.yaml") is first  # cached by content
    changed = _version("1", title="Een andere titel")
    _write(tmp_path, "minimal/1.yaml", changed)
    second = load_file(path, "minimal/1.yaml")
    assert second is not first and second.title == "Een andere titel"
    assert second.content_hash != first.content_hash


def test_the_raw_fixture_is_not_shared_between_cases():
    # guard for the mutation table above: every case starts from a fresh copy
    a, b = minimal_raw(), minimal_raw()
    a["sections"].clear()
    assert b["sections"] and copy.deepcopy(b) == minimal_raw()
