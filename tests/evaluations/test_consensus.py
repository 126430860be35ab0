"""The lead's consensus: every colleague's answer and the spread, the median proposal, a reason for departing
from it, and no lost updates when two people save the same thing at once."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from peerreview.domain.evaluations import AnswerData
from peerreview.domain.roles import Role
from peerreview.evaluation.answers import consensus_answers
from peerreview.evaluation.lifecycle import questionnaire_of
from peerreview.evaluations import services
from peerreview.extensions import db
from peerreview.models import Answer, ConsensusAnswer, ConsensusNote, EvaluationEvent
from tests.evaluations.test_wizard import QUESTIONS, hidden, page_state


def consensus_url(evaluation, section: str = "analyse") -> str:
    return f"/evaluations/{evaluation.id}/consensus/{section}"


def give(evaluation, user, **values) -> None:
    for qid, value in values.items():
        qid = qid.replace("__", ".")
        data = (AnswerData(unknown=True) if value == "unknown"
                else AnswerData(value=value, explanation=f"van {user.name}"))
        row = Answer(evaluation_id=evaluation.id, author_id=user.id, question_id=qid)
        row.set_data(data)
        db.session.add(row)
    db.session.commit()


def test_the_lead_sees_every_answer_the_spread_and_the_median_proposal(client, auth, setting):
    e = setting.evaluation
    give(e, setting.contributor, analyse__cijfers=1, analyse__gebruik=2)
    give(e, setting.contributor2, analyse__cijfers=4, analyse__gebruik=3)
    auth.login(setting.lead)
    body = client.get(consensus_url(e)).get_data(as_text=True)
    assert "Bram Bijdrager" in body and "Carla Collega" in body and "van Bram Bijdrager" in body
    assert "Mediaan 2,5 · laagste 1 · hoogste 4" in body
    assert "grote spreiding" in body
    # pre-filled with the median, the lower level when it falls between two
    assert 'id="q-analyse.cijfers-value-2" value="2" checked' in body
    assert 'id="q-analyse.gebruik-value-2" value="2" checked' in body
    # saving the page as it is accepts the proposals
    response = client.post(consensus_url(e), data={
        **page_state(client, consensus_url(e), QUESTIONS), "q-analyse.cijfers-value": "2",
        "q-analyse.gebruik-value": "2"})
    assert response.status_code == 302
    stored = {row.question_id: (row.value, row.updated_by_id) for row in db.session.scalars(select(ConsensusAnswer))}
    assert stored == {"analyse.cijfers": (2, setting.lead.id), "analyse.gebruik": (2, setting.lead.id)}


def test_a_departure_from_the_proposal_needs_a_reason(client, auth, setting):
    e = setting.evaluation
    give(e, setting.contributor, analyse__cijfers=1)
    auth.login(setting.lead)
    state = page_state(client, consensus_url(e), QUESTIONS)
    response = client.post(consensus_url(e), data={**state, "q-analyse.cijfers-value": "3"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Licht toe waarom u afwijkt van het voorstel (1 – Weinig)" in body
    assert 'value="3" checked' in body  # the choice stays on screen
    assert db.session.scalar(select(func.count()).select_from(ConsensusAnswer)) == 0
    response = client.post(consensus_url(e), data={**state, "q-analyse.cijfers-value": "3",
                                                   "q-analyse.cijfers-explanation": "Besproken in het MT"})
    assert response.status_code == 302
    assert db.session.scalar(select(ConsensusAnswer.explanation)) == "Besproken in het MT"


def test_only_the_lead_sets_consensus_and_contributors_may_read_it(client, auth, setting):
    e = setting.evaluation
    give(e, setting.contributor2, analyse__cijfers=3)
    auth.login(setting.contributor)
    page = client.get(consensus_url(e))
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "Carla Collega" in body
    assert 'name="q-analyse.cijfers-value"' not in body  # read-only for a contributor
    response = client.post(consensus_url(e), data={"q-analyse.cijfers-value": "3",
                                                   "q-analyse.cijfers-explanation": "Mijn tekst"})
    assert response.status_code == 409  # refused, and what was typed is shown to copy
    assert "Er is niets opgeslagen" in response.get_data(as_text=True)
    assert "Mijn tekst" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ConsensusAnswer)) == 0


# ---------------------------------------------------------------- no lost updates


@pytest.fixture
def second_lead(setting, create_user):
    return create_user(Role.municipal_lead, municipality=setting.a, name="Ruud Tweede Trekker")


def test_two_leads_save_the_same_answer_and_the_second_is_shown_the_first(
        app, setting, second_lead, auth):
    e = setting.evaluation
    first, second = app.test_client(), app.test_client()
    from tests.conftest import AuthActions

    AuthActions(first).login(setting.lead)
    AuthActions(second).login(second_lead)
    url = consensus_url(e)
    # both open the page
    state_first = page_state(first, url, QUESTIONS)
    state_second = page_state(second, url, QUESTIONS)
    assert state_first == state_second
    # the first saves
    response = first.post(url, data={**state_first, "q-analyse.cijfers-value": "1",
                                     "q-analyse.cijfers-explanation": "Zo zien wij het"})
    assert response.status_code == 302
    # the second saves the same question differently: refused, nothing saved
    mine = "Mijn eigen, lange toelichting die niet verloren mag gaan"
    response = second.post(url, data={**state_second, "q-analyse.cijfers-value": "4",
                                      "q-analyse.cijfers-explanation": mine,
                                      "q-analyse.gebruik-value": "2"})
    body = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Iemand anders heeft intussen ook opgeslagen" in body
    assert "Intussen opgeslagen door Lotte Trekker" in body
    assert "1 – Weinig" in body and "Zo zien wij het" in body  # what the other person saved
    assert mine in body and 'value="4" checked' in body  # the user's own input, to merge
    rows = {r.question_id: (r.value, r.explanation) for r in db.session.scalars(select(ConsensusAnswer))}
    assert rows == {"analyse.cijfers": (1, "Zo zien wij het")}  # the other question was not saved either
    # the page now carries the other person's version: saving again is a deliberate choice and succeeds
    assert hidden(body, "q-analyse.cijfers-version") == "1"
    retry = {**state_second, "q-analyse.cijfers-version": hidden(body, "q-analyse.cijfers-version"),
             "q-analyse.cijfers-digest": hidden(body, "q-analyse.cijfers-digest"),
             "q-analyse.cijfers-value": "4", "q-analyse.cijfers-explanation": mine, "q-analyse.gebruik-value": "2"}
    assert second.post(url, data=retry).status_code == 302
    rows = {r.question_id: (r.value, r.version) for r in db.session.scalars(select(ConsensusAnswer))}
    assert rows == {"analyse.cijfers": (4, 2), "analyse.gebruik": (2, 1)}


def test_different_questions_of_one_section_do_not_conflict(app, setting, second_lead):
    from tests.conftest import AuthActions

    first, second = app.test_client(), app.test_client()
    AuthActions(first).login(setting.lead)
    AuthActions(second).login(second_lead)
    url = consensus_url(setting.evaluation)
    state_first, state_second = page_state(first, url, QUESTIONS), page_state(second, url, QUESTIONS)
    assert first.post(url, data={**state_first, "q-analyse.cijfers-value": "1"}).status_code == 302
    # the second leaves question 1 untouched (empty, as loaded) and answers question 2
    assert second.post(url, data={**state_second, "q-analyse.gebruik-value": "3"}).status_code == 302
    rows = {r.question_id: r.value for r in db.session.scalars(select(ConsensusAnswer))}
    assert rows == {"analyse.cijfers": 1, "analyse.gebruik": 3}


def test_the_section_notes_conflict_too(app, setting, second_lead):
    from tests.conftest import AuthActions

    first, second = app.test_client(), app.test_client()
    AuthActions(first).login(setting.lead)
    AuthActions(second).login(second_lead)
    url = consensus_url(setting.evaluation)
    state_first, state_second = page_state(first, url, QUESTIONS), page_state(second, url, QUESTIONS)
    assert first.post(url, data={**state_first, "note-strengths": "Goede driehoek"}).status_code == 302
    response = second.post(url, data={**state_second, "note-strengths": "Sterke wijkaanpak"})
    body = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Goede driehoek" in body and "Sterke wijkaanpak" in body
    assert db.session.scalar(select(ConsensusNote.strengths)) == "Goede driehoek"


def test_one_contributor_in_two_tabs(client, auth, setting):
    auth.login(setting.contributor)
    url = f"/evaluations/{setting.evaluation.id}/sections/analyse"
    tab1, tab2 = page_state(client, url, QUESTIONS), page_state(client, url, QUESTIONS)
    assert client.post(url, data={**tab1, "q-analyse.cijfers-value": "1"}).status_code == 302
    response = client.post(url, data={**tab2, "q-analyse.cijfers-value": "2"})
    assert response.status_code == 409
    assert "Intussen opgeslagen door Bram Bijdrager" in response.get_data(as_text=True)
    assert db.session.scalar(select(Answer.value)) == 1


def test_a_race_lost_at_the_database_is_a_conflict_too(app, setting, monkeypatch):
    """Two saves that both pass the version check: the UPDATE ... WHERE version = n of the second finds no row."""
    e = setting.evaluation
    questionnaire = questionnaire_of(e)
    section = questionnaire.section("analyse")
    row = ConsensusAnswer(evaluation_id=e.id, question_id="analyse.cijfers", updated_by_id=setting.lead.id)
    row.set_data(AnswerData(value=1))
    db.session.add(row)
    db.session.commit()
    from peerreview.domain.evaluations import Versioned, digest

    page = services.PageInput(answers={"analyse.cijfers": Versioned(1, digest(AnswerData(value=1)),
                                                                    AnswerData(value=3))})
    real_load = consensus_answers
    calls = {"n": 0}

    def load_then_someone_else_saves(*args, **kwargs):
        result = real_load(*args, **kwargs)
        calls["n"] += 1
        if calls["n"] == 1:  # between our read and our write, another request commits
            from sqlalchemy import update
            with db.engine.begin() as connection:
                connection.execute(update(ConsensusAnswer).values(value=4, version=2, explanation="van de ander"))
        return result

    monkeypatch.setattr(services, "consensus_answers", load_then_someone_else_saves)
    with pytest.raises(services.EditConflict) as caught:
        services.save_consensus(setting.lead, e, questionnaire, section, page, lambda qid, data: [])
    [conflict] = caught.value.conflicts
    assert conflict.theirs.data.value == 4 and conflict.mine.value == 3
    db.session.rollback()
    assert db.session.scalar(select(ConsensusAnswer.value)) == 4
    assert db.session.scalar(select(func.count()).select_from(EvaluationEvent).where(
        EvaluationEvent.kind == "consensus")) == 0


def test_every_problem_is_shown_at_once(client, auth, setting):
    give(setting.evaluation, setting.contributor, analyse__gebruik=1)
    auth.login(setting.lead)
    url = consensus_url(setting.evaluation)
    response = client.post(url, data={**page_state(client, url, QUESTIONS), "q-analyse.gebruik-value": "3",
                                      "q-analyse.gebruik-links": "geen link"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "geen webadres" in body and "Licht toe waarom u afwijkt" in body


def test_the_same_person_in_two_windows_is_told_so(client, auth, setting):
    auth.login(setting.lead)
    url = consensus_url(setting.evaluation)
    window1, window2 = page_state(client, url, QUESTIONS), page_state(client, url, QUESTIONS)
    assert client.post(url, data={**window1, "q-analyse.cijfers-value": "1"}).status_code == 302
    response = client.post(url, data={**window2, "q-analyse.cijfers-value": "2"})
    assert response.status_code == 409
    assert "U heeft dit intussen in een ander venster opgeslagen" in response.get_data(as_text=True)
