"""Submission, read-only afterwards, reopening by the coordinator with a reason, the history, and colleagues."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from peerreview.domain.evaluations import AnswerData, EvaluationStatus
from peerreview.domain.roles import Role
from peerreview.extensions import db
from peerreview.mail import outbox
from peerreview.models import Answer, ConsensusAnswer, EvaluationEvent, User
from tests.evaluations.test_wizard import QUESTIONS, page_state

ALL = ["analyse.cijfers", "analyse.gebruik", "keten.capaciteit", "keten.signalen", "profiel.netwerk.partners",
       "profiel.bestuur.toegang", "profiel.bestuur.druk"]


def agree(evaluation, lead, question_ids, data: AnswerData | None = None) -> None:
    for qid in question_ids:
        row = ConsensusAnswer(evaluation_id=evaluation.id, question_id=qid, updated_by_id=lead.id)
        row.set_data(data or AnswerData(unknown=True))
        db.session.add(row)
    db.session.commit()


def test_the_submit_page_lists_exactly_what_is_missing(client, auth, setting):
    e = setting.evaluation
    agree(e, setting.lead, ALL[:5])
    auth.login(setting.lead)
    body = client.get(f"/evaluations/{e.id}/submit").get_data(as_text=True)
    assert "deze 2 vragen hebben nog geen gezamenlijk antwoord" in body
    assert f"/evaluations/{e.id}/consensus/profiel#vraag-profiel.bestuur.toegang" in body
    assert "#vraag-profiel.bestuur.druk" in body and "#vraag-analyse.cijfers" not in body
    response = client.post(f"/evaluations/{e.id}/submit")
    assert response.status_code == 422 and "Nog niet alle vragen" in response.get_data(as_text=True)
    db.session.refresh(e)
    assert e.status is EvaluationStatus.draft


def test_the_lead_submits_and_everything_becomes_read_only(client, auth, setting):
    e = setting.evaluation
    agree(e, setting.lead, ALL[:-1], AnswerData(value=2))
    agree(e, setting.lead, ALL[-1:])  # an explicit "weet niet" counts
    auth.login(setting.lead)
    page = client.get(f"/evaluations/{e.id}/submit").get_data(as_text=True)
    assert "Zelfevaluatie definitief indienen" in page
    assert "Bewijs gevraagd maar niet gegeven (1)" in page  # a warning, not a block
    response = client.post(f"/evaluations/{e.id}/submit")
    assert response.status_code == 302
    db.session.refresh(e)
    assert e.status is EvaluationStatus.submitted and e.submitted_by_id == setting.lead.id
    assert e.submitted_at is not None
    # read-only for everyone of the gemeente
    for url in (f"/evaluations/{e.id}/sections/analyse", f"/evaluations/{e.id}/consensus/analyse"):
        body = client.get(url).get_data(as_text=True)
        assert 'type="radio"' not in body
        response = client.post(url, data={**{}, "q-analyse.cijfers-value": "4"}, follow_redirects=True)
        assert "niet (meer)" in response.get_data(as_text=True) or "ingediend" in response.get_data(as_text=True)
    assert client.post(f"/evaluations/{e.id}/submit").status_code == 422  # twice: refused in Dutch
    auth.logout()
    auth.login(setting.contributor)
    response = client.post(f"/evaluations/{e.id}/sections/analyse", data={"q-analyse.cijfers-value": "4"})
    assert response.status_code == 409 and "Er is niets opgeslagen" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 0
    assert {r.value for r in db.session.scalars(select(ConsensusAnswer))} == {2, None}
    # the region may now read the gemeente's answers, never the individual ones
    auth.logout()
    auth.login(setting.coordinator)
    assert client.get(f"/evaluations/{e.id}/self-evaluation").status_code == 200
    assert client.get(f"/evaluations/{e.id}/consensus/analyse").status_code == 403


def test_a_contributor_cannot_submit(client, auth, setting):
    agree(setting.evaluation, setting.lead, ALL)
    auth.login(setting.contributor)
    assert client.post(f"/evaluations/{setting.evaluation.id}/submit").status_code == 403
    assert "De trekker van de gemeente dient de zelfevaluatie in" in client.get(
        f"/evaluations/{setting.evaluation.id}/submit").get_data(as_text=True)


def test_only_the_coordinator_reopens_with_a_reason_kept_in_the_history(client, auth, setting):
    e = setting.evaluation
    agree(e, setting.lead, ALL)
    auth.login(setting.lead)
    assert client.post(f"/evaluations/{e.id}/submit").status_code == 302
    assert client.post(f"/evaluations/{e.id}/reopen", data={"reason": "Graag opnieuw"}).status_code == 403
    auth.logout()
    auth.login(setting.coordinator)
    response = client.post(f"/evaluations/{e.id}/reopen", data={"reason": "   "})
    assert response.status_code == 422 and "Geef een reden" in response.get_data(as_text=True)
    response = client.post(f"/evaluations/{e.id}/reopen", data={"reason": "Thema 2 is per abuis leeg gelaten"})
    assert response.status_code == 302
    db.session.refresh(e)
    assert e.status is EvaluationStatus.draft and e.submitted_at is None
    assert "Thema 2 is per abuis leeg gelaten" in client.get(f"/rounds/{setting.round.id}").get_data(as_text=True)
    # reopening a draft is refused in words
    page = client.get(f"/evaluations/{e.id}/reopen").get_data(as_text=True)
    assert "Alleen een ingediende zelfevaluatie kan worden heropend" in page
    assert client.post(f"/evaluations/{e.id}/reopen", data={"reason": "nogmaals graag"}).status_code == 422
    auth.logout()
    # the lead sees it all in the history
    auth.login(setting.lead)
    history = client.get(f"/evaluations/{e.id}/history").get_data(as_text=True)
    assert "Heropend" in history and "Reden: Thema 2 is per abuis leeg gelaten" in history
    assert "Ingediend" in history and "Coby Coördinator" in history and "Lotte Trekker" in history
    kinds = db.session.scalars(select(EvaluationEvent.kind).order_by(EvaluationEvent.id)).all()
    assert kinds[-2:] == ["submitted", "reopened"]


def test_the_history_shows_every_change_with_before_and_after(client, auth, setting):
    auth.login(setting.contributor)
    url = f"/evaluations/{setting.evaluation.id}/sections/analyse"
    client.post(url, data={**page_state(client, url, QUESTIONS), "q-analyse.cijfers-value": "1"})
    # a later editing session (more than MERGE_MINUTES after the first) is an entry of its own
    for event in db.session.scalars(select(EvaluationEvent)):
        event.at -= timedelta(minutes=11)
    db.session.commit()
    client.post(url, data={**page_state(client, url, QUESTIONS), "q-analyse.cijfers-value": "3",
                           "q-analyse.cijfers-explanation": "Na overleg hoger"})
    auth.logout()
    auth.login(setting.lead)
    body = client.get(f"/evaluations/{setting.evaluation.id}/history").get_data(as_text=True)
    assert body.count("Eigen antwoord") == 2 and "Bram Bijdrager" in body
    assert "1 – Weinig" in body and "3 – Veel · toelichting: Na overleg hoger" in body
    assert "1.1 " in body


def test_quick_successive_saves_are_one_history_entry(client, auth, setting):
    """Autosave saves at every pause in typing; the history keeps one entry per person, item and sitting."""
    auth.login(setting.contributor)
    url = f"/evaluations/{setting.evaluation.id}/sections/analyse"
    for value in ("1", "2", "3"):
        client.post(url, data={**page_state(client, url, QUESTIONS), "q-analyse.cijfers-value": value},
                    headers={"X-Autosave": "1"})
    [event] = db.session.scalars(select(EvaluationEvent).where(EvaluationEvent.kind == "answer")).all()
    assert event.details["before"] is None and event.details["after"]["value"] == 3
    auth.logout()
    auth.login(setting.contributor2)  # someone else's answer to the same question is its own entry
    client.post(url, data={**page_state(client, url, QUESTIONS), "q-analyse.cijfers-value": "2"})
    assert db.session.scalar(select(func.count()).select_from(EvaluationEvent).where(
        EvaluationEvent.kind == "answer")) == 2


def test_the_history_is_paged(client, auth, setting):
    for n in range(120):
        db.session.add(EvaluationEvent(evaluation_id=setting.evaluation.id, actor_id=setting.contributor.id,
                                       kind="answer", subject="analyse.cijfers",
                                       details={"before": None, "after": {"value": n % 5}}))
    db.session.commit()
    auth.login(setting.lead)
    url = f"/evaluations/{setting.evaluation.id}/history"
    assert "Pagina 1 van 3" in client.get(url).get_data(as_text=True)
    assert "Pagina 3 van 3" in client.get(url + "?page=3").get_data(as_text=True)
    assert "Pagina 3 van 3" in client.get(url + "?page=999").get_data(as_text=True)
    assert client.get(url + "?page=abc").status_code == 200


def test_the_lead_invites_a_colleague(client, auth, setting, app):
    auth.login(setting.lead)
    assert "Bram Bijdrager" in client.get("/colleagues").get_data(as_text=True)
    response = client.post("/colleagues", data={"name": "Nina Nieuw", "email": " Nina@Aadorp.nl "})
    assert response.status_code == 302
    [mail] = [m for m in outbox() if m.to == "nina@aadorp.nl"]
    assert "/auth/activate/" in mail.body
    user = db.session.scalar(select(User).where(User.email == "nina@aadorp.nl"))
    assert user.role is Role.municipal_contributor and user.municipality_id == setting.a.id
    assert not user.is_activated
    response = client.post("/colleagues", data={"name": "Nina", "email": "nina@aadorp.nl"})
    assert response.status_code == 422 and "Er bestaat al een account" in response.get_data(as_text=True)
    response = client.post("/colleagues", data={"name": "", "email": "geen-adres"})
    assert response.status_code == 422
    auth.logout()
    for user in (setting.contributor, setting.coordinator, setting.peer):
        auth.login(user)
        assert client.get("/colleagues").status_code == 403
        assert client.post("/colleagues", data={"name": "X", "email": "x@x.nl"}).status_code == 403
        auth.logout()
