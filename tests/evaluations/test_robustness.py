"""Races and edge cases around saving: autosave beside another window, a save racing a submission, two tabs
recording the same visit, pre-filled proposals, a changed questionnaire file, oversized and oddly named uploads."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select, update

from peerreview.domain.errors import NotAllowed
from peerreview.domain.evaluations import AnswerData, EvaluationStatus, Versioned
from peerreview.domain.roles import Role
from peerreview.evaluation.lifecycle import questionnaire_of
from peerreview.evaluations import services
from peerreview.extensions import db
from peerreview.models import Answer, ConsensusAnswer, Evaluation, ExcelImport, Round, Visit
from tests.conftest import AuthActions
from tests.evaluations.test_consensus import consensus_url, give
from tests.evaluations.test_wizard import QUESTIONS, page_state, section_url

AUTOSAVE = {"X-Autosave": "1"}


def test_autosave_never_overwrites_what_another_window_saved(app, setting):
    window_a, window_b = app.test_client(), app.test_client()
    AuthActions(window_a).login(setting.contributor)
    AuthActions(window_b).login(setting.contributor)
    url = section_url(setting.evaluation)
    state_a = page_state(window_a, url, QUESTIONS)
    # window B saves question 2
    state_b = page_state(window_b, url, QUESTIONS)
    assert window_b.post(url, data={**state_b, "q-analyse.gebruik-value": "4",
                                    "q-analyse.gebruik-explanation": "uit venster B"}).status_code == 302
    # window A types in question 1; its autosave reports only what it wrote
    response = window_a.post(url, data={**state_a, "q-analyse.cijfers-value": "1"}, headers=AUTOSAVE)
    assert response.status_code == 200 and set(response.json["fields"]) == {"q-analyse.cijfers"}
    for name, item in response.json["fields"].items():
        state_a[f"{name}-version"], state_a[f"{name}-digest"] = str(item["version"]), item["digest"]
    # ...and keeps typing: question 2 is still as window A loaded it, untouched, so B's answer stays
    response = window_a.post(url, data={**state_a, "q-analyse.cijfers-value": "2"}, headers=AUTOSAVE)
    assert response.status_code == 200
    rows = {a.question_id: a.data for a in db.session.scalars(select(Answer))}
    assert rows["analyse.gebruik"] == AnswerData(4, False, "uit venster B")
    assert rows["analyse.cijfers"].value == 2


def test_a_save_racing_a_submission_is_refused(app, setting):
    e = setting.evaluation
    questionnaire = questionnaire_of(e)
    section = questionnaire.section("analyse")
    assert e.status is EvaluationStatus.draft  # as this request read it
    with db.engine.begin() as connection:  # another request submits meanwhile
        connection.execute(update(Evaluation).where(Evaluation.id == e.id).values(status="submitted"))
    page = services.PageInput(answers={"analyse.cijfers": Versioned(0, None, AnswerData(value=3))})
    with pytest.raises(NotAllowed, match="intussen ingediend"):
        services.save_consensus(setting.lead, e, questionnaire, section, page, lambda qid, data: [])
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(ConsensusAnswer)) == 0


def test_two_tabs_recording_the_first_visit_at_once(app, setting, monkeypatch):
    db.session.add(Visit(evaluation_id=setting.evaluation.id, user_id=setting.contributor.id, place="answers:keten"))
    db.session.commit()
    db.session.expire_all()
    real_get = db.session.get
    monkeypatch.setattr(db.session, "get",
                        lambda model, key, **kw: None if model is Visit else real_get(model, key, **kw))
    answer = Answer(evaluation_id=setting.evaluation.id, author_id=setting.contributor.id,
                    question_id="analyse.cijfers", value=2)
    db.session.add(answer)
    services.remember_place(setting.evaluation, setting.contributor, "answers:analyse")  # the insert loses the race
    db.session.commit()  # ...and the answer saved in the same request is kept
    assert db.session.scalar(select(Answer.value)) == 2


def test_untouched_proposals_do_not_clash_or_need_a_reason(app, setting, create_user):
    e = setting.evaluation
    give(e, setting.contributor, analyse__cijfers=1, analyse__gebruik=2)
    second = create_user(Role.municipal_lead, municipality=setting.a, name="Ruud Tweede")
    first_window, second_window = app.test_client(), app.test_client()
    AuthActions(first_window).login(setting.lead)
    AuthActions(second_window).login(second)
    url = consensus_url(e)
    body = first_window.get(url).get_data(as_text=True)
    assert 'name="q-analyse.cijfers-prefill"' in body
    from tests.evaluations.test_wizard import hidden

    def form_of(client) -> dict:
        page = client.get(url).get_data(as_text=True)
        data = {}
        for name in ("q-analyse.cijfers", "q-analyse.gebruik"):
            for part in ("version", "digest", "prefill"):
                data[f"{name}-{part}"] = hidden(page, f"{name}-{part}")
        data["note-version"], data["note-digest"] = hidden(page, "note-version"), hidden(page, "note-digest")
        # the proposals as the page pre-selected them
        data["q-analyse.cijfers-value"], data["q-analyse.gebruik-value"] = "1", "2"
        return data

    first, second_form = form_of(first_window), form_of(second_window)
    # the first lead accepts the proposal of question 1 but sets question 2 herself, with a reason
    response = first_window.post(url, data={**first, "q-analyse.gebruik-value": "4",
                                            "q-analyse.gebruik-explanation": "Besproken"})
    assert response.status_code == 302
    # the colleagues' answers move, so the proposal of question 1 moves too (to 3)
    db.session.execute(update(Answer).where(Answer.question_id == "analyse.cijfers").values(value=3))
    db.session.commit()
    # the second lead only writes a note: the untouched proposals neither clash nor need a reason
    response = second_window.post(url, data={**second_form, "note-strengths": "Goede samenwerking"})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    rows = {r.question_id: r.value for r in db.session.scalars(select(ConsensusAnswer))}
    assert rows == {"analyse.cijfers": 1, "analyse.gebruik": 4}


def test_a_changed_questionnaire_file_gives_a_dutch_page_not_a_crash(client, auth, setting):
    db.session.execute(update(Round).values(questionnaire_hash="0" * 64))
    db.session.commit()
    auth.login(setting.lead)
    for url in (f"/evaluations/{setting.evaluation.id}", section_url(setting.evaluation)):
        response = client.get(url)
        assert response.status_code == 503
        assert "niet (meer) beschikbaar" in response.get_data(as_text=True)
    auth.logout()
    auth.login(setting.coordinator)
    assert client.get(f"/rounds/{setting.round.id}").status_code == 503


def test_a_file_name_with_control_characters(client, auth, setting):
    auth.login(setting.contributor)
    data = client.get(f"/evaluations/{setting.evaluation.id}/excel/download").data
    response = client.post(f"/evaluations/{setting.evaluation.id}/excel",
                           data={"file": (io.BytesIO(data), "mijn\x00bestand\x1f.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    assert db.session.scalar(select(ExcelImport.filename)) == "mijnbestand.xlsx"
    # a second upload replaces the first preview that was never confirmed
    client.post(f"/evaluations/{setting.evaluation.id}/excel", data={"file": (io.BytesIO(data), "twee.xlsx")},
                content_type="multipart/form-data")
    assert db.session.scalars(select(ExcelImport.filename)).all() == ["twee.xlsx"]


class TestWithCsrf:
    @pytest.fixture
    def app_config(self) -> dict:
        return {"WTF_CSRF_ENABLED": True}

    def test_an_oversized_upload_elsewhere_is_a_413_not_a_crash(self, client, auth, setting):
        auth.login(setting.lead_b)
        boundary = "grens"
        body = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="groot.xlsx"\r\n\r\n'
                ).encode() + b"\0" * (6 * 1024 * 1024) + f"\r\n--{boundary}--\r\n".encode()
        for evaluation_id in (setting.evaluation.id, 2_147_483_646):
            response = client.post(f"/evaluations/{evaluation_id}/excel", data=body,
                                   content_type=f"multipart/form-data; boundary={boundary}")
            assert response.status_code == 413
            assert "Bestand te groot" in response.get_data(as_text=True)


def test_the_rounds_list_has_a_constant_query_count(client, auth, setting, count_queries):
    from tests.evaluations.conftest import open_test_round

    auth.login(setting.coordinator)
    with count_queries() as few:
        client.get("/rounds/")
        client.get("/start")
    for n in range(3):
        open_test_round(setting.coordinator, setting.region, [setting.a, setting.b], name=f"Extra {n}")
    with count_queries() as many:
        client.get("/rounds/")
        client.get("/start")
    assert many.count == few.count
