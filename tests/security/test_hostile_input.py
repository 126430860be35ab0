"""Hostile input on every form (issue 9): hypothesis posts random and hostile values (very long strings, control
characters, HTML and script, SQL fragments, wrong types, missing and extra fields, huge numbers) to every POST
route of the app, as a user who may use the form, and checks three things after every post:

- no 5xx, ever;
- nothing stored outside its rules (text lengths, NULs, numbers on the scale, sane dates), read back from the
  database file with plain SELECTs;
- what was typed is escaped wherever it is shown again (the answer itself, and the form page fetched again).

Which routes: every rule in ``app.url_map`` that accepts POST has an entry in :data:`TARGETS` (who posts, to which
URL, and the page that shows its form) or in :data:`EXEMPT` with a reason; a new form route without either fails
:func:`test_every_post_route_is_covered`. The field names come from the form on the page (inputs, selects,
textareas whose ``<form action>`` is the route), so a new field is posted to without editing this file.

The world (tests/security/world.py) is built once per module on its own SQLite file; before every example the
file is put back from a snapshot (SQLite's backup API), so every example starts from the same state, whatever the
previous one deleted, published or submitted. SQLite is used on purpose: it does not enforce ``VARCHAR(n)``, so a
value the app forgot to bound is stored and found here (PostgreSQL would answer a 500 instead).

Hypothesis settings: ``derandomize=True``. The examples are then a fixed function of the test, the same on every
machine and every run, and hypothesis keeps no example database (a stored failing example would be replayed
against a world that is rebuilt each run, and the CI machine would not have it anyway). Variety comes from the
targeted hostile values below rather than from a new seed each run; raise ``PEERREVIEW_HOSTILE_EXAMPLES`` locally
for a longer search.
"""

from __future__ import annotations

import io
import os
import re
import sqlite3
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Date, Integer, String, Text
from werkzeug.datastructures import MultiDict

from peerreview import create_app
from peerreview.domain import evaluations as ev_rules
from peerreview.domain import hearing as hearing_rules
from peerreview.domain import plans as plan_rules
from peerreview.domain import reviews as review_rules
from peerreview.domain.municipalities import MAX_INHABITANTS
from peerreview.extensions import db
from tests.conftest import PASSWORD, base_config

from .html_forms import FormField, form_fields
from .world import World, build_world

EXAMPLES = int(os.environ.get("PEERREVIEW_HOSTILE_EXAMPLES", "15"))

# ---------------------------------------------------------------- which routes, posted by whom


@dataclass(frozen=True)
class Target:
    user: str | None  # a key of World.emails, or None for a visitor who is not logged in
    post: str  # the URL posted to, with {names} from World.ids / World.tokens
    page: str | None = None  # the page that shows the form (default: ``post``)
    base: dict[str, str] = field(default_factory=dict)  # valid values for fields the page leaves empty
    shows: tuple[str, ...] = ()  # more pages that show what was stored

    def url(self, world: World, template: str) -> str:
        return template.format(**world.ids, **{f"token_{k}": v for k, v in world.tokens.items()})


