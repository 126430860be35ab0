"""The questionnaires inside the app: loaded and checked at start-up, versions that evaluations used are frozen,
``flask questionnaires check|list``, and the printable page for every signed-in user."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from peerreview import create_app
from peerreview.domain.questionnaire import QuestionnaireError
from peerreview.domain.roles import Role
from peerreview.extensions import db
from peerreview.models import QuestionnaireVersion
from peerreview.questionnaire_registry import (
    QuestionnaireChanged,
    UnknownQuestionnaire,
    get_questionnaire,
    record_use,
    registry,
)
from tests.conftest import FIXTURE_QUESTIONNAIRES, REAL_QUESTIONNAIRES, base_config

pytestmark = pytest.mark.db


@pytest.fixture
def folder(tmp_path) -> Path:
    """A copy of the fixture questionnaires that a test may change."""
    target = tmp_path / "questionnaires"
    shutil.copytree(FIXTURE_QUESTIONNAIRES, target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


# ---------------------------------------------------------------- start-up


def test_the_app_holds_every_version_in_its_registry(app):
    assert [(q.key, q.version) for q in registry()] == [("minimal", "1"), ("minimal", "2")]
    assert get_questionnaire("minimal", "1").title == "Kleine testvragenlijst"
    with pytest.raises(UnknownQuestionnaire):
        get_questionnaire("minimal", "9")


def test_the_app_refuses_to_start_with_a_broken_file_and_lists_every_problem(database_url, folder):
    _edit(folder / "minimal" / "1.yaml", "lever: kennen", "lever: moeten")
    _edit(folder / "minimal" / "2.yaml", "Zijn er actuele cijfers?", "Er zijn actuele cijfers.")
    with pytest.raises(QuestionnaireError) as raised:
        create_app(base_config(database_url, QUESTIONNAIRES_PATH=str(folder)))
    assert str(raised.value).splitlines() == [
        "2 problemen in de vragenlijsten:",
        "  - minimal/1.yaml: sectie 1 (analyse) › lever: moet een van deze waarden zijn: willen, kennen of kunnen",
        "  - minimal/2.yaml: sectie 1 (analyse) › vraag 1 (analyse.cijfers) › text: een vraag eindigt met een "
        "vraagteken",
    ]


def test_a_used_version_whose_file_changed_stops_the_app(app, folder):
    record_use(get_questionnaire("minimal", "1"))
    db.session.commit()
    _edit(folder / "minimal" / "1.yaml", "Zijn er cijfers?", "Zijn er goede cijfers?")
    with pytest.raises(QuestionnaireError) as raised:
        create_app(base_config(app.config["SQLALCHEMY_DATABASE_URI"], QUESTIONNAIRES_PATH=str(folder)))
    [problem] = raised.value.problems
    assert problem.source == "minimal/1.yaml"
    assert "versie 1 van 'minimal' is door evaluaties gebruikt en mag niet meer veranderen" in problem.message
    assert "als een nieuwe versie in een nieuw bestand" in problem.message


def test_a_used_version_may_be_reformatted_and_commented(app, folder):
    record_use(get_questionnaire("minimal", "1"))
    db.session.commit()
    path = folder / "minimal" / "1.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    path.write_text("# opnieuw opgemaakt, inhoud gelijk\n" + yaml.safe_dump(raw, allow_unicode=True, width=60),
                    encoding="utf-8")
    other = create_app(base_config(app.config["SQLALCHEMY_DATABASE_URI"], QUESTIONNAIRES_PATH=str(folder)))
    assert other.extensions["peerreview.questionnaires"].get("minimal", "1").content_hash == \
        get_questionnaire("minimal", "1").content_hash


def test_a_used_version_whose_file_is_gone_stops_the_app(app, folder):
    record_use(get_questionnaire("minimal", "2"))
    db.session.commit()
    (folder / "minimal" / "2.yaml").unlink()
    with pytest.raises(QuestionnaireError) as raised:
        create_app(base_config(app.config["SQLALCHEMY_DATABASE_URI"], QUESTIONNAIRES_PATH=str(folder)))
    assert "minimal/2.yaml: versie 2 van 'minimal' is door evaluaties gebruikt, maar het bestand ontbreekt" in str(
        raised.value)


def test_a_new_version_beside_a_used_one_is_welcome(app, folder):
    record_use(get_questionnaire("minimal", "1"))
    db.session.commit()
    path = folder / "minimal" / "3.yaml"
    path.write_text((folder / "minimal" / "1.yaml").read_text(encoding="utf-8")
                    .replace('version: "1"', 'version: "3"').replace("Zijn er cijfers?", "Zijn er goede cijfers?"),
                    encoding="utf-8")
    other = create_app(base_config(app.config["SQLALCHEMY_DATABASE_URI"], QUESTIONNAIRES_PATH=str(folder)))
    loaded = other.extensions["peerreview.questionnaires"]
    assert loaded.get("minimal", "1").question("analyse.cijfers").text == "Zijn er cijfers?"  # kept as used
    assert loaded.latest("minimal").version == "3"  # what new rounds get


def test_a_database_not_yet_migrated_does_not_stop_the_app(make_database_url):
    app = create_app(base_config(make_database_url("not-migrated")))  # no tables at all: flask db upgrade runs next
    assert len(app.extensions["peerreview.questionnaires"]) == 2


def test_the_check_can_be_turned_off_for_purpose_made_databases(app, folder):
    record_use(get_questionnaire("minimal", "1"))
    db.session.commit()
    _edit(folder / "minimal" / "1.yaml", "Zijn er cijfers?", "Zijn er goede cijfers?")
    create_app(base_config(app.config["SQLALCHEMY_DATABASE_URI"], QUESTIONNAIRES_PATH=str(folder),
                           QUESTIONNAIRES_VERIFY_USED=False))


# ---------------------------------------------------------------- using a version


def test_record_use_is_idempotent_and_stores_the_hash(app):
    questionnaire = get_questionnaire("minimal", "1")
    first = record_use(questionnaire)
    second = record_use(questionnaire)
    db.session.commit()
    assert first.id == second.id
    assert db.session.scalar(select(func.count()).select_from(QuestionnaireVersion)) == 1
    assert (first.key, first.version, first.content_hash, first.title) == (
        "minimal", "1", questionnaire.content_hash, "Kleine testvragenlijst")
    assert first.first_used_at is not None


def test_an_evaluation_gets_its_version_only_with_the_content_it_was_made_with(app):
    questionnaire = get_questionnaire("minimal", "1")
    assert get_questionnaire("minimal", "1", questionnaire.content_hash) is questionnaire
    with pytest.raises(QuestionnaireChanged) as raised:
        get_questionnaire("minimal", "1", "f" * 64)
    assert raised.value.message.startswith("Versie 1 van 'minimal' is door evaluaties gebruikt")
    assert "Zet het oorspronkelijke bestand terug" in raised.value.message and raised.value.message.endswith(".")


def test_recording_a_version_again_with_other_content_is_refused(app):
    db.session.add(QuestionnaireVersion(key="minimal", version="1", content_hash="a" * 64, title="Oud"))
    db.session.flush()
    with pytest.raises(QuestionnaireChanged):
        record_use(get_questionnaire("minimal", "1"))


# ---------------------------------------------------------------- flask questionnaires


def test_cli_list_shows_every_version_with_its_use(app, runner):
    record_use(get_questionnaire("minimal", "1"))
    db.session.commit()
    result = runner.invoke(args=["questionnaires", "list"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:4] == ["sleutel", "versie", "status", "thema's"]
    v1 = next(line for line in lines if line.startswith("minimal  1 "))
    assert "actief" in v1 and get_questionnaire("minimal", "1").content_hash[:12] in v1
    v2 = next(line for line in lines if line.startswith("minimal  2 "))
    assert "concept" in v2 and " - " in v2  # not used yet


def test_cli_check_of_the_configured_folder(runner):
    result = runner.invoke(args=["questionnaires", "check"])
    assert result.exit_code == 0, result.output
    assert "In orde: 2 vragenlijsten" in result.output
    assert "minimal 1 (actief): 2 knelpunten + profiel, 7 vragen" in result.output


def test_cli_check_of_a_file_or_folder(runner, folder):
    result = runner.invoke(args=["questionnaires", "check", str(folder / "minimal" / "2.yaml")])
    assert result.exit_code == 0, result.output
    assert "In orde: 1 vragenlijst" in result.output
    _edit(folder / "minimal" / "1.yaml", "evidence: required", "evidence: altijd")
    result = runner.invoke(args=["questionnaires", "check", str(folder)])
    assert result.exit_code == 1
    assert "minimal/1.yaml: sectie 1 (analyse) › vraag 1 (analyse.cijfers) › evidence: moet een van deze " \
           "waarden zijn: none, optional of required" in result.output


def test_cli_check_compares_a_candidate_file_with_what_evaluations_used(app, runner, folder):
    record_use(get_questionnaire("minimal", "1"))
    db.session.commit()
    _edit(folder / "minimal" / "1.yaml", "Zijn er cijfers?", "Zijn er goede cijfers?")
    result = runner.invoke(args=["questionnaires", "check", str(folder / "minimal")])
    assert result.exit_code == 1
    assert "door evaluaties gebruikt en mag niet meer veranderen" in result.output


def test_cli_check_of_a_single_file_applies_the_naming_rule_as_start_up_does(runner, tmp_path):
    candidate = tmp_path / "nieuwe-versie.yaml"
    candidate.write_text((FIXTURE_QUESTIONNAIRES / "minimal" / "1.yaml").read_text(encoding="utf-8"),
                         encoding="utf-8")
    result = runner.invoke(args=["questionnaires", "check", str(candidate)])
    assert result.exit_code == 1
    assert "dit bestand bevat 'minimal' versie 1 en moet dus minimal/1.yaml heten" in result.output


def test_cli_check_of_a_missing_path(runner, tmp_path):
    result = runner.invoke(args=["questionnaires", "check", str(tmp_path / "nergens.yaml")])
    assert result.exit_code != 0 and "bestaat niet" in result.output


def _flask(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flask", "--app", "peerreview", *args], capture_output=True,
                          text=True, env={**os.environ, **env}, timeout=60, check=False)


def test_cli_check_explains_why_the_app_will_not_start(folder, tmp_path):
    """Run as an administrator would: the configured folder is broken, so the app refuses to start; the check
    still runs and lists every problem, without a traceback."""
    _edit(folder / "minimal" / "1.yaml", "lever: kennen", "lever: moeten")
    _edit(folder / "minimal" / "2.yaml", "weight: 2", "weight: 0")
    env = {"PEERREVIEW_TESTING": "true", "PEERREVIEW_QUESTIONNAIRES_PATH": str(folder),
           "PEERREVIEW_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite'}"}
    result = _flask("questionnaires", "check", env=env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr.splitlines() == [
        "2 problemen in de vragenlijsten:",
        "  - minimal/1.yaml: sectie 1 (analyse) › lever: moet een van deze waarden zijn: willen, kennen of kunnen",
        "  - minimal/2.yaml: sectie 1 (analyse) › vraag 2 (analyse.gebruik) › weight: moet minstens 1 zijn",
    ]
    started = _flask("routes", env=env)  # any other command: the app refuses to start, naming the problems
    assert started.returncode != 0
    assert "minimal/1.yaml: sectie 1 (analyse) › lever" in started.stderr


# ---------------------------------------------------------------- the printable page


def test_signing_in_is_needed(client):
    for url in ("/questionnaires/", "/questionnaires/minimal/1"):
        response = client.get(url)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("role", list(Role))
def test_every_role_reads_the_questionnaire(client, login_as, role):
    login_as(role)
    index = client.get("/questionnaires/")
    assert index.status_code == 200
    assert 'href="/questionnaires/minimal/1"' in index.get_data(as_text=True)
    page = client.get("/questionnaires/minimal/1")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for text in ("Kleine testvragenlijst", "Knelpunt", "Zijn er cijfers?", "Denk aan de politiecijfers.",
                 "Enkele cijfers.", "Onderbouwing gevraagd", "De veiligheidsanalyse.",
                 "Weet niet / niet van toepassing", "Korte lijn naar het bestuur",
                 "Kan de coördinator druk organiseren?", "grotendeels extern",
                 "3.2.2"):
        assert text in html, text


def test_a_level_a_question_does_not_describe_shows_the_general_meaning(client, login_as):
    login_as(Role.municipal_contributor)
    html = client.get("/questionnaires/minimal/1").get_data(as_text=True)
    start = html.index('id="vraag-analyse.cijfers"')
    block = html[start:html.index("</article>", start)]
    assert "Geen cijfers." in block and "Alle cijfers." in block
    assert "Er is weinig geregeld. (algemene omschrijving)" in block  # level 1 is not described for 1.1


def test_drafts_are_for_administrators_only(client, login_as, auth):
    login_as(Role.municipal_lead)
    assert client.get("/questionnaires/minimal/2").status_code == 404
    assert "/questionnaires/minimal/2" not in client.get("/questionnaires/").get_data(as_text=True)
    auth.logout()
    login_as(Role.admin)
    assert client.get("/questionnaires/minimal/2").status_code == 200
    index = client.get("/questionnaires/").get_data(as_text=True)
    assert "/questionnaires/minimal/2" in index and "Concept" in index and "Vingerafdruk" in index


def test_fingerprints_and_use_are_for_administrators(client, login_as):
    login_as(Role.region_coordinator)
    html = client.get("/questionnaires/").get_data(as_text=True)
    assert "Vingerafdruk" not in html and get_questionnaire("minimal", "1").content_hash[:12] not in html


@pytest.mark.parametrize("url", ["/questionnaires/minimal/9", "/questionnaires/elders/1",
                                 "/questionnaires/minimal/1%00", "/questionnaires/%3Cscript%3E/1",
                                 "/questionnaires/minimal/" + "9" * 500])
def test_unknown_versions_are_not_found(client, login_as, url):
    login_as(Role.peer_reviewer)
    response = client.get(url)
    assert response.status_code in (400, 404)
    assert "<script>" not in response.get_data(as_text=True)


def test_the_real_instrument_renders(database_url, client):
    app = create_app(base_config(database_url, QUESTIONNAIRES_PATH=str(REAL_QUESTIONNAIRES)))
    with app.test_request_context():
        from flask import render_template

        from peerreview.domain.questionnaire import Lever
        questionnaire = app.extensions["peerreview.questionnaires"].get("regie-integrale-veiligheid", "2026.1")
        html = render_template("questionnaires/show.html", questionnaire=questionnaire, levers=list(Lever),
                               newer=None)
    assert html.count('class="question"') == len(questionnaire.questions) == 57
    assert "Knelpunt</span> 10" in html.replace('<span class="qsection__kicker">Knelpunt 10</span>',
                                                 "Knelpunt</span> 10")


def test_a_used_version_may_be_retired(app, folder):
    record_use(get_questionnaire("minimal", "1"))
    db.session.commit()
    _edit(folder / "minimal" / "1.yaml", "status: active", "status: retired")
    other = create_app(base_config(app.config["SQLALCHEMY_DATABASE_URI"], QUESTIONNAIRES_PATH=str(folder)))
    loaded = other.extensions["peerreview.questionnaires"]
    assert loaded.get("minimal", "1").status.value == "retired"
    assert loaded.latest("minimal") is None  # nothing offered for new rounds any more


def test_two_first_uses_at_the_same_moment_end_in_one_record(app, monkeypatch):
    """Another request records the version between our look-up and our insert: the unique constraint refuses
    ours, the savepoint keeps the rest of our transaction, and we read theirs."""
    questionnaire = get_questionnaire("minimal", "1")
    theirs = QuestionnaireVersion(key="minimal", version="1", content_hash=questionnaire.content_hash,
                                  title="Kleine testvragenlijst")
    db.session.add(theirs)
    db.session.commit()
    ours_before = QuestionnaireVersion(key="minimal", version="2", content_hash="b" * 64,
                                       title="In dezelfde transactie")
    db.session.add(ours_before)
    db.session.flush()
    real_scalar = db.session.scalar
    calls = []

    def first_look_misses(statement, *args, **kwargs):
        calls.append(statement)
        return None if len(calls) == 1 else real_scalar(statement, *args, **kwargs)

    monkeypatch.setattr(db.session, "scalar", first_look_misses)
    row = record_use(questionnaire)
    monkeypatch.undo()
    assert row.id == theirs.id and len(calls) == 2
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(QuestionnaireVersion)) == 2  # ours_before survived


def test_an_unreachable_database_does_not_stop_the_app(caplog):
    app = create_app(base_config("postgresql+psycopg://nobody@127.0.0.1:1/nothing",
                                 SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"connect_timeout": 2}}))
    assert len(app.extensions["peerreview.questionnaires"]) == 2
    assert "Kon de gebruikte vragenlijstversies niet met de bestanden vergelijken" in caplog.text


def test_theme_ids_cannot_take_over_the_pages_own_anchors(app, client, login_as, tmp_path):
    """A section may be called 'inhoud' (the skip link's target): the page prefixes every id from the file."""
    folder = tmp_path / "q"
    shutil.copytree(FIXTURE_QUESTIONNAIRES, folder)
    path = folder / "minimal" / "1.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("id: analyse", "id: inhoud")
                    .replace("analyse.", "inhoud."), encoding="utf-8")
    other = create_app(base_config(app.config["SQLALCHEMY_DATABASE_URI"], QUESTIONNAIRES_PATH=str(folder)))
    user = login_as(Role.municipal_lead)
    with other.test_client() as other_client:
        other_client.post("/auth/login", data={"email": user.email, "password": "Correct-Paard-Batterij-9"})
        html = other_client.get("/questionnaires/minimal/1").get_data(as_text=True)
    with other.app_context():
        db.engine.dispose()  # this second app's pooled connections, before the test database is emptied
    assert html.count('id="inhoud"') == 1 and 'id="thema-inhoud"' in html
