"""Several people saving the same self-evaluation at the same moment (issue 9): no lost update, no corrupted state.

The app is served by a real threaded server (werkzeug's ``make_server``, as the browser tests do) on the test
database (a SQLite file, or PostgreSQL in ``make test``), and every person (or every window of one person) is its
own HTTP client with its own cookies (``urllib``), so the requests really run at the same time in the server's
threads. A barrier releases the posts together.

What must hold (the wizard's version check, ``evaluations.services._save_checked``):
- of several windows that save the same item from the same loaded version, exactly one lands; the others answer
  409 with the Dutch message and leave it alone (no silent overwrite);
- people who save their own answers on the same section, while the lead saves the consensus, all land; every
  stored value is one that was posted, with a version that counts the saves, and no row is doubled;
- the lead submitting while a contributor saves: each save lands before the submission or is refused with the
  Dutch message, never after it.
"""

from __future__ import annotations

import html
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookiejar import CookieJar

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from peerreview.domain.evaluations import AnswerData, EvaluationStatus
from peerreview.extensions import db
from peerreview.models import Answer, ConsensusAnswer, Evaluation, EvaluationEvent, User
from tests.conftest import PASSWORD
from tests.reviews.conftest import QUESTIONS

from .html_forms import form_fields

pytestmark = pytest.mark.db

SECTION = "analyse"
QUESTION = "analyse.cijfers"
OTHER_WINDOW = "U heeft dit intussen in een ander venster opgeslagen."
SOMEONE_ELSE = "Iemand anders heeft intussen ook opgeslagen."
SUBMITTED = ("intussen ingediend", "is ingediend")


@pytest.fixture
def app_config() -> dict:
    return {"RATELIMIT_ENABLED": False}


@pytest.fixture
def live_server(app) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="live-server",
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # a redirect is an answer to look at (302: saved), not a page to follow


@dataclass
class Answered:
    status: int
    body: str
    location: str = ""


class Browser:
    """One person in one browser: its own cookies, real HTTP."""

    def __init__(self, base: str, user: User) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirect)
        answer = self.post("/auth/login", {"email": user.email, "password": PASSWORD})
        assert answer.status == 302, answer.body[:300]

    def _open(self, request: urllib.request.Request) -> Answered:
        try:
            with self.opener.open(request, timeout=30) as response:
                return Answered(response.status, response.read().decode())
        except urllib.error.HTTPError as error:
            return Answered(error.code, error.read().decode(), error.headers.get("Location", ""))

    def get(self, path: str) -> Answered:
        return self._open(urllib.request.Request(self.base + path))  # noqa: S310 (http://127.0.0.1 only)

    def post(self, path: str, data: dict[str, str]) -> Answered:
        body = urllib.parse.urlencode(data).encode()
        return self._open(urllib.request.Request(self.base + path, data=body, method="POST"))  # noqa: S310

    def form(self, path: str) -> dict[str, str]:
        """The wizard page's form as loaded now: its versions and digests included."""
        answer = self.get(path)
        assert answer.status == 200, answer.status
        fields = form_fields(answer.body, path, path)
        assert fields is not None
        return {name: f.kept({})[0] for name, f in fields.items() if f.kept({})}