TARGETS: dict[str, Target] = {
    # log-in and accounts
    "auth.login": Target(None, "/auth/login", base={"email": "contributor_a@wereld.nl", "password": PASSWORD}),
    "auth.forgot_password": Target(None, "/auth/forgot-password", base={"email": "lead_a@wereld.nl"}),
    "auth.activate": Target(None, "/auth/activate/{token_activate}",
                            base={"password": "Nieuw-Sterk-Wachtwoord-7", "confirm": "Nieuw-Sterk-Wachtwoord-7"}),
    "auth.reset_password": Target(None, "/auth/reset-password/{token_reset}",
                                  base={"password": "Nieuw-Sterk-Wachtwoord-7",
                                        "confirm": "Nieuw-Sterk-Wachtwoord-7"}),
    "auth.change_password": Target("contributor_a", "/auth/password",
                                   base={"current_password": PASSWORD, "password": "Nieuw-Sterk-Wachtwoord-7",
                                         "confirm": "Nieuw-Sterk-Wachtwoord-7"}),
    # administration
    "admin.create_region": Target("admin", "/admin/regions/new", base={"name": "Regio Nieuw"},
                                  shows=("/admin/regions",)),
    "admin.edit_region": Target("admin", "/admin/regions/{region}/edit", shows=("/admin/regions/{region}",)),
    "admin.delete_region": Target("admin", "/admin/regions/{other_region}/delete", shows=("/admin/regions",)),
    "admin.add_member": Target("admin", "/admin/regions/{other_region}/members", page="/admin/regions/{other_region}",
                               shows=("/admin/regions/{other_region}",)),
    "admin.remove_member": Target("admin", "/admin/regions/{region}/members/{H}/remove",
                                  page="/admin/regions/{region}"),
    "admin.create_municipality": Target("admin", "/admin/municipalities/new",
                                        base={"name": "Nieuwdorp", "cbs_code": "GM9100", "inhabitants": "12000"},
                                        shows=("/admin/municipalities",)),
    "admin.edit_municipality": Target("admin", "/admin/municipalities/{A}/edit", shows=("/admin/municipalities/{A}",)),
    "admin.invite_user": Target("admin", "/admin/users/invite",
                                base={"email": "nieuw@wereld.nl", "name": "Nina Nieuw", "role": "admin"},
                                shows=("/admin/users",)),
    "admin.edit_user": Target("admin", "/admin/users/{contributor_a}/edit", shows=("/admin/users",)),
    "admin.deactivate_user": Target("admin", "/admin/users/{contributor_a}/deactivate",
                                    page="/admin/users/{contributor_a}/edit"),
    "admin.reactivate_user": Target("admin", "/admin/users/{inactive}/reactivate", page="/admin/users/{inactive}/edit"),
    "admin.resend_invitation": Target("admin", "/admin/users/{invited}/resend-invitation",
                                      page="/admin/users/{invited}/edit"),
    # rounds and self-evaluations
    "evaluations.new_round": Target("coordinator", "/rounds/new",
                                    base={"name": "Ronde Nieuw", "self_evaluation_due": "2099-03-01",
                                          "peer_review_due": "2099-06-01", "plan_due": "2099-12-01"},
                                    shows=("/rounds/",)),
    "evaluations.answer_section": Target("contributor_c", "/evaluations/{ev_c}/sections/analyse",
                                         shows=("/evaluations/{ev_c}",)),
    "evaluations.consensus_section": Target("lead_c", "/evaluations/{ev_c}/consensus/analyse",
                                            shows=("/evaluations/{ev_c}/self-evaluation",)),
    "evaluations.submit": Target("lead_c", "/evaluations/{ev_c}/submit"),
    "evaluations.reopen": Target("coordinator", "/evaluations/{ev_b}/reopen", base={"reason": "Een reden"},
                                 shows=("/evaluations/{ev_b}",)),
    "evaluations.colleagues": Target("lead_a", "/colleagues", base={"name": "Kees Collega",
                                                                   "email": "kees@wereld.nl"}),
    "evaluations.excel_upload": Target("contributor_c", "/evaluations/{ev_c}/excel"),
    "evaluations.excel_apply": Target("contributor_c", "/evaluations/{ev_c}/excel/{import}/apply",
                                      page="/evaluations/{ev_c}/excel/{import}", shows=("/evaluations/{ev_c}",)),
    # the peer review
    "reviews.team": Target("coordinator", "/evaluations/{ev_f}/team"),
    "reviews.make_chair": Target("coordinator", "/evaluations/{ev_f}/team/{member_f_other}/chair",
                                 page="/evaluations/{ev_f}/team"),
    "reviews.remove_member": Target("coordinator", "/evaluations/{ev_f}/team/{member_f_other}/remove",
                                    page="/evaluations/{ev_f}/team"),
    "reviews.start_review": Target("coordinator", "/evaluations/{ev_f}/team/start", page="/evaluations/{ev_f}/team"),
    "reviews.scores": Target("member", "/evaluations/{ev_b}/review/scores"),
    "reviews.consensus": Target("peer", "/evaluations/{ev_b}/review/consensus"),
    "reviews.new_entry": Target("peer", "/evaluations/{ev_b}/review/entries/new/interview",
                                base={"notes": "Gesprek met de wethouder", "interviewees": "Wethouder",
                                      "themes": "analyse"},
                                shows=("/evaluations/{ev_b}/review/entries",)),
    "reviews.edit_entry": Target("peer", "/evaluations/{ev_b}/review/entries/{entry}",
                                 shows=("/evaluations/{ev_b}/review/entries",)),
    "reviews.delete_entry": Target("peer", "/evaluations/{ev_b}/review/entries/{entry}/delete",
                                   page="/evaluations/{ev_b}/review/entries"),
    "reviews.report_draft": Target("peer", "/evaluations/{ev_b}/review/report"),
    "reviews.new_recommendation": Target("peer", "/evaluations/{ev_b}/review/recommendations/new",
                                         base={"text": "Stel meetbare doelen vast.", "themes": "keten"},
                                         shows=("/evaluations/{ev_b}/review/report",)),
    "reviews.edit_recommendation": Target("peer", "/evaluations/{ev_b}/review/recommendations/{recommendation}",
                                          shows=("/evaluations/{ev_b}/review/report",)),
    "reviews.delete_recommendation": Target("peer",
                                            "/evaluations/{ev_b}/review/recommendations/{recommendation}/delete",
                                            page="/evaluations/{ev_b}/review/report"),
    "reviews.send_concept": Target("peer", "/evaluations/{ev_b}/review/concept",
                                   page="/evaluations/{ev_b}/review/publish", base={"confirmed": "y"},
                                   shows=("/evaluations/{ev_b}/review/report",)),
    "reviews.publish": Target("peer", "/evaluations/{ev_k}/review/publish"),
    # hoor en wederhoor: J's concept with the gemeente (one open point), K's reaction recorded
    "reviews.add_point": Target("lead_j", "/evaluations/{ev_j}/hearing/points", page="/evaluations/{ev_j}/hearing",
                                base={"place": "judgement", "text": "Het jaartal klopt niet."},
                                shows=("/evaluations/{ev_j}/hearing",)),
    "reviews.edit_point": Target("lead_j", "/evaluations/{ev_j}/hearing/points/{point}",
                                 shows=("/evaluations/{ev_j}/hearing",)),
    "reviews.withdraw_point": Target("lead_j", "/evaluations/{ev_j}/hearing/points/{point}/withdraw",
                                     page="/evaluations/{ev_j}/hearing"),
    "reviews.finish_check": Target("lead_j", "/evaluations/{ev_j}/hearing/done", page="/evaluations/{ev_j}/hearing"),
    "reviews.check_access": Target("lead_j", "/evaluations/{ev_j}/hearing/access", page="/evaluations/{ev_j}/hearing"),
    "reviews.answer_point": Target("peer", "/evaluations/{ev_j}/hearing/points/{point}/answer",
                                   page="/evaluations/{ev_j}/hearing",
                                   shows=("/evaluations/{ev_j}/concept",)),
    "reviews.extend_term": Target("coordinator", "/evaluations/{ev_j}/hearing/term",
                                  base={"term_due": (date.today() + timedelta(days=40)).isoformat(),
                                        "reason": "Het college vergadert later."},
                                  shows=("/evaluations/{ev_j}/hearing",)),
    "reviews.reaction": Target("lead_k", "/evaluations/{ev_k}/hearing/reaction", page="/evaluations/{ev_k}/hearing",
                               shows=("/evaluations/{ev_k}/concept",)),
    "reviews.afterword": Target("peer", "/evaluations/{ev_k}/hearing/afterword", page="/evaluations/{ev_k}/hearing",
                                shows=("/evaluations/{ev_k}/concept",)),
    "reviews.close": Target("coordinator", "/evaluations/{ev_a}/close", page="/evaluations/{ev_a}/report"),
    "reviews.conflicts": Target("peer", "/conflicts", base={"reason": "Oud-collega"}),
    "reviews.withdraw_conflict": Target("peer", "/conflicts/{declaration}/withdraw", page="/conflicts"),
    "reviews.review_rules": Target("coordinator", "/regions/{region}/review-rules"),
    # the improvement plan
    "plans.new_action": Target("lead_a", "/evaluations/{ev_a}/plan/actions/new",
                               base={"title": "Nieuwe actie", "owner": "Team veiligheid", "start_on": "2026-01-01",
                                     "due_on": "2026-06-01"},
                               shows=("/evaluations/{ev_a}/plan",)),
    "plans.edit_action": Target("lead_a", "/evaluations/{ev_a}/plan/actions/{action}/edit",
                                shows=("/evaluations/{ev_a}/plan/actions/{action}",)),
    "plans.set_status": Target("lead_a", "/evaluations/{ev_a}/plan/actions/{action}/status",
                               page="/evaluations/{ev_a}/plan/actions/{action}", base={"reason": "Reden"}),
    "plans.add_note": Target("lead_a", "/evaluations/{ev_a}/plan/actions/{action}/notes",
                             page="/evaluations/{ev_a}/plan/actions/{action}", base={"text": "Voortgang"}),
    "plans.targets": Target("lead_a", "/evaluations/{ev_a}/plan/targets"),
    "plans.progress_review": Target("peer", "/evaluations/{ev_g}/plan/review"),
}

