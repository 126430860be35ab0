"""The verbeterplan through its pages: actions from recommendations, statuses, progress, notes, targets, what the
report and the round page show, and every kind of bad input refused with a Dutch message and nothing saved."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from peerreview.domain.plans import ActionStatus
from peerreview.evaluation.plan import targets_for
from peerreview.extensions import db
from peerreview.models import (
    ActionNote,
    EvaluationEvent,
    ImprovementAction,
    PlanTarget,
    Recommendation,
    RecommendationTheme,
)
from peerreview.plans import services
from peerreview.reviews.report import close
from tests.conftest import app_today
from tests.reviews.conftest import count, page_text

from .conftest import Plan, add_action, end_plan_period


def url(plan: Plan, path: str = "") -> str:
    return f"/evaluations/{plan.evaluation.id}/plan{path}"


def action_form(plan: Plan, **overrides) -> dict:
    today = app_today()
    data = {"title": "Integraal veiligheidsplan vaststellen", "description": "Met de raad en de partners.",
            "recommendations": [str(plan.recommendations[0].id)], "owner": "Veiligheidscoördinator",
            "owner_kind": "internal", "start_on": today.isoformat(),
            "due_on": (today + timedelta(days=60)).isoformat()}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def actions() -> list[ImprovementAction]:
    return list(db.session.scalars(select(ImprovementAction).order_by(ImprovementAction.id)))


# ---------------------------------------------------------------- building the plan


def test_the_lead_turns_a_recommendation_into_an_action(client, auth, plan):
    auth.login(plan.lead)
    first = plan.recommendations[0]
    page = client.get(url(plan, f"/actions/new?recommendation={first.id}"))
    assert page.status_code == 200
    assert re.search(rf'value="{first.id}"[^>]*checked|checked[^>]*value="{first.id}"', page_text(page))
    response = client.post(url(plan, "/actions/new"), data=action_form(plan))
    assert response.status_code == 302
    [row] = actions()
    assert (row.title, row.owner, row.status) == ("Integraal veiligheidsplan vaststellen", "Veiligheidscoördinator",
                                                  ActionStatus.planned)
    assert row.recommendation_ids == (first.id,)
    assert row.section_ids == ("analyse",)  # no theme chosen: the recommendation's
    text = page_text(client.get(url(plan)))
    assert "Integraal veiligheidsplan vaststellen" in text
    assert "1 aanbeveling open" in text  # the second recommendation has no action yet
    assert count(EvaluationEvent, EvaluationEvent.kind == "plan_action_added") == 1


def test_a_contributor_edits_the_plan_too_and_chooses_themes(client, auth, plan):
    auth.login(plan.contributor)
    response = client.post(url(plan, "/actions/new"), data=action_form(
        plan, recommendations=[str(r.id) for r in plan.recommendations], themes=["keten", "analyse"]))
    assert response.status_code == 302
    [row] = actions()
    assert row.section_ids == ("analyse", "keten")
    assert set(row.recommendation_ids) == {r.id for r in plan.recommendations}
    assert "aanbeveling open" not in page_text(client.get(url(plan)))


def test_marking_an_action_done_updates_progress_overall_and_per_theme(client, auth, plan, today):
    first = add_action(plan, "Plan schrijven", themes=("analyse",))
    add_action(plan, "Ketenoverleg beleggen", recommendation=1, themes=("keten",))
    auth.login(plan.lead)
    assert "0 van 2 afgerond (0%)" in page_text(client.get(url(plan)))
    response = client.post(url(plan, f"/actions/{first.id}/status"),
                           data={"status": "done", "reason": "", "version": str(first.version)})
    assert response.status_code == 302
    text = page_text(client.get(url(plan)))
    assert "1 van 2 afgerond (50%)" in text
    db.session.refresh(first)
    assert first.status is ActionStatus.done and first.completed_on == today
    theme_rows = re.findall(r"<tr><th scope=\"row\">.*?</tr>", text, re.S)
    analyse = next(r for r in theme_rows if "1. Analyse" in r)
    keten = next(r for r in theme_rows if "2. Keten" in r)
    assert "100%" in analyse and "0%" in keten


def test_overdue_actions_come_first_and_are_counted(client, auth, plan, today):
    add_action(plan, "Op tijd", due_on=today + timedelta(days=5))
    add_action(plan, "Vandaag klaar", due_on=today)
    add_action(plan, "Te laat", start_on=today - timedelta(days=40), due_on=today - timedelta(days=3))
    auth.login(plan.lead)
    text = page_text(client.get(url(plan)))
    table = text[text.index('id="plan-actions-caption"'):]
    assert table.index("Te laat") < table.index("Vandaag klaar") < table.index("Op tijd")
    assert "3 dagen te laat" in table
    assert "1 actie te laat" in text


def test_filters_by_theme_owner_and_status_and_ignores_crafted_values(client, auth, plan):
    add_action(plan, "Analyse verbeteren", themes=("analyse",), owner="Beleidsadviseur OOV")
    add_action(plan, "Keten versterken", recommendation=1, themes=("keten",), owner="Teamchef politie")
    auth.login(plan.lead)

    def shown(query: str) -> set[str]:
        text = page_text(client.get(url(plan, query)))
        part = text[text.index('id="acties"'):text.index('id="streefscores"')]
        return {t for t in ("Analyse verbeteren", "Keten versterken") if f">{t}</a>" in part}

    assert shown("") == {"Analyse verbeteren", "Keten versterken"}
    assert shown("?theme=keten") == {"Keten versterken"}
    assert shown("?owner=teamchef+politie") == {"Keten versterken"}
    assert shown("?status=done") == set()
    # values the page does not offer (crafted, or gone since) are ignored, never an error
    assert shown("?theme=bestaat-niet&owner=" + "x" * 5000 + "&status=klaar") == {"Analyse verbeteren",
                                                                                   "Keten versterken"}


def test_dropping_needs_a_reason_and_a_dropped_action_does_not_count(client, auth, plan):
    row = add_action(plan)
    add_action(plan, "Tweede", recommendation=1)
    auth.login(plan.lead)
    refused = client.post(url(plan, f"/actions/{row.id}/status"),
                          data={"status": "dropped", "reason": " ", "version": str(row.version)})
    assert refused.status_code == 422
    assert "Geef een reden waarom de actie vervalt" in page_text(refused)
    db.session.refresh(row)
    assert row.status is ActionStatus.planned
    client.post(url(plan, f"/actions/{row.id}/status"),
                data={"status": "dropped", "reason": "Opgenomen in het regionale plan.", "version": str(row.version)})
    db.session.refresh(row)
    assert (row.status, row.status_reason) == (ActionStatus.dropped, "Opgenomen in het regionale plan.")
    text = page_text(client.get(url(plan)))
    assert "0 van 1 afgerond" in text and "1 vervallen" in text
    assert "1 aanbeveling open" in text  # only a dropped action answers the first recommendation


def test_a_stale_form_does_not_overwrite_someone_elses_change(client, auth, plan):
    row = add_action(plan)
    loaded_version = row.version
    from peerreview.domain.plans import ActionStatus as S

    services.set_status(plan.contributor, plan.evaluation, row, S.in_progress, "", loaded_version)
    db.session.commit()
    auth.login(plan.lead)
    response = client.post(url(plan, f"/actions/{row.id}/status"),
                           data={"status": "done", "reason": "", "version": str(loaded_version)})
    assert response.status_code == 409
    assert "heeft deze actie intussen gewijzigd" in page_text(response)
    db.session.refresh(row)
    assert row.status is ActionStatus.in_progress
    edit = client.post(url(plan, f"/actions/{row.id}/edit"),
                       data=action_form(plan, title="Mijn titel", version=str(loaded_version)))
    assert edit.status_code == 409
    assert 'value="Mijn titel"' in edit.get_data(as_text=True)  # what was typed stays in the form
    db.session.refresh(row)
    assert row.title == "Veiligheidsplan opstellen"


def test_progress_notes_are_dated_and_not_in_the_future(client, auth, plan, today):
    row = add_action(plan)
    auth.login(plan.contributor)
    future = client.post(url(plan, f"/actions/{row.id}/notes"),
                         data={"noted_on": (today + timedelta(days=1)).isoformat(), "text": "Later"})
    assert future.status_code == 422
    assert "De datum ligt in de toekomst" in page_text(future)
    bad = client.post(url(plan, f"/actions/{row.id}/notes"), data={"noted_on": "31-12-2026", "text": ""})
    assert bad.status_code == 422
    assert "Vul een geldige datum in" in page_text(bad) and "Schrijf op wat er is gebeurd." in page_text(bad)
    assert count(ActionNote) == 0
    ok = client.post(url(plan, f"/actions/{row.id}/notes"),
                     data={"noted_on": today.isoformat(), "text": "Concept besproken in de driehoek."})
    assert ok.status_code == 302
    assert "Concept besproken in de driehoek." in page_text(client.get(url(plan, f"/actions/{row.id}")))


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(("overrides", "message"), [
    ({"due_on": lambda today: (today - timedelta(days=1)).isoformat()}, "De einddatum ligt vóór de startdatum"),
    ({"title": "   "}, "Geef de actie een titel"),
    ({"title": "x" * 5000}, "De titel is te lang: hoogstens 200 tekens."),
    ({"description": "y" * 20000}, "De beschrijving is te lang: hoogstens 4000 tekens."),
    ({"owner": ""}, "Vul een eigenaar in"),
    ({"owner": "o" * 300}, "De eigenaar is te lang"),
    ({"owner_kind": "iedereen"}, "Kies of de eigenaar intern is of een partner."),
    ({"recommendations": None}, "Kies minstens één aanbeveling"),
    ({"recommendations": ["9" * 4000]}, "Kies alleen aanbevelingen uit het rapport van uw gemeente."),
    ({"recommendations": ["-1"]}, "Kies alleen aanbevelingen uit het rapport van uw gemeente."),
    ({"themes": ["bestaat-niet"]}, "Kies alleen thema's uit de vragenlijst."),
    ({"start_on": "gisteren"}, "Vul een geldige startdatum in"),
    ({"due_on": "99999-01-01"}, "Vul een geldige einddatum in"),
    ({"due_on": "2999-01-01"}, "De einddatum ligt niet tussen 2000 en 2100"),
])
def test_bad_action_input_is_refused_in_dutch_and_nothing_is_saved(client, auth, plan, overrides, message, today):
    overrides = {k: v(today) if callable(v) else v for k, v in overrides.items()}  # a date: the test's own
    auth.login(plan.lead)
    response = client.post(url(plan, "/actions/new"), data=action_form(plan, **overrides))
    assert response.status_code == 422
    assert message in page_text(response)
    assert count(ImprovementAction) == 0


def test_an_action_cannot_answer_another_gemeentes_recommendation(client, auth, plan):
    """A crafted form with the id of a recommendation of Beekdal's report."""
    foreign = Recommendation(evaluation_id=plan.setting.evaluation_b.id, position=1, text="Iets voor Beekdal.")
    foreign.themes = [RecommendationTheme(section_id="analyse")]
    db.session.add(foreign)
    db.session.commit()
    auth.login(plan.lead)
    response = client.post(url(plan, "/actions/new"),
                           data=action_form(plan, recommendations=[str(plan.recommendations[0].id), str(foreign.id)]))
    assert response.status_code == 422
    assert "Kies alleen aanbevelingen uit het rapport van uw gemeente." in page_text(response)
    assert count(ImprovementAction) == 0
    row = add_action(plan)
    edit = client.post(url(plan, f"/actions/{row.id}/edit"),
                       data=action_form(plan, recommendations=[str(foreign.id)], version=str(row.version)))
    assert edit.status_code == 422
    db.session.refresh(row)
    assert row.recommendation_ids == (plan.recommendations[0].id,)