def at_once(jobs: list) -> list:
    """Run every job in its own thread, released together; their results in order."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = jobs[index]()
        except BaseException as error:
            results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results


def page(answer: Answered) -> str:
    return html.unescape(answer.body)


def answer_fields(form: dict[str, str], value: int, text: str) -> dict[str, str]:
    return {**form, f"q-{QUESTION}-value": str(value), f"q-{QUESTION}-explanation": text}


def fresh() -> None:
    """Read what the server's threads committed (the test's own session may hold older rows)."""
    db.session.rollback()
    db.session.expire_all()


# ---------------------------------------------------------------- the tests


@pytest.mark.parametrize("mode", ["sections", "consensus"])
def test_one_item_saved_from_several_windows_at_once_lands_once(setting, live_server, mode):
    """The same person in six windows, each loaded before any saved: one save lands, five are told (409)."""
    user = setting.contributor if mode == "sections" else setting.lead
    path = f"/evaluations/{setting.evaluation.id}/{mode}/{SECTION}"
    windows = [Browser(live_server, user) for _ in range(6)]
    forms = [w.form(path) for w in windows]
    answers = at_once([lambda w=w, f=f, n=n: w.post(path, answer_fields(f, n % 5, f"Venster {n}"))
                       for n, (w, f) in enumerate(zip(windows, forms, strict=True))])

    statuses = sorted(a.status for a in answers)
    assert statuses == [302, 409, 409, 409, 409, 409], statuses
    for answer in answers:
        if answer.status == 409:
            assert OTHER_WINDOW in page(answer) or SOMEONE_ELSE in page(answer)
    winner = next(n for n, a in enumerate(answers) if a.status == 302)
    fresh()
    model = Answer if mode == "sections" else ConsensusAnswer
    rows = db.session.scalars(select(model).where(model.evaluation_id == setting.evaluation.id,
                                                  model.question_id == QUESTION)).all()
    assert len(rows) == 1
    assert rows[0].data.value == winner % 5 and rows[0].data.explanation == f"Venster {winner}"
    assert rows[0].version == 1
    assert db.session.get(Evaluation, setting.evaluation.id).status is EvaluationStatus.draft


def test_contributors_and_the_lead_save_the_same_section_at_once(setting, live_server):
    """Two contributors save their own answers and the lead the consensus, on one section, five times over, all at
    the same moment: every save lands (each has its own rows), nothing is lost, doubled or mixed up."""
    evaluation = setting.evaluation
    people = {"contributor": (setting.contributor, "sections"), "contributor2": (setting.contributor2, "sections"),
              "lead": (setting.lead, "consensus")}
    browsers = {name: Browser(live_server, user) for name, (user, _mode) in people.items()}
    paths = {name: f"/evaluations/{evaluation.id}/{mode}/{SECTION}" for name, (_user, mode) in people.items()}
    posted: dict[str, list[tuple[int, str]]] = {name: [] for name in people}
    rounds = 5
    for round_ in range(rounds):
        forms = {name: browsers[name].form(paths[name]) for name in people}
        jobs, names = [], []
        for index, name in enumerate(people):
            value, text = (round_ + index) % 5, f"{name} ronde {round_}"
            posted[name].append((value, text))
            jobs.append(lambda name=name, value=value, text=text, form=forms[name]: browsers[name].post(
                paths[name], answer_fields(form, value, text)))
            names.append(name)
        answers = at_once(jobs)
        assert [a.status for a in answers] == [302] * len(jobs), [(a.status, page(a)[:200]) for a in answers]

    fresh()
    for name, (user, mode) in people.items():
        model = Answer if mode == "sections" else ConsensusAnswer
        where = [model.evaluation_id == evaluation.id, model.question_id == QUESTION]
        if model is Answer:
            where.append(Answer.author_id == user.id)
        rows = db.session.scalars(select(model).where(*where)).all()
        assert len(rows) == 1, name
        assert (rows[0].data.value, rows[0].data.explanation) == posted[name][-1], name
        assert rows[0].version == rounds, name  # every save changed it, and every one counted
    duplicates = db.session.execute(
        select(Answer.question_id, Answer.author_id, func.count()).where(Answer.evaluation_id == evaluation.id)
        .group_by(Answer.question_id, Answer.author_id).having(func.count() > 1)).all()
    assert duplicates == []
    assert db.session.get(Evaluation, evaluation.id).status is EvaluationStatus.draft


@pytest.mark.parametrize("delay", [0.0, 0.03, 0.1])
def test_the_lead_submits_while_a_contributor_saves(setting, live_server, delay):
    """Each save lands before the submission or is refused in Dutch, never after it. The contributors keep saving
    (their pages loaded beforehand); the lead submits after ``delay`` seconds, so that some saves come first."""
    evaluation = setting.evaluation
    for qid in QUESTIONS:
        row = ConsensusAnswer(evaluation_id=evaluation.id, question_id=qid, updated_by_id=setting.lead.id)
        row.set_data(AnswerData(value=2, explanation=f"Toelichting bij {qid}"))
        db.session.add(row)
    db.session.commit()
    path = f"/evaluations/{evaluation.id}/sections/{SECTION}"
    lead = Browser(live_server, setting.lead)
    contributors = [(Browser(live_server, user), user) for user in (setting.contributor, setting.contributor2)]
    loaded = [browser.form(path) for browser, _user in contributors]
    saves: list[tuple[User, int, str, Answered, float]] = []  # ..., when the save was sent
    submitted_by: list[float] = []  # when the lead had the answer to the submission

    def keep_saving(browser: Browser, user: User, form: dict[str, str]) -> None:
        for n in range(30):
            text = f"{user.name} poging {n}"
            sent = time.monotonic()
            answer = browser.post(path, answer_fields(form, n % 5, text))
            saves.append((user, n % 5, text, answer, sent))
            if answer.status != 302:
                return
            form = browser.form(path)

    def submit() -> Answered:
        time.sleep(delay)
        answer = lead.post(f"/evaluations/{evaluation.id}/submit", {})
        submitted_by.append(time.monotonic())
        return answer

    submitted_answer, *_ = at_once([submit, *[lambda b=b, u=u, f=f: keep_saving(b, u, f)
                                              for (b, u), f in zip(contributors, loaded, strict=True)]])
    assert submitted_answer.status == 302, page(submitted_answer)[:500]

    fresh()
    assert db.session.get(Evaluation, evaluation.id).status is EvaluationStatus.submitted
    submitted = db.session.scalar(select(EvaluationEvent.id).where(
        EvaluationEvent.evaluation_id == evaluation.id, EvaluationEvent.kind == "submitted"))
    for _user, _value, _text, answer, sent in saves:
        assert answer.status in (302, 409, 422), (answer.status, page(answer)[:300])
        if answer.status != 302:
            assert any(m in page(answer) for m in SUBMITTED), page(answer)[:500]
        if sent > submitted_by[0]:
            assert answer.status != 302, "a save sent after the submission was answered landed"
    for user in (setting.contributor, setting.contributor2):
        landed = [(v, t) for u, v, t, a, _sent in saves if u.id == user.id and a.status == 302]
        row = db.session.scalar(select(Answer).where(Answer.evaluation_id == evaluation.id,
                                                     Answer.question_id == QUESTION, Answer.author_id == user.id))
        if not landed:
            assert row is None
            continue
        assert (row.data.value, row.data.explanation) == landed[-1]
        assert row.version == len(landed)
        events = db.session.scalars(select(EvaluationEvent.id).where(
            EvaluationEvent.evaluation_id == evaluation.id, EvaluationEvent.kind == "answer",
            EvaluationEvent.actor_id == user.id)).all()
        # Event ids are handed out in the order the writes happen (under SQLite's write lock; after the row lock
        # on PostgreSQL); the time stamps are not (taken before the lock is had), so they prove nothing here.
        assert events and max(events) < submitted, "a save landed after the submission"
