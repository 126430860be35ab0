"""The report cache's list of sources (``peerreview/cache.py``: ``_SOURCES``, ``_SOURCE_ATTRIBUTES``) against what
the cached objects are really built from.

A flush that changes a row of a source raises the cache's generation; a table that a cached object is built from
but that is missing from the list would let a worker serve a stale page until something else changes. Here every
``cached(`` call of the app is run by the pages that use it, with the session expired first (so everything a build
uses is read inside it, not taken from rows loaded before), and every table its statements read must be a source,
or be on the commented allow-list below."""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session
from sqlalchemy.sql import visitors
from sqlalchemy.sql.schema import Table

from peerreview import cache, create_app
from peerreview.domain.evaluations import EvaluationStatus
from peerreview.domain.plans import Verdict
from peerreview.extensions import db
from peerreview.models import (
    ActionNote,
    ActionRecommendation,
    ActionTheme,
    ImprovementAction,
    PlanTarget,
    Recommendation,
    RecommendationVerdict,
    Region,
)
from tests.conftest import base_config

from .conftest import login

pytestmark = pytest.mark.db

PACKAGE = Path(cache.__file__).resolve().parent

#: What each ``cached(`` call of the app is keyed by first (``key[0]``): every one must be built below.
KINDS = {"team", "history", "report", "results page", "benchmark page", "region page", "self scores",
         "previous round at a theme"}

#: Tables a build may read although a change to them does not raise the generation, each with the reason that is
#: safe. An entry no build reads any more fails the test too, so the list stays as short as the truth.
ALLOWED: dict[tuple[str, str], str] = {
    ("report", "consensus_answers"):
        "the report is built for published evaluations only (and their published history): their consensus is "
        "fixed until a reopening, which changes the evaluation's status, a source",
    ("self scores", "consensus_answers"):
        "cached only once the self-evaluation is handed in (evaluation.team.self_scores builds a draft's without "
        "the cache); from then on only a reopening changes it, which changes the status",
    ("region page", "consensus_answers"):
        "the overview's progress per member; the page's key holds those counts (reports.services.region_progress)",
    ("region page", "answers"):
        "round_overview counts each member's contributors, which the region's overview does not show",
    ("previous round at a theme", "consensus_answers"):
        "plans.services.previous_plan reads the current (draft) evaluation's self scores for the plan panel; the "
        "per-theme HTML that is cached (plans/_previous_section.html) does not show them",
}


def _source_tables() -> set[str]:
    return {model.__table__.name for model in (*cache._SOURCES, *cache._SOURCE_ATTRIBUTES)}


def _tables_read(context: Any) -> set[str]:
    """The tables of one executed statement, joined eager loads and subqueries included (the ORM adds the former
    only when compiling: its compile state holds the statement as sent)."""
    compiled = context.compiled
    if compiled is None:  # plain SQL: PRAGMA, SAVEPOINT
        return set()
    state = getattr(compiled, "compile_state", None)
    statement = getattr(state, "statement", None)
    if statement is None:
        statement = compiled.statement
    return {element.name for element in visitors.iterate(statement) if isinstance(element, Table)}


