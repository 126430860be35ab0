"""A per-process cache of report objects, correct across worker processes.

Building the report object of a published evaluation reads its answers, scores and recommendations, the history of
the gemeente and the peer scores of two comparison groups, and computes quartiles: about 20 ms for a gemeente with
five rounds in a national data set, on every view of the result page, the benchmark page and every export. A
published report hardly changes, so the object is kept (and what is built from it alone: the pages' HTML, the
team, the rounds a viewer may see), keyed by what it was built from and by the **generation**: a value in the
database (``cache_generations``) that gets a new random value after every commit that changed anything a report
is built from (any evaluation's status, scores, report texts, recommendations, plans and targets, the gemeenten's
names and sizes, regions, rounds, the users' names and roles). A logged-in request reads it first thing, so a
worker sees another worker's change as soon as it is committed. Any such change anywhere in the country empties
every worker's cache; that is the price of one value instead of tracking which report depends on which other
gemeente's scores (the benchmark does).

A transaction that itself changed such data neither reads nor fills the cache: it may still roll back, and the
object would then describe data that never existed.

The cache belongs to the Flask app (``app.extensions``), holds at most ``REPORT_CACHE_SIZE`` objects (least
recently used go first) and is safe to use from several threads.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from flask import current_app, g, has_request_context
from flask import session as cookie_session
from sqlalchemy import event, insert, inspect, select, update
from sqlalchemy.orm import Session

from .extensions import db
from .models import (
    ActionNote,
    ActionRecommendation,
    ActionTheme,
    CacheGeneration,
    Evaluation,
    ImprovementAction,
    Municipality,
    PeerReport,
    PlanTarget,
    Recommendation,
    RecommendationTheme,
    RecommendationVerdict,
    Region,
    RegionMembership,
    Round,
    TeamMember,
    TeamScore,
    User,
)

REPORTS = "reports"
_DIRTY = "report_sources_changed"
T = TypeVar("T")

#: Every change to a row of these models raises the generation. Not the answers and notes: they change only while an
#: evaluation is a draft (a status change raises it), and they change all day during a round; the region's overview
#: keys its HTML on their counts instead (``reports.services.region_progress``).
_SOURCES: tuple[type, ...] = (
    ActionNote, ActionRecommendation, ActionTheme, Evaluation, ImprovementAction,
    PeerReport, PlanTarget, Recommendation, RecommendationTheme, RecommendationVerdict, Region, RegionMembership,
    Round, TeamMember, TeamScore,
)
#: Of these, only a change to the named attributes does (a log-in updates the user's row, which no report shows).
_SOURCE_ATTRIBUTES: dict[type, tuple[str, ...]] = {
    Municipality: ("name", "cbs_code", "inhabitants"),
    # names in reports; who sees which rounds (the relationships too: set through them, the keys change in the flush)
    User: ("name", "role", "municipality_id", "region_id", "municipality", "region", "is_active"),
}


class ReportCache:
    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            value = self._entries.get(key)
            if value is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return value

    def put(self, key: Hashable, value: Any) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


def init_app(app: Any) -> None:
    app.config.setdefault("REPORT_CACHE_SIZE", 512)
    app.extensions["report_cache"] = ReportCache(int(app.config["REPORT_CACHE_SIZE"]))
    app.before_request(_read_generation_first)
    # On every ORM session, as before the listeners moved here from import time: a script that writes a source
    # through a session of its own renews the generation too. Once per process, however many apps are made.
    _listen(Session)


def report_cache() -> ReportCache:
    return current_app.extensions["report_cache"]


_GENERATION = select(CacheGeneration.value).where(CacheGeneration.name == REPORTS)


def generation() -> int:
    # On the session's connection (its transaction), without the ORM layer: read on every logged-in request.
    return db.session.connection().execute(_GENERATION).scalar() or 0


def _read_generation_first() -> None:
    """Before a logged-in request loads anything (the user included): the generation the rows it then reads are
    at least as new as. Read later, a change committed in between would be cached under the newer generation
    while the request still held the older rows. Anonymous requests never use the cache and skip the query."""
    if "_user_id" in cookie_session:
        g.report_generation = generation()


def _request_generation() -> int:
    """The generation of this request: read first thing (above), or now outside a request."""
    if not has_request_context():
        return generation()
    if "report_generation" not in g:
        g.report_generation = generation()
    return g.report_generation


def cached(key: Hashable, build: Callable[[], T]) -> T:
    """The object stored under ``key`` at the current generation, or ``build()`` (stored when it may be).

    A transaction that has changed a source neither reads nor fills the cache: what it sees may roll back."""
    if db.session.info.get(_DIRTY) or _unflushed_source(db.session):
        return build()
    cache = report_cache()
    full_key = (_request_generation(), key)
    found = cache.get(full_key)
    if found is not None:
        return found
    value = build()
    if not db.session.info.get(_DIRTY):
        cache.put(full_key, value)
    return value


# ---------------------------------------------------------------- raising the generation
#
# A flush that touches a source marks the session; when its outermost transaction commits, the generation gets a
# new random value in a short transaction of its own. Not inside the data transaction: one row locked from the
# first write to the commit made every writer of sources queue on it, and on PostgreSQL a save that locks the
# evaluation after writing deadlocked against a publication that locks it before (a 500 instead of the clean
# "changed meanwhile"). Random rather than counting up, so that a restored backup cannot bring back a number the
# workers already hold entries for.

_OUTCOME = "report_transaction_outcome"


def _changes_a_source(session: Session) -> bool:
    for instance in (*session.new, *session.deleted):
        if isinstance(instance, _SOURCES) or type(instance) in _SOURCE_ATTRIBUTES:
            return True
    for instance in session.dirty:
        if isinstance(instance, _SOURCES):
            if session.is_modified(instance, include_collections=False):
                return True
        elif type(instance) in _SOURCE_ATTRIBUTES:
            state = inspect(instance)
            if any(state.attrs[name].history.has_changes() for name in _SOURCE_ATTRIBUTES[type(instance)]):
                return True
    return False


def _unflushed_source(session: Session) -> bool:
    return bool(session.new or session.dirty or session.deleted) and _changes_a_source(session)


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    if _changes_a_source(session):
        session.info[_DIRTY] = True


def _committed(session: Session) -> None:
    session.info[_OUTCOME] = "commit"  # also on releasing a savepoint; the outermost transaction's comes last


def _rolled_back(session: Session) -> None:
    session.info[_OUTCOME] = "rollback"  # also on rolling back to a savepoint


def _transaction_ended(session: Session, transaction: Any) -> None:
    if transaction.parent is not None:  # a savepoint or a subtransaction: the outer transaction goes on
        return
    changed = session.info.pop(_DIRTY, False)
    outcome = session.info.pop(_OUTCOME, None)
    if changed and outcome == "commit":
        new_value = raise_generation(session.get_bind())
        if has_request_context():
            g.report_generation = new_value  # the rest of this request reads its own change


def raise_generation(bind: Any) -> int:
    """Give the generation a new value (committed at once) and return it."""
    value = secrets.randbits(31)  # one in two billion that a restore meets a value a worker holds
    with bind.connect() as connection:
        raised = connection.execute(update(CacheGeneration).where(CacheGeneration.name == REPORTS)
                                    .values(value=value))
        if raised.rowcount == 0:  # a database made by create_all (the tests) has no row yet
            connection.execute(insert(CacheGeneration).values(name=REPORTS, value=value))
        connection.commit()
    return value


_LISTENERS: tuple[tuple[str, Callable[..., None]], ...] = (
    ("before_flush", _before_flush),
    ("after_commit", _committed),
    ("after_rollback", _rolled_back),
    ("after_transaction_end", _transaction_ended),
)


def _listen(sessions: Any) -> None:
    """Raise the generation from the sessions of ``sessions`` (a scoped session, a sessionmaker or a Session class),
    once however often it is called."""
    for name, listener in _LISTENERS:
        if not event.contains(sessions, name, listener):
            event.listen(sessions, name, listener)