def test_unknown_and_foreign_ids_in_urls_are_404(client, auth, plan, setting):
    row = add_action(plan)
    auth.login(plan.lead)
    assert client.get(f"/evaluations/{'9' * 3000}/plan").status_code == 404
    assert client.get(url(plan, f"/actions/{'9' * 3000}")).status_code == 404
    assert client.get(url(plan, "/actions/2147483647")).status_code == 404
    # the action through another evaluation's address: Beekdal is not Lotte's, so 403 comes first there
    assert client.get(f"/evaluations/{setting.evaluation_b.id}/plan/actions/{row.id}").status_code == 403
    assert client.post(url(plan, f"/actions/{row.id + 1000}/status"), data={"status": "done"}).status_code == 404


def test_a_status_of_an_unknown_kind_is_refused(client, auth, plan):
    row = add_action(plan)
    auth.login(plan.lead)
    response = client.post(url(plan, f"/actions/{row.id}/status"),
                           data={"status": "klaar-ish", "version": str(row.version)})
    assert response.status_code == 422
    assert "Kies een status: gepland, in uitvoering, afgerond of vervallen." in page_text(response)


# ---------------------------------------------------------------- stages


def test_after_the_plan_period_every_change_is_refused_and_nothing_saved(client, auth, plan, today):
    row = add_action(plan)
    end_plan_period(plan.evaluation)
    auth.login(plan.lead)
    status = client.post(url(plan, f"/actions/{row.id}/status"), data={"status": "done", "version": str(row.version)})
    assert status.status_code == 422
    assert "De planperiode van deze ronde is voorbij" in page_text(status)
    note = client.post(url(plan, f"/actions/{row.id}/notes"), data={"noted_on": today.isoformat(), "text": "Klaar"})
    assert note.status_code == 422
    new = client.post(url(plan, "/actions/new"), data=action_form(plan))
    assert new.status_code == 422 and "planperiode" in page_text(new)
    targets = client.post(url(plan, "/targets"), data={"target-analyse": "3"})
    assert targets.status_code == 422 and "planperiode" in page_text(targets)
    assert count(PlanTarget) == 0
    db.session.refresh(row)
    assert row.status is ActionStatus.planned and count(ActionNote) == 0 and count(ImprovementAction) == 1
    opening = client.get(url(plan, "/actions/new"))
    assert opening.status_code == 302
    assert "De planperiode is voorbij" in page_text(client.get(url(plan)))