#: POST routes that have no fields to be hostile with, and why.
EXEMPT: dict[str, str] = {
    "auth.logout": "only the CSRF token; ends the session, stores nothing (tests/web/test_auth.py)",
    "reviews.correct": "only the CSRF token, and its form is on the page only when the check can be closed "
                       "(tests/reviews/test_hearing.py)",
    "reviews.no_reaction": "only the CSRF token, and its form is on the page only after the term "
                           "(tests/reviews/test_hearing.py)",
}

# ---------------------------------------------------------------- hostile values

SCRIPT = "<script>alert(1)</script>"
MARKERS = ("<script>alert", "<img src=x onerror", "<svg onload")
HOSTILE = (
    SCRIPT, '"><script>alert(2)</script>', "'><img src=x onerror=alert(3)>", "<svg onload=alert(4)>",
    "javascript:alert(5)", "'; DROP TABLE users; --", "1 OR 1=1", "Robert'); DELETE FROM answers;--",
    "\" OR \"\"=\"", "%00", "\x00", "a\x00b", "\x01\x02\x03\x1b[31m\x7f", "\u202egnp.exe", "\ufeff", "\u200b",
    "\r\n\r\nX-Header: 1", "\t", " ", "", "🙂" * 40, "ÄÖÜ ẞ Ĳ", "../../etc/passwd", "{{ 7*7 }}", "${7*7}",
    "-1", "0", "-0", "4", "5", "1.5", "1e309", "NaN", "inf", "2147483647", "2147483648", "-2147483649",
    "9" * 40, "99999999999999999999999999", "0x10", "unknown", "null", "None", "true", "[]", "{}",
    "2026-02-30", "9999-12-31", "0001-01-01", "10000-01-01", "1970-01-01", "31-12-2026", "2026-13-01",
    "a@b", "@", "x@y.z" + "z" * 300, "nieuw@wereld.nl", "GM0000", "GM99999", "admin", "region_coordinator",
)
#: Put inside an otherwise valid value.
SPIKES = ("\x08", "\x1b[31m", "\x07", "\x0b", "\x7f", "\n", "\r\n", "\r", "\t", "\x00", "\u202e", "\u200b", SCRIPT,
          "'><img src=x onerror=alert(3)>", "'; DROP TABLE users; --", "\"", "'", "%", "\\", "🙂")
