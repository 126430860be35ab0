"""The result page, the benchmark page and the region's overview through the app: what they show, who may see
them, that no gemeente learns another's named scores (the charts' JSON included), and a fixed query count."""

from __future__ import annotations

import json
import re

import pytest
from flask import url_for

from peerreview.assets import PLOTLY_BUNDLE
from peerreview.domain.roles import Role
from peerreview.extensions import db

from .conftest import login, team_level

pytestmark = pytest.mark.db


def chart_data(html: str) -> dict[str, dict]:
    """Every chart's JSON on a page, by its element id."""
    found = re.findall(r'<script type="application/json" id="([^"]+)">(.*?)</script>', html, re.S)
    return {key: json.loads(text) for key, text in found}


# ---------------------------------------------------------------- the result page


def test_result_page_shows_self_peer_gaps_profile_levers_and_recommendations(client, build_region):
    built = build_region(6)
    evaluation = built.evaluation(1)
    login(client, built.leads[1])
    response = client.get(f"/evaluations/{evaluation.id}/results")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for text in ("Zelfbeeld en oordeel van het peer team", "Verschillen, van groot naar klein", "Profiel",
                 "Willen, kennen, kunnen", "Positie in de regio", "Per thema",
                 "Motivering analyse voor", "Aanbeveling voor " + built.municipalities[1].name):
        assert text in html
    charts = chart_data(html)
    assert set(charts) == {"chart-radar-data", "chart-gaps-data", "chart-profile-data", "chart-levers-data",
                           "chart-benchmark-data"}
    radar = charts["chart-radar-data"]["data"]
    assert [t["name"] for t in radar] == ["Zelfevaluatie", "Peer team"]
    # member 1's team scores: analyse (1 + 0) % 5 = 1, keten (1 + 1) % 5 = 2; the ring is closed
    assert radar[1]["r"] == [1.0, 2.0, 1.0]
    assert 'data-plotly="/static/vendor/plotly-peerreview-' in html and "/static/js/charts.js?v=" in html
    assert "<script>" not in html  # no inline script: the CSP needs none


def test_every_chart_has_a_table_or_text_beside_it(client, build_region):
    built = build_region(6, rounds=2)
    login(client, built.leads[2])
    html = client.get(f"/evaluations/{built.evaluation(2).id}/results").get_data(as_text=True)
    for key, described_by in re.findall(r'id="chart-([a-z]+)" data-chart="[^"]+" role="img" aria-label="[^"]+"'
                                        r' aria-describedby="([^"]+)"', html):
        assert f'id="{described_by}"' in html, key
    assert len(re.findall(r'role="img" aria-label=', html)) == 6  # radar, gaps, profile, levers, benchmark, trend


def test_trend_appears_with_a_second_round(client, build_region):
    built = build_region(6, rounds=3)
    login(client, built.leads[3])
    html = client.get(f"/evaluations/{built.evaluation(3).id}/results").get_data(as_text=True)
    assert "Ontwikkeling over de rondes" in html
    trend = chart_data(html)["chart-trend-data"]["data"]
    # per series (analyse, keten, profiel) a self and a peer line over the three rounds
    assert len(trend) == 6
    peer_analyse = [t for t in trend if t["name"] == "Peer team"][0]
    assert peer_analyse["y"] == [float(team_level(3, 0, r)) for r in range(3)]
    assert peer_analyse["x"] == ["Ronde 2020", "Ronde 2022", "Ronde 2024"]
    # an older round's page has only the rounds up to it
    older = client.get(f"/evaluations/{built.evaluation(3, 1).id}/results").get_data(as_text=True)
    assert chart_data(older)["chart-trend-data"]["data"][0]["x"] == ["Ronde 2020", "Ronde 2022"]


def test_one_round_has_no_trend(client, build_region):
    built = build_region(6)
    login(client, built.leads[0])
    html = client.get(f"/evaluations/{built.evaluation(0).id}/results").get_data(as_text=True)
    assert "Ontwikkeling over de rondes" not in html and "chart-trend" not in html


# ---------------------------------------------------------------- the benchmark and its threshold


def test_benchmark_hidden_with_four_others_and_says_why(client, build_region):
    built = build_region(5)
    login(client, built.leads[0])
    html = client.get(f"/evaluations/{built.evaluation(0).id}/results").get_data(as_text=True)
    assert "chart-benchmark" not in html
    assert "de groep telt 4 andere gemeenten met een gepubliceerd rapport" in html
    assert "minstens 5" in html


