"""Migrations build exactly what the models describe, on SQLite and on PostgreSQL."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text
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