def test_on_the_last_day_of_the_period_the_plan_still_runs(client, auth, plan):
    row = add_action(plan)
    end_plan_period(plan.evaluation, days_ago=0)
    auth.login(plan.lead)
    response = client.post(url(plan, f"/actions/{row.id}/status"), data={"status": "done", "version": str(row.version)})
    assert response.status_code == 302


def test_closing_the_evaluation_does_not_freeze_the_plan(client, auth, plan):

    close(plan.setting.coordinator, plan.evaluation)
    db.session.commit()
    auth.login(plan.lead)
    assert client.post(url(plan, "/actions/new"), data=action_form(plan)).status_code == 302


def test_a_write_after_the_report_was_reopened_meanwhile_is_rolled_back(plan, today):
    """The page was loaded while published; the coordinator reopened the report before the save landed."""
    from peerreview.domain.errors import NotAllowed
    from peerreview.domain.plans import check_action
    from peerreview.models import Evaluation

    evaluation = plan.evaluation
    data = check_action(services.questionnaire_of(evaluation), title="Te laat", description="", owner="Ik",
                        owner_kind="internal", start_on=today, due_on=today,
                        recommendation_ids=[str(plan.recommendations[0].id)], section_ids=[],
                        recommendations=services.recommendation_themes(plan.recommendations))
    db.session.execute(update(Evaluation).where(Evaluation.id == evaluation.id)
                       .values(status="in_peer_review", lock_version=Evaluation.lock_version + 1)
                       .execution_options(synchronize_session=False))
    with pytest.raises(NotAllowed, match="intussen heropend"):
        services.add_action(plan.lead, evaluation, data)
    assert count(ImprovementAction) == 0