def test_benchmark_shown_with_five_others(client, build_region):
    built = build_region(6)
    login(client, built.leads[0])
    html = client.get(f"/evaluations/{built.evaluation(0).id}/results").get_data(as_text=True)
    data = chart_data(html)["chart-benchmark-data"]["data"]
    assert [t["name"] for t in data][:2] == ["Middelste helft van de groep (kwartiel 1 tot 3)", "Mediaan van de groep"]
    # analyse for members 1..5: 1, 2, 3, 4, 0 -> sorted 0 1 2 3 4: q1 1, median 2, q3 3
    labels = data[0]["y"]
    analyse = labels.index("1. Analyse")
    assert data[0]["base"][analyse] == 1.0 and data[0]["x"][analyse] == 2.0
    assert data[1]["x"][analyse] == 2.0
    assert data[2]["x"][analyse] == 0.0  # member 0's own peer score


def test_unpublished_reports_do_not_count(client, build_region):
    built = build_region(7, published=[0, 1, 2, 3, 4])  # four others published, two in review
    login(client, built.leads[0])
    html = client.get(f"/evaluations/{built.evaluation(0).id}/results").get_data(as_text=True)
    assert "de groep telt 4 andere gemeenten" in html


def test_threshold_is_a_setting(app, client, build_region):
    built = build_region(4)
    app.config["BENCHMARK_MIN_GROUP"] = 3
    login(client, built.leads[0])
    html = client.get(f"/evaluations/{built.evaluation(0).id}/results").get_data(as_text=True)
    assert "chart-benchmark-data" in html


def test_size_class_across_regions(client, build_region):
    small = build_region(3, inhabitants=12_000)
    other = build_region(3, inhabitants=15_000)
    large = build_region(3, inhabitants=150_000)
    assert large  # a different size class: never in the group
    login(client, small.leads[0])
    html = client.get(f"/evaluations/{small.evaluation(0).id}/benchmark").get_data(as_text=True)
    # the region: 2 others (hidden); the size class "klein": 2 + 3 = 5 others, from any region, in the same year
    assert "de groep telt 2 andere gemeenten" in html
    assert "chart-size_class-data" in html and "chart-region-data" not in html
    assert other.municipalities[0].name not in html


def test_no_other_gemeente_is_named_anywhere_a_gemeente_looks(client, build_region):
    built = build_region(8, rounds=2)
    login(client, built.leads[0])
    own = built.evaluation(0)
    others = [m.name for m in built.municipalities[1:]]
    for url in (f"/evaluations/{own.id}/results", f"/evaluations/{own.id}/benchmark"):
        html = client.get(url).get_data(as_text=True)
        assert built.municipalities[0].name in html
        for name in others:
            assert name not in html, (url, name)
        for key, figure in chart_data(html).items():
            dumped = json.dumps(figure)
            assert not any(name in dumped for name in others), key
    # the benchmark's traces hold the group's quartiles and median and the own score, never a single other score
    html = client.get(f"/evaluations/{own.id}/benchmark").get_data(as_text=True)
    region = chart_data(html)["chart-region-data"]["data"]
    assert [len(t["y"]) for t in region] == [2, 2, 2] and len(region) == 3


# ---------------------------------------------------------------- who may see what


@pytest.fixture
def people(build_region, create_user):
    built = build_region(6)
    elsewhere = build_region(6)
    from peerreview.models import User  # noqa: F401

    people = {
        "lead": built.leads[1],
        "contributor": create_user(Role.municipal_contributor, municipality=built.municipalities[1]),
        "other_lead": built.leads[2],
        "coordinator": built.coordinator,
        "other_coordinator": elsewhere.coordinator,
        "admin": create_user(Role.admin),
        "team_member": built.chair,
        "other_peer": create_user(Role.peer_reviewer, municipality=built.municipalities[3]),
        "other_region_lead": elsewhere.leads[1],
    }
    return built, people


RESULT_ACCESS = {
    "lead": 200, "contributor": 200, "other_lead": 403, "coordinator": 200, "other_coordinator": 403, "admin": 200,
    "team_member": 200, "other_peer": 403, "other_region_lead": 403,
}
REGION_ACCESS = {
    "lead": 403, "contributor": 403, "other_lead": 403, "coordinator": 200, "other_coordinator": 403, "admin": 200,
    "team_member": 403, "other_peer": 403, "other_region_lead": 403,
}


