"""Migrations build exactly what the models describe, on SQLite and on PostgreSQL, and keep the data of a
populated database up and down every revision."""

import json
from datetime import date, datetime

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


# ---------------------------------------------------------------- a populated database through every revision

#: Every revision, oldest first (the chain the tests below walk up and down).
REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008")
T = "2026-01-02 03:04:05"  # timestamps and days as the database is sent them (strings: the same on both)
U = "2026-02-03 04:05:06"
HASH = "a" * 64

#: What each revision's new tables (and columns) get, inserted right after upgrading to it: every table has rows.
ROWS: dict[str, list[tuple[str, dict]]] = {
    "0001": [
        ("regions", {"id": 1, "name": "Regio Noord", "description": "Samen veilig", "created_at": T}),
        ("regions", {"id": 2, "name": "Regio Zuid", "description": "", "created_at": U}),
        ("municipalities", {"id": 1, "name": "Aadorp", "cbs_code": "GM0001", "inhabitants": 1000,
                            "province": "Overijssel", "created_at": T}),
        ("municipalities", {"id": 2, "name": "Beekdal", "cbs_code": "GM0002", "inhabitants": 25_000, "province": "",
                            "created_at": T}),
        ("municipalities", {"id": 3, "name": "Cederveen", "cbs_code": "GM0003", "inhabitants": 0,
                            "province": "Zeeland", "created_at": U}),
        ("region_memberships", {"region_id": 1, "municipality_id": 1, "joined_at": T}),
        ("region_memberships", {"region_id": 1, "municipality_id": 2, "joined_at": T}),
        ("region_memberships", {"region_id": 2, "municipality_id": 3, "joined_at": U}),
        ("users", {"id": 1, "email": "admin@example.nl", "name": "Anna Admin", "password_hash": "pbkdf2:sha256:1$x$y",
                   "role": "admin", "is_active": True, "created_at": T, "activated_at": T, "last_login_at": U}),
        ("users", {"id": 2, "email": "coby@example.nl", "name": "Coby Coördinator", "role": "region_coordinator",
                   "region_id": 1, "is_active": True, "created_at": T, "invited_at": T}),
        ("users", {"id": 3, "email": "lotte@example.nl", "name": "Lotte Trekker", "role": "municipal_lead",
                   "municipality_id": 1, "is_active": True, "created_at": T, "password_changed_at": U}),
        ("users", {"id": 4, "email": "bram@example.nl", "name": "Bram Bijdrager", "role": "municipal_contributor",
                   "municipality_id": 1, "is_active": False, "created_at": U}),
        ("users", {"id": 5, "email": "petra@example.nl", "name": "Petra Peer", "role": "peer_reviewer",
                   "municipality_id": 3, "is_active": True, "created_at": U}),
    ],
    "0002": [
        ("questionnaire_versions", {"id": 1, "key": "regie-integrale-veiligheid", "version": "2026.1",
                                    "content_hash": HASH, "title": "Zelfevaluatie", "first_used_at": T}),
    ],
    "0003": [
        ("rounds", {"id": 1, "region_id": 1, "name": "Ronde 2026", "year": 2026,
                    "questionnaire_key": "regie-integrale-veiligheid", "questionnaire_version": "2026.1",
                    "questionnaire_hash": HASH, "self_evaluation_due": "2026-03-01", "peer_review_due": "2026-04-01",
                    "plan_due": "2026-06-01", "created_at": T, "created_by_id": 2}),
        ("evaluations", {"id": 1, "round_id": 1, "municipality_id": 1, "status": "submitted", "created_at": T,
                         "submitted_at": U, "submitted_by_id": 3, "lock_version": 3}),
        ("evaluations", {"id": 2, "round_id": 1, "municipality_id": 2, "status": "draft", "created_at": T,
                         "lock_version": 1}),
        ("answers", {"id": 1, "evaluation_id": 1, "author_id": 4, "question_id": "analyse.cijfers", "value": 3,
                     "is_unknown": False, "explanation": "Wij meten", "evidence": "Rapport", "links": "https://x.nl",
                     "updated_at": T, "version": 2}),
        ("answers", {"id": 2, "evaluation_id": 1, "author_id": 3, "question_id": "analyse.gebruik", "value": None,
                     "is_unknown": True, "explanation": "", "evidence": "", "links": "", "updated_at": U,
                     "version": 1}),
        ("consensus_answers", {"id": 1, "evaluation_id": 1, "updated_by_id": 3, "question_id": "analyse.cijfers",
                               "value": 3, "is_unknown": False, "explanation": "Samen", "evidence": "", "links": "",
                               "updated_at": T, "version": 1}),
        ("consensus_notes", {"id": 1, "evaluation_id": 1, "updated_by_id": 3, "section_id": "analyse",
                             "strengths": "Sterk", "improvements": "Beter", "updated_at": T, "version": 1}),
        ("section_notes", {"id": 1, "evaluation_id": 1, "author_id": 4, "section_id": "analyse", "strengths": "s",
                           "improvements": "i", "updated_at": T, "version": 1}),
        ("evaluation_events", {"id": 1, "evaluation_id": 1, "at": U, "actor_id": 3, "kind": "submitted",
                               "subject": "", "details": '{"from": "draft", "to": "submitted"}'}),
        ("evaluation_visits", {"evaluation_id": 1, "user_id": 4, "place": "answers:analyse", "at": T}),
        ("excel_imports", {"id": 1, "evaluation_id": 1, "user_id": 4, "filename": "zelfevaluatie.xlsx",
                           "created_at": T, "changes": '[{"question": "analyse.cijfers", "value": 3}]'}),
    ],
    "0004": [
        ("regions", {"id": 3, "name": "Regio West", "description": "", "created_at": U,
                     "reciprocal_review": "refuse"}),
        # a stage 0003 does not know: a downgrade below 0004 takes it back to "submitted" (see EXPECTED_BELOW)
        ("evaluations", {"id": 3, "round_id": 1, "municipality_id": 3, "status": "in_peer_review", "created_at": U,
                         "submitted_at": U, "submitted_by_id": None, "lock_version": 2}),
        ("conflict_declarations", {"id": 1, "user_id": 5, "municipality_id": 2, "reason": "Oud-collega",
                                   "declared_at": T}),
        ("peer_reports", {"evaluation_id": 1, "judgement": "Oordeel", "strengths": "Sterk", "updated_at": T,
                          "updated_by_id": 5, "published_without": "", "reaction": "Dank", "reaction_at": U,
                          "reaction_by_id": 3}),
        ("peer_scores", {"id": 1, "evaluation_id": 1, "reviewer_id": 5, "item_id": "analyse.cijfers", "value": 2,
                         "rationale": "Motivatie", "updated_at": T}),
        ("recommendations", {"id": 1, "evaluation_id": 1, "position": 1, "text": "Maak een plan.", "priority": "high",
                             "addressee": "municipality", "created_at": T, "updated_at": U, "created_by_id": 5}),
        ("recommendation_themes", {"recommendation_id": 1, "section_id": "analyse"}),
        ("review_entries", {"id": 1, "evaluation_id": 1, "kind": "interview", "held_on": "2026-04-10",
                            "interviewees": "Burgemeester", "notes": "Notities", "confidentiality": "team",
                            "author_id": 5, "created_at": T, "updated_at": T}),
        ("review_entry_themes", {"entry_id": 1, "section_id": "analyse"}),
        ("team_members", {"id": 1, "evaluation_id": 1, "user_id": 5, "is_chair": True, "capacity": "official",
                          "added_at": T, "added_by_id": 2, "confirmed_warnings": "", "scores_submitted_at": U}),
        ("team_scores", {"id": 1, "evaluation_id": 1, "item_id": "analyse.cijfers", "value": 3, "motivation": "Team",
                         "updated_at": T, "updated_by_id": 5}),
    ],
    "0005": [
        ("improvement_actions", {"id": 1, "evaluation_id": 1, "title": "Plan", "description": "Omschrijving",
                                 "owner": "Coördinator", "owner_kind": "internal", "start_on": "2026-07-01",
                                 "due_on": "2026-12-01", "status": "in_progress", "status_reason": "",
                                 "created_at": T, "created_by_id": 3, "updated_at": U, "updated_by_id": 3,
                                 "version": 2}),
        ("improvement_action_notes", {"id": 1, "action_id": 1, "noted_on": "2026-07-15", "text": "Begonnen.",
                                      "author_id": 3, "created_at": T}),
        ("improvement_action_recommendations", {"action_id": 1, "recommendation_id": 1}),
        ("improvement_action_themes", {"action_id": 1, "section_id": "analyse"}),
        ("plan_targets", {"id": 1, "evaluation_id": 1, "section_id": "analyse", "target": 4, "updated_at": T,
                          "updated_by_id": 3}),
        ("recommendation_verdicts", {"recommendation_id": 1, "evaluation_id": 1, "verdict": "partly", "note": "Half.",
                                     "decided_at": U, "decided_by_id": 5}),
    ],
    "0006": [
        ("audit_events", {"id": 1, "at": T, "actor_id": 3, "actor_email": "lotte@example.nl", "kind": "login_ok",
                          "subject": "", "address": "192.0.2.1", "user_agent": "Mozilla/5.0", "details": "{}"}),
        ("audit_events", {"id": 2, "at": U, "actor_id": None, "actor_email": "onbekend@example.nl",
                          "kind": "login_failed", "subject": "", "address": "2001:db8::1", "user_agent": "",
                          "details": "{}"}),
        ("audit_events", {"id": 3, "at": U, "actor_id": 2, "actor_email": "coby@example.nl", "kind": "state_change",
                          "subject": "evaluation:1", "address": "192.0.2.2", "user_agent": "curl/8",
                          "details": '{"event": "reopened", "from": "submitted", "to": "draft"}'}),
    ],
    "0007": [
        ("cache_generations", {"name": "test", "value": 5}),
    ],
    "0008": [
        # a published report of before hoor en wederhoor (evaluation 1) keeps its stage and reaction; a new one sits
        # in the factual check: a downgrade below 0008 takes it back to the team (see EXPECTED_BELOW)
        ("municipalities", {"id": 4, "name": "Dijkwaard", "cbs_code": "GM0004", "inhabitants": 5000, "province": "",
                            "created_at": U}),
        ("rounds", {"id": 2, "region_id": 1, "name": "Ronde 2027", "year": 2027,
                    "questionnaire_key": "regie-integrale-veiligheid", "questionnaire_version": "2026.1",
                    "questionnaire_hash": HASH, "self_evaluation_due": "2027-03-01", "peer_review_due": "2027-04-01",
                    "plan_due": "2027-06-01", "created_at": U, "created_by_id": 2, "response_days": 28}),
        ("evaluations", {"id": 4, "round_id": 2, "municipality_id": 4, "status": "fact_check", "created_at": U,
                         "submitted_at": U, "submitted_by_id": None, "lock_version": 4}),
        ("peer_reports", {"evaluation_id": 4, "judgement": "Concept", "strengths": "", "updated_at": U,
                          "updated_by_id": 5, "published_without": "", "reaction": "", "documents": "Nota 2026",
                          "concept_sent_at": U, "concept_sent_by_id": 5, "term_due": "2027-05-01",
                          "contributors_may_check": True, "reaction_reference": "", "afterword": ""}),
        ("factual_points", {"id": 1, "evaluation_id": 4, "place": "judgement", "place_label": "Het oordeel",
                            "text": "Het plan is in 2025 vastgesteld, niet in 2024.", "author_id": 3,
                            "created_at": U, "updated_at": U, "answer": "adopted", "answer_text": "Aangepast.",
                            "answered_by_id": 5, "answered_at": U, "version": 2}),
    ],
}
#: Columns that identify a row of a table without an ``id``.
KEYS = {
    "region_memberships": ("region_id", "municipality_id"),
    "evaluation_visits": ("evaluation_id", "user_id"),
    "peer_reports": ("evaluation_id",),
    "recommendation_themes": ("recommendation_id", "section_id"),
    "review_entry_themes": ("entry_id", "section_id"),
    "improvement_action_recommendations": ("action_id", "recommendation_id"),
    "improvement_action_themes": ("action_id", "section_id"),
    "recommendation_verdicts": ("recommendation_id",),
    "cache_generations": ("name",),
}
#: Where a downgrade below a revision changes a kept value on purpose: (table, id) -> [(revision, values)], the
#: newest revision first (each one below which it applies overrides the ones above).
EXPECTED_BELOW = {("evaluations", 3): [("0004", {"status": "submitted"})],
                  ("evaluations", 4): [("0008", {"status": "in_peer_review"}), ("0004", {"status": "submitted"})]}
