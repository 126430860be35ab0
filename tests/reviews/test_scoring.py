"""The members' own scores (independent until submitted, whole levels only, final once submitted) and the team's
scores set by the chair, with the spread between members."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from peerreview.extensions import db
from peerreview.models import EvaluationEvent, PeerScore, TeamMember, TeamScore

from .conftest import ITEMS, count, give_scores, page_text, score_all

SECRET = "Geheime onderbouwing van Petra"


def scores_url(evaluation) -> str:
    return f"/evaluations/{evaluation.id}/review/scores"


def consensus_url(evaluation) -> str:
    return f"/evaluations/{evaluation.id}/review/consensus"


def stored(evaluation, user) -> dict[str, tuple[int | None, str]]:
    db.session.expire_all()
    return {row.item_id: (row.value, row.rationale) for row in db.session.scalars(
        select(PeerScore).where(PeerScore.evaluation_id == evaluation.id, PeerScore.reviewer_id == user.id))}


def submitted_at(evaluation, user):
    db.session.expire_all()
    return db.session.scalar(select(TeamMember.scores_submitted_at).where(
        TeamMember.evaluation_id == evaluation.id, TeamMember.user_id == user.id))


def team_form(values: dict[str, object], motivations: dict[str, str] | None = None) -> dict[str, str]:
    data = {}
    for item, value in values.items():
        data[f"{item}-value"] = str(value)
        data[f"{item}-motivation"] = (motivations or {}).get(item, f"Motivering {item}")
    return data


# ---------------------------------------------------------------- independent scores


def test_a_member_sees_no_other_scores_until_submitting_their_own(client, auth, review):
    e = review.evaluation
    give_scores(review.chair, e, dict.fromkeys(ITEMS, 3), rationale=SECRET)
    base = f"/evaluations/{e.id}"
    auth.login(review.member)
    assert client.get(consensus_url(e)).status_code == 403
    assert client.post(consensus_url(e), data=team_form(dict.fromkeys(ITEMS, 1))).status_code == 403
    for path in ("/review", "/review/scores", "/review/entries", "/review/report", "/team"):
        response = client.get(f"{base}{path}")
        assert response.status_code == 200, path
        assert SECRET not in page_text(response), path
    for path in ("/report", "/review/publish"):  # the draft and its state wait for his own scores
        assert client.get(f"{base}{path}").status_code == 403, path
    # the consensus tab is not even offered yet
    assert f'href="{consensus_url(e)}"' not in client.get(f"{base}/review").get_data(as_text=True)
    assert score_all(client, e, dict.fromkeys(ITEMS, 1)).status_code == 302
    assert submitted_at(e, review.member) is not None
    page = client.get(consensus_url(e))
    assert page.status_code == 200
    body = page_text(page)
    assert f"{SECRET} analyse" in body and "Petra Peer" in body
    assert count(TeamScore) == 0  # seeing is not setting


@pytest.mark.parametrize("bad", ["7", "-1", "abc", "2.5", "5", " ", "1e1"])
def test_a_score_off_the_scale_is_refused_and_nothing_is_stored(client, auth, review, bad):
    e = review.evaluation
    auth.login(review.member)
    response = client.post(scores_url(e), data={"action": "save", "analyse-value": "1",
                                                "analyse-rationale": "Eerste opslag"})
    assert response.status_code == 302
    before = stored(e, review.member)
    assert before == {"analyse": (1, "Eerste opslag")}
    rows_before = count(PeerScore)
    response = client.post(scores_url(e), data={
        "action": "save", "analyse-value": "3", "analyse-rationale": "Gewijzigd", "keten-value": bad,
        "keten-rationale": "Nieuw"})
    if bad == " ":  # blank is "no score yet", not an error
        assert response.status_code == 302
        assert stored(e, review.member)["keten"] == (None, "Nieuw")
        return
    assert response.status_code == 422
    body = page_text(response)
    assert "Kies een score van 0 tot en met 4." in body
    assert "Er is een probleem; er is niets opgeslagen" in body
    assert count(PeerScore) == rows_before
    assert stored(e, review.member) == before  # the valid change in the same post was not stored either
    assert submitted_at(e, review.member) is None


def test_submitting_with_a_missing_rationale_is_refused_and_names_the_item(client, auth, review):
    e = review.evaluation
    auth.login(review.member)
    data = {"action": "submit"}
    for item in ITEMS:
        data[f"{item}-value"] = "2"
        data[f"{item}-rationale"] = "" if item == "bestuur" else f"Onderbouwing {item}"
    response = client.post(scores_url(e), data=data)
    assert response.status_code == 422
    body = page_text(response)
    match = re.search(r"Nog open: ([^<]*)", body)
    assert match is not None, body
    assert "Korte lijn naar het bestuur" in match.group(1)
    assert "Analyse" not in match.group(1) and "Netwerk" not in match.group(1)
    assert submitted_at(e, review.member) is None
    assert count(EvaluationEvent, EvaluationEvent.kind == "own_scores_submitted") == 0
    # what was typed is shown again, so nothing has to be typed twice
    assert "Onderbouwing keten" in body
    # saving (without submitting) keeps the incomplete scores
    data["action"] = "save"
    assert client.post(scores_url(e), data=data).status_code == 302
    assert stored(e, review.member)["bestuur"] == (2, "")
    assert submitted_at(e, review.member) is None


def test_submitted_scores_are_final(client, auth, review):
    e = review.evaluation
    auth.login(review.member)
    assert score_all(client, e, dict.fromkeys(ITEMS, 2)).status_code == 302
    first = submitted_at(e, review.member)
    assert first is not None
    before = stored(e, review.member)
    assert before == {item: (2, f"Onderbouwing {item}") for item in ITEMS}
    for action in ("save", "submit"):
        data = {"action": action}
        for item in ITEMS:
            data[f"{item}-value"] = "4"
            data[f"{item}-rationale"] = "Toch anders"
        response = client.post(scores_url(e), data=data)
        assert response.status_code == 422
        assert "U hebt uw scores al ingediend; ze zijn definitief." in page_text(response)
        assert stored(e, review.member) == before
        assert submitted_at(e, review.member) == first
    page = client.get(scores_url(e))
    assert page.status_code == 200
    assert "U hebt uw scores ingediend; ze zijn definitief." in page_text(page)
    assert count(EvaluationEvent, EvaluationEvent.kind == "own_scores_submitted",
                 EvaluationEvent.actor_id == review.member.id) == 1


# ---------------------------------------------------------------- the team's scores


def test_the_chair_sets_team_scores_only_after_submitting_their_own(client, auth, review):
    e = review.evaluation
    auth.login(review.chair)
    assert client.get(consensus_url(e)).status_code == 403
    assert client.post(consensus_url(e), data=team_form(dict.fromkeys(ITEMS, 3))).status_code == 403
    assert count(TeamScore) == 0
    assert score_all(client, e, dict.fromkeys(ITEMS, 3)).status_code == 302
    assert client.get(consensus_url(e)).status_code == 200
    response = client.post(consensus_url(e), data=team_form({"analyse": 3, "keten": 2, "netwerk": 4, "bestuur": 0}))
    assert response.status_code == 302
    db.session.expire_all()
    rows = {r.item_id: (r.value, r.motivation, r.updated_by_id) for r in db.session.scalars(select(TeamScore))}
    assert rows == {"analyse": (3, "Motivering analyse", review.chair.id),
                    "keten": (2, "Motivering keten", review.chair.id),
                    "netwerk": (4, "Motivering netwerk", review.chair.id),
                    "bestuur": (0, "Motivering bestuur", review.chair.id)}
    events = db.session.scalars(select(EvaluationEvent).where(EvaluationEvent.kind == "team_score")).all()
    assert {ev.subject for ev in events} == set(ITEMS)
    assert all(ev.actor_id == review.chair.id and ev.at is not None for ev in events)
    assert "De scores van het team zijn opgeslagen (4 gewijzigd)." in page_text(client.get(consensus_url(e)))


def test_the_consensus_page_shows_the_spread_and_flags_a_large_one(client, auth, review):
    e = review.evaluation
    give_scores(review.member, e, {"analyse": 1, "keten": 2, "netwerk": 3, "bestuur": 4})
    give_scores(review.chair, e, {"analyse": 3, "keten": 3, "netwerk": 3, "bestuur": 4})
    auth.login(review.chair)
    page = client.get(consensus_url(e))
    assert page.status_code == 200
    body = page_text(page)
    assert body.count("Grote spreiding: bespreek dit in het team.") == 1
    sections = {m.group(1): m.group(2) for m in re.finditer(
        r'<section class="qform[^"]*"[^>]*id="([a-z]+)-value">(.*?)</section>', body, re.S)}
    assert set(sections) == set(ITEMS)
    assert "Grote spreiding" in sections["analyse"]
    assert "Laagste 1, hoogste 3" in sections["analyse"] and "Voorstel: 2." in sections["analyse"]
    assert "Grote spreiding" not in sections["keten"]  # 2 and 3 differ by one
    assert "Voorstel: 2." in sections["keten"]  # a median between two levels goes to the lower one
    assert "Daan Deskundige" in sections["analyse"] and "Onderbouwing analyse" in sections["analyse"]
    assert count(TeamScore) == 0  # the proposal is never filled in by itself


def test_a_team_score_without_motivation_is_refused_and_nothing_is_saved(client, auth, review):
    e = review.evaluation
    give_scores(review.chair, e, dict.fromkeys(ITEMS, 3))
    auth.login(review.chair)
    response = client.post(consensus_url(e), data=team_form({"analyse": 3, "keten": 2},
                                                            motivations={"keten": "   "}))
    assert response.status_code == 422
    body = page_text(response)
    assert "Motiveer de score van het team; de gemeente leest die motivering in het rapport." in body
    assert count(TeamScore) == 0  # not even the valid analyse
    response = client.post(consensus_url(e), data=team_form({"analyse": "9"}))
    assert response.status_code == 422
    assert "Kies een score van 0 tot en met 4." in page_text(response)
    response = client.post(consensus_url(e), data={"analyse-value": "", "analyse-motivation": "Alleen tekst"})
    assert response.status_code == 422
    assert "Kies de score van het team." in page_text(response)
    assert count(TeamScore) == 0


def test_a_member_who_is_not_the_chair_cannot_set_team_scores(client, auth, review):
    e = review.evaluation
    give_scores(review.chair, e, dict.fromkeys(ITEMS, 3))
    auth.login(review.chair)
    assert client.post(consensus_url(e), data=team_form({"analyse": 3})).status_code == 302
    auth.logout()
    give_scores(review.member, e, dict.fromkeys(ITEMS, 1))
    auth.login(review.member)
    page = client.get(consensus_url(e))
    assert page.status_code == 200
    assert "De voorzitter stelt de scores van het team vast." in page_text(page)
    assert 'name="analyse-motivation"' not in page.get_data(as_text=True)
    response = client.post(consensus_url(e), data=team_form(dict.fromkeys(ITEMS, 0)))
    assert response.status_code == 422
    assert "Alleen de voorzitter van het peer team stelt de scores van het team vast." in page_text(response)
    db.session.expire_all()
    assert [(r.item_id, r.value) for r in db.session.scalars(select(TeamScore))] == [("analyse", 3)]
