"""Shared fixtures: a real database (a SQLite file, or a throwaway PostgreSQL server with
``PEERREVIEW_TEST_DATABASE=postgres``), the app, its client and runner, and factories."""

from __future__ import annotations

import itertools
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from flask import Flask, g, request_started, request_tearing_down
from jinja2.bccache import Bucket, BytecodeCache
from sqlalchemy import create_engine, text

import peerreview.dates
from peerreview import create_app
from peerreview.domain.roles import Role
from peerreview.extensions import db
from peerreview.models import Municipality, Region, RegionMembership, User
from peerreview.models.types import utcnow

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PASSWORD = "Correct-Paard-Batterij-9"
BACKEND = os.environ.get("PEERREVIEW_TEST_DATABASE", "sqlite")


def pytest_report_header(config: pytest.Config) -> str:
    return f"peerreview test database: {BACKEND}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "app" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.db)


# ---------------------------------------------------------------- the app's calendar, one date per test
#
# The app asks ``peerreview.dates.today()`` for the Dutch date (deadlines, plan periods, entry dates). A test that
# computed its dates once, when its module was imported, and ran after midnight mixed two dates. So every test pins
# the app's date when it starts and reads it from the ``today`` fixture; helpers without fixtures call
# :func:`app_today`.

_REAL_TODAY = peerreview.dates.today


class _Calendar:
    pinned: date | None = None


def app_today() -> date:
    """The app's date: the one pinned for the running test (outside a test, the real Dutch date)."""
    return _Calendar.pinned if _Calendar.pinned is not None else _REAL_TODAY()


@pytest.fixture(scope="session", autouse=True)
def _app_calendar() -> Iterator[None]:
    """Point ``peerreview.dates.today`` and every module's own name for it (``from ..dates import today``, under
    any name) at :func:`app_today`. Found by identity, not by a list of modules, so modules that move keep it; a
    module imported later imports the patched function."""
    with pytest.MonkeyPatch.context() as patch:
        for name, module in list(sys.modules.items()):
            if name == "peerreview" or name.startswith("peerreview."):
                for attribute, value in list(vars(module).items()):
                    if value is _REAL_TODAY:
                        patch.setattr(module, attribute, app_today)
        assert peerreview.dates.today is app_today
        yield


@pytest.fixture(autouse=True)
def today(_app_calendar: None) -> Iterator[date]:
    """The app's date in this test: the Dutch date when the test starts, the same until it ends."""
    _Calendar.pinned = _REAL_TODAY()
    try:
        yield _Calendar.pinned
    finally:
        _Calendar.pinned = None


@pytest.fixture
def move_today(today: date) -> Callable[[date], None]:
    """Move the app's date within this test (a term that passes, say); the ``today`` fixture unpins it after."""

    def _move(day: date) -> None:
        _Calendar.pinned = day

    return _move


@pytest.fixture
def real_calendar(today: date) -> None:
    """For a test of ``peerreview.dates`` itself: nothing pinned, the app's date comes from its clock (which the
    test may freeze)."""
    _Calendar.pinned = None


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[object]:
    from tests.support.postgres import ThrowawayPostgres

    server = ThrowawayPostgres()
    server.start()
    try:
        yield server
    finally:
        server.stop()


_db_counter = itertools.count(1)
#: Memory-backed, where the machine has it (Linux): a commit to a SQLite file there waits for no disk (fsync).
MEMORY_DIR = Path("/dev/shm")


@pytest.fixture(scope="session")
def sqlite_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Where this process keeps its SQLite test databases: in :data:`MEMORY_DIR` if it can, else pytest's temporary
    directory. SQLite behaves the same there (locking included); only the waits for the disk go, which on a loaded
    machine were a tenth of the run's wall time. One directory per pytest process (per xdist worker)."""
    if MEMORY_DIR.is_dir() and os.access(MEMORY_DIR, os.W_OK):
        path = Path(tempfile.mkdtemp(prefix="peerreview-tests-", dir=MEMORY_DIR))
        try:
            yield path
        finally:
            shutil.rmtree(path, ignore_errors=True)
    else:
        yield tmp_path_factory.mktemp("db")


@pytest.fixture(scope="session")
def make_database_url(request: pytest.FixtureRequest) -> Callable[[str], str]:
    """Return a callable that makes a fresh, empty database and returns its URL."""
    if BACKEND == "postgres":
        server = request.getfixturevalue("postgres_server")

        def _make(name: str) -> str:
            safe = re.sub(r"[^a-z0-9_]", "_", name.lower())
            return server.create_database(f"{safe}_{next(_db_counter)}")
    else:
        directory = request.getfixturevalue("sqlite_dir")

        def _make(name: str) -> str:
            return f"sqlite:///{directory / f'{name}_{next(_db_counter)}.sqlite'}"
    return _make


@pytest.fixture(scope="session")
def database_url(make_database_url: Callable[[str], str]) -> str:
    """One database for the whole run, its schema made once by create_all."""
    url = make_database_url("peerreview_test")
    app = create_app(base_config(url))
    with app.app_context():
        db.create_all()
        db.session.remove()
        db.engine.dispose()
    return url