def test_before_publication_there_is_no_plan(client, auth, review):
    auth.login(review.setting.lead)
    assert client.get(f"/evaluations/{review.evaluation.id}/plan").status_code == 403


# ---------------------------------------------------------------- targets


def test_targets_are_set_per_theme_and_shown_against_the_scores(client, auth, plan):
    auth.login(plan.lead)
    page = client.get(url(plan, "/targets"))
    assert page.status_code == 200
    response = client.post(url(plan, "/targets"), data={"target-analyse": "3", "target-keten": "2",
                                                        "target-profiel": ""})
    assert response.status_code == 302
    assert targets_for([plan.evaluation.id]) == {plan.evaluation.id: {"analyse": 3, "keten": 2}}
    assert targets_for([]) == {}
    text = page_text(client.get(url(plan)))
    row = re.search(r"<tr><th scope=\"row\">2\. Keten</th>(.*?)</tr>", text[text.index('id="streefscores"'):], re.S)
    assert row is not None
    cells = re.findall(r"<td class=\"num\">(.*?)</td>", row.group(1), re.S)
    assert [re.sub(r"<[^>]+>", "", c).strip() for c in cells] == ["2,0", "1", "2"]  # self, peer, target
    client.post(url(plan, "/targets"), data={"target-keten": ""})
    assert targets_for([plan.evaluation.id]) == {plan.evaluation.id: {"analyse": 3}}


@pytest.mark.parametrize("value", ["5", "-1", "abc", "2.5", "9" * 4000])
def test_a_target_outside_the_scale_is_refused(client, auth, plan, value):
    auth.login(plan.lead)
    response = client.post(url(plan, "/targets"), data={"target-analyse": "3", "target-keten": value})
    assert response.status_code == 422
    assert "Kies een streefscore van 0 tot en met 4, of laat het leeg." in page_text(response)
    assert count(PlanTarget) == 0


# ---------------------------------------------------------------- the report and the round page


def test_the_report_links_each_recommendation_to_its_actions_or_says_open(client, auth, plan):
    row = add_action(plan, "Plan schrijven")
    auth.login(plan.lead)
    text = page_text(client.get(f"/evaluations/{plan.evaluation.id}/report"))
    first = text[text.index(f'id="rapport-aanbeveling-{plan.recommendations[0].id}"'):]
    assert f'/plan/actions/{row.id}"' in first.split("</li>")[0]
    second = text[text.index(f'id="rapport-aanbeveling-{plan.recommendations[1].id}"'):].split("</li>")[0]
    assert "Open" in second and "nog geen actie" in second


