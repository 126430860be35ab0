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

The country (names, sizes, people) is made in :mod:`.national_country`, the rounds in :mod:`.national_rounds`;
this module puts them together in :func:`load_national`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from ..domain.evaluations import EvaluationStatus
from ..domain.questionnaire import Questionnaire
from ..domain.reviews import review_items
from ..domain.roles import Role
from ..evaluations.rounds import offered_questionnaires
from ..extensions import db
from ..models import Municipality, Region, RegionMembership, Round, User
from .national_country import (
    AMSTERDAM,
    REGION_NAMES,
    Gemeente,
    Writer,
    _at,
    _inhabitants,
    _names,
    _person,
    _user,
    region_sizes,
)
from .national_rounds import RoundPlan

__all__ = ["AMSTERDAM", "FIRST_CODE", "MAX_GEMEENTEN", "NATIONAL_DOMAIN", "NATIONAL_PASSWORD", "REGION_NAMES",
           "NationalSummary", "database_is_empty", "default_year", "load_national", "national_email"]

NATIONAL_DOMAIN = "synthetisch.peerreview.nl"
NATIONAL_PASSWORD = "synthetisch-Toetsing-2026"  # noqa: S105 (fictional accounts of a synthetic data set)
FIRST_CODE = 5001  # GM5001 …: no real gemeente has a code in this range
MAX_GEMEENTEN = 999


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


# ------------------------------------------------------------------------------------------------ the generator


def load_national(*, gemeenten: int = 342, rounds: int = 5, seed: int = 1, regions: int = 25, year: int | None = None,
                  questionnaire: Questionnaire | None = None, password_method: str = "scrypt") -> NationalSummary:  # noqa: S107
    """Fill the (empty) database of the current app context; flushes, the caller commits."""
    from ..dates import today as dutch_today
    from ..questionnaire_registry import record_use

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
    write = Writer()
    # One hash for every synthetic account: hashing 1,400 passwords with scrypt would take minutes.
    password_hash = generate_password_hash(NATIONAL_PASSWORD, method=password_method)
    created = _at(date(years[0] - 1, 11, 1))

    region_ids = write.ids("regions", Region, [
        {"name": f"Veiligheidsregio {REGION_NAMES[i]} (synthetisch)", "created_at": created,
         "description": "Synthetische regio voor metingen op landelijke schaal; alle namen en cijfers zijn verzonnen."}
        for i in range(regions)])
    sizes = region_sizes(rng, gemeenten, regions)
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
    places = [Gemeente(municipality_ids[i], codes[i], names[i], member_region[i]) for i in range(gemeenten)]
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
    by_region: dict[int, list[Gemeente]] = {}
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
        plan = RoundPlan(rng, questionnaire, items, knelpunten, round_year, round_index, latest)
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


def database_is_empty() -> bool:
    return db.session.scalar(select(func.count()).select_from(Region)) == 0 and \
        db.session.scalar(select(func.count()).select_from(User)) == 0
