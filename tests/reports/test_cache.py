"""The report cache (``peerreview/cache.py``): a second view of a published report is served from the cache
with fewer queries, and every change to what the report is built from, in this process or another, is seen at
once."""

from __future__ import annotations

import re

import pytest

from peerreview import create_app
from peerreview.cache import REPORTS, generation, report_cache
from peerreview.domain.reviews import Capacity
from peerreview.domain.roles import Role
from peerreview.extensions import db
from peerreview.models import (
    CacheGeneration,
    Municipality,
    PeerReport,
    Recommendation,
    Region,
    TeamMember,
    TeamScore,
    User,
)
from tests.conftest import PASSWORD, base_config

from .conftest import login

pytestmark = pytest.mark.db


def _page(client, evaluation_id: int) -> str:
    response = client.get(f"/evaluations/{evaluation_id}/results")
    assert response.status_code == 200
    return response.get_data(as_text=True)


_CSRF_VALUE = re.compile(r'(name="csrf_token"[^>]*?value=")[^"]+(")')


def _without_csrf_tokens(html: str) -> str:
    """The page with the value of every CSRF token blanked. The header's log-out form carries one, rendered for each
    request outside the cached part; it is signed with the time in seconds, so two views a second apart differ."""
    stripped, found = _CSRF_VALUE.subn(r"\1\2", html)
    assert found, "no CSRF token on the page: the pattern no longer matches, and the comparison would prove less"
    return stripped


def test_a_second_view_comes_from_the_cache_with_fewer_queries(client, build_region, count_queries):
    built = build_region(6, rounds=2)
    evaluation = built.evaluation(1)
    login(client, built.leads[1])
    cache = report_cache()
    with count_queries() as first:
        first_html = _page(client, evaluation.id)
    misses, hits = cache.misses, cache.hits
    with count_queries() as second:
        second_html = _page(client, evaluation.id)
    assert cache.hits == hits + 4 and cache.misses == misses  # the team, the rounds seen, the report, the HTML
    assert second.count < first.count
    assert _without_csrf_tokens(second_html) == _without_csrf_tokens(first_html)


def test_viewers_who_see_different_rounds_get_their_own_object(client, build_region):
    built = build_region(6, rounds=2)
    evaluation = built.evaluation(2)
    login(client, built.leads[2])
    own = _page(client, evaluation.id)
    assert "Ontwikkeling over de rondes" in own  # the gemeente sees both rounds: a trend
    # A peer who reviewed only the last round sees that round alone: no trend, and not the lead's cached object.
    peer = User(email="peer-laatste@example.nl", name="Peer Laatste", role=Role.peer_reviewer,
                municipality_id=built.municipalities[3].id)
    peer.set_password(PASSWORD, method="pbkdf2:sha256:1000")
    db.session.add(peer)
    db.session.flush()
    db.session.add(TeamMember(evaluation_id=evaluation.id, user_id=peer.id, capacity=Capacity.official))
    db.session.commit()
    login(client, peer)
    theirs = _page(client, evaluation.id)
    assert "Ontwikkeling over de rondes" not in theirs
    login(client, built.leads[2])
    assert "Ontwikkeling over de rondes" in _page(client, evaluation.id)


@pytest.mark.parametrize("change", ["judgement", "team score", "recommendation", "gemeente", "new score"])
def test_every_change_to_a_source_is_shown_on_the_next_view(client, build_region, change):
    built = build_region(6)
    evaluation = built.evaluation(1)
    login(client, built.leads[1])
    _page(client, evaluation.id)
    before = generation()
    cache = report_cache()
    hits, misses = cache.hits, cache.misses
    if change == "judgement":
        db.session.get(PeerReport, evaluation.id).judgement = "Een nieuw oordeel van het team."
        expected = "Een nieuw oordeel van het team."
    elif change == "team score":
        score = db.session.scalar(db.select(TeamScore).where(TeamScore.evaluation_id == evaluation.id,
                                                             TeamScore.item_id == "analyse"))
        score.motivation = "Herziene motivering na de reactie."
        expected = "Herziene motivering na de reactie."
    elif change == "recommendation":
        recommendation = db.session.scalar(db.select(Recommendation).where(
            Recommendation.evaluation_id == evaluation.id, Recommendation.position == 1))
        recommendation.text = "Een herschreven aanbeveling."
        expected = "Een herschreven aanbeveling."
    elif change == "gemeente":
        db.session.get(Municipality, built.municipalities[1].id).name = "Nieuwe Naam aan Zee"
        expected = "Nieuwe Naam aan Zee"
    else:  # another gemeente's report changes the region's benchmark: a counter for all reports
        other = built.evaluation(2)
        db.session.delete(db.session.scalar(db.select(TeamScore).where(TeamScore.evaluation_id == other.id,
                                                                       TeamScore.item_id == "keten")))
        expected = None
    db.session.commit()
    assert generation() != before
    html = _page(client, evaluation.id)
    if expected:
        assert expected in html
    # Rebuilt, not served from the entries of the old generation: the team, the rounds seen, the report and the
    # HTML are each looked up once and missed (the first view above filled all four).
    assert (cache.hits, cache.misses) == (hits, misses + 4)