@pytest.mark.parametrize("who", sorted(RESULT_ACCESS))
def test_result_and_benchmark_permissions(client, people, who):
    built, users = people
    evaluation = built.evaluation(1)
    login(client, users[who])
    for url in (f"/evaluations/{evaluation.id}/results", f"/evaluations/{evaluation.id}/benchmark"):
        assert client.get(url).status_code == RESULT_ACCESS[who], url


@pytest.mark.parametrize("who", sorted(REGION_ACCESS))
def test_region_overview_permissions(client, people, who):
    built, users = people
    login(client, users[who])
    assert client.get(f"/rounds/{built.rounds[0].id}/results").status_code == REGION_ACCESS[who]


def test_anonymous_is_sent_to_log_in(client, build_region):
    built = build_region(2)
    for url in (f"/evaluations/{built.evaluation(0).id}/results", f"/evaluations/{built.evaluation(0).id}/benchmark",
                f"/rounds/{built.rounds[0].id}/results"):
        response = client.get(url)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_results_wait_for_publication(client, build_region):
    built = build_region(3, published=[0])
    login(client, built.leads[1])
    assert client.get(f"/evaluations/{built.evaluation(1).id}/results").status_code == 403
    login(client, built.coordinator)
    assert client.get(f"/evaluations/{built.evaluation(1).id}/results").status_code == 403


@pytest.mark.parametrize("url", ["/evaluations/999999/results", "/evaluations/999999/benchmark",
                                 "/rounds/999999/results", "/evaluations/" + "9" * 40 + "/results",
                                 "/rounds/" + "9" * 5000 + "/results"])
def test_unknown_ids_are_404(client, build_region, url):
    built = build_region(1)
    login(client, built.coordinator)
    assert client.get(url).status_code == 404


def test_plotly_is_served_by_us_without_log_in(app, client):
    with app.test_request_context():
        url = url_for("static", filename=PLOTLY_BUNDLE)
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.cache_control.max_age == 365 * 24 * 3600 and response.cache_control.immutable
    assert response.get_data()[:200].lstrip().startswith(b"/**\n* plotly.js v")
    response.close()


# ---------------------------------------------------------------- the region's overview


def test_region_overview_matrix_spread_and_external_recommendations(client, build_region):
    built = build_region(6, published=[0, 1, 2, 3, 4])
    login(client, built.coordinator)
    html = client.get(f"/rounds/{built.rounds[0].id}/results").get_data(as_text=True)
    for m in built.municipalities:
        assert m.name in html
    matrix = chart_data(html)["chart-matrix-data"]["data"][0]
    assert matrix["type"] == "heatmap"
    assert len(matrix["y"]) == 5  # only published reports
    assert matrix["y"][-1] == built.municipalities[0].name  # alphabetical, first at the top
    # member 0 (top row): analyse 0, keten 1
    assert matrix["z"][-1] == [0.0, 1.0]
    spread = chart_data(html)["chart-spread-data"]["data"][0]
    # analyse of members 0..4: 0 1 2 3 4 -> q1 1, median 2, q3 3, min 0, max 4
    assert (spread["q1"][0], spread["median"][0], spread["q3"][0]) == (1.0, 2.0, 3.0)
    assert (spread["lowerfence"][0], spread["upperfence"][0]) == (0.0, 4.0)
    # recommendations to region and Rijk, grouped by theme, with the gemeente they came from
    assert "Aan de regio, uit " + built.municipalities[0].name in html
    assert "Aan het Rijk, uit " + built.municipalities[4].name in html
    assert "Aan de regio, uit " + built.municipalities[5].name not in html  # not published
    assert "Aanbeveling voor " not in html  # addressed to the gemeente itself: not here
    assert html.count("Aan het Rijk, uit " + built.municipalities[0].name) == 2  # under keten and the profile


def test_region_overview_names_overdue_members(client, build_region):
    built = build_region(3, published=[0])  # the others are in peer review, long past the 2020 due dates
    login(client, built.coordinator)
    html = client.get(f"/rounds/{built.rounds[0].id}/results").get_data(as_text=True)
    assert "2 gemeenten lopen achter op een deadline" in html
    assert "collegiale toets niet afgerond" in html


