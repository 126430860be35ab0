"""The verbeterplan's rules on plain values: stages, overdue around today (Europe/Amsterdam), progress, order,
filters, open recommendations, and the checks of actions, statuses, notes, targets and verdicts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from peerreview import dates
from peerreview.domain.errors import InvalidFields, InvalidValue
from peerreview.domain.evaluations import EvaluationStatus as S
from peerreview.domain.plans import (
    ActionFacts,
    ActionFilter,
    ActionStatus,
    OwnerKind,
    PlanStage,
    Verdict,
    check_action,
    check_note,
    check_status,
    check_target,
    check_verdict,
    days_overdue,
    is_overdue,
    open_recommendations,
    order_actions,
    parse_filter,
    plan_stage,
    progress,
    progress_by_theme,
)
from peerreview.questionnaire_loader import load_file
from tests.conftest import FIXTURE_QUESTIONNAIRES

MINIMAL = load_file(FIXTURE_QUESTIONNAIRES / "minimal" / "1.yaml")  # themes analyse, keten, profiel; scale 0..4
TODAY = date(2027, 3, 31)
A = ActionStatus


@pytest.fixture(scope="module")
def questionnaire():
    return MINIMAL


def fact(n: int, status: ActionStatus = A.planned, due: date = TODAY, themes=("analyse",), owner="Coördinator",
         recommendations=(1,)) -> ActionFacts:
    return ActionFacts(n, status, due, tuple(themes), owner, tuple(recommendations))


# ---------------------------------------------------------------- stages


@pytest.mark.parametrize(("status", "today", "stage"), [
    (S.draft, TODAY, PlanStage.not_started),
    (S.submitted, TODAY, PlanStage.not_started),
    (S.in_peer_review, TODAY + timedelta(days=400), PlanStage.not_started),
    (S.published, TODAY - timedelta(days=1), PlanStage.running),
    (S.published, TODAY, PlanStage.running),  # the last day of the period still counts
    (S.closed, TODAY, PlanStage.running),  # closing the evaluation does not freeze the plan
    (S.published, TODAY + timedelta(days=1), PlanStage.progress_review),
    (S.closed, TODAY + timedelta(days=1), PlanStage.progress_review),
])
def test_plan_stage(status, today, stage):
    assert plan_stage(status, TODAY, today) is stage


# ---------------------------------------------------------------- overdue


@pytest.mark.parametrize(("status", "due", "overdue"), [
    (A.planned, TODAY - timedelta(days=1), True),
    (A.in_progress, TODAY - timedelta(days=1), True),
    (A.planned, TODAY, False),  # due today: not late yet
    (A.in_progress, TODAY + timedelta(days=1), False),
    (A.done, TODAY - timedelta(days=30), False),
    (A.dropped, TODAY - timedelta(days=30), False),
])
def test_overdue_around_today(status, due, overdue):
    assert is_overdue(status, due, TODAY) is overdue
    assert days_overdue(status, due, TODAY) == ((TODAY - due).days if overdue else 0)


class _Frozen(datetime):
    instant = datetime(2027, 3, 31, 22, 30, tzinfo=UTC)  # 00:30 on 1 April in Amsterdam (summer time)

    @classmethod
    def now(cls, tz=None):
        return cls.instant.astimezone(tz) if tz else cls.instant.replace(tzinfo=None)


def test_overdue_follows_the_dutch_calendar_not_utc(monkeypatch, real_calendar):
    """Just after midnight in Amsterdam it is still 31 March in UTC: an action due on 31 March is late already."""
    monkeypatch.setattr(dates, "datetime", _Frozen)
    assert _Frozen.instant.date() == date(2027, 3, 31)
    assert dates.today() == date(2027, 4, 1)
    assert is_overdue(A.planned, date(2027, 3, 31), dates.today())
    assert not is_overdue(A.planned, date(2027, 4, 1), dates.today())


def test_the_plan_period_follows_the_dutch_calendar(monkeypatch, real_calendar):
    monkeypatch.setattr(dates, "datetime", _Frozen)
    assert plan_stage(S.published, date(2027, 3, 31), dates.today()) is PlanStage.progress_review


# ---------------------------------------------------------------- progress


def test_progress_counts_done_out_of_the_actions_that_count():
    actions = [fact(1, A.done), fact(2, A.in_progress, TODAY - timedelta(days=2)), fact(3, A.planned),
               fact(4, A.dropped, TODAY - timedelta(days=9))]
    p = progress(actions, TODAY)
    assert (p.counted, p.done, p.in_progress, p.planned, p.overdue, p.dropped, p.total) == (3, 1, 1, 1, 1, 1, 4)
    assert p.percent == 33


def test_progress_of_no_actions_is_zero_not_an_error():
    assert progress([], TODAY).percent == 0
    assert progress([fact(1, A.dropped)], TODAY).percent == 0


def test_progress_per_theme_counts_an_action_for_each_of_its_themes():
    actions = [fact(1, A.done, themes=("analyse", "keten")), fact(2, A.planned, themes=("keten",))]
    by_theme = progress_by_theme(actions, ["analyse", "keten", "profiel"], TODAY)
    assert list(by_theme) == ["analyse", "keten", "profiel"]
    assert (by_theme["analyse"].percent, by_theme["keten"].percent, by_theme["profiel"].counted) == (100, 50, 0)


def test_overdue_actions_first_then_open_by_due_date_then_done_then_dropped():
    actions = [fact(1, A.done, TODAY - timedelta(days=50)), fact(2, A.planned, TODAY + timedelta(days=9)),
               fact(3, A.dropped, TODAY - timedelta(days=60)), fact(4, A.in_progress, TODAY - timedelta(days=1)),
               fact(5, A.planned, TODAY - timedelta(days=20)), fact(6, A.planned, TODAY)]
    assert [a.id for a in order_actions(actions, TODAY)] == [5, 4, 6, 2, 1, 3]


def test_filters_match_theme_owner_and_status():
    a = fact(1, A.done, themes=("keten",), owner="Teamchef politie")
    assert ActionFilter(theme="keten").matches(a) and not ActionFilter(theme="analyse").matches(a)
    assert ActionFilter(owner="teamchef POLITIE").matches(a)
    assert ActionFilter(status=A.done).matches(a) and not ActionFilter(status=A.planned).matches(a)
    assert not ActionFilter().is_active


def test_a_filter_value_that_is_not_offered_is_ignored():
    chosen = parse_filter("bestaat-niet", "x" * 1000, "klaar", themes=["analyse"], owners=["Teamchef politie"])
    assert chosen == ActionFilter()
    chosen = parse_filter("analyse", "TEAMCHEF politie", "done", themes=["analyse"], owners=["Teamchef politie"])
    assert chosen == ActionFilter("analyse", "Teamchef politie", A.done)


def test_a_recommendation_answered_only_by_dropped_actions_is_open():
    actions = [fact(1, A.done, recommendations=(10,)), fact(2, A.dropped, recommendations=(11,))]
    assert open_recommendations([10, 11, 12], actions) == [11, 12]


# ---------------------------------------------------------------- checking input


RECOMMENDATIONS = {10: ("analyse",), 11: ("keten", "profiel")}


def action(questionnaire, **overrides):
    values = {"title": "  Plan   schrijven ", "description": "Met de raad.\r\n", "owner": "Coördinator",
              "owner_kind": "partner", "start_on": TODAY, "due_on": TODAY + timedelta(days=30),
              "recommendation_ids": ["10"], "section_ids": [], "recommendations": RECOMMENDATIONS}
    values.update(overrides)
    return check_action(questionnaire, **values)


def test_a_good_action_is_cleaned_and_takes_its_recommendations_themes(questionnaire):
    data = action(questionnaire, recommendation_ids=["11", "10", "11"])
    assert (data.title, data.description, data.owner_kind) == ("Plan schrijven", "Met de raad.", OwnerKind.partner)
    assert data.recommendation_ids == (10, 11)
    assert data.section_ids == ("analyse", "keten", "profiel")
    assert action(questionnaire, section_ids=["keten"]).section_ids == ("keten",)


def test_a_due_date_on_the_start_date_is_fine(questionnaire):
    assert action(questionnaire, due_on=TODAY).due_on == TODAY


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"due_on": TODAY - timedelta(days=1)}, "due_on", "De einddatum ligt vóór de startdatum"),
    ({"start_on": None}, "start_on", "Vul een geldige startdatum in"),
    ({"due_on": date(2101, 1, 1)}, "due_on", "niet tussen 2000 en 2100"),
    ({"title": "ab"}, "title", "Geef de actie een titel"),
    ({"title": "t" * 201}, "title", "hoogstens 200 tekens"),
    ({"description": "d" * 4001}, "description", "hoogstens 4000 tekens"),
    ({"owner": " \n "}, "owner", "Vul een eigenaar in"),
    ({"owner_kind": "extern"}, "owner_kind", "intern is of een partner"),
    ({"recommendation_ids": []}, "recommendations", "Kies minstens één aanbeveling"),
    ({"recommendation_ids": ["12"]}, "recommendations", "uit het rapport van uw gemeente"),  # another report's
    ({"recommendation_ids": ["1" * 5000]}, "recommendations", "uit het rapport van uw gemeente"),
    ({"recommendation_ids": ["10"] * 51}, "recommendations", "uit het rapport van uw gemeente"),
    ({"recommendation_ids": ["١٠"]}, "recommendations", "uit het rapport van uw gemeente"),  # Arabic-Indic digits
    ({"section_ids": ["onbekend"]}, "themes", "Kies alleen thema's uit de vragenlijst."),
])
def test_bad_actions_are_refused_with_a_dutch_message_on_the_field(questionnaire, overrides, field, message):
    with pytest.raises(InvalidValue) as caught:
        action(questionnaire, **overrides)
    problems = getattr(caught.value, "errors", [caught.value])
    assert any(p.field == field and message in p.message for p in problems), [(p.field, p.message) for p in problems]


def test_every_problem_of_an_action_is_reported_at_once(questionnaire):
    with pytest.raises(InvalidFields) as caught:
        action(questionnaire, title="", owner="", due_on=TODAY - timedelta(days=3), recommendation_ids=[])
    assert {p.field for p in caught.value.errors} == {"title", "owner", "due_on", "recommendations"}


@pytest.mark.parametrize(("status", "reason", "expected"), [
    ("done", "ignored", (A.done, "")),
    ("in_progress", "", (A.in_progress, "")),
    ("dropped", "  Overgenomen door de regio.  ", (A.dropped, "Overgenomen door de regio.")),
])
def test_status_changes(status, reason, expected):
    assert check_status(status, reason) == expected


@pytest.mark.parametrize(("status", "reason", "message"), [
    ("dropped", "", "Geef een reden"),
    ("dropped", "r" * 1001, "hoogstens 1000 tekens"),
    ("klaar", "", "Kies een status"),
    (None, "", "Kies een status"),
])
def test_bad_status_changes(status, reason, message):
    with pytest.raises(InvalidValue, match=message):
        check_status(status, reason)


def test_notes_are_dated_today_or_earlier_and_bounded():
    assert check_note(TODAY, " Besproken. ", today=TODAY).text == "Besproken."
    with pytest.raises(InvalidValue, match="in de toekomst"):
        check_note(TODAY + timedelta(days=1), "x", today=TODAY)
    with pytest.raises(InvalidValue, match="hoogstens 2000"):
        check_note(TODAY, "n" * 2001, today=TODAY)
    with pytest.raises(InvalidFields):
        check_note(None, "", today=TODAY)


def test_targets_are_whole_levels_of_the_scale_or_nothing(questionnaire):
    scale = questionnaire.scale
    assert check_target(scale, "", "t") is None
    assert check_target(scale, " 0 ", "t") == 0
    assert check_target(scale, "4", "t") == 4
    for bad in ("5", "-1", "2.5", "twee", "9" * 5000, "²"):
        with pytest.raises(InvalidValue, match="streefscore van 0 tot en met 4"):
            check_target(scale, bad, "t")


def test_verdicts_need_a_kind_and_a_note():
    assert check_verdict("", "  ") is None
    assert check_verdict("partly", " Half gedaan. ") == check_verdict("partly", "Half gedaan.")
    assert check_verdict("followed", "Helemaal gedaan.").verdict is Verdict.followed
    with pytest.raises(InvalidValue, match="Licht het oordeel kort toe"):
        check_verdict("followed", "")
    with pytest.raises(InvalidFields):
        check_verdict("super", "ok")
    with pytest.raises(InvalidValue, match="Kies een oordeel"):
        check_verdict("", "Alleen een toelichting.")


def test_a_late_report_still_gets_a_plan_period():
    from datetime import date

    from peerreview.domain.evaluations import EvaluationStatus
    from peerreview.domain.plans import PlanStage, plan_end, plan_stage

    due = date(2027, 6, 30)
    assert plan_end(due, None) == due
    assert plan_end(due, date(2027, 1, 1)) == due  # published in time: the round's date
    assert plan_end(due, date(2027, 6, 1)) == date(2027, 8, 30)  # 90 days from publication
    assert plan_end(due, date(2027, 8, 1)) == date(2027, 10, 30)  # published after the round's date
    published = EvaluationStatus.published
    assert plan_stage(published, due, date(2027, 9, 1), date(2027, 8, 1)) is PlanStage.running
    assert plan_stage(published, due, date(2027, 10, 31), date(2027, 8, 1)) is PlanStage.progress_review
    assert plan_stage(published, due, date(2027, 7, 1)) is PlanStage.progress_review
