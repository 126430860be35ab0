"""The wizard: each contributor's own answers, per section, saved without losing anything; who sees what."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from peerreview.extensions import db
from peerreview.models import Answer, EvaluationEvent, SectionNote, Visit


def section_url(evaluation, section: str = "analyse") -> str:
    return f"/evaluations/{evaluation.id}/sections/{section}"


def hidden(body: str, name: str) -> str:
    match = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', body)
    assert match, name
    return match.group(1)


def page_state(client, url: str, names: list[str]) -> dict[str, str]:
    """The hidden version and digest fields of a page, as a browser would send them back."""
    body = client.get(url).get_data(as_text=True)
    state = {}
    for name in names:
        for part in ("version", "digest"):
            key = f"{name}-{part}"
            state[key] = hidden(body, key)
    return state


QUESTIONS = ["q-analyse.cijfers", "q-analyse.gebruik", "note"]


def test_a_contributor_answers_a_section_and_comes_back_to_it(client, auth, setting):
    auth.login(setting.contributor)
    url = section_url(setting.evaluation)
    page = client.get(url)
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    # every level with its description, "weet niet", explanation, evidence and links
    for value in range(5):
        assert f'id="q-analyse.cijfers-value-{value}"' in body
    assert 'value="unknown"' in body and "Weet niet / niet van toepassing" in body
    for part in ("explanation", "evidence", "links"):
        assert f'name="q-analyse.cijfers-{part}"' in body
    assert 'name="note-strengths"' in body and 'name="note-improvements"' in body
    data = {**page_state(client, url, QUESTIONS),
            "q-analyse.cijfers-value": "3", "q-analyse.cijfers-explanation": "Wij werken met een wijkscan — ‘goed’ 😀",
            "q-analyse.cijfers-evidence": "Veiligheidsbeeld 2026", "q-analyse.cijfers-links": "https://a.nl/x\nhttps://b.nl",
            "q-analyse.gebruik-value": "unknown", "note-strengths": "Sterke driehoek", "note-improvements": "",
            "next": "1"}
    response = client.post(url, data=data)
    assert response.status_code == 302
    assert response.headers["Location"] == section_url(setting.evaluation, "keten")  # "Opslaan en verder"
    rows = {a.question_id: a.data for a in db.session.scalars(select(Answer))}
    assert rows["analyse.cijfers"].value == 3
    assert rows["analyse.cijfers"].explanation == "Wij werken met een wijkscan — ‘goed’ 😀"
    assert rows["analyse.cijfers"].links == ("https://a.nl/x", "https://b.nl")
    assert rows["analyse.gebruik"].unknown
    assert db.session.scalar(select(SectionNote.strengths)) == "Sterke driehoek"
    # the history has one event per changed item
    kinds = db.session.scalars(select(EvaluationEvent.kind).where(EvaluationEvent.kind != "created")).all()
    assert sorted(kinds) == ["answer", "answer", "note"]
    # coming back: the overview offers to resume, and the page shows what was saved
    client.get(section_url(setting.evaluation, "keten"))
    overview = client.get(f"/evaluations/{setting.evaluation.id}").get_data(as_text=True)
    assert "Verder waar u was: 2 " in overview.replace("\n", " ") or "Verder waar u was: 2" in overview
    assert "2 van 2 (100%)" in overview  # analyse, by this user
    again = client.get(url).get_data(as_text=True)
    assert 'value="3" checked' in again and "wijkscan" in again


def test_saving_an_unchanged_page_changes_nothing(client, auth, setting):
    auth.login(setting.contributor)
    url = section_url(setting.evaluation)
    client.post(url, data={**page_state(client, url, QUESTIONS), "q-analyse.cijfers-value": "2"})
    events = db.session.scalar(select(func.count()).select_from(EvaluationEvent))
    state = page_state(client, url, QUESTIONS)
    response = client.post(url, data={**state, "q-analyse.cijfers-value": "2"}, follow_redirects=True)
    assert "Er was niets gewijzigd" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(EvaluationEvent)) == events


def test_bad_input_is_explained_and_nothing_is_lost(client, auth, setting):
    auth.login(setting.contributor)
    url = section_url(setting.evaluation)
    state = page_state(client, url, QUESTIONS)
    typed = "Een lange toelichting die bewaard moet blijven ë"
    response = client.post(url, data={
        **state, "q-analyse.cijfers-value": "9", "q-analyse.cijfers-explanation": typed,
        "q-analyse.gebruik-value": "2", "q-analyse.gebruik-links": "www.zonder-schema.nl",
        "q-analyse.gebruik-evidence": "x" * 4001, "note-strengths": "s" * 5000})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Er is niets opgeslagen" in body
    assert "Vraag 1.1: Kies een niveau van 0 tot en met 4" in body
    assert "‘www.zonder-schema.nl’ is geen webadres" in body
    assert typed in body and "www.zonder-schema.nl" in body  # what was typed is still there
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 0
    # the length rules are checked when the rest is fine
    response = client.post(url, data={**state, "q-analyse.gebruik-value": "2", "q-analyse.gebruik-evidence": "x" * 4001,
                                      "note-strengths": "s" * 5000})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Bewijs: te lang (4001 tekens, hoogstens 4000)" in body
    assert "Sterke punten: te lang (5000 tekens, hoogstens 4000)" in body
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 0


def test_crafted_posts_do_not_break_anything(client, auth, setting):
    auth.login(setting.contributor)
    url = section_url(setting.evaluation)
    for data in ({"q-analyse.cijfers-version": "not-a-number", "q-analyse.cijfers-value": "1"},
                 {"q-analyse.cijfers-version": "99999999999999999999", "q-analyse.cijfers-value": "1"},
                 {"q-analyse.cijfers-digest": "x" * 5000, "q-analyse.cijfers-value": "1"},
                 {"q-keten.capaciteit-value": "2"}):  # a field of another section is ignored
        response = client.post(url, data=data)
        assert response.status_code in (302, 409, 422), data
    assert client.get(section_url(setting.evaluation, "bestaat-niet")).status_code == 404
    assert client.get("/evaluations/999999/sections/analyse").status_code == 404


def test_resume_is_remembered_per_user(client, auth, setting):
    auth.login(setting.contributor)
    client.get(section_url(setting.evaluation, "profiel"))
    auth.logout()
    auth.login(setting.contributor2)
    client.get(section_url(setting.evaluation, "keten"))
    places = dict(db.session.execute(select(Visit.user_id, Visit.place)).all())
    assert places == {setting.contributor.id: "answers:profiel", setting.contributor2.id: "answers:keten"}


def test_who_sees_what(client, auth, setting, create_user):
    from peerreview.domain.roles import Role

    admin = create_user(Role.admin)
    e, b = setting.evaluation, setting.evaluation_b
    urls = {
        "overview": f"/evaluations/{e.id}",
        "section": section_url(e),
        "consensus": f"/evaluations/{e.id}/consensus/analyse",
        "answers": f"/evaluations/{e.id}/self-evaluation",
        "submit": f"/evaluations/{e.id}/submit",
        "history": f"/evaluations/{e.id}/history",
        "reopen": f"/evaluations/{e.id}/reopen",
    }
    expected = {
        setting.lead: {"overview": 200, "section": 200, "consensus": 200, "answers": 200, "submit": 200,
                       "history": 200, "reopen": 403},
        setting.contributor: {"overview": 200, "section": 200, "consensus": 200, "answers": 200, "submit": 200,
                              "history": 403, "reopen": 403},
        setting.lead_b: dict.fromkeys(urls, 403),
        setting.contributor_b: dict.fromkeys(urls, 403),
        setting.peer: dict.fromkeys(urls, 403),
        setting.coordinator: {"overview": 200, "section": 403, "consensus": 403, "answers": 403, "submit": 403,
                              "history": 403, "reopen": 200},
        admin: {"overview": 200, "section": 403, "consensus": 403, "answers": 403, "submit": 403,
                "history": 403, "reopen": 403},
    }
    for user, statuses in expected.items():
        auth.login(user)
        for name, status in statuses.items():
            assert client.get(urls[name]).status_code == status, (user.name, name)
            if status == 403 and name == "section":
                assert client.post(urls[name], data={"q-analyse.cijfers-value": "1"}).status_code == 403
        auth.logout()
    # gemeente B's people do see their own evaluation
    auth.login(setting.contributor_b)
    assert client.get(f"/evaluations/{b.id}").status_code == 200
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 0


def test_the_overview_lists_progress_and_last_editor_with_a_constant_query_count(
        client, auth, setting, count_queries):
    auth.login(setting.contributor)
    url = section_url(setting.evaluation)
    client.post(url, data={**page_state(client, url, QUESTIONS), "q-analyse.cijfers-value": "1"})
    auth.logout()
    auth.login(setting.lead)
    overview_url = f"/evaluations/{setting.evaluation.id}"
    body = client.get(overview_url).get_data(as_text=True)
    assert "Bram Bijdrager" in body and "0 van 2 (0%)" in body
    with count_queries() as few:
        client.get(overview_url)
    for user in (setting.contributor2, setting.lead):
        for qid in ("analyse.cijfers", "analyse.gebruik", "keten.capaciteit"):
            db.session.add(Answer(evaluation_id=setting.evaluation.id, author_id=user.id, question_id=qid, value=2))
    db.session.commit()
    with count_queries() as many:
        client.get(overview_url)
    assert many.count == few.count


def test_autosave_answers_with_the_new_versions_so_the_next_save_does_not_clash(client, auth, setting):
    auth.login(setting.contributor)
    url = section_url(setting.evaluation)
    state = page_state(client, url, QUESTIONS)
    headers = {"X-Autosave": "1"}
    response = client.post(url, data={**state, "q-analyse.cijfers-value": "2"}, headers=headers)
    assert response.status_code == 200 and response.json["ok"]
    assert response.json["message"].startswith("Automatisch opgeslagen om ")
    fields = response.json["fields"]
    assert fields["q-analyse.cijfers"]["version"] == 1
    # the page keeps typing: the next save carries the versions the autosave returned, and is no conflict
    state["q-analyse.cijfers-version"] = str(fields["q-analyse.cijfers"]["version"])
    state["q-analyse.cijfers-digest"] = fields["q-analyse.cijfers"]["digest"]
    response = client.post(url, data={**state, "q-analyse.cijfers-value": "3"})
    assert response.status_code == 302
    assert db.session.scalar(select(Answer.value)) == 3
    # a problem or a conflict is reported in words, and nothing is saved
    response = client.post(url, data={**state, "q-analyse.cijfers-value": "9"}, headers=headers)
    assert response.status_code == 422 and "klopt nog niet" in response.json["message"]
    response = client.post(url, data={**state, "q-analyse.cijfers-value": "4"}, headers=headers)
    assert response.status_code == 409 and "iemand anders" in response.json["message"]
    assert db.session.scalar(select(Answer.value)) == 3
