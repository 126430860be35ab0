"""The next round: when Aadorp enters a new round, its previous recommendations, plan and targets are visible in
the new self-evaluation, and the old plan's page sets its targets against the new round's scores."""

from __future__ import annotations

from peerreview.extensions import db
from peerreview.plans import services
from tests.evaluations.conftest import open_test_round
from tests.reviews.conftest import page_text

from .conftest import add_action


def test_the_new_self_evaluation_shows_the_previous_round(client, auth, plan):
    add_action(plan, "Veiligheidsplan opstellen")
    services.save_targets(plan.lead, plan.evaluation, services.questionnaire_of(plan.evaluation),
                          {"analyse": "4", "keten": "2"})
    db.session.commit()
    s = plan.setting
    new_round = open_test_round(s.coordinator, s.region, [s.a], name="Ronde 2028")
    [new] = new_round.evaluations
    auth.login(s.contributor)
    overview = page_text(client.get(f"/evaluations/{new.id}"))
    assert "Uit de vorige ronde: Ronde 2027" in overview
    assert "Stel een integraal veiligheidsplan op met meetbare doelen." in overview
    assert f'/evaluations/{plan.evaluation.id}/plan"' in overview
    section = page_text(client.get(f"/evaluations/{new.id}/sections/analyse"))
    assert "Vorige ronde (Ronde 2027) bij dit thema" in section
    assert "Streefscore voor deze ronde: 4." in section
    # the old plan now has a next round; its scores are not in yet (draft): nothing is claimed
    old = page_text(client.get(f"/evaluations/{plan.evaluation.id}/plan"))
    assert "Zelfscore volgende ronde" in old


def test_the_previous_round_is_only_shown_to_who_may_read_that_plan(client, auth, plan):
    s = plan.setting
    new_round = open_test_round(s.coordinator, s.region, [s.a, s.b], name="Ronde 2028")
    by_gemeente = {e.municipality_id: e for e in new_round.evaluations}
    auth.login(s.lead_b)
    assert "Uit de vorige ronde" not in page_text(client.get(f"/evaluations/{by_gemeente[s.b.id].id}"))
    auth.logout()
    auth.login(s.lead)
    assert "Uit de vorige ronde" in page_text(client.get(f"/evaluations/{by_gemeente[s.a.id].id}"))
    assert services.previous_evaluation(by_gemeente[s.a.id]).id == plan.evaluation.id
    assert services.previous_evaluation(plan.evaluation) is None
    assert services.next_evaluation(plan.evaluation).id == by_gemeente[s.a.id].id


def test_the_old_plan_sets_its_targets_against_the_next_rounds_scores(client, auth, plan):
    import re

    from tests.reviews.conftest import submit_self_evaluation

    services.save_targets(plan.lead, plan.evaluation, services.questionnaire_of(plan.evaluation), {"keten": "4"})
    db.session.commit()
    s = plan.setting
    [new] = open_test_round(s.coordinator, s.region, [s.a], name="Ronde 2028").evaluations
    submit_self_evaluation(new, s.lead, value=3)
    auth.login(s.coordinator)
    text = page_text(client.get(f"/evaluations/{plan.evaluation.id}/plan"))
    table = text[text.index('id="streefscores"'):]
    row = re.search(r"<tr><th scope=\"row\">2\. Keten</th>(.*?)</tr>", table, re.S)
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td class=\"num\">(.*?)</td>", row.group(1), re.S)]
    assert cells == ["2,0", "1", "4", "3,0", "—"]  # self, peer, target | next self (submitted), next peer (not yet)


def test_the_wizard_shows_a_change_to_the_previous_plan_at_once(client, auth, plan):
    """The previous round at a theme is kept rendered (peerreview.cache); a new target or action shows on the next
    view."""
    services.save_targets(plan.lead, plan.evaluation, services.questionnaire_of(plan.evaluation), {"analyse": "3"})
    db.session.commit()
    s = plan.setting
    [new] = open_test_round(s.coordinator, s.region, [s.a], name="Ronde 2028").evaluations
    auth.login(s.contributor)
    url = f"/evaluations/{new.id}/sections/analyse"
    assert "Streefscore voor deze ronde: 3." in page_text(client.get(url))
    assert "Streefscore voor deze ronde: 3." in page_text(client.get(url))  # from the cache
    services.save_targets(plan.lead, plan.evaluation, services.questionnaire_of(plan.evaluation), {"analyse": "4"})
    db.session.commit()
    assert "Streefscore voor deze ronde: 4." in page_text(client.get(url))
    auth.logout()
    auth.login(s.lead_b)  # another gemeente's lead: not their previous round, whatever the cache holds
    assert client.get(url).status_code == 403