#: Lengths just over the app's limits (a VARCHAR, a text limit of the domain), and some far beyond.
LENGTHS = (6, 7, 21, 33, 41, 81, 121, 201, 255, 256, 257, 501, 1001, 2001, 4001, 8001, 20_000, 100_000)


def long_text() -> st.SearchStrategy[str]:
    return st.builds(lambda head, char, n: (head + char * n)[:n] if n > len(head) else head + char * n,
                     st.sampled_from(["", SCRIPT, "é", "x\n"]), st.sampled_from(["x", "é", "<", "\x0b", "🙂", "\n"]),
                     st.sampled_from(LENGTHS))


def hostile_value(form_field: FormField) -> st.SearchStrategy[str]:
    options = form_field.options
    choices = [st.sampled_from(HOSTILE), st.text(max_size=30), long_text(),
               st.integers(min_value=-(10**30), max_value=10**30).map(str)]
    if options:
        choices.append(st.sampled_from(options))
    return st.one_of(*choices)


@st.composite
def post_data(draw: st.DrawFn, fields: dict[str, FormField], base: dict[str, str]) -> tuple[list, dict]:
    """Form data for one post: each field kept (as the page would send it), made hostile, repeated (a list where
    one value is expected) or left out; sometimes a field the form does not have. Returns pairs and files."""
    pairs: list[tuple[str, str]] = []
    files: dict[str, tuple[io.BytesIO, str]] = {}
    for name, form_field in fields.items():
        if name == "csrf_token":
            continue
        choice = draw(st.sampled_from(["keep", "keep", "hostile", "hostile", "hostile", "spiked", "spiked", "missing",
                                       "twice"]))
        if form_field.kind == "file":
            if choice != "missing":
                content = draw(st.binary(max_size=2048) | st.just(b"PK\x03\x04" + b"\0" * 100))
                files[name] = (io.BytesIO(content), draw(st.sampled_from(HOSTILE) | st.just("antwoorden.xlsx")))
            continue
        kept = form_field.kept(base)
        if choice == "keep":
            pairs += [(name, v) for v in kept if v is not None]
        elif choice == "hostile":
            pairs.append((name, draw(hostile_value(form_field))))
        elif choice == "spiked":  # a valid value with something hostile inside: most likely to be stored
            valid = kept[0] if kept else ""
            cut = draw(st.integers(0, len(valid)))
            pairs.append((name, valid[:cut] + draw(st.sampled_from(SPIKES)) + valid[cut:]))
        elif choice == "twice":
            pairs += [(name, draw(hostile_value(form_field))), (name, kept[0] if kept else "")]
    if draw(st.integers(0, 4)) == 0:
        extra = draw(st.sampled_from(["id", "role", "is_active", "municipality_id", "region_id", "status",
                                      "author_id", "version", "evil", "next", "__proto__"]))
        pairs.append((extra, draw(st.sampled_from(HOSTILE))))
    return pairs, files