#: Small questionnaires made for the tests (``minimal/1.yaml``: a 0..4 scale, two knelpunten and a profile).
FIXTURE_QUESTIONNAIRES = Path(__file__).resolve().parent / "fixtures" / "questionnaires"
#: The real instrument, as the app ships it.
REAL_QUESTIONNAIRES = Path(__file__).resolve().parents[1] / "questionnaires"


def base_config(url: str, **overrides: object) -> dict:
    config = {
        "QUESTIONNAIRES_PATH": str(FIXTURE_QUESTIONNAIRES),
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "SERVER_NAME": None,
        "REPORT_PDF_CACHE": "",  # no kept PDFs in the repository's instance folder (tests/exports test keeping)
    }
    config.update(overrides)
    return config


def _empty_all_tables() -> None:
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture
def app_config() -> dict:
    """Override in a test module (or parametrize) to change the app's configuration."""
    return {}


class _MemoryBytecodeCache(BytecodeCache):
    """Compiled templates shared by the per-test apps (compiling them again costs ~30 ms a test)."""

    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self._store:
            bucket.bytecode_from_string(self._store[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._store[bucket.key] = bucket.bytecode_to_string()


_TEMPLATES = _MemoryBytecodeCache()


def _clear_globals(sender: Flask, **extra: object) -> None:
    g.__dict__.clear()


def _end_transaction(sender: Flask, **extra: object) -> None:
    db.session.rollback()


@pytest.fixture
def app(database_url: str, app_config: dict):
    """The app, with an app context open for the whole test (so tests can use ``db.session``).

    The test client reuses that context for every request. So that each request starts as a real one
    does, ``g`` is cleared when a request starts (Flask-Login caches the current user there, see
    Flask-Login issues #704 and #721: otherwise a second client would see the first client's user), and
    the SQLAlchemy session is rolled back when it ends (a view that forgets to commit is caught).
    """
    app = create_app(base_config(database_url, **app_config))
    app.jinja_env.bytecode_cache = _TEMPLATES
    request_started.connect(_clear_globals, app)
    request_tearing_down.connect(_end_transaction, app)
    with app.app_context():
        yield app
        db.session.remove()
        _empty_all_tables()
        db.engine.dispose()
    request_started.disconnect(_clear_globals, app)
    request_tearing_down.disconnect(_end_transaction, app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# ---------------------------------------------------------------- factories

_seq = itertools.count(1)


@pytest.fixture
def create_region(app) -> Callable[..., Region]:
    def _create(name: str | None = None, *, members: list[Municipality] = ()) -> Region:
        region = Region(name=name or f"Regio {next(_seq)}", description="")
        for municipality in members:
            region.memberships.append(RegionMembership(municipality=municipality))
        db.session.add(region)
        db.session.commit()
        return region
    return _create


@pytest.fixture
def create_municipality(app) -> Callable[..., Municipality]:
    def _create(name: str | None = None, *, cbs_code: str | None = None, inhabitants: int = 30_000,
                region: Region | None = None) -> Municipality:
        n = next(_seq)
        municipality = Municipality(
            name=name or f"Gemeente {n}", cbs_code=cbs_code or f"GM{8000 + n % 2000:04d}",
            inhabitants=inhabitants,
        )
        db.session.add(municipality)
        if region is not None:
            region.memberships.append(RegionMembership(municipality=municipality))
        db.session.commit()
        return municipality
    return _create


@pytest.fixture
def create_user(app, create_municipality, create_region) -> Callable[..., User]:
    def _create(role: Role = Role.municipal_lead, *, email: str | None = None, name: str | None = None,
                password: str | None = PASSWORD, municipality: Municipality | None = None,
                region: Region | None = None, is_active: bool = True) -> User:
        n = next(_seq)
        if role.needs_municipality and municipality is None:
            municipality = create_municipality(region=region)
        if role.needs_region and region is None:
            region = create_region()
        user = User(
            email=email or f"gebruiker{n}@gemeente.nl", name=name or f"Gebruiker {n}", role=role,
            municipality=municipality if role.needs_municipality else None,
            region=region if role.needs_region else None, is_active=is_active,
        )
        if password is not None:
            user.set_password(password, method="pbkdf2:sha256:1000")
            user.activated_at = utcnow()
        db.session.add(user)
        db.session.commit()
        return user
    return _create


class AuthActions:
    def __init__(self, client) -> None:
        self.client = client

    def login(self, user_or_email: User | str, password: str = PASSWORD):
        email = user_or_email if isinstance(user_or_email, str) else user_or_email.email
        return self.client.post("/auth/login", data={"email": email, "password": password})

    def logout(self):
        return self.client.post("/auth/logout")


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def login_as(client, create_user, auth) -> Callable[..., User]:
    """Create a user with ``role`` (and any factory arguments), log them in and return them."""
    def _login(role: Role = Role.municipal_lead, **kwargs: object) -> User:
        user = create_user(role, **kwargs)
        response = auth.login(user)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return user
    return _login


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """``with count_queries() as counter:`` records every SQL statement sent while the block runs."""
    from contextlib import contextmanager

    from sqlalchemy import event

    @contextmanager
    def _count():
        counter = QueryCounter()

        def before(conn, cursor, statement, parameters, context, executemany):
            counter.statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", before)
    return _count


def raw_engine(url: str):
    """An engine outside the app, for checks on what is really stored."""
    return create_engine(url)


__all__ = ["PASSWORD", "ROOT", "FIXTURES", "app_today", "raw_engine", "text"]
