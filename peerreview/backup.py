"""``flask backup`` and ``flask restore``: a consistent copy of the database, and bringing one back.

SQLite: the copy is made with SQLite's online backup API (``sqlite3.Connection.backup``), which copies a
consistent snapshot while the app keeps running: what another connection has not committed is not in it.
A restore checks the file first (a SQLite database, intact, with this app's tables and a migration revision
this code knows), asks for confirmation, keeps a safety copy of the current database, and copies the file
back with the same API, so that connections of a running app see either the old or the new database.

PostgreSQL: ``pg_dump`` and ``pg_restore`` do this job better than the app could; the commands print how to
call them for the configured database (without its password) and write nothing.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import click
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import URL

from .extensions import db

SQLITE_HEADER = b"SQLite format 3\x00"
#: Tables every database of this app has; a file without them is not one of ours.
REQUIRED_TABLES = frozenset({"alembic_version", "users", "regions", "municipalities"})
#: Shown before a restore: how much each side holds.
COUNTED_TABLES = ("regions", "municipalities", "users", "rounds", "evaluations", "answers")


class BackupError(click.ClickException):
    """A refusal with a Dutch message; nothing was changed."""


# ---------------------------------------------------------------- helpers


def _url() -> URL:
    return db.engine.url


def sqlite_path(url: URL) -> Path | None:
    """The file of a SQLite URL; ``None`` for another database. An in-memory database cannot be copied."""
    if url.get_backend_name() != "sqlite":
        return None
    if not url.database or url.database == ":memory:" or url.database.startswith("file::memory:"):
        raise BackupError("Deze database staat alleen in het geheugen; daar kan geen back-up van worden gemaakt.")
    return Path(url.database).resolve()


def postgres_url_without_password(url: URL) -> str:
    """The URL as ``pg_dump`` and ``pg_restore`` take it: no driver name, no password."""
    bare = URL.create("postgresql", username=url.username, host=url.host, port=url.port, database=url.database,
                      query=url.query)
    return bare.render_as_string(hide_password=False)


def backup_dir() -> Path:
    configured = current_app.config.get("BACKUP_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "backups"


def _timestamp() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S")


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path.as_uri() + "?mode=ro", uri=True)


def copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of ``source`` into ``target`` (written as ``.part`` first, then renamed)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    partial.unlink(missing_ok=True)
    src = _read_only(source)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    partial.replace(target)


def inspect_copy(path: Path) -> tuple[str, dict[str, int]]:
    """Return the migration revision and row counts of a copy; ``BackupError`` when it is not one of ours."""
    if not path.is_file():
        raise BackupError(f"Het bestand {path} bestaat niet.")
    with path.open("rb") as handle:
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupError(f"{path} is geen SQLite-database; er is niets hersteld.")
    try:
        connection = _read_only(path)
        try:
            if connection.execute("PRAGMA quick_check").fetchone() != ("ok",):
                raise BackupError(f"{path} is beschadigd (de integriteitscontrole faalt); er is niets hersteld.")
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            missing = REQUIRED_TABLES - tables
            if missing:
                raise BackupError(
                    f"{path} is geen database van peerreview (de tabellen {', '.join(sorted(missing))} ontbreken); "
                    "er is niets hersteld."
                )
            revisions = [row[0] for row in connection.execute("SELECT version_num FROM alembic_version")]
            counts = {
                table: connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608 (fixed names)
                for table in COUNTED_TABLES if table in tables
            }
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} kan niet als SQLite-database worden gelezen ({error}); er is niets hersteld.") \
            from None
    if len(revisions) != 1:
        raise BackupError(f"{path} heeft geen eenduidige migratieversie; er is niets hersteld.")
    _check_revision(revisions[0], path)
    return revisions[0], counts


def _check_revision(revision: str, path: Path) -> None:
    script = ScriptDirectory(current_app.extensions["migrate"].directory)
    try:
        known = script.get_revision(revision)
    except CommandError:
        known = None
    if known is None:
        raise BackupError(
            f"{path} komt van een versie van peerreview die deze code niet kent (migratie {revision!r}); "
            "er is niets hersteld. Herstel hem met de versie van de toepassing waarmee hij is gemaakt."
        )


def _confirmed(question: str) -> bool:
    answer = click.prompt(question, default="n", show_default=False, prompt_suffix=" ")
    return answer.strip().lower() in {"j", "ja", "y", "yes"}


def _counts_line(counts: dict[str, int]) -> str:
    names = {"regions": "regio's", "municipalities": "gemeenten", "users": "gebruikers", "rounds": "rondes",
             "evaluations": "evaluaties", "answers": "antwoorden"}
    return ", ".join(f"{counts[table]} {names[table]}" for table in COUNTED_TABLES if table in counts)


def _postgres_instructions(url: URL, *, restore_from: str | None) -> None:
    target = postgres_url_without_password(url)
    click.echo("De database is PostgreSQL; gebruik daarvoor de eigen hulpmiddelen van PostgreSQL.")
    click.echo("Het wachtwoord staat hieronder niet: geef het via PGPASSWORD of ~/.pgpass.")
    click.echo("")
    if restore_from is None:
        click.echo("Back-up (een consistente momentopname, ook terwijl de toepassing draait):")
        click.echo(f'  pg_dump --format=custom --no-owner --file=peerreview-{_timestamp()}.dump "{target}"')
        click.echo("Terugzetten (stop eerst de toepassing):")
        click.echo(f'  pg_restore --clean --if-exists --no-owner --single-transaction --dbname="{target}" BESTAND.dump')
    else:
        click.echo("Terugzetten (stop eerst de toepassing; maak eerst een back-up van de huidige stand):")
        click.echo(f'  pg_dump --format=custom --no-owner --file=voor-herstel-{_timestamp()}.dump "{target}"')
        click.echo(f'  pg_restore --clean --if-exists --no-owner --single-transaction --dbname="{target}" '
                   f'"{restore_from}"')
    click.echo("Daarna: flask db upgrade")


# ---------------------------------------------------------------- commands


@click.command("backup")
@click.argument("path", required=False, type=click.Path(path_type=Path, dir_okay=True))
@with_appcontext
def backup_command(path: Path | None) -> None:
    """Schrijf een consistente kopie van de database naar PATH (standaard: instance/backups/).

    Werkt terwijl de toepassing draait. Bij PostgreSQL wordt uitgelegd hoe pg_dump te gebruiken.
    """
    url = _url()
    source = sqlite_path(url)
    if source is None:
        _postgres_instructions(url, restore_from=None)
        raise click.exceptions.Exit(1)  # nothing was written: a scheduled job must notice
    if not source.is_file():
        raise BackupError(f"Er is nog geen database in {source}.")
    if path is None:
        path = backup_dir()
        path.mkdir(parents=True, exist_ok=True)
    if path.is_dir():
        path = path / f"peerreview-{_timestamp()}.sqlite"
    path = path.resolve()
    if path == source:
        raise BackupError("Een back-up kan niet over de database zelf heen worden geschreven.")
    if path.exists():
        raise BackupError(f"{path} bestaat al; kies een andere naam.")
    copy_sqlite(source, path)
    revision, counts = inspect_copy(path)
    click.echo(f"Back-up geschreven naar {path}")
    click.echo(f"  migratie {revision}; {_counts_line(counts)}")


@click.command("restore")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--yes", is_flag=True, help="Niet om bevestiging vragen.")
@with_appcontext
def restore_command(path: Path, yes: bool) -> None:
    """Zet een back-up (PATH) terug in plaats van de huidige database, na bevestiging.

    Eerst wordt gecontroleerd dat PATH een intacte database van peerreview is, en wordt de huidige database
    als veiligheidskopie bewaard in instance/backups/.
    """
    url = _url()
    target = sqlite_path(url)
    if target is None:
        _postgres_instructions(url, restore_from=str(path))
        raise click.exceptions.Exit(1)
    path = path.resolve()
    if path == target:
        raise BackupError("Dat is de database zelf; kies een back-upbestand.")
    revision, counts = inspect_copy(path)
    click.echo(f"Back-up: {path}")
    click.echo(f"  migratie {revision}; {_counts_line(counts)}")
    current = None
    if target.is_file() and target.stat().st_size > 0:
        try:
            _current_revision, current_counts = inspect_copy(target)
            click.echo(f"Huidige database: {target}")
            click.echo(f"  {_counts_line(current_counts)}")
        except BackupError:
            click.echo(f"Huidige database: {target} (geen herkenbare peerreview-database)")
        current = target
    if not yes and not _confirmed("De huidige database wordt vervangen door de back-up. Doorgaan? [j/N]"):
        click.echo("Niets hersteld.")
        raise click.exceptions.Exit(1)
    db.session.remove()
    db.engine.dispose()
    if current is not None:
        safety = backup_dir() / f"voor-herstel-{_timestamp()}.sqlite"
        n = 1
        while safety.exists():
            n += 1
            safety = backup_dir() / f"voor-herstel-{_timestamp()}-{n}.sqlite"
        copy_sqlite(current, safety)
        click.echo(f"Veiligheidskopie van de huidige database: {safety}")
    target.parent.mkdir(parents=True, exist_ok=True)
    src = _read_only(path)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    inspect_copy(target)
    click.echo(f"Hersteld: {target} (migratie {revision}).")
    heads = ScriptDirectory(current_app.extensions["migrate"].directory).get_heads()
    if revision not in heads:
        click.echo("De back-up is van een oudere versie: voer nu 'flask db upgrade' uit.")