# ---------------------------------------------------------------- the rules for what is stored

#: Text columns with a limit in the domain; any other TEXT column must stay within ``DEFAULT_TEXT``.
TEXT_LIMITS = {
    ("answers", "explanation"): ev_rules.MAX_EXPLANATION, ("answers", "evidence"): ev_rules.MAX_EVIDENCE,
    ("consensus_answers", "explanation"): ev_rules.MAX_EXPLANATION,
    ("consensus_answers", "evidence"): ev_rules.MAX_EVIDENCE,
    ("answers", "links"): ev_rules.MAX_LINKS * (ev_rules.MAX_LINK + 8),
    ("consensus_answers", "links"): ev_rules.MAX_LINKS * (ev_rules.MAX_LINK + 8),
    ("section_notes", "strengths"): ev_rules.MAX_NOTE, ("section_notes", "improvements"): ev_rules.MAX_NOTE,
    ("consensus_notes", "strengths"): ev_rules.MAX_NOTE, ("consensus_notes", "improvements"): ev_rules.MAX_NOTE,
    ("peer_scores", "rationale"): review_rules.MAX_RATIONALE,
    ("team_scores", "motivation"): review_rules.MAX_MOTIVATION,
    ("peer_reports", "judgement"): review_rules.MAX_JUDGEMENT,
    ("peer_reports", "strengths"): review_rules.MAX_STRENGTHS,
    ("peer_reports", "reaction"): review_rules.MAX_REACTION,
    ("peer_reports", "afterword"): hearing_rules.MAX_AFTERWORD,
    ("peer_reports", "documents"): hearing_rules.MAX_DOCUMENTS,
    ("factual_points", "text"): hearing_rules.MAX_POINT,
    ("factual_points", "answer_text"): hearing_rules.MAX_POINT_ANSWER,
    ("recommendations", "text"): review_rules.MAX_RECOMMENDATION,
    ("review_entries", "notes"): review_rules.MAX_ENTRY_NOTES,
    ("review_entries", "interviewees"): review_rules.MAX_INTERVIEWEES * (review_rules.MAX_INTERVIEWEE + 1),
    ("conflict_declarations", "reason"): review_rules.MAX_DECLARATION_REASON,
    ("improvement_actions", "description"): plan_rules.MAX_DESCRIPTION,
    ("improvement_actions", "status_reason"): plan_rules.MAX_REASON,
    ("improvement_action_notes", "text"): plan_rules.MAX_NOTE,
    ("recommendation_verdicts", "note"): plan_rules.MAX_VERDICT_NOTE,
}
DEFAULT_TEXT = 8000
#: Integer columns with a range of their own (the minimal questionnaire's scale is 0..4).
INT_RANGES = {
    ("answers", "value"): (0, 4), ("consensus_answers", "value"): (0, 4), ("peer_scores", "value"): (0, 4),
    ("team_scores", "value"): (0, 4), ("plan_targets", "target"): (0, 4),
    ("municipalities", "inhabitants"): (0, MAX_INHABITANTS), ("rounds", "year"): (2000, 2100),
}
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def stored_problems(path: str) -> list[str]:
    """Every stored value that breaks its column's rule; one SELECT per table."""
    problems = []
    connection = sqlite3.connect(path)
    try:
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, String | Integer | Date)]
            if not columns:
                continue
            names = ", ".join(f'"{c.name}"' for c in columns)
            for row in connection.execute(f'SELECT {names} FROM "{table.name}"'):  # noqa: S608 (our own names)
                for column, value in zip(columns, row, strict=True):
                    if value is None:
                        continue
                    where = f"{table.name}.{column.name}"
                    if isinstance(column.type, String) and isinstance(value, str):
                        limit = (TEXT_LIMITS.get((table.name, column.name), DEFAULT_TEXT)
                                 if isinstance(column.type, Text) else column.type.length)
                        if limit is not None and len(value) > limit:
                            problems.append(f"{where}: {len(value)} characters, more than {limit}")
                        if "\x00" in value:
                            problems.append(f"{where}: a NUL character stored: {value[:60]!r}")
                        if not isinstance(column.type, Text) and (CONTROL.search(value) or "\n" in value):
                            problems.append(f"{where}: a control character or line break in a one-line "
                                            f"field: {value[:60]!r}")
                    elif isinstance(column.type, Integer) and not isinstance(value, bool):
                        low, high = INT_RANGES.get((table.name, column.name), (-(2**31), 2**31 - 1))
                        if not isinstance(value, int) or not low <= value <= high:
                            problems.append(f"{where}: {value!r} outside {low}..{high}")
                    elif isinstance(column.type, Date):
                        year = int(str(value)[:4]) if str(value)[:4].isdigit() else 0
                        if not 1900 <= year <= 2200:
                            problems.append(f"{where}: an insane date {value!r}")
    finally:
        connection.close()
    return problems