def test_region_overview_before_any_publication(client, build_region):
    built = build_region(3, published=[])
    login(client, built.coordinator)
    html = client.get(f"/rounds/{built.rounds[0].id}/results").get_data(as_text=True)
    assert "Nog geen rapport gepubliceerd" in html and "chart-matrix" not in html


# ---------------------------------------------------------------- queries do not grow with the data


def _queries(client, count_queries, url: str) -> int:
    """The queries of one request on the cold path: nothing in the report cache (test_cache.py counts the warm)."""
    from peerreview.cache import report_cache

    report_cache().clear()
    db.session.expire_all()
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200
    return counter.count


def test_result_page_and_region_overview_run_a_fixed_number_of_queries(client, build_region, count_queries):
    small = build_region(6, rounds=1)
    large = build_region(25, rounds=3)
    login(client, small.leads[1])
    result_small = _queries(client, count_queries, f"/evaluations/{small.evaluation(1).id}/results")
    benchmark_small = _queries(client, count_queries, f"/evaluations/{small.evaluation(1).id}/benchmark")
    login(client, large.leads[1])
    result_large = _queries(client, count_queries, f"/evaluations/{large.evaluation(1).id}/results")
    benchmark_large = _queries(client, count_queries, f"/evaluations/{large.evaluation(1).id}/benchmark")
    assert result_small == result_large
    assert benchmark_small == benchmark_large
    login(client, small.coordinator)
    region_small = _queries(client, count_queries, f"/rounds/{small.rounds[0].id}/results")
    login(client, large.coordinator)
    region_large = _queries(client, count_queries, f"/rounds/{large.rounds[-1].id}/results")
    assert region_small == region_large
    assert result_large <= 20 and region_large <= 20


# ---------------------------------------------------------------- what the trend and the groups may hold


def test_trend_holds_only_rounds_the_viewer_may_see(client, build_region, create_user):
    from peerreview.domain.reviews import Capacity
    from peerreview.models import TeamMember

    built = build_region(6, rounds=2)
    newcomer = create_user(Role.peer_reviewer, municipality=built.municipalities[4], name="Nieuwe Peer")
    latest, earlier = built.evaluation(1), built.evaluation(1, 0)
    db.session.add(TeamMember(evaluation_id=latest.id, user_id=newcomer.id, capacity=Capacity.official))
    db.session.commit()
    login(client, newcomer)
    assert client.get(f"/evaluations/{earlier.id}/results").status_code == 403
    html = client.get(f"/evaluations/{latest.id}/results").get_data(as_text=True)
    assert "chart-trend" not in html and "Ronde 2020" not in html
    login(client, built.leads[1])
    html = client.get(f"/evaluations/{latest.id}/results").get_data(as_text=True)
    assert chart_data(html)["chart-trend-data"]["data"][0]["x"] == ["Ronde 2020", "Ronde 2022"]


def test_a_coordinator_sees_no_rounds_of_another_region_in_the_trend(app, build_region):
    from peerreview.evaluation.lifecycle import load_evaluation
    from peerreview.reports import services

    built = build_region(3, rounds=2)
    elsewhere = build_region(1)
    with app.test_request_context():
        latest = load_evaluation(built.evaluation(1).id)
        everything = [built.evaluation(1, 0).id, latest.id]
        seen, every_round = services._history(latest, elsewhere.coordinator)
        assert [e.id for e in seen] == [latest.id] and [e.id for e in every_round] == everything
        assert [e.id for e in services._history(latest, built.coordinator)[0]] == everything
        assert len(services._history(latest, built.leads[1])[0]) == 2


def test_a_group_that_differs_in_one_gemeente_from_the_region_is_hidden(client, build_region):
    built = build_region(6)  # five others in the region
    outside = build_region(1)  # one more of the same size class, same year, another region
    assert outside
    login(client, built.leads[0])
    html = client.get(f"/evaluations/{built.evaluation(0).id}/benchmark").get_data(as_text=True)
    assert "chart-region-data" in html
    assert "chart-size_class-data" not in html
    assert "verschilt maar in enkele gemeenten van de regiogroep" in html


