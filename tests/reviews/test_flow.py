"""The peer review from start to end, through the pages, as the people involved click it."""

from __future__ import annotations

from sqlalchemy import select

from peerreview.domain.evaluations import EvaluationStatus
from peerreview.extensions import db
from peerreview.models import EvaluationEvent, PeerReport

from .conftest import ITEMS, score_all


def test_a_review_runs_from_scores_to_a_closed_report(client, auth, review, today):
    e = review.evaluation
    base = f"/evaluations/{e.id}"
    # the member scores independently and submits
    auth.login(review.member)
    assert client.get(f"{base}/review").status_code == 200
    assert score_all(client, e, dict.fromkeys(ITEMS, 2)).status_code == 302
    auth.logout()
    # the chair logs an interview, scores, and sets the team's scores
    auth.login(review.chair)
    response = client.post(f"{base}/review/entries/new/interview", data={
        "held_on": today.isoformat(), "interviewees": "Burgemeester – gemeente Aadorp\nTeamchef – politie",
        "notes": "Het college stuurt actief op veiligheid.", "themes": ["analyse", "profiel"],
        "confidentiality": "quotable"})
    assert response.status_code == 302, response.get_data(as_text=True)
    client.post(f"{base}/review/entries/new/observation", data={
        "held_on": today.isoformat(), "notes": "Geheime waarneming van het team.", "themes": ["keten"],
        "confidentiality": "team"})
    assert score_all(client, e, dict.fromkeys(ITEMS, 3)).status_code == 302
    page = client.get(f"{base}/review/consensus").get_data(as_text=True)
    assert "Daan Deskundige" in page and "Onderbouwing analyse" in page
    data = {}
    for item in ITEMS:
        data[f"{item}-value"] = "3"
        data[f"{item}-motivation"] = f"Motivering {item}"
    assert client.post(f"{base}/review/consensus", data=data).status_code == 302
    client.post(f"{base}/review/report",
                data={"judgement": "De regie is in opbouw.", "strengths": "Betrokken college."})
    client.post(f"{base}/review/recommendations/new", data={
        "text": "Maak een integraal veiligheidsplan met meetbare doelen.", "themes": ["analyse"], "priority": "high",
        "addressee": "municipality"})
    client.post(f"{base}/review/recommendations/new", data={
        "text": "Vraag het Rijk om ontschotte financiering.", "themes": ["keten"], "priority": "medium",
        "addressee": "national"})
    response = client.post(f"{base}/review/concept", data={"token": ""})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(e)
    assert e.status is EvaluationStatus.fact_check
    auth.logout()
    # hoor en wederhoor: the gemeente checks the facts (no points), the chair corrects, the college reacts
    auth.login(review.setting.lead)
    concept = client.get(f"{base}/concept").get_data(as_text=True)
    assert "De regie is in opbouw." in concept and "Geheime waarneming" not in concept
    assert client.post(f"{base}/hearing/done").status_code == 302
    auth.logout()
    auth.login(review.chair)
    assert client.post(f"{base}/hearing/correct").status_code == 302
    auth.logout()
    auth.login(review.setting.lead)
    assert client.post(f"{base}/hearing/reaction", data={
        "reaction": "Het college neemt de aanbevelingen over.", "decided_on": today.isoformat(),
        "reference": "Z/2027/123"}).status_code == 302
    auth.logout()
    auth.login(review.chair)
    response = client.post(f"{base}/review/publish")
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(e)
    assert e.status is EvaluationStatus.published
    from peerreview.mail import outbox

    told = {m.to for m in outbox() if "gepubliceerd" in m.subject}
    assert {review.setting.lead.email, review.setting.contributor.email, review.setting.coordinator.email} <= told
    assert review.setting.lead_b.email not in told
    auth.logout()
    # the gemeente reads the report with the college's reaction
    auth.login(review.setting.lead)
    report = client.get(f"{base}/report").get_data(as_text=True)
    assert "De regie is in opbouw." in report and "Maak een integraal veiligheidsplan" in report
    assert "Het college stuurt actief op veiligheid." in report  # quotable
    assert "Geheime waarneming" not in report  # team only
    assert "Daan Deskundige" in report  # the team's names are public; their own scores are not
    assert "Onderbouwing analyse" not in report
    assert "Het college neemt de aanbevelingen over." in report
    auth.logout()
    # the region closes it
    auth.login(review.setting.coordinator)
    assert "Het college neemt de aanbevelingen over." in client.get(f"{base}/report").get_data(as_text=True)
    assert client.post(f"{base}/close").status_code == 302
    db.session.refresh(e)
    assert e.status is EvaluationStatus.closed
    assert db.session.get(PeerReport, e.id).closed_at is not None
    kinds = db.session.scalars(select(EvaluationEvent.kind).where(EvaluationEvent.evaluation_id == e.id)
                               .order_by(EvaluationEvent.id)).all()
    for kind in ("submitted", "team_member_added", "review_started",
                 "own_scores_submitted", "team_score", "recommendation_added", "concept_sent", "check_done",
                 "corrected", "reacted", "published", "closed"):
        assert kind in kinds, kind
    # and the pages of every role still answer
    for url in (f"/rounds/{e.round_id}", f"{base}", f"{base}/team"):
        assert client.get(url).status_code == 200, url
    team_page = client.get(f"{base}/team").get_data(as_text=True)
    timeline = team_page[team_page.index("Verloop"):]
    assert timeline.index("Toetsing gestart") < timeline.index("Rapport gepubliceerd") < timeline.index("Afgesloten")
    overview = client.get(base).get_data(as_text=True)
    assert 'aria-current="step"' in overview and "stages__step--current" in overview
    auth.logout()
    # the gemeente's history shows the stages, never the team's own work
    auth.login(review.setting.lead)
    history = client.get(f"{base}/history").get_data(as_text=True)
    assert "Rapport van het peer team gepubliceerd" in history and "Afgesloten" in history
    assert "Motivering analyse" not in history and "Daan Deskundige" not in history


def test_the_people_involved_get_a_mail_at_each_step(app, client, auth, setting):
    from peerreview.mail import outbox

    from .conftest import submit_self_evaluation

    submit_self_evaluation(setting.evaluation, setting.lead)
    base = f"/evaluations/{setting.evaluation.id}"
    auth.login(setting.coordinator)
    outbox().clear()
    client.post(f"{base}/team", data={"user_id": str(setting.peer.id), "capacity": "official", "as_chair": "y"})
    added = [m for m in outbox() if m.to == setting.peer.email]
    assert len(added) == 1 and "voorzitter" in added[0].body and f"{base}/review" in added[0].body
    client.post(f"{base}/team/start")
    assert any("gestart" in m.subject for m in outbox() if m.to == setting.peer.email)
    auth.logout()


def test_the_team_reads_the_submitted_self_evaluation_but_never_individual_answers(client, auth, review):
    e = review.evaluation
    auth.login(review.member)
    page = client.get(f"/evaluations/{e.id}/self-evaluation")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Toelichting bij analyse.cijfers" in body and "Zelfscore van het thema" in body
    base = f"/evaluations/{e.id}"
    for url in (base, f"{base}/sections/analyse", f"{base}/consensus/analyse", f"{base}/history"):
        assert client.get(url).status_code == 403, url
    auth.logout()
    auth.login(review.outsider)
    assert client.get(f"/evaluations/{e.id}/self-evaluation").status_code == 403