def test_the_round_page_counts_actions_done_and_overdue_per_member(client, auth, plan, today):
    first = add_action(plan, due_on=today + timedelta(days=3))
    add_action(plan, "Te laat", start_on=today - timedelta(days=20), due_on=today - timedelta(days=1))
    services.set_status(plan.lead, plan.evaluation, first, ActionStatus.done, "", first.version)
    db.session.commit()
    auth.login(plan.setting.coordinator)
    text = page_text(client.get(f"/rounds/{plan.evaluation.round_id}"))
    assert "2 acties" in text and "1 afgerond" in text and "1 te laat" in text


def test_the_round_page_and_the_plan_page_use_a_constant_number_of_queries(client, auth, plan, count_queries, today):
    auth.login(plan.setting.coordinator)

    def queries(path: str) -> int:
        with count_queries() as counter:
            assert client.get(path).status_code == 200
        return counter.count

    round_page = f"/rounds/{plan.evaluation.round_id}"
    add_action(plan)
    round_before, plan_before = queries(round_page), queries(url(plan))
    for n in range(6):
        row = add_action(plan, f"Actie {n}", recommendation=n % 2, themes=("analyse", "keten"))
        services.add_note(plan.lead, plan.evaluation, row, services.NoteData(today, f"Notitie {n}"))
        db.session.commit()
    assert queries(round_page) == round_before
    assert queries(url(plan)) == plan_before


def test_a_form_without_its_version_is_refused_and_a_second_try_after_a_conflict_works(client, auth, plan):
    row = add_action(plan)
    auth.login(plan.lead)
    for data in ({"status": "done", "reason": ""}, {"status": "done", "reason": "", "version": "abc"}):
        response = client.post(url(plan, f"/actions/{row.id}/status"), data=data)
        assert response.status_code == 409
        assert "niet meer actueel" in page_text(response)
    missing = {k: v for k, v in action_form(plan, title="Zonder versie").items() if k != "version"}
    assert client.post(url(plan, f"/actions/{row.id}/edit"), data=missing).status_code == 409
    db.session.refresh(row)
    assert (row.status, row.title) == (ActionStatus.planned, "Veiligheidsplan opstellen")
    # after a conflict the form carries the version stored now, so saving again goes through
    stale = client.post(url(plan, f"/actions/{row.id}/edit"),
                        data=action_form(plan, title="Nieuwe titel", version=str(row.version + 5)))
    assert stale.status_code == 409
    shown = re.search(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"',
                      stale.get_data(as_text=True))
    version = shown.group(1) or shown.group(2)
    assert version == str(row.version)
    again = client.post(url(plan, f"/actions/{row.id}/edit"), data=action_form(plan, title="Nieuwe titel",
                                                                               version=version))
    assert again.status_code == 302
    db.session.refresh(row)
    assert row.title == "Nieuwe titel"


def test_a_reopened_report_keeps_the_recommendations_the_plan_answers(client, auth, plan):
    from peerreview.domain.evaluations import EvaluationStatus

    add_action(plan)  # answers the first recommendation
    plan.evaluation.status = EvaluationStatus.in_peer_review  # reopened: the team corrects its report
    db.session.commit()
    auth.login(plan.review.chair)
    answered, free = plan.recommendations
    base = f"/evaluations/{plan.evaluation.id}/review/recommendations"
    refused = client.post(f"{base}/{answered.id}/delete")
    assert refused.status_code in (302, 422)
    assert db.session.get(type(answered), answered.id) is not None
    assert client.post(f"{base}/{free.id}/delete").status_code == 302
    db.session.expire_all()
    assert db.session.get(type(free), free.id) is None


def test_the_report_marks_a_recommendation_with_only_dropped_actions_as_open(client, auth, plan):
    row = add_action(plan)
    auth.login(plan.lead)
    client.post(url(plan, f"/actions/{row.id}/status"),
                data={"status": "dropped", "reason": "Regionaal opgepakt.", "version": str(row.version)})
    html = client.get(f"/evaluations/{plan.evaluation.id}/report").get_data(as_text=True)
    first = html.split(f'id="rapport-aanbeveling-{plan.recommendations[0].id}"')[1].split("</li>")[0]
    assert "Open" in first and "(vervallen)" in first


def test_invisible_characters_are_no_title(client, auth, plan):
    auth.login(plan.lead)
    response = client.post(url(plan, "/actions/new"), data=action_form(plan, title="\u200b\u200b\u202e"))
    assert response.status_code == 422