#: The revision that creates each table (the first one that fills it).
CREATED_AT = {table: rev for rev in reversed(REVISIONS) for table, _row in ROWS[rev]}


def _insert(revision: str) -> None:
    with db.engine.begin() as connection:
        for table, row in ROWS[revision]:
            columns = ", ".join(row)
            values = ", ".join(":" + c for c in row)
            connection.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({values})"), row)  # noqa: S608


def _same(expected: object, actual: object) -> bool:
    """A value read back as the one inserted: booleans as 0/1 on SQLite, timestamps, days and JSON parsed on
    PostgreSQL (the timestamps in the session's time zone, in which they were also read)."""
    if isinstance(expected, bool):
        return actual in (0, 1) and bool(actual) is expected
    if isinstance(actual, datetime):
        actual = actual.replace(tzinfo=None).isoformat(sep=" ")
    elif isinstance(actual, date):
        actual = actual.isoformat()
    if isinstance(expected, str) and expected[:1] in ("{", "["):
        return json.loads(expected) == (json.loads(actual) if isinstance(actual, str) else actual)
    return actual == expected


def _check_rows(current: str | None, inserted: str = REVISIONS[-1]) -> None:
    """Every row inserted up to revision ``inserted`` whose table exists at ``current`` is there with its values
    (the columns that exist at ``current``); the tables of later revisions are gone."""
    inspector = inspect(db.engine)
    tables = set(inspector.get_table_names())
    problems = []
    with db.engine.connect() as connection:
        for revision in REVISIONS:
            for table, row in ROWS[revision]:
                exists = current is not None and CREATED_AT[table] <= current
                assert (table in tables) is exists, (table, current)
                if not exists or revision > inserted:
                    continue
                columns = {c["name"] for c in inspector.get_columns(table)}
                expected = {name: value for name, value in row.items() if name in columns}
                for below, values in EXPECTED_BELOW.get((table, row.get("id")), ()):
                    if current < below:
                        expected.update(values)
                keys = KEYS.get(table, ("id",))
                where = " AND ".join(f"{k} = :{k}" for k in keys)
                query = f"SELECT {', '.join(expected)} FROM {table} WHERE {where}"  # noqa: S608 (the test's own names)
                found = connection.execute(text(query), {k: row[k] for k in keys}).mappings().all()
                if len(found) != 1:
                    problems.append(f"{table} {[row[k] for k in keys]}: {len(found)} rows")
                    continue
                problems += [f"{table} {[row[k] for k in keys]}.{name}: {found[0][name]!r} != {value!r}"
                             for name, value in expected.items() if not _same(value, found[0][name])]
    assert not problems, "\n".join(problems)


