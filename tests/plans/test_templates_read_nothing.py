"""Views gather everything a page shows: no template, template global or context processor reads the database.

Here among the plan's tests because their fixture is the fullest world: Aadorp's report published with a plan,
actions, notes and targets, and a next round whose self-evaluation shows the previous one. Every main page of
every blueprint is rendered for the people who use it, with the SQL statements counted from the moment the
template's context is filled (the context processors) until the template is rendered."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import template_rendered
from sqlalchemy import event

from peerreview.dates import today
from peerreview.domain.roles import Role
from peerreview.extensions import db
from peerreview.plans import services
from peerreview.reviews import hearing
from tests.evaluations.conftest import open_test_round
from tests.reviews.conftest import questionnaire_of, ready_to_publish
from tests.support.hearing import send_concept

from .conftest import add_action


@contextmanager
def statements_while_rendering(app) -> Iterator[list[str]]:
    """The statements sent while a template is being rendered (nested renders included)."""
    seen: list[str] = []
    depth = [0]
    fill_context = app.update_template_context

    def filling(context: dict) -> None:
        depth[0] += 1  # render_template fills the context first, then renders
        fill_context(context)

    def rendered(sender, template, context, **extra) -> None:
        depth[0] -= 1

    def executing(conn, cursor, statement, parameters, context, executemany) -> None:
        if depth[0] > 0:
            seen.append(" ".join(statement.split())[:120])

    app.update_template_context = filling
    template_rendered.connect(rendered, app)
    event.listen(db.engine, "before_cursor_execute", executing)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", executing)
        template_rendered.disconnect(rendered, app)
        del app.update_template_context


def test_the_project_registers_no_template_globals(app):
    """Formatting belongs in filters; whatever a page shows is passed in by its view."""
    own = {name: value for name, value in app.jinja_env.globals.items()
           if getattr(value, "__module__", "").startswith("peerreview")}
    assert own == {}


@pytest.fixture
def world(plan):
    row = add_action(plan, "Veiligheidsplan opstellen")
    services.add_note(plan.lead, plan.evaluation, row, services.NoteData(today(), "Eerste overleg gevoerd."))
    services.save_targets(plan.lead, plan.evaluation, services.questionnaire_of(plan.evaluation),
                          {"analyse": "4", "keten": "2"})
    db.session.commit()
    s = plan.setting
    [new] = open_test_round(s.coordinator, s.region, [s.a], name="Ronde 2028").evaluations
    return plan, row, new


def test_no_page_reads_the_database_while_it_is_rendered(app, client, auth, world, create_user):
    plan, row, new = world
    s, old = plan.setting, plan.evaluation.id
    admin = create_user(Role.admin, name="Anna Admin")
    round_id = plan.evaluation.round_id
    pages = {
        s.lead: [f"/evaluations/{old}/plan", f"/evaluations/{old}/plan/actions/{row.id}",
                 f"/evaluations/{old}/plan/actions/new", f"/evaluations/{old}/plan/actions/{row.id}/edit",
                 f"/evaluations/{old}/plan/targets", f"/evaluations/{old}/report", f"/evaluations/{old}",
                 f"/evaluations/{old}/self-evaluation", f"/evaluations/{old}/results",
                 f"/evaluations/{old}/results/report",
                 f"/evaluations/{old}/benchmark", f"/evaluations/{new.id}", f"/evaluations/{new.id}/sections/analyse",
                 f"/evaluations/{new.id}/sections/analyse", f"/evaluations/{new.id}/consensus/analyse",
                 f"/evaluations/{new.id}/submit", f"/evaluations/{new.id}/excel", f"/evaluations/{new.id}/history",
                 "/colleagues", "/start", "/auth/password"],
        s.contributor: [f"/evaluations/{new.id}", f"/evaluations/{new.id}/sections/keten", "/start"],
        plan.chair: [f"/evaluations/{old}/plan", f"/evaluations/{old}/plan/review", f"/evaluations/{old}/report",
                     f"/evaluations/{old}/review", f"/evaluations/{old}/review/scores",
                     f"/evaluations/{old}/review/consensus", f"/evaluations/{old}/review/entries",
                     f"/evaluations/{old}/review/report", f"/evaluations/{old}/review/publish",
                     f"/evaluations/{old}/team", "/conflicts", "/start"],
        s.coordinator: [f"/evaluations/{old}/plan", f"/evaluations/{old}/report", f"/evaluations/{old}",
                        f"/evaluations/{old}/team", f"/evaluations/{old}/reopen", "/rounds/", f"/rounds/{round_id}",
                        f"/rounds/{round_id}/results", f"/regions/{s.region.id}/review-rules", "/admin/",
                        f"/admin/regions/{s.region.id}", "/admin/users", "/admin/municipalities",
                        f"/admin/municipalities/{s.a.id}", "/questionnaires/", "/start"],
        admin: ["/admin/", "/admin/regions", "/admin/regions/new", f"/admin/regions/{s.region.id}",
                f"/admin/regions/{s.region.id}/edit", f"/admin/regions/{s.region.id}/delete", "/admin/municipalities",
                "/admin/municipalities/new", f"/admin/municipalities/{s.a.id}",
                f"/admin/municipalities/{s.a.id}/edit", "/admin/users", "/admin/users/invite",
                f"/admin/users/{s.lead.id}/edit", "/admin/audit", "/questionnaires/", "/questionnaires/minimal/1",
                "/start"],
    }
    found: dict[str, list[str]] = {}
    for user, paths in pages.items():
        auth.login(user)
        for path in paths:
            with statements_while_rendering(app) as seen:
                response = client.get(path)
            assert response.status_code == 200, (user.name, path)
            if seen:
                found[f"{user.name} {path}"] = seen
        auth.logout()
    with statements_while_rendering(app) as seen:
        assert client.get("/auth/login").status_code == 200
    assert seen == []
    assert found == {}


def test_no_page_of_hoor_en_wederhoor_reads_the_database_while_it_is_rendered(app, client, auth, review):
    """The hearing, the concept, a point's form, the term's form and the publish page, in each stage."""
    s, e = review.setting, review.evaluation
    ready_to_publish(review)
    send_concept(review.chair, e)
    row = hearing.add_point(s.lead, e, hearing.check_point_for(e, questionnaire_of(e), "judgement",
                                                               "Het jaartal klopt niet."))
    db.session.commit()
    base = f"/evaluations/{e.id}"
    pages = {
        s.lead: [f"{base}/hearing", f"{base}/concept", f"{base}/hearing/points/{row.id}"],
        review.chair: [f"{base}/hearing", f"{base}/concept", f"{base}/review/publish"],
        s.coordinator: [f"{base}/hearing", f"{base}/concept", f"{base}/hearing/term"],
    }
    found: dict[str, list[str]] = {}

    def render_all(stage: str) -> None:
        for user, paths in pages.items():
            auth.login(user)
            for path in paths:
                with statements_while_rendering(app) as seen:
                    response = client.get(path)
                assert response.status_code == 200, (stage, user.name, path)
                if seen:
                    found[f"{stage}: {user.name} {path}"] = seen
            auth.logout()

    render_all("fact_check")
    hearing.answer_point(review.chair, e, row, "not_adopted", "Het jaartal klopt wel.", row.version)
    hearing.finish_check(s.lead, e)
    hearing.correct(review.chair, e)
    db.session.commit()
    pages[s.lead].pop()  # an answered point is no longer changed
    render_all("corrected")
    hearing.record_reaction(s.lead, e, "Het college neemt de aanbevelingen over.", today(), "Z/1")
    hearing.save_afterword(review.chair, e, "Dank voor de reactie.")
    db.session.commit()
    pages[s.coordinator].pop()  # no term any more
    render_all("reacted")
    hearing.publish(review.chair, e)
    db.session.commit()
    pages = {s.lead: [f"{base}/hearing", f"{base}/report"], review.chair: [f"{base}/hearing", f"{base}/report"]}
    render_all("published")
    assert found == {}
