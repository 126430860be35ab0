"""Migrations build exactly what the models describe, on SQLite and on PostgreSQL."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, inspect, select, text
from sqlalchemy import table as sql_table
from sqlalchemy.exc import IntegrityError

from peerreview import create_app
from peerreview.extensions import db
from tests.conftest import base_config

pytestmark = pytest.mark.db


@pytest.fixture
def empty_app(make_database_url):
    app = create_app(base_config(make_database_url("migrations")))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def test_upgrade_on_an_empty_database_matches_the_models(empty_app):
    upgrade()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []
    tables = set(inspect(db.engine).get_table_names())
    assert {"regions", "municipalities", "region_memberships", "users", "alembic_version"} <= tables


def test_constraints_exist_in_the_migrated_database(empty_app):
    upgrade()
    with db.engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO municipalities (name, cbs_code, inhabitants, province, created_at) "
            "VALUES ('A', 'GM0001', 10, '', CURRENT_TIMESTAMP)"))
    statements = [
        # the same CBS code twice
        "INSERT INTO municipalities (name, cbs_code, inhabitants, province, created_at) "
        "VALUES ('B', 'GM0001', 10, '', CURRENT_TIMESTAMP)",
        # not GM + four characters
        "INSERT INTO municipalities (name, cbs_code, inhabitants, province, created_at) "
        "VALUES ('C', 'XX12', 10, '', CURRENT_TIMESTAMP)",
        # an e-mail address in capitals would break case-insensitive uniqueness
        "INSERT INTO users (email, name, role, is_active, created_at) "
        "VALUES ('Ann@Example.nl', 'Ann', 'admin', true, CURRENT_TIMESTAMP)",
        # a municipal role without a gemeente
        "INSERT INTO users (email, name, role, is_active, created_at) "
        "VALUES ('lead@example.nl', 'Lead', 'municipal_lead', true, CURRENT_TIMESTAMP)",
        # a role that does not exist
        "INSERT INTO users (email, name, role, is_active, created_at) "
        "VALUES ('x@example.nl', 'X', 'superuser', true, CURRENT_TIMESTAMP)",
    ]
    for statement in statements:
        with pytest.raises(IntegrityError), db.engine.begin() as connection:
            connection.execute(text(statement))


def test_downgrade_to_base_removes_everything(empty_app):
    upgrade()
    downgrade(revision="base")
    tables = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
    assert tables == set()
    upgrade()
    assert "users" in inspect(db.engine).get_table_names()


def _count(table: str) -> int:
    with db.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(sql_table(table))).scalar_one()


def test_upgrading_and_downgrading_0004_keeps_every_row(empty_app):
    """0004 rebuilds regions and evaluations (SQLite batch mode): with the app's foreign keys on, that once wiped
    region memberships and failed on a coordinator. Every row must survive both ways."""
    upgrade(revision="0003")
    statements = [
        "INSERT INTO regions (id, name, description, created_at) VALUES (1, 'Regio', '', CURRENT_TIMESTAMP)",
        "INSERT INTO municipalities (id, name, cbs_code, inhabitants, province, created_at) "
        "VALUES (1, 'Aadorp', 'GM0001', 1000, '', CURRENT_TIMESTAMP)",
        "INSERT INTO region_memberships (region_id, municipality_id, joined_at) VALUES (1, 1, CURRENT_TIMESTAMP)",
        "INSERT INTO users (id, email, name, role, region_id, is_active, created_at) "
        "VALUES (1, 'c@example.nl', 'Coby', 'region_coordinator', 1, true, CURRENT_TIMESTAMP)",
        "INSERT INTO users (id, email, name, role, municipality_id, is_active, created_at) "
        "VALUES (2, 'l@example.nl', 'Lotte', 'municipal_lead', 1, true, CURRENT_TIMESTAMP)",
        "INSERT INTO rounds (id, region_id, name, year, questionnaire_key, questionnaire_version, questionnaire_hash, "
        "self_evaluation_due, peer_review_due, plan_due, created_at, created_by_id) "
        "VALUES (1, 1, 'Ronde', 2027, 'k', '1', '" + "a" * 64 + "', '2027-01-01', '2027-02-01', '2027-03-01', "
        "CURRENT_TIMESTAMP, 1)",
        "INSERT INTO evaluations (id, round_id, municipality_id, status, created_at, lock_version) "
        "VALUES (1, 1, 1, 'submitted', CURRENT_TIMESTAMP, 1)",
        "INSERT INTO consensus_answers (evaluation_id, question_id, value, is_unknown, explanation, evidence, links, "
        "updated_at, version, updated_by_id) VALUES (1, 'q', 2, false, 'x', '', '', CURRENT_TIMESTAMP, 1, 2)",
        "INSERT INTO answers (evaluation_id, question_id, value, is_unknown, explanation, evidence, links, "
        "updated_at, version, author_id) VALUES (1, 'q', 2, false, 'x', '', '', CURRENT_TIMESTAMP, 1, 2)",
        "INSERT INTO evaluation_events (evaluation_id, at, actor_id, kind, subject, details) "
        "VALUES (1, CURRENT_TIMESTAMP, 2, 'submitted', '', '{}')",
    ]
    with db.engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))
    tables = ("regions", "municipalities", "region_memberships", "users", "rounds", "evaluations",
              "consensus_answers", "answers", "evaluation_events")
    before = {table: _count(table) for table in tables}
    assert all(before.values())

    upgrade()
    assert {table: _count(table) for table in tables} == before
    with db.engine.begin() as connection:
        assert connection.execute(text("SELECT reciprocal_review FROM regions")).scalar_one() == "warn"
        connection.execute(text("UPDATE evaluations SET status = 'published'"))
    with pytest.raises(IntegrityError), db.engine.begin() as connection:  # foreign keys still enforced
        connection.execute(text("INSERT INTO region_memberships (region_id, municipality_id, joined_at) "
                                "VALUES (99, 1, CURRENT_TIMESTAMP)"))

    downgrade(revision="0003")
    assert {table: _count(table) for table in tables} == before
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT status FROM evaluations")).scalar_one() == "submitted"


def test_a_failed_migration_leaves_sqlite_enforcing_foreign_keys(empty_app):
    upgrade(revision="0003")
    with db.engine.begin() as connection:
        connection.execute(text("CREATE TABLE team_scores (id INTEGER PRIMARY KEY)"))  # 0004 will stumble on it
    with pytest.raises(Exception, match="team_scores"):
        upgrade()
    if db.engine.dialect.name == "sqlite":
        for _ in range(3):  # whichever pooled connection comes next
            with db.engine.connect() as connection:
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1


def test_upgrading_and_downgrading_0005_keeps_every_row_and_the_plan_goes_with_its_tables(empty_app):
    """0005 adds the verbeterplan's tables: a published evaluation with a recommendation keeps everything both ways,
    a plan stored on top of it is removed by the downgrade, and the due-after-start rule holds in the database."""
    upgrade(revision="0004")
    statements = [
        "INSERT INTO regions (id, name, description, created_at) VALUES (1, 'Regio', '', CURRENT_TIMESTAMP)",
        "INSERT INTO municipalities (id, name, cbs_code, inhabitants, province, created_at) "
        "VALUES (1, 'Aadorp', 'GM0001', 1000, '', CURRENT_TIMESTAMP)",
        "INSERT INTO region_memberships (region_id, municipality_id, joined_at) VALUES (1, 1, CURRENT_TIMESTAMP)",
        "INSERT INTO users (id, email, name, role, municipality_id, is_active, created_at) "
        "VALUES (2, 'l@example.nl', 'Lotte', 'municipal_lead', 1, true, CURRENT_TIMESTAMP)",
        "INSERT INTO rounds (id, region_id, name, year, questionnaire_key, questionnaire_version, questionnaire_hash, "
        "self_evaluation_due, peer_review_due, plan_due, created_at, created_by_id) "
        "VALUES (1, 1, 'Ronde', 2027, 'k', '1', '" + "a" * 64 + "', '2027-01-01', '2027-02-01', '2027-03-01', "
        "CURRENT_TIMESTAMP, NULL)",
        "INSERT INTO evaluations (id, round_id, municipality_id, status, created_at, lock_version) "
        "VALUES (1, 1, 1, 'published', CURRENT_TIMESTAMP, 1)",
        "INSERT INTO recommendations (id, evaluation_id, position, text, priority, addressee, created_at, updated_at) "
        "VALUES (1, 1, 1, 'Maak een plan.', 'high', 'municipality', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
        "INSERT INTO recommendation_themes (recommendation_id, section_id) VALUES (1, 'analyse')",
    ]
    with db.engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))
    tables = ("regions", "municipalities", "region_memberships", "users", "rounds", "evaluations", "recommendations",
              "recommendation_themes")
    before = {table: _count(table) for table in tables}

    upgrade()
    assert {table: _count(table) for table in tables} == before
    plan = [
        "INSERT INTO improvement_actions (id, evaluation_id, title, description, owner, owner_kind, start_on, due_on, "
        "status, status_reason, created_at, updated_at, version) VALUES (1, 1, 'Plan', '', 'Coördinator', "
        "'internal', '2027-03-01', '2027-06-01', 'planned', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)",
        "INSERT INTO improvement_action_themes (action_id, section_id) VALUES (1, 'analyse')",
        "INSERT INTO improvement_action_recommendations (action_id, recommendation_id) VALUES (1, 1)",
        "INSERT INTO improvement_action_notes (action_id, noted_on, text, created_at) "
        "VALUES (1, '2027-03-02', 'Begonnen.', CURRENT_TIMESTAMP)",
        "INSERT INTO plan_targets (evaluation_id, section_id, target, updated_at) "
        "VALUES (1, 'analyse', 3, CURRENT_TIMESTAMP)",
        "INSERT INTO recommendation_verdicts (recommendation_id, evaluation_id, verdict, note, decided_at) "
        "VALUES (1, 1, 'partly', 'Half.', CURRENT_TIMESTAMP)",
    ]
    with db.engine.begin() as connection:
        for statement in plan:
            connection.execute(text(statement))
    for bad in (
        # due before start
        "INSERT INTO improvement_actions (evaluation_id, title, description, owner, owner_kind, start_on, due_on, "
        "status, status_reason, created_at, updated_at, version) VALUES (1, 'X', '', 'Y', 'internal', '2027-06-01', "
        "'2027-03-01', 'planned', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)",
        # a status that does not exist
        "INSERT INTO improvement_actions (evaluation_id, title, description, owner, owner_kind, start_on, due_on, "
        "status, status_reason, created_at, updated_at, version) VALUES (1, 'X', '', 'Y', 'internal', '2027-03-01', "
        "'2027-06-01', 'klaar', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)",
        # a second target for the same theme
        "INSERT INTO plan_targets (evaluation_id, section_id, target, updated_at) "
        "VALUES (1, 'analyse', 2, CURRENT_TIMESTAMP)",
    ):
        with pytest.raises(IntegrityError), db.engine.begin() as connection:
            connection.execute(text(bad))
    assert _count("improvement_actions") == 1 and _count("recommendation_verdicts") == 1

    downgrade(revision="0004")
    assert {table: _count(table) for table in tables} == before
    remaining = set(inspect(db.engine).get_table_names())
    assert not remaining & {"improvement_actions", "improvement_action_themes", "improvement_action_recommendations",
                            "improvement_action_notes", "plan_targets", "recommendation_verdicts"}
    upgrade()
    assert _count("improvement_actions") == 0