def test_reopened_reports_leave_the_groups_and_closed_ones_count(client, build_region):
    from peerreview.domain.evaluations import EvaluationStatus

    built = build_region(6)
    built.evaluation(5).status = EvaluationStatus.in_peer_review  # reopened: back with the team
    built.evaluation(4).status = EvaluationStatus.closed
    db.session.commit()
    login(client, built.leads[5])
    assert client.get(f"/evaluations/{built.evaluation(5).id}/results").status_code == 403
    login(client, built.leads[0])
    html = client.get(f"/evaluations/{built.evaluation(0).id}/results").get_data(as_text=True)
    assert "de groep telt 4 andere gemeenten" in html


def test_the_benchmark_json_holds_only_quartiles_median_and_the_own_score(client, build_region):
    built = build_region(7)
    login(client, built.leads[0])
    html = client.get(f"/evaluations/{built.evaluation(0).id}/benchmark").get_data(as_text=True)
    band, median, own = chart_data(html)["chart-region-data"]["data"]
    # analyse of members 1..6: 1 2 3 4 0 1 -> sorted 0 1 1 2 3 4: q1 1.0, median 1.5, q3 2.75 -> 2.8
    analyse = band["y"].index("1. Analyse")
    assert (band["base"][analyse], band["x"][analyse]) == (1.0, 1.8)
    assert median["x"][analyse] == 1.5 and own["x"][analyse] == 0.0
    shown = {band["base"][analyse], round(band["base"][analyse] + band["x"][analyse], 1), median["x"][analyse]}
    assert shown == {1.0, 2.8, 1.5}
    assert 4.0 not in shown  # the group's highest score (member 4) is never drawn


@pytest.mark.parametrize("app_config", [{"BENCHMARK_MIN_GROUP": 4}])  # neither the default (5) nor the floor (3)
def test_a_configured_threshold_shows_a_group_of_that_size_and_reaches_the_overlap_rule(client, build_region):
    from peerreview.domain.results import OVERLAP_REASON

    # klein: 5 + 4 members; middelgroot: 5 + 3 members (one size class each, all in the same year)
    five_small, four_small = build_region(5, inhabitants=12_000), build_region(4, inhabitants=15_000)
    five_mid, three_mid = build_region(5, inhabitants=30_000), build_region(3, inhabitants=40_000)
    assert three_mid

    def benchmark(built) -> str:
        login(client, built.leads[0])
        response = client.get(f"/evaluations/{built.evaluation(0).id}/benchmark")
        assert response.status_code == 200
        return response.get_data(as_text=True)

    # 4 others in the region: exactly the threshold, shown; its size class (4 + 4) differs from it in 4: shown too
    html = benchmark(five_small)
    assert "chart-region-data" in html and "chart-size_class-data" in html
    assert OVERLAP_REASON not in html
    # 3 others in the region: one fewer, hidden, and the page says why with the configured number
    html = benchmark(four_small)
    assert "chart-region-data" not in html
    assert "de groep telt 3 andere gemeenten" in html and "minstens 4 nodig" in html
    assert "chart-size_class-data" in html  # 5 + 3 others, and no shown region to subtract it from
    # a size class that differs from the shown region in 3 gemeenten, fewer than the threshold: hidden
    html = benchmark(five_mid)
    assert "chart-region-data" in html and "chart-size_class-data" not in html
    assert OVERLAP_REASON in html
    # the result page uses the same threshold
    login(client, five_small.leads[0])
    assert "chart-benchmark-data" in client.get(f"/evaluations/{five_small.evaluation(0).id}/results").get_data(
        as_text=True)
    login(client, four_small.leads[0])
    assert "chart-benchmark-data" not in client.get(f"/evaluations/{four_small.evaluation(0).id}/results").get_data(
        as_text=True)


def test_the_threshold_has_a_floor(app, client, build_region):
    built = build_region(3)
    app.config["BENCHMARK_MIN_GROUP"] = 1
    login(client, built.leads[0])
    html = client.get(f"/evaluations/{built.evaluation(0).id}/results").get_data(as_text=True)
    assert "chart-benchmark-data" not in html and "minstens 3" in html
    app.config["BENCHMARK_MIN_GROUP"] = "vijf"
    assert client.get(f"/evaluations/{built.evaluation(0).id}/results").status_code == 200


# ---------------------------------------------------------------- with the improvement plan