# ---------------------------------------------------------------- the app and its world, once per module


@dataclass(repr=False)
class Stage:
    app: object
    world: World
    path: str
    snapshot: str
    cookies: dict[str, str] = field(default_factory=dict)  # a user's session cookie, logged in once

    def restore(self) -> None:
        """Put the database back as it was built (the engine's connections are closed first)."""
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()
        source, target = sqlite3.connect(self.snapshot), sqlite3.connect(self.path)
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()

    def client(self, user: str | None):
        client = self.app.test_client()
        if user is None:
            return client
        if user not in self.cookies:
            response = client.post("/auth/login", data={"email": self.world.emails[user], "password": PASSWORD})
            assert response.status_code == 302, (user, response.status_code)
            self.cookies[user] = client.get_cookie("session").value
            return client
        client.set_cookie("session", self.cookies[user])
        return client


@pytest.fixture(scope="module")
def stage(tmp_path_factory: pytest.TempPathFactory) -> Stage:
    directory = tmp_path_factory.mktemp("hostile")
    path, snapshot = str(directory / "world.sqlite"), str(directory / "snapshot.sqlite")
    app = create_app(base_config(f"sqlite:///{path}", RATELIMIT_ENABLED=False, MAIL_SERVER=None))
    with app.app_context():
        db.create_all()
    world = build_world(app)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    source, target = sqlite3.connect(path), sqlite3.connect(snapshot)
    source.backup(target)
    source.close()
    target.close()
    return Stage(app, world, path, snapshot)