@contextmanager
def traced_builds(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, set[str]]]:
    """Every ``cached`` of the app runs its build (never a stored object), with the session expired first; yields
    ``{key kind: tables read}``, a nested build's reads counting for the builds around it too."""
    reads: dict[str, set[str]] = defaultdict(set)
    active: list[str] = []

    def tracing_cached(key: Hashable, build: Callable[[], Any]) -> Any:
        kind = key[0] if isinstance(key, tuple) else key
        active.append(str(kind))
        reads.setdefault(str(kind), set())  # a build that reads nothing is still recorded as run
        try:
            db.session.expire_all()
            return build()
        finally:
            active.pop()

    def before_cursor_execute(conn, cursor, statement, parameters, context, executemany) -> None:
        if active:
            tables = _tables_read(context)
            for kind in active:
                reads[kind] |= tables

    patched = [module for name, module in list(sys.modules.items())
               if name.startswith("peerreview.") and getattr(module, "cached", None) is cache.cached]
    for module in patched:
        monkeypatch.setattr(module, "cached", tracing_cached)
    event.listen(db.engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield reads
    finally:
        event.remove(db.engine, "before_cursor_execute", before_cursor_execute)


def _cached_calls() -> int:
    return sum(len(re.findall(r"\bcached\(", path.read_text(encoding="utf-8")))
               - len(re.findall(r"\bdef cached\(", path.read_text(encoding="utf-8")))
               for path in PACKAGE.rglob("*.py"))


def _with_a_plan(built) -> None:
    """Member 1's first round gets a plan (an action with a theme, a link and a note, a target, a verdict);
    its second round goes back to a draft, whose wizard shows that plan."""
    first = built.evaluation(1, 0)
    recommendation = db.session.scalar(db.select(Recommendation).where(Recommendation.evaluation_id == first.id,
                                                                        Recommendation.position == 1))
    db.session.add(ImprovementAction(
        evaluation_id=first.id, title="Veiligheidsplan opstellen", owner="Veiligheidscoördinator",
        start_on=date(2020, 7, 1), due_on=date(2020, 12, 1), themes=[ActionTheme(section_id="analyse")],
        links=[ActionRecommendation(recommendation_id=recommendation.id)],
        notes=[ActionNote(noted_on=date(2020, 9, 1), text="Eerste versie besproken.",
                          author_id=built.leads[1].id)]))
    db.session.add(PlanTarget(evaluation_id=first.id, section_id="analyse", target=3))
    db.session.add(RecommendationVerdict(recommendation_id=recommendation.id, evaluation_id=first.id,
                                         verdict=Verdict.partly, note="Deels gedaan."))
    built.evaluation(1, 1).status = EvaluationStatus.draft
    db.session.commit()


def test_every_table_a_cached_object_is_built_from_raises_the_generation(client, build_region, monkeypatch):
    assert _cached_calls() == len(KINDS), "a cached( call was added or removed: build it here and update KINDS"
    built = build_region(6, rounds=2, published=[0, 1, 2, 3, 4])  # member 5 stays in peer review
    _with_a_plan(built)
    with traced_builds(monkeypatch) as reads:
        login(client, built.leads[2])
        for page in ("results", "benchmark"):  # two published rounds: the trend and the targets too
            assert client.get(f"/evaluations/{built.evaluation(2).id}/{page}").status_code == 200
        login(client, built.leads[1])
        assert client.get(f"/evaluations/{built.evaluation(1, 0).id}/plan").status_code == 200
        assert client.get(f"/evaluations/{built.evaluation(1, 1).id}/sections/analyse").status_code == 200
        login(client, built.coordinator)
        for round_ in built.rounds:
            assert client.get(f"/rounds/{round_.id}/results").status_code == 200

    assert set(reads) == KINDS
    sources = _source_tables()
    unlisted = sorted(f"{kind}: {table}" for kind, tables in reads.items() for table in tables
                      if table not in sources and (kind, table) not in ALLOWED)
    assert not unlisted, ("read by a cached build, but a change to it does not raise the cache's generation "
                          f"(add it to peerreview/cache.py's sources, or justify it in ALLOWED): {unlisted}")
    unused = sorted(f"{kind}: {table}" for kind, table in ALLOWED if table not in reads.get(kind, set()))
    assert not unused, f"allowed but not read any more (remove from ALLOWED): {unused}"


def test_create_app_attaches_the_listeners_once_and_every_session_raises_the_generation(app, database_url):
    """``create_app`` attaches the listeners (every test and every worker makes an app: still once), on every ORM
    session: a session made outside the app's, as a maintenance script might, renews the generation too."""
    create_app(base_config(database_url))
    with Session(db.engine) as session:
        for name, listener in cache._LISTENERS:
            assert event.contains(Session, name, listener), name
            assert list(getattr(session.dispatch, name)).count(listener) == 1, name
    before = cache.generation()
    with Session(db.engine) as elsewhere:
        elsewhere.add(Region(name="Regio buiten de app", description=""))
        elsewhere.commit()
    between = cache.generation()
    assert between != before
    db.session.add(Region(name="Regio in de app", description=""))
    db.session.commit()
    assert cache.generation() != between