def test_targets_of_a_plan_appear_in_the_next_round(client, build_region):
    from peerreview.models import PlanTarget

    built = build_region(6, rounds=2)
    earlier, latest = built.evaluation(2, 0), built.evaluation(2)
    db.session.add_all([PlanTarget(evaluation_id=earlier.id, section_id="analyse", target=4),
                        PlanTarget(evaluation_id=latest.id, section_id="keten", target=1)])  # for a later round
    db.session.commit()
    login(client, built.leads[2])
    html = client.get(f"/evaluations/{latest.id}/results").get_data(as_text=True)
    trend = chart_data(html)["chart-trend-data"]["data"]
    targets = [t for t in trend if t["name"] == "Doel uit het verbeterplan"]
    assert targets[0]["y"] == [None, 4.0]  # analyse: set in 2020's plan, for 2022
    assert targets[1]["y"] == [None, None]  # keten: 2022's own target is for the round after it
    assert "Doel uit het vorige verbeterplan" in html


def test_a_target_belongs_to_the_round_right_after_the_plan_even_when_the_viewer_skips_one(client, build_region,
                                                                                          create_user):
    """A peer who was in the teams of the first and third round, not the second: the third round's target came
    from the second round's plan, which the peer may not see; the first round's target is not the third's."""
    from peerreview.domain.reviews import Capacity
    from peerreview.evaluation.lifecycle import load_evaluation
    from peerreview.exports import services as export_services
    from peerreview.models import PlanTarget, TeamMember
    from peerreview.reports import services

    built = build_region(6, rounds=3)
    first, second, third = (built.evaluation(2, i) for i in range(3))
    peer = create_user(Role.peer_reviewer, municipality=built.municipalities[4], name="Peer van 1 en 3")
    db.session.add_all([TeamMember(evaluation_id=first.id, user_id=peer.id, capacity=Capacity.official),
                        TeamMember(evaluation_id=third.id, user_id=peer.id, capacity=Capacity.official),
                        PlanTarget(evaluation_id=first.id, section_id="analyse", target=4),
                        PlanTarget(evaluation_id=second.id, section_id="analyse", target=2)])
    db.session.commit()
    evaluation = load_evaluation(third.id)
    seen_by_peer = services.build_report(evaluation, peer)
    assert [p.evaluation_id for p in seen_by_peer.trend_rounds] == [first.id, third.id]
    assert seen_by_peer.themes[0].target is None  # the second round's plan is not the peer's to see
    assert [p.target for p in seen_by_peer.trend[0].points] == [None, None]
    seen_by_lead = services.build_report(evaluation, built.leads[2])
    assert seen_by_lead.themes[0].target == 2
    assert [p.target for p in seen_by_lead.trend[0].points] == [None, 4, 2]
    assert export_services.evaluation_export(evaluation, peer).report.themes[0].target is None


def test_region_overview_shows_plan_progress_and_late_actions(client, build_region):
    from datetime import date

    from peerreview.domain.plans import ActionStatus
    from peerreview.models import ImprovementAction

    built = build_region(3)
    evaluation = built.evaluation(1)
    for title, status, due in (("Veiligheidsplan", ActionStatus.done, date(2020, 9, 1)),
                               ("Analyse", ActionStatus.in_progress, date(2020, 10, 1)),
                               ("Later", ActionStatus.planned, date(2099, 1, 1))):
        db.session.add(ImprovementAction(evaluation_id=evaluation.id, title=title, owner="OOV", status=status,
                                         start_on=date(2020, 7, 1), due_on=due))
    db.session.commit()
    login(client, built.coordinator)
    html = client.get(f"/rounds/{built.rounds[0].id}/results").get_data(as_text=True)
    assert "3 acties, 1 afgerond, <strong>1 te laat</strong>" in html
    assert f"{built.municipalities[1].name}: 1 actie te laat" in html


def test_plotly_stays_cached_for_people_who_are_logged_in(app, client, build_region):
    built = build_region(1)
    login(client, built.leads[0])
    with app.test_request_context():
        url = url_for("static", filename=PLOTLY_BUNDLE)
    response = client.get(url)
    assert "no-store" not in response.headers.get("Cache-Control", "")
    assert response.cache_control.max_age >= 30 * 24 * 3600
    response.close()
    page = client.get(f"/evaluations/{built.evaluation(0).id}/results")
    assert "no-store" in page.headers["Cache-Control"]  # the page itself is never cached
    assert "script-src 'self';" in page.headers["Content-Security-Policy"]