_fields_cache: dict[str, dict[str, FormField]] = {}


def fields_of(stage: Stage, endpoint: str) -> dict[str, FormField]:
    if endpoint not in _fields_cache:
        target = TARGETS[endpoint]
        page = target.url(stage.world, target.page or target.post)
        response = stage.client(target.user).get(page)
        assert response.status_code == 200, f"{endpoint}: {page} answers {response.status_code}"
        found = form_fields(response.get_data(as_text=True), page, target.url(stage.world, target.post))
        assert found is not None, f"{endpoint}: no form on {page} posts to {target.post}"
        _fields_cache[endpoint] = found
    return _fields_cache[endpoint]


def unescaped(html: str) -> list[str]:
    lowered = html.lower()
    return [marker for marker in MARKERS if marker in lowered]


# ---------------------------------------------------------------- the tests


def test_every_post_route_is_covered(stage: Stage) -> None:
    posts = {rule.endpoint for rule in stage.app.url_map.iter_rules() if "POST" in (rule.methods or ())}
    assert not set(TARGETS) & set(EXEMPT)
    missing = posts - set(TARGETS) - set(EXEMPT)
    assert not missing, f"POST routes without hostile-input coverage (add them to TARGETS or EXEMPT): {missing}"
    assert not (set(TARGETS) | set(EXEMPT)) - posts, "TARGETS or EXEMPT name a route that no longer exists"


def test_the_world_is_within_the_rules(stage: Stage) -> None:
    stage.restore()
    assert stored_problems(stage.path) == []


@pytest.mark.parametrize("endpoint", sorted(TARGETS))
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])
@given(data=st.data())
def test_hostile_values_on_every_form(stage: Stage, endpoint: str, data: st.DataObject) -> None:
    target = TARGETS[endpoint]
    stage.restore()
    fields = fields_of(stage, endpoint)
    pairs, files = data.draw(post_data(fields, target.base), label="form")
    client = stage.client(target.user)
    form = MultiDict(pairs)
    for name, (content, filename) in files.items():
        form.add(name, (content, filename))
    url = target.url(stage.world, target.post)
    response = client.post(url, data=form)
    assert response.status_code < 500, f"{endpoint}: {response.status_code} for {pairs!r}"
    if response.mimetype == "text/html":
        assert not unescaped(response.get_data(as_text=True)), f"{endpoint}: unescaped in the answer to {pairs!r}"
    for page in (target.page or target.post, *target.shows):
        shown = client.get(target.url(stage.world, page))
        assert shown.status_code < 500, f"{endpoint}: {page} answers {shown.status_code} after {pairs!r}"
        assert not unescaped(shown.get_data(as_text=True)), f"{endpoint}: unescaped on {page} after {pairs!r}"
    assert stored_problems(stage.path) == [], f"{endpoint}: stored outside the rules after {pairs!r}"
