"""``flask backup`` and ``flask restore`` through the CLI runner, on a SQLite file holding the demo region;
and what both say for PostgreSQL."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from flask_migrate import stamp

from peerreview import create_app
from peerreview.extensions import db
from tests.conftest import base_config


def snapshot(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, sorted: two databases with equal snapshots hold the same data."""
    connection = sqlite3.connect(path)
    try:
        tables = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {table: sorted(connection.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)  # noqa: S608
                for table in tables}
    finally:
        connection.close()


@pytest.fixture
def live(tmp_path: Path):
    """An app on its own SQLite file, with the schema at the latest migration and the demo region loaded."""
    path = tmp_path / "live.sqlite"
    app = create_app(base_config(f"sqlite:///{path}"), instance_path=str(tmp_path / "instance"))
    with app.app_context():
        db.create_all()
        stamp()  # the schema is the models' (create_all); record it as the latest migration
        db.session.remove()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    yield app, runner, path
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_backup_and_restore_round_trip_a_populated_database(live, tmp_path):
    app, runner, path = live
    before = snapshot(path)
    assert len(before["users"]) >= 10 and before["evaluations"]
    copy = tmp_path / "kopie.sqlite"
    result = runner.invoke(args=["backup", str(copy)])
    assert result.exit_code == 0, result.output
    assert f"Back-up geschreven naar {copy}" in result.output
    assert snapshot(copy) == before

    # the data changes after the backup ...
    with app.app_context():
        db.session.execute(db.text("DELETE FROM answers"))
        db.session.execute(db.text("UPDATE users SET name = 'Gewijzigd'"))
        db.session.commit()
        db.session.remove()
    changed = snapshot(path)
    assert changed != before

    # ... and the restore brings back exactly what the backup held, keeping the changed state aside
    result = runner.invoke(args=["restore", str(copy), "--yes"])
    assert result.exit_code == 0, result.output
    assert "Hersteld" in result.output
    assert snapshot(path) == before
    safety = list((tmp_path / "instance" / "backups").glob("voor-herstel-*.sqlite"))
    assert len(safety) == 1 and snapshot(safety[0]) == changed

    # the running app reads the restored data
    with app.app_context():
        assert db.session.execute(db.text("SELECT count(*) FROM users WHERE name = 'Gewijzigd'")).scalar() == 0


def test_the_default_place_is_the_instance_backups_folder(live, tmp_path):
    _app, runner, _path = live
    result = runner.invoke(args=["backup"])
    assert result.exit_code == 0, result.output
    written = list((tmp_path / "instance" / "backups").glob("peerreview-*.sqlite"))
    assert len(written) == 1


def test_a_backup_holds_only_committed_data_while_another_connection_writes(live, tmp_path):
    _app, runner, path = live
    writer = sqlite3.connect(path)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE users SET name = 'Halverwege'")
        result = runner.invoke(args=["backup", str(tmp_path / "tijdens.sqlite")])
        assert result.exit_code == 0, result.output
    finally:
        writer.rollback()
        writer.close()
    assert snapshot(tmp_path / "tijdens.sqlite") == snapshot(path)  # the committed state, without 'Halverwege'
    assert "Halverwege" not in repr(snapshot(tmp_path / "tijdens.sqlite")["users"])


def test_a_backup_never_overwrites(live, tmp_path):
    _app, runner, path = live
    target = tmp_path / "bestaat.sqlite"
    target.write_bytes(b"iets")
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code != 0 and "bestaat al" in result.output
    assert target.read_bytes() == b"iets"
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code != 0 and "over de database zelf" in result.output


def test_a_restore_asks_first_and_does_nothing_without_a_yes(live, tmp_path):
    app, runner, path = live
    copy = tmp_path / "kopie.sqlite"
    assert runner.invoke(args=["backup", str(copy)]).exit_code == 0
    with app.app_context():
        db.session.execute(db.text("UPDATE users SET name = 'Na de back-up'"))
        db.session.commit()
        db.session.remove()
    changed = snapshot(path)
    result = runner.invoke(args=["restore", str(copy)], input="n\n")
    assert "wordt vervangen door de back-up. Doorgaan? [j/N]" in result.output
    assert result.exit_code == 1 and "Niets hersteld." in result.output
    assert snapshot(path) == changed
    assert not (tmp_path / "instance" / "backups").exists()


def _sqlite_file(path: Path, statements: list[str]) -> Path:
    connection = sqlite3.connect(path)
    for statement in statements:
        connection.execute(statement)
    connection.commit()
    connection.close()
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: (d / "tekst.sqlite").write_text("geen database") and d / "tekst.sqlite", "geen SQLite-database"),
        (lambda d: d / "ontbreekt.sqlite", "bestaat niet"),
        (lambda d: _sqlite_file(d / "vreemd.sqlite", ["CREATE TABLE notes (id INTEGER)"]),
         "geen database van peerreview"),
        (lambda d: _sqlite_file(d / "nieuwer.sqlite", [
            "CREATE TABLE alembic_version (version_num VARCHAR(32))", "INSERT INTO alembic_version VALUES ('9999_x')",
            "CREATE TABLE users (id INTEGER)", "CREATE TABLE regions (id INTEGER)",
            "CREATE TABLE municipalities (id INTEGER)"]),
         "versie van peerreview die deze code niet kent"),
        (lambda d: (d / "kapot.sqlite").write_bytes(b"SQLite format 3\x00" + b"\xff" * 200) and d / "kapot.sqlite",
         "kan niet als SQLite-database worden gelezen"),
    ],
    ids=["text file", "missing", "another app", "unknown revision", "corrupt"],
)
def test_a_restore_refuses_what_is_not_a_backup_of_this_app(live, tmp_path, make, message):
    _app, runner, path = live
    before = snapshot(path)
    result = runner.invoke(args=["restore", str(make(tmp_path)), "--yes"])
    assert result.exit_code != 0
    assert message in result.output
    assert snapshot(path) == before


def test_postgresql_gets_pg_dump_instructions_without_the_password(tmp_path):
    app = create_app(base_config("postgresql+psycopg://beheer:Geheim-Wachtwoord@db.example.nl:5433/peerreview",
                                 QUESTIONNAIRES_VERIFY_USED=False), instance_path=str(tmp_path))
    runner = app.test_cli_runner()
    backup = runner.invoke(args=["backup"])
    restore = runner.invoke(args=["restore", "peerreview.dump", "--yes"])
    for result in (backup, restore):
        assert result.exit_code == 1  # nothing was written: a scheduled job must notice
        assert "Geheim-Wachtwoord" not in result.output
        assert '"postgresql://beheer@db.example.nl:5433/peerreview"' in result.output
        assert "PGPASSWORD" in result.output
    assert "pg_dump --format=custom" in backup.output
    assert "pg_restore --clean --if-exists" in restore.output and '"peerreview.dump"' in restore.output
