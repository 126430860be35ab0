"""A synthetic national data set: every Dutch gemeente (by number, not by name) in 25 regions over several rounds.

``flask seed national --gemeenten 342 --rounds 5 --seed 1`` fills an empty database with it. It exists to measure the
application at national scale (``make bench``) and to try the region and benchmark pages on realistic volumes.

What it makes, deterministically from ``seed`` and ``year``:

- ``regions`` regions with fictional names and realistic, uneven sizes (a few large, several small);
- ``gemeenten`` fictional gemeenten (CBS codes ``GM5001`` …, a range no real gemeente uses) with a realistic size
  spread: a few cities of several hundred thousand, most between 10,000 and 60,000, the smallest around 1,000;
- per region one round per year for ``rounds`` years, ending in ``year``, every member in every round;
- per gemeente a lead and two contributors (three people answer every question of their own, with spread and
  some "weet niet"), and one peer reviewer who serves on teams elsewhere in the region;
- the older rounds finished: consensus, three reviewers' own scores and the team's, interviews and observations
  (team-only and quotable), a judgement, recommendations to the gemeente, the region and the Rijk, a bestuurlijke
  reactie, a finished plan with progress notes, targets for the next round and the voortgangsreview's verdicts;
- the latest round as a round in its last stage: most reports published with plans under way, some gemeenten still
  in peer review, some submitted, a few still in draft (their colleagues' answers in, the consensus half done).

Scores follow a hidden "true" level per gemeente and theme that rises slowly over the rounds; the gemeente's own
view lies a little above the peers' (as the field reports), with individual spread between colleagues.

Rows are written in bulk (``insert()`` with many rows at once), not through the services: the services check
deadlines against today and log every step, which is right for users and far too slow for 300,000 answers. The
generator writes the same rows the services would, and the tests check the pages read them as they read real data.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select
from werkzeug.security import generate_password_hash

from ..domain.evaluations import EvaluationStatus
from ..domain.plans import ActionStatus, OwnerKind, Verdict
from ..domain.questionnaire import Questionnaire
from ..domain.reviews import Addressee, Capacity, Confidentiality, EntryKind, Priority, review_items
from ..domain.roles import Role
from ..evaluations.rounds import offered_questionnaires
from ..extensions import db
from ..models import (
    ActionNote,
    ActionRecommendation,
    ActionTheme,
    Answer,
    ConsensusAnswer,
    ConsensusNote,
    Evaluation,
    EvaluationEvent,
    ImprovementAction,
    Municipality,
    PeerReport,
    PeerScore,
    PlanTarget,
    Recommendation,
    RecommendationTheme,
    RecommendationVerdict,
    Region,
    RegionMembership,
    ReviewEntry,
    ReviewEntryTheme,
    Round,
    SectionNote,
    TeamMember,
    TeamScore,
    User,
)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NATIONAL_DOMAIN = "synthetisch.peerreview.nl"
NATIONAL_PASSWORD = "synthetisch-Toetsing-2026"  # noqa: S105 (fictional accounts of a synthetic data set)
FIRST_CODE = 5001  # GM5001 …: no real gemeente has a code in this range
MAX_GEMEENTEN = 999

REGION_NAMES = (
    "Waddenkust", "Noorderveen", "Drentse Esdorpen", "Vechtdal", "Twentse Heuvels", "Achterhoek-Oost",
    "Veluwe-Midden", "Rivierenland-Zuid", "Heuvelrug", "Kop van Noord", "Zaanoever", "Duinstreek",
    "Amstelland-Noord", "Vechtstreek", "Hofstad-Kust", "Groene Hart", "Maasmond", "Alblasserwaard",
    "Zeeuwse Delta", "Baronie en Markiezaat", "Maaskant", "Kempen en Peel", "Noord-Limburg", "Heuvelland",
    "Flevopolder",
)
_PREFIXES = ("", "", "", "", "Nieuw-", "Oud-", "Sint-", "Groot-", "Noord-", "Zuid-", "Oost-", "West-", "'s-")
_ROOTS = ("Aar", "Beek", "Berk", "Brom", "Dal", "Dor", "Eik", "Gaas", "Haar", "Hees", "Holt", "Kool", "Lin", "Meer",
          "Mol", "Nes", "Olde", "Ploeg", "Ravel", "Stein", "Vel", "Wal", "Zand", "Elst", "Gen", "Hoog", "Lage",
          "Ruur", "Schoon", "Vlied", "Wester", "Ypen", "Zuider")
_SUFFIXES = ("broek", "dam", "dijk", "dorp", "hoven", "huizen", "wijk", "veen", "woude", "horst", "loo", "mond",
             "rode", "zijl", "sloot", "kerk", "burg", "donk", "hem", "sel")
_PLACES = ("", "", "", "", "", "", " aan Zee", " aan de Maas", " aan de Vliet", " en Omstreken")
_FIRST = ("Anouk", "Bram", "Daan", "Eva", "Fleur", "Gijs", "Hanneke", "Ilse", "Joost", "Karin", "Lotte", "Maarten",
          "Noor", "Olaf", "Pien", "Ruben", "Sanne", "Thijs", "Vera", "Wouter", "Yara", "Zeger", "Émile", "Chloë")
_LAST = ("de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "Bos", "Vos", "Peters",
         "Hendriks", "van Dijk", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits", "van den Berg", "Kuipers")
_INTERVIEWEES = ("Burgemeester", "Gemeentesecretaris", "Wethouder Zorg", "Teamchef politie", "Directeur GGD",
                 "Officier van justitie", "Veiligheidscoördinator", "Beleidsadviseur OOV", "Wijkagent",
                 "Manager sociaal domein", "Woningcorporatie", "Raadslid")
_EXPLANATIONS = (
    "Zo werkt het bij ons in de praktijk; het staat ook in het IVP.",
    "Wordt besproken in het driehoeksoverleg, maar nog niet structureel vastgelegd.",
    "Hangt sterk af van de personen die er nu zitten.",
    "Is na de vorige toets verbeterd, maar nog niet overal in de organisatie bekend.",
    "Hierover verschillen de collega's van mening; zie de notities.",
    "",
)


@dataclass
class NationalSummary:
    """What the generator made, for the report it prints and for the benchmark."""

    seed: int
    years: tuple[int, ...]
    counts: dict[str, int] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)
    largest_region: str = ""
    largest_region_size: int = 0
    inhabitants: tuple[int, int, int] = (0, 0, 0)  # smallest, median, largest

    def lines(self) -> list[str]:
        labels = {"regions": "regio's", "municipalities": "gemeenten", "users": "gebruikers", "rounds": "rondes",
                  "evaluations": "evaluaties", "answers": "eigen antwoorden",
                  "consensus_answers": "consensusantwoorden",
                  "section_notes": "notities", "team_members": "teamleden", "peer_scores": "eigen scores peers",
                  "team_scores": "teamscores", "review_entries": "gesprekken en waarnemingen",
                  "recommendations": "aanbevelingen", "actions": "acties", "action_notes": "voortgangsnotities",
                  "targets": "doelen", "verdicts": "oordelen voortgangsreview", "events": "historieregels"}
        lines = [f"Synthetische landelijke gegevens (seed {self.seed}, jaren {self.years[0]}–{self.years[-1]}):"]
        lines += [f"  {labels.get(key, key):<28} {_dutch(value):>9}" for key, value in self.counts.items()]
        smallest, median, largest = self.inhabitants
        lines.append(f"  inwoners per gemeente: kleinste {_dutch(smallest)}, mediaan {_dutch(median)}, "
                     f"grootste {_dutch(largest)}")
        lines.append(f"  grootste regio: {self.largest_region} ({self.largest_region_size} gemeenten)")
        lines.append("  stand laatste ronde: " + ", ".join(f"{EvaluationStatus(k).label.lower()} {v}"
                                                          for k, v in self.statuses.items()))
        return lines


def _dutch(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def national_email(local: str) -> str:
    return f"{local}@{NATIONAL_DOMAIN}"


def default_year(today: date) -> int:
    """The latest round's year: the current one from July on (its spring deadlines lie behind us), else last year."""
    return today.year if today.month >= 7 else today.year - 1


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), AMSTERDAM)