def _populate_up_to_head() -> None:
    for revision in REVISIONS:
        upgrade(revision=revision)
        _insert(revision)
        _check_rows(revision, inserted=revision)


def test_a_populated_database_keeps_every_row_from_the_first_revision_to_head(empty_app):
    """Start empty; upgrade one revision at a time, filling each revision's new tables with raw SQL; at head
    every row inserted on the way is still there with its values."""
    _populate_up_to_head()
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == REVISIONS[-1]
        # what 0004 added to an older table: the regions of 0001 got the default, the one of 0004 kept its own
        policies = dict(connection.execute(text("SELECT id, reciprocal_review FROM regions")).all())
        # what 0008 added: the rounds of before got the default term, the reports of before no reaction details
        terms = dict(connection.execute(text("SELECT id, response_days FROM rounds")).all())
        report = connection.execute(text("SELECT reaction, reaction_reference, afterword, documents, "
                                         "contributors_may_check FROM peer_reports WHERE evaluation_id = 1")).one()
    assert policies == {1: "warn", 2: "warn", 3: "refuse"}
    assert terms == {1: 21, 2: 28}
    assert tuple(report[:4]) == ("Dank", "", "", "") and not report[4]
    assert set(inspect(db.engine).get_table_names()) - {"alembic_version"} == set(CREATED_AT)  # every table filled


def test_a_populated_database_downgrades_revision_by_revision_to_base(empty_app):
    """From a filled head, one revision down at a time: no error, the older tables keep all their rows, the
    newer ones are gone; at base nothing is left."""
    _populate_up_to_head()
    for target in reversed(REVISIONS[:-1]):
        downgrade(revision=target)
        _check_rows(target)
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) - {"alembic_version"} == set()
    _check_rows(None)
