"""The synthetic country: region names, gemeenten with their names, sizes and inhabitants, people's names and user
rows, the :class:`Gemeente` that the rounds build on; and the counted bulk writer and the timestamps that the
generator (:mod:`.national`) and the rounds (:mod:`.national_rounds`) share."""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert

from ..domain.roles import Role
from ..extensions import db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

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


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), AMSTERDAM)


def _chunks(rows: list[dict[str, Any]], size: int = 5000) -> Iterable[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


class Writer:
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


def region_sizes(rng: random.Random, gemeenten: int, regions: int) -> list[int]:
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


@dataclass
class Gemeente:
    id: int
    code: str
    name: str
    region: int  # index
    lead: int = 0
    contributors: tuple[int, ...] = ()
    peer: int = 0
    true_level: dict[str, float] = field(default_factory=dict)
    optimism: float = 0.0


def _user(email: str, name: str, role: Role, municipality_id: int | None, region_id: int | None, password_hash: str,
          created: datetime) -> dict[str, Any]:
    return {"email": email, "name": name, "role": role, "municipality_id": municipality_id, "region_id": region_id,
            "password_hash": password_hash, "created_at": created, "activated_at": created,
            "password_changed_at": created, "is_active": True}