def _chunks(rows: list[dict[str, Any]], size: int = 5000) -> Iterable[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


class _Writer:
    """Bulk inserts, counted per kind; ``ids`` returns the new primary keys in the order of the rows."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def add(self, kind: str, model: type, rows: list[dict[str, Any]]) -> None:
        for chunk in _chunks(rows):
            db.session.execute(insert(model), chunk)
        self.counts[kind] = self.counts.get(kind, 0) + len(rows)

    def ids(self, kind: str, model: type, rows: list[dict[str, Any]]) -> list[int]:
        found: list[int] = []
        for chunk in _chunks(rows):
            found += db.session.scalars(insert(model).returning(model.id, sort_by_parameter_order=True), chunk).all()
        self.counts[kind] = self.counts.get(kind, 0) + len(rows)
        return found


# ------------------------------------------------------------------------------------------------ the country


def _region_sizes(rng: random.Random, gemeenten: int, regions: int) -> list[int]:
    """Uneven sizes that add up: weights between 0.35 and 2.2 (the smallest Dutch regions have 6 members, the
    largest over 25), at least one gemeente each."""
    weights = [rng.uniform(0.35, 2.2) for _ in range(regions)]
    total = sum(weights)
    sizes = [max(1, int(gemeenten * w / total)) for w in weights]
    order = sorted(range(regions), key=lambda i: -weights[i])
    i = 0
    while sum(sizes) < gemeenten:
        sizes[order[i % regions]] += 1
        i += 1
    while sum(sizes) > gemeenten:
        j = order[i % regions]
        if sizes[j] > 1:
            sizes[j] -= 1
        i += 1
    return sizes


def _inhabitants(rng: random.Random, count: int) -> list[int]:
    """A log-normal spread around a median of about 28,000 (as the Dutch gemeenten), with the four big cities."""
    cities = [905_000, 664_000, 556_000, 368_000]
    values = [int(min(400_000, max(950, rng.lognormvariate(math.log(28_000), 0.85)))) for _ in range(count)]
    for index, city in enumerate(cities[:max(0, count // 40)]):
        values[index] = city
    rng.shuffle(values)
    return values


def _names(rng: random.Random, count: int) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        root = rng.choice(_ROOTS)
        name = f"{rng.choice(_PREFIXES)}{root}{rng.choice(_SUFFIXES)}{rng.choice(_PLACES)}"
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def _person(rng: random.Random) -> str:
    return f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"


# ------------------------------------------------------------------------------------------------ the generator


@dataclass
class _Gemeente:
    id: int
    code: str
    name: str
    region: int  # index
    lead: int = 0
    contributors: tuple[int, ...] = ()
    peer: int = 0
    true_level: dict[str, float] = field(default_factory=dict)
    optimism: float = 0.0


def load_national(*, gemeenten: int = 342, rounds: int = 5, seed: int = 1, regions: int = 25, year: int | None = None,
                  questionnaire: Questionnaire | None = None, password_method: str = "scrypt") -> NationalSummary:  # noqa: S107
    """Fill the (empty) database of the current app context; flushes, the caller commits."""
    from ..dates import today as dutch_today
    from ..questionnaires.registry import record_use

    if not 1 <= gemeenten <= MAX_GEMEENTEN:
        raise ValueError(f"--gemeenten moet tussen 1 en {MAX_GEMEENTEN} liggen.")
    if not 1 <= regions <= len(REGION_NAMES) or regions > gemeenten:
        raise ValueError(f"--regions moet tussen 1 en {min(len(REGION_NAMES), gemeenten)} liggen "
                         "(niet meer regio's dan gemeenten).")
    if not 1 <= rounds <= 20:
        raise ValueError("--rounds moet tussen 1 en 20 liggen.")
    if questionnaire is None:
        offered = offered_questionnaires()
        if not offered:
            raise ValueError("Er is geen vragenlijst beschikbaar voor nieuwe rondes.")
        questionnaire = offered[0]
    record_use(questionnaire)
    year = year or default_year(dutch_today())
    years = tuple(range(year - rounds + 1, year + 1))
    rng = random.Random(seed)  # noqa: S311 (synthetic data, not security)
    write = _Writer()
    # One hash for every synthetic account: hashing 1,400 passwords with scrypt would take minutes.
    password_hash = generate_password_hash(NATIONAL_PASSWORD, method=password_method)
    created = _at(date(years[0] - 1, 11, 1))

    region_ids = write.ids("regions", Region, [
        {"name": f"Veiligheidsregio {REGION_NAMES[i]} (synthetisch)", "created_at": created,
         "description": "Synthetische regio voor metingen op landelijke schaal; alle namen en cijfers zijn verzonnen."}
        for i in range(regions)])
    sizes = _region_sizes(rng, gemeenten, regions)
    names = _names(rng, gemeenten)
    inhabitants = _inhabitants(rng, gemeenten)
    member_region = [r for r, size in enumerate(sizes) for _ in range(size)]
    codes = [f"GM{FIRST_CODE + i:04d}" for i in range(gemeenten)]
    municipality_ids = write.ids("municipalities", Municipality, [
        {"name": names[i], "cbs_code": codes[i], "inhabitants": inhabitants[i], "created_at": created,
         "province": ""} for i in range(gemeenten)])
    write.add("memberships", RegionMembership, [
        {"region_id": region_ids[member_region[i]], "municipality_id": municipality_ids[i], "joined_at": created}
        for i in range(gemeenten)])

    items = review_items(questionnaire)
    knelpunten = questionnaire.knelpunt_sections
    places = [_Gemeente(municipality_ids[i], codes[i], names[i], member_region[i]) for i in range(gemeenten)]
    for place in places:
        place.optimism = rng.gauss(0.45, 0.45)
        place.true_level = {item.id: min(4.6, max(1.2, rng.gauss(2.7, 0.7))) for item in items}

    # People: the admin, a coordinator per region, and per gemeente a lead, two contributors and a peer reviewer.
    users: list[dict[str, Any]] = [_user(national_email("beheer"), "Beheerder Landelijk", Role.admin, None, None,
                                         password_hash, created)]
    users += [_user(national_email(f"coordinator.r{r + 1:02d}"), _person(rng), Role.region_coordinator, None,
                    region_ids[r], password_hash, created) for r in range(regions)]
    for place in places:
        local = place.code.lower()
        users += [
            _user(national_email(f"trekker.{local}"), _person(rng), Role.municipal_lead, place.id, None, password_hash,
                  created),
            _user(national_email(f"bijdrager1.{local}"), _person(rng), Role.municipal_contributor, place.id, None,
                  password_hash, created),
            _user(national_email(f"bijdrager2.{local}"), _person(rng), Role.municipal_contributor, place.id, None,
                  password_hash, created),
            _user(national_email(f"peer.{local}"), _person(rng), Role.peer_reviewer, place.id, None, password_hash,
                  created),
        ]
    user_ids = write.ids("users", User, users)
    admin_id = user_ids[0]
    coordinators = user_ids[1:1 + regions]
    for index, place in enumerate(places):
        lead, first, second, peer = user_ids[1 + regions + 4 * index: 5 + regions + 4 * index]
        place.lead, place.contributors, place.peer = lead, (lead, first, second), peer
    by_region: dict[int, list[_Gemeente]] = {}
    for place in places:
        by_region.setdefault(place.region, []).append(place)

    statuses: dict[str, int] = {}
    for round_index, round_year in enumerate(years):
        latest = round_index == len(years) - 1
        round_rows = [
            {"region_id": region_ids[r], "name": f"Collegiale toets {round_year}", "year": round_year,
             "questionnaire_key": questionnaire.key, "questionnaire_version": questionnaire.version,
             "questionnaire_hash": questionnaire.content_hash, "self_evaluation_due": date(round_year, 3, 15),
             "peer_review_due": date(round_year, 6, 30), "plan_due": date(round_year + 1, 3, 31),
             "created_by_id": coordinators[r], "created_at": _at(date(round_year - 1, 12, 1))}
            for r in range(regions)]
        round_ids = write.ids("rounds", Round, round_rows)
        plan = _RoundPlan(rng, questionnaire, items, knelpunten, round_year, round_index, latest)
        for r in range(regions):
            plan.region(by_region.get(r, []), places, round_ids[r], coordinators[r], admin_id)
        if latest:
            plan.every_stage()
        plan.write(write)
        if latest:
            statuses = dict(sorted(plan.statuses.items(), key=lambda kv: -kv[1]))
    db.session.flush()

    largest = max(range(regions), key=lambda r: sizes[r])
    ordered = sorted(inhabitants)
    counts = {key: write.counts.get(key, 0) for key in (
        "regions", "municipalities", "users", "rounds", "evaluations", "answers", "consensus_answers",
        "section_notes", "team_members", "peer_scores", "team_scores", "review_entries", "recommendations",
        "actions", "action_notes", "targets", "verdicts", "events")}
    return NationalSummary(seed=seed, years=years, counts=counts, statuses=statuses,
                           largest_region=f"Veiligheidsregio {REGION_NAMES[largest]} (synthetisch)",
                           largest_region_size=sizes[largest],
                           inhabitants=(ordered[0], ordered[len(ordered) // 2], ordered[-1]))


def _user(email: str, name: str, role: Role, municipality_id: int | None, region_id: int | None, password_hash: str,
          created: datetime) -> dict[str, Any]:
    return {"email": email, "name": name, "role": role, "municipality_id": municipality_id, "region_id": region_id,
            "password_hash": password_hash, "created_at": created, "activated_at": created,
            "password_changed_at": created, "is_active": True}


_LATEST_STATUSES = ((EvaluationStatus.published, 0.72), (EvaluationStatus.in_peer_review, 0.12),
                    (EvaluationStatus.submitted, 0.08), (EvaluationStatus.draft, 0.08))


class _RoundPlan:
    """The rows of one round year over all regions, gathered first and written kind by kind."""

    def __init__(self, rng: random.Random, questionnaire: Questionnaire, items: Sequence, knelpunten: Sequence,
                 year: int, index: int, latest: bool) -> None:
        self.rng, self.questionnaire, self.items, self.knelpunten = rng, questionnaire, items, knelpunten
        self.year, self.index, self.latest = year, index, latest
        self.scale = list(questionnaire.scale.values)
        self.evaluations: list[dict[str, Any]] = []
        self.pending: list[tuple[_Gemeente, EvaluationStatus, list[_Gemeente], int, int]] = []
        self.statuses: dict[str, int] = {}

    def clamp(self, value: float) -> int:
        return max(self.scale[0], min(self.scale[-1], round(value)))

    def status(self) -> EvaluationStatus:
        if not self.latest:
            return EvaluationStatus.closed
        draw = self.rng.random()
        for status, share in _LATEST_STATUSES:
            if draw < share:
                return status
            draw -= share
        return EvaluationStatus.draft

    def region(self, members: list[_Gemeente], everyone: list[_Gemeente], round_id: int, coordinator: int,
               admin: int) -> None:
        for place in members:
            status = self.status()
            self.statuses[status.value] = self.statuses.get(status.value, 0) + 1
            # Three reviewers from other gemeenten: the region's own first, then the nearest other regions.
            others = [m for m in members if m is not place]
            self.rng.shuffle(others)
            if len(others) < 3:
                outside = [p for p in everyone if p.region != place.region]
                outside.sort(key=lambda p: (abs(p.region - place.region), p.id))
                others += outside[:3 - len(others)]
            self.pending.append((place, status, others[:3], round_id, coordinator))

    def every_stage(self) -> None:
        """However small the set, the latest round has a gemeente in every stage (the last published ones move),
        so that every page has something to show and the benchmark measures the same pages at every size."""
        missing = [s for s in (EvaluationStatus.draft, EvaluationStatus.submitted, EvaluationStatus.in_peer_review)
                   if not self.statuses.get(s.value)]
        movable = [i for i, entry in enumerate(self.pending) if entry[1] is EvaluationStatus.published]
        for status, index in zip(missing, reversed(movable[1:]), strict=False):  # at least one stays published
            place, old, team, round_id, coordinator = self.pending[index]
            self.pending[index] = (place, status, team, round_id, coordinator)
            self.statuses[old.value] -= 1
            self.statuses[status.value] = self.statuses.get(status.value, 0) + 1

    # ------------------------------------------------------------------------------------------ writing

    def write(self, write: _Writer) -> None:
        year, rng = self.year, self.rng
        rows = []
        for place, status, _team, round_id, _coordinator in self.pending:
            submitted = status is not EvaluationStatus.draft
            rows.append({"round_id": round_id, "municipality_id": place.id, "status": status,
                         "created_at": _at(date(year - 1, 12, 1)),
                         "submitted_at": _at(date(year, 3, 1) + timedelta(days=rng.randint(0, 20))) if submitted
                         else None, "submitted_by_id": place.lead if submitted else None})
        evaluation_ids = write.ids("evaluations", Evaluation, rows)
        answers: list[dict[str, Any]] = []
        consensus: list[dict[str, Any]] = []
        section_notes: list[dict[str, Any]] = []
        consensus_notes: list[dict[str, Any]] = []
        members: list[dict[str, Any]] = []
        peer_scores: list[dict[str, Any]] = []
        team_scores: list[dict[str, Any]] = []
        reports: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        entries: list[tuple[dict[str, Any], tuple[str, ...]]] = []
        recommendations: list[tuple[dict[str, Any], tuple[str, ...]]] = []
        published_on: dict[int, date] = {}
        for evaluation_id, row, (place, status, team, _round_id, coordinator) in zip(
                evaluation_ids, rows, self.pending, strict=True):
            growth = 0.18 * self.index
            level = {key: value + growth for key, value in place.true_level.items()}
            self._self_evaluation(evaluation_id, place, status, level, answers, consensus, section_notes,
                                  consensus_notes)
            events.append({"evaluation_id": evaluation_id, "at": _at(date(year - 1, 12, 1)), "actor_id": coordinator,
                           "kind": "created", "subject": "", "details": {"round": f"Collegiale toets {year}"}})
            if status is EvaluationStatus.draft:
                continue
            events.append(_event(evaluation_id, row["submitted_at"], place.lead, "submitted", "draft", "submitted"))
            if status is EvaluationStatus.submitted:
                continue
            events.append(_event(evaluation_id, _at(date(year, 4, 2)), coordinator, "review_started", "submitted",
                                 "in_peer_review"))
            published = status.is_report_published
            scored = team if published else team[:rng.randint(0, len(team))]
            for position, reviewer in enumerate(team):
                members.append({"evaluation_id": evaluation_id, "user_id": reviewer.peer, "is_chair": position == 0,
                                "capacity": Capacity.administrator if position == 0 else Capacity.official,
                                "added_at": _at(date(year, 3, 25)), "added_by_id": coordinator,
                                "confirmed_warnings": "",
                                "scores_submitted_at": _at(date(year, 5, 10 + position)) if reviewer in scored
                                else None})
            for reviewer in scored:
                for item in self.items:
                    peer_scores.append({
                        "evaluation_id": evaluation_id, "reviewer_id": reviewer.peer, "item_id": item.id,
                        "value": self.clamp(level[item.id] + rng.gauss(0, 0.45)),
                        "rationale": "Op grond van de gesprekken, de stukken en de eigen waarneming.",
                        "updated_at": _at(date(year, 5, 10))})
            for number in range(rng.randint(3, 6)):
                interview = number < 3 or rng.random() < 0.5
                chosen = tuple(sorted(rng.sample([s.id for s in self.questionnaire.sections], rng.randint(1, 3))))
                entries.append(({
                    "evaluation_id": evaluation_id, "kind": EntryKind.interview if interview else EntryKind.observation,
                    "held_on": date(year, 4, 10) + timedelta(days=rng.randint(0, 40)),
                    "interviewees": "\n".join(f"{who} – gemeente {place.name}" if who in _INTERVIEWEES[:3]
                                              else who for who in rng.sample(_INTERVIEWEES, rng.randint(1, 3)))
                    if interview else "",
                    "notes": _entry_text(rng, place.name, interview),
                    "confidentiality": Confidentiality.quotable if rng.random() < 0.6 else Confidentiality.team,
                    "author_id": team[number % len(team)].peer,
                    "created_at": _at(date(year, 4, 20)), "updated_at": _at(date(year, 4, 20))}, chosen))
            if not published:
                continue
            chair = team[0].peer
            day = date(year, 6, 1) + timedelta(days=rng.randint(0, 28))
            published_on[evaluation_id] = day
            for item in self.items:
                team_scores.append({"evaluation_id": evaluation_id, "item_id": item.id,
                                    "value": self.clamp(level[item.id]),
                                    "motivation": _motivation(rng, place.name, level[item.id]),
                                    "updated_at": _at(day - timedelta(days=5)), "updated_by_id": chair})
            closed = status is EvaluationStatus.closed
            reaction = rng.random() < (0.9 if closed else 0.5)
            reports.append({
                "evaluation_id": evaluation_id, "updated_at": _at(day), "updated_by_id": chair,
                "judgement": f"{place.name} voert in {year} de regie op integrale veiligheid met een betrokken "
                             "bestuur en een coördinator die de partners kent. Analyse, meetbare doelen en de "
                             "samenhang met ander beleid vragen nog aandacht.",
                "strengths": "Korte lijnen met politie en zorg; open houding tegenover het peer team.",
                "published_at": _at(day), "published_by_id": chair, "published_without": "",
                "reaction": "Het college neemt de aanbevelingen over en verwerkt ze in het verbeterplan."
                if reaction else "", "reaction_at": _at(day + timedelta(days=21)) if reaction else None,
                "reaction_by_id": place.lead if reaction else None,
                "closed_at": _at(date(year + 1, 5, 1)) if closed else None})
            events.append(_event(evaluation_id, _at(day), chair, "published", "in_peer_review", "published"))
            if closed:
                events.append(_event(evaluation_id, _at(date(year + 1, 5, 1)), coordinator, "closed", "published",
                                     "closed"))
            weakest = sorted(self.knelpunten, key=lambda s: level[s.id])
            external = [s for s in self.knelpunten if s.external] or list(self.knelpunten)
            count = rng.randint(3, 6)
            for position in range(1, count + 1):
                if position <= count - 1 or rng.random() < 0.5:
                    section = weakest[(position - 1) % len(weakest)]
                    addressee = Addressee.municipality
                else:
                    section = rng.choice(external)
                    addressee = Addressee.region if rng.random() < 0.5 else Addressee.national
                themes = (section.id,) if rng.random() < 0.7 else tuple(sorted({section.id,
                                                                                rng.choice(self.knelpunten).id}))
                recommendations.append(({
                    "evaluation_id": evaluation_id, "position": position,
                    "text": _recommendation_text(rng, section.title, addressee),
                    "priority": Priority.high if position == 1 else rng.choice((Priority.medium, Priority.low,
                                                                                Priority.medium)),
                    "addressee": addressee, "created_at": _at(day), "updated_at": _at(day),
                    "created_by_id": chair}, themes))
        write.add("answers", Answer, answers)
        write.add("consensus_answers", ConsensusAnswer, consensus)
        write.add("section_notes", SectionNote, section_notes)
        write.add("consensus_notes", ConsensusNote, consensus_notes)
        write.add("team_members", TeamMember, members)
        write.add("peer_scores", PeerScore, peer_scores)
        write.add("team_scores", TeamScore, team_scores)
        write.add("reports", PeerReport, reports)
        write.add("events", EvaluationEvent, events)
        entry_ids = write.ids("review_entries", ReviewEntry, [row for row, _ in entries])
        write.add("entry_themes", ReviewEntryTheme, [{"entry_id": entry_id, "section_id": section_id}
                                                     for entry_id, (_, themes) in zip(entry_ids, entries, strict=True)
                                                     for section_id in themes])
        recommendation_ids = write.ids("recommendations", Recommendation, [row for row, _ in recommendations])
        write.add("recommendation_themes", RecommendationTheme, [
            {"recommendation_id": rec_id, "section_id": section_id}
            for rec_id, (_, themes) in zip(recommendation_ids, recommendations, strict=True)
            for section_id in themes])
        self._plans(write, recommendation_ids, recommendations, published_on)

    def _self_evaluation(self, evaluation_id: int, place: _Gemeente, status: EvaluationStatus,
                         level: dict[str, float], answers: list, consensus: list, section_notes: list,
                         consensus_notes: list) -> None:
        rng, year = self.rng, self.year
        answered_at = _at(date(year, 2, 1) + timedelta(days=rng.randint(0, 30)))
        draft = status is EvaluationStatus.draft
        consensus_sections = {s.id for s in self.questionnaire.sections[:len(self.questionnaire.sections) // 2]} \
            if draft else {s.id for s in self.questionnaire.sections}
        for question in self.questionnaire.questions:
            truth = level[question.element_id or question.section_id] + place.optimism
            values: list[int] = []
            for author in place.contributors:
                unknown = rng.random() < 0.03
                value = None if unknown else self.clamp(truth + rng.gauss(0, 0.7))
                if value is not None:
                    values.append(value)
                answers.append({"evaluation_id": evaluation_id, "author_id": author, "question_id": question.id,
                                "value": value, "is_unknown": unknown, "explanation": rng.choice(_EXPLANATIONS),
                                "evidence": "", "links": "", "updated_at": answered_at, "version": 1})
            if question.section_id not in consensus_sections:
                continue
            unknown = not values
            consensus.append({
                "evaluation_id": evaluation_id, "question_id": question.id, "updated_by_id": place.lead,
                "value": None if unknown else self.clamp(sum(values) / len(values)), "is_unknown": unknown,
                "explanation": f"Vastgesteld in het overleg van de drie collega's van {place.name}.",
                "evidence": "IVP en veiligheidsanalyse, vastgesteld door de raad." if question.evidence.is_asked
                else "", "links": "", "updated_at": answered_at + timedelta(days=7), "version": 1})
        for section in self.questionnaire.sections:
            if rng.random() < 0.35:
                section_notes.append({"evaluation_id": evaluation_id, "section_id": section.id,
                                      "author_id": rng.choice(place.contributors),
                                      "strengths": "De samenwerking met de politie loopt goed.",
                                      "improvements": "Meer sturen op cijfers; afspraken vastleggen.",
                                      "updated_at": answered_at, "version": 1})
            if section.id in consensus_sections:
                consensus_notes.append({"evaluation_id": evaluation_id, "section_id": section.id,
                                        "updated_by_id": place.lead,
                                        "strengths": f"Wat {place.name} hier goed doet: korte lijnen en een "
                                                     "betrokken bestuur.",
                                        "improvements": "Vastleggen wat nu op personen rust; jaarlijks evalueren.",
                                        "updated_at": answered_at + timedelta(days=7), "version": 1})

    def _plans(self, write: _Writer, recommendation_ids: list[int],
               recommendations: list[tuple[dict[str, Any], tuple[str, ...]]], published_on: dict[int, date]) -> None:
        """Actions for the gemeente's own recommendations (most get one, some two), notes, targets, verdicts."""
        rng, year = self.rng, self.year
        closed = not self.latest
        actions: list[tuple[dict[str, Any], tuple[str, ...], int]] = []
        verdicts: list[dict[str, Any]] = []
        targets: list[dict[str, Any]] = []
        owners = ("Veiligheidscoördinator", "Beleidsadviseur OOV", "Directeur Ruimte", "Teamleider wijkteams",
                  "Gemeentesecretaris", "Teamchef politie (partner)", "GGD (partner)")
        for rec_id, (row, themes) in zip(recommendation_ids, recommendations, strict=True):
            evaluation_id = row["evaluation_id"]
            start = published_on[evaluation_id] + timedelta(days=rng.randint(10, 60))
            if row["addressee"] is Addressee.municipality and rng.random() < 0.9:
                for _ in range(1 if rng.random() < 0.8 else 2):
                    due = start + timedelta(days=rng.randint(60, 300))
                    if closed:
                        status = rng.choices((ActionStatus.done, ActionStatus.in_progress, ActionStatus.dropped),
                                             (0.7, 0.2, 0.1))[0]
                    else:
                        status = rng.choices((ActionStatus.planned, ActionStatus.in_progress, ActionStatus.done),
                                             (0.35, 0.45, 0.2))[0]
                    owner = rng.choice(owners)
                    actions.append(({
                        "evaluation_id": evaluation_id, "title": _action_title(rng),
                        "description": "Uitwerking van de aanbeveling van het peer team, met de partners.",
                        "owner": owner, "owner_kind": OwnerKind.partner if "(partner)" in owner else OwnerKind.internal,
                        "start_on": start, "due_on": due, "status": status,
                        "status_reason": "Ingehaald door het nieuwe IVP." if status is ActionStatus.dropped else "",
                        "completed_on": min(due, start + timedelta(days=rng.randint(30, 200)))
                        if status is ActionStatus.done else None,
                        "created_at": _at(start), "updated_at": _at(start), "version": 1}, themes, rec_id))
            if closed:
                verdict = rng.choices((Verdict.followed, Verdict.partly, Verdict.not_followed), (0.5, 0.35, 0.15))[0]
                verdicts.append({"recommendation_id": rec_id, "evaluation_id": evaluation_id, "verdict": verdict,
                                 "note": "Besproken in de voortgangsreview met de trekker en de coördinator.",
                                 "decided_at": _at(date(year + 1, 4, 15))})
        for evaluation_id in published_on:
            for section in self.knelpunten:
                if rng.random() < 0.6:
                    targets.append({"evaluation_id": evaluation_id, "section_id": section.id,
                                    "target": rng.choice(self.scale[2:]), "updated_at": _at(published_on[evaluation_id]
                                                                                            + timedelta(days=40))})
        action_ids = write.ids("actions", ImprovementAction, [row for row, _, _ in actions])
        write.add("action_themes", ActionTheme, [{"action_id": action_id, "section_id": section_id}
                                                 for action_id, (_, themes, _) in zip(action_ids, actions, strict=True)
                                                 for section_id in themes])
        write.add("action_links", ActionRecommendation, [{"action_id": action_id, "recommendation_id": rec_id}
                                                         for action_id, (_, _, rec_id) in zip(action_ids, actions,
                                                                                               strict=True)])
        notes = []
        for action_id, (row, _, _) in zip(action_ids, actions, strict=True):
            if row["status"] is ActionStatus.planned:
                continue
            for n in range(rng.randint(0, 3)):
                noted = row["start_on"] + timedelta(days=20 * (n + 1))
                notes.append({"action_id": action_id, "noted_on": noted, "created_at": _at(noted),
                              "text": rng.choice(("Eerste overleg met de partners gehouden.",
                                                  "Concept besproken in het driehoeksoverleg.",
                                                  "Vertraging door personele wisseling; nieuwe planning gemaakt.",
                                                  "Het college heeft het voorstel vastgesteld."))})
        write.add("action_notes", ActionNote, notes)
        write.add("targets", PlanTarget, targets)
        write.add("verdicts", RecommendationVerdict, verdicts)


def _event(evaluation_id: int, at: datetime, actor: int, kind: str, before: str, after: str) -> dict[str, Any]:
    return {"evaluation_id": evaluation_id, "at": at, "actor_id": actor, "kind": kind, "subject": "",
            "details": {"from": before, "to": after}}


def _entry_text(rng: random.Random, name: str, interview: bool) -> str:
    if interview:
        return rng.choice((
            f"De burgemeester van {name} noemt veiligheid een topprioriteit, maar de wethouders zien het vooral "
            "als zaak van de portefeuillehouder.",
            "De coördinator heeft een korte lijn met de burgemeester en een goed netwerk bij zorg en politie.",
            "Partners weten niet goed wie in de gemeente over de aanpak van ondermijning gaat.",
            "De raad krijgt jaarlijks een verslag, maar bespreekt de doelen zelden.",
        ))
    return rng.choice(("In het driehoeksoverleg werden geen cijfers gebruikt.",
                       "Het casusoverleg zorg en veiligheid verliep gestructureerd, met duidelijke afspraken.",
                       "Het IVP ligt op de website, maar de uitvoeringsagenda ontbreekt."))


def _motivation(rng: random.Random, name: str, level: float) -> str:
    finding = "een stevige basis" if level >= 3.2 else "stappen in de goede richting" if level >= 2.4 else \
        "nog weinig samenhang"
    return f"Het team zag in {name} op dit thema {finding}; " + rng.choice((
        "de gesprekken bevestigen het beeld uit de zelfevaluatie.",
        "de stukken laten minder zien dan de zelfevaluatie suggereert.",
        "de partners zijn positiever dan de gemeente zelf."))


def _recommendation_text(rng: random.Random, title: str, addressee: Addressee) -> str:
    if addressee is Addressee.national:
        return f"Vraag het Rijk om ontschotte financiering en één aanspreekpunt voor {title.lower()}."
    if addressee is Addressee.region:
        return (f"Breng met de andere gemeenten in de regio de knelpunten rond {title.lower()} in kaart en leg ze "
                "voor aan het Regionaal Veiligheidsoverleg.")
    return rng.choice((f"Versterk {title.lower()}: maak er een vast onderdeel van het veiligheidsbeleid van.",
                       f"Leg de afspraken over {title.lower()} vast en evalueer ze jaarlijks met de raad.",
                       f"Beleg {title.lower()} bij één verantwoordelijke en geef die de tijd en middelen."))


def _action_title(rng: random.Random) -> str:
    return rng.choice(("Veiligheidsanalyse actualiseren", "Integraal veiligheidsplan opstellen",
                       "Veiligheidstoets bij nieuw beleid invoeren", "Wijkteams betrekken bij de analyse",
                       "Jaarlijkse evaluatie in de raad", "Regionaal overleg over de zorgketen",
                       "Opleiding voor de coördinator", "Afspraken met partners vastleggen"))


def database_is_empty() -> bool:
    return db.session.scalar(select(func.count()).select_from(Region)) == 0 and \
        db.session.scalar(select(func.count()).select_from(User)) == 0