def test_the_region_overview_shows_a_drafts_progress_at_once(client, build_region):
    """Consensus answers do not raise the generation (they change all day in a round); the overview keys its
    cached HTML on their counts."""
    from peerreview.domain.evaluations import EvaluationStatus
    from peerreview.models import ConsensusAnswer

    built = build_region(6, published=[0, 1, 2, 3, 4])
    draft = built.evaluation(5)
    draft.status = EvaluationStatus.draft
    db.session.commit()
    login(client, built.coordinator)
    url = f"/rounds/{built.rounds[0].id}/results"
    first = client.get(url).get_data(as_text=True)
    assert "85%" not in first
    before = generation()
    db.session.delete(db.session.scalar(db.select(ConsensusAnswer).where(
        ConsensusAnswer.evaluation_id == draft.id, ConsensusAnswer.question_id == "analyse.cijfers")))
    db.session.commit()
    assert generation() == before
    html = client.get(url).get_data(as_text=True)
    assert "85%" in html  # 6 of 7 answers


def test_a_log_in_does_not_empty_the_cache(client, build_region):
    built = build_region(6)
    login(client, built.leads[1])
    _page(client, built.evaluation(1).id)
    before = generation()
    login(client, built.leads[2])  # writes the user's last log-in time
    login(client, built.leads[1])
    assert generation() == before


def test_a_change_committed_by_another_worker_is_seen_at_once(client, build_region, database_url):
    """Two apps are two gunicorn workers, each with its own cache, on one database."""
    built = build_region(6)
    evaluation_id = built.evaluation(1).id
    login(client, built.leads[1])
    assert "Oordeel over" in _page(client, evaluation_id)
    other = create_app(base_config(database_url))
    with other.app_context():
        db.session.get(PeerReport, evaluation_id).judgement = "Gewijzigd door de andere worker."
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    db.session.rollback()  # this worker's next request starts a new transaction, as in a real one
    assert "Gewijzigd door de andere worker." in _page(client, evaluation_id)


def test_a_report_built_in_a_transaction_that_rolls_back_is_not_kept(app, build_region):
    from peerreview.evaluation.lifecycle import load_evaluation
    from peerreview.reports.services import build_report

    built = build_region(6)
    evaluation_id = built.evaluation(1).id
    lead = built.leads[1]
    db.session.get(PeerReport, evaluation_id).judgement = "Nooit vastgelegd."
    db.session.flush()
    assert build_report(load_evaluation(evaluation_id), lead).judgement == "Nooit vastgelegd."
    db.session.rollback()
    assert build_report(load_evaluation(evaluation_id), lead).judgement.startswith("Oordeel over")


def test_the_generation_row_is_made_by_the_migration_or_on_the_first_change(app, build_region):
    db.session.execute(db.delete(CacheGeneration))
    db.session.commit()
    assert generation() == 0
    build_region(2)  # flushes sources: the row is inserted
    assert db.session.get(CacheGeneration, REPORTS).value >= 1


def test_a_savepoint_inside_a_changing_transaction_does_not_reopen_the_cache(app, build_region):
    """SQLAlchemy signals commit and rollback for savepoints too; only the outermost transaction's end counts."""
    from peerreview.evaluation.lifecycle import load_evaluation
    from peerreview.reports.services import build_report

    built = build_region(6)
    evaluation_id = built.evaluation(1).id
    db.session.get(PeerReport, evaluation_id).judgement = "Nooit vastgelegd."
    db.session.flush()
    with db.session.begin_nested():  # as remember_place and record_use do
        pass
    assert build_report(load_evaluation(evaluation_id), built.leads[1]).judgement == "Nooit vastgelegd."
    db.session.rollback()
    db.session.get(Region, built.region.id).description = "Een andere wijziging, vastgelegd."
    db.session.commit()
    assert build_report(load_evaluation(evaluation_id), built.leads[1]).judgement.startswith("Oordeel over")


def test_the_generation_changes_at_commit_not_during_the_transaction(app, build_region):
    """The data transaction takes no lock on the generation row (on PostgreSQL, one did, and a save that locks the
    evaluation after writing deadlocked against a publication that locks it before)."""
    built = build_region(6)
    before = generation()
    db.session.get(PeerReport, built.evaluation(1).id).judgement = "Nieuw oordeel."
    db.session.flush()
    with db.engine.connect() as other:  # what another worker sees meanwhile
        seen = other.execute(db.select(CacheGeneration.value).where(CacheGeneration.name == REPORTS)).scalar()
    assert seen == before
    db.session.commit()
    assert generation() != before


def test_moving_a_user_through_the_relationship_raises_the_generation(app, build_region):
    built = build_region(6)
    before = generation()
    lead = db.session.get(User, built.leads[1].id)
    lead.municipality = db.session.get(Municipality, built.municipalities[2].id)
    db.session.commit()
    assert generation() != before
