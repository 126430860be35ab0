"""The benchmark's data: the synthetic national set (``peerreview/seed/national*.py``) at 1× and 10×, and the pages'
targets in it.

SQLite: the built file is kept in ``instance/bench/`` under a name made of the parameters, the year of the latest
round, the Alembic head revision and a hash of ``peerreview/seed/national*.py`` and the questionnaire files (so a
change to any of them builds it again); the bench measures a copy, so log-ins and downloads never change the
cached file. PostgreSQL: built fresh on the throwaway server, by the same function, then analysed.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench_app import ROOT, alembic_head, make_app, migrate

CACHE = ROOT / "instance" / "bench"


@dataclass(frozen=True)
class Spec:
    """The parameters of ``load_national``."""

    gemeenten: int
    rounds: int = 5
    seed: int = 1
    regions: int = 25

    @property
    def label(self) -> str:
        return f"{self.gemeenten} gemeenten, {self.regions} regio's, {self.rounds} rondes, seed {self.seed}"


#: 1×: a tenth of the country; 10×: the country.
FULL = (Spec(gemeenten=34), Spec(gemeenten=342))
#: ``--quick``: tiny, for a smoke run of the bench itself.
QUICK = (Spec(gemeenten=10, rounds=2, regions=5), Spec(gemeenten=100, rounds=2, regions=5))


@dataclass
class DataSet:
    spec: Spec
    url: str
    summary: dict
    build_seconds: float | None = None  # None: reused from the cache
    cache_file: Path | None = None
    notes: list[str] = field(default_factory=list)


def latest_year() -> int:
    from peerreview.dates import today
    from peerreview.seed.national import default_year

    return default_year(today())


def source_hash() -> str:
    """peerreview/seed/national*.py and the questionnaire files: what decides the data besides the parameters."""
    digest = hashlib.sha256()
    files = sorted((ROOT / "peerreview" / "seed").glob("national*.py"))
    files += sorted(p for p in (ROOT / "questionnaires").rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml"))
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def cache_stem(spec: Spec) -> str:
    return f"national-g{spec.gemeenten}-r{spec.rounds}-s{spec.seed}-n{spec.regions}"


def cache_name(spec: Spec, year: int, head: str, source: str) -> str:
    return f"{cache_stem(spec)}-y{year}-{head}-{source}"


def _summary_dict(summary) -> dict:
    return {"seed": summary.seed, "years": list(summary.years), "counts": dict(summary.counts),
            "statuses": dict(summary.statuses), "largest_region": summary.largest_region,
            "largest_region_size": summary.largest_region_size, "inhabitants": list(summary.inhabitants)}


def load_into(url: str, spec: Spec, year: int, instance_path: str) -> dict:
    """Migrate the empty database at ``url`` and fill it with the national set; returns the summary."""
    from peerreview.extensions import db
    from peerreview.seed.national import load_national

    app = make_app(url, secrets.token_hex(32), instance_path)
    migrate(app)
    with app.app_context():
        summary = load_national(gemeenten=spec.gemeenten, rounds=spec.rounds, seed=spec.seed, regions=spec.regions,
                                year=year, password_method=app.config["PASSWORD_HASH_METHOD"])
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return _summary_dict(summary)


def sqlite_dataset(spec: Spec, work: Path, *, rebuild: bool, log=print) -> DataSet:
    """The cached SQLite file (built when missing or ``rebuild``), copied into ``work`` for measuring."""
    year = latest_year()
    name = cache_name(spec, year, alembic_head(), source_hash())
    CACHE.mkdir(parents=True, exist_ok=True)
    cached, meta = CACHE / f"{name}.sqlite", CACHE / f"{name}.json"
    build_seconds = None
    if rebuild or not (cached.exists() and meta.exists()):
        for stale in CACHE.glob(f"{cache_stem(spec)}-*"):  # an older year, schema or generator
            stale.unlink()
        partial = CACHE / f"{name}.building"
        partial.unlink(missing_ok=True)
        log(f"  SQLite: building the national set ({spec.label}) …")
        started = time.perf_counter()
        summary = load_into(f"sqlite:///{partial}", spec, year, str(work / "instance"))
        build_seconds = time.perf_counter() - started
        meta.write_text(json.dumps({"spec": spec.__dict__, "year": year, "summary": summary,
                                    "build_seconds": build_seconds}, indent=1))
        partial.rename(cached)
        log(f"  SQLite: built in {build_seconds:.1f} s → {cached.relative_to(ROOT)}")
    else:
        log(f"  SQLite: reusing {cached.relative_to(ROOT)}")
    summary = json.loads(meta.read_text())["summary"]
    copy = work / f"{name}.sqlite"
    shutil.copyfile(cached, copy)
    return DataSet(spec=spec, url=f"sqlite:///{copy}", summary=summary, build_seconds=build_seconds,
                   cache_file=cached)


def postgres_dataset(server, spec: Spec, work: Path, log=print) -> DataSet:
    """A fresh database on the throwaway server, filled by the same function, then ``VACUUM ANALYZE``d.

    Without that the measurements race autovacuum: right after the bulk load PostgreSQL has no statistics yet and
    plans sequential scans (the region overview's count of authors over ``answers`` took 35 ms instead of 1.5 ms),
    until autovacuum analyses the tables at some moment during the run. A production database has long been
    analysed by autovacuum."""
    from sqlalchemy import create_engine, text

    url = server.create_database(f"bench_g{spec.gemeenten}_r{spec.rounds}_s{spec.seed}_n{spec.regions}")
    log(f"  PostgreSQL: building the national set ({spec.label}) …")
    started = time.perf_counter()
    summary = load_into(url, spec, latest_year(), str(work / "instance"))
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text("VACUUM ANALYZE"))
    finally:
        engine.dispose()
    build_seconds = time.perf_counter() - started
    log(f"  PostgreSQL: built and analysed in {build_seconds:.1f} s")
    return DataSet(spec=spec, url=url, summary=summary, build_seconds=build_seconds)


# ------------------------------------------------------------------------------------------------ targets

#: The wizard's evaluation: the first of these stages that both data sets have in the chosen round (the 1× set
#: may have no draft left).
WIZARD_STATUSES = ("draft", "submitted", "in_peer_review")


@dataclass
class Targets:
    """What each key page is requested for, and by whom (e-mail addresses; one password for all)."""

    region_id: int
    region_name: str
    region_size: int
    round_id: int
    round_year: int
    published_id: int  # a published evaluation (report out, plan under way) of that round
    municipality: str
    wizard_id: int  # an evaluation still in the self-evaluation (draft when there is one)
    wizard_status: str
    wizard_municipality: str
    section_id: str  # a knelpunt section of the wizard
    lead: str
    contributor: str
    coordinator: str
    admin: str
    password: str

    def describe(self) -> str:
        return (f"{self.region_name} ({self.region_size} gemeenten), round {self.round_year}; result, benchmark, "
                f"plan and PDF: evaluation {self.published_id} ({self.municipality}, published); wizard: "
                f"evaluation {self.wizard_id} ({self.wizard_municipality}, {self.wizard_status}), section "
                f"{self.section_id!r}")


def wizard_statuses(app) -> set[str]:
    """The stages an evaluation of the latest rounds is in (to choose a wizard stage both data sets have)."""
    from sqlalchemy import func, select

    from peerreview.extensions import db
    from peerreview.models import Evaluation, Round

    with app.app_context():
        latest = select(func.max(Round.year)).scalar_subquery()
        found = db.session.scalars(select(Evaluation.status).join(Round, Evaluation.round_id == Round.id)
                                   .where(Round.year == latest).distinct()).all()
        db.session.remove()
    return {getattr(status, "value", status) for status in found}


def pick_targets(app, wizard_status: str) -> Targets:
    """The largest region (most members; the lowest id on a tie), its latest round, the first published
    evaluation of that round (lowest id) and the first in ``wizard_status`` (that round, else the latest round of
    the next-largest region that has one), with the users who see each page."""
    from sqlalchemy import func, select

    from peerreview.domain.evaluations import EvaluationStatus
    from peerreview.domain.roles import Role
    from peerreview.extensions import db
    from peerreview.models import Evaluation, Municipality, Region, RegionMembership, Round, User
    from peerreview.questionnaire_registry import get_questionnaire
    from peerreview.seed.national import NATIONAL_PASSWORD

    with app.app_context():
        session = db.session
        sizes = session.execute(select(RegionMembership.region_id, func.count()).group_by(RegionMembership.region_id)
                                ).all()
        regions = [region_id for region_id, _ in sorted(sizes, key=lambda row: (-row[1], row[0]))]
        size_of = dict(sizes)
        region = session.get(Region, regions[0])

        def latest_round(region_id: int) -> Round:
            return session.scalars(select(Round).where(Round.region_id == region_id)
                                   .order_by(Round.year.desc(), Round.id.desc()).limit(1)).one()

        def first(round_id: int, status: EvaluationStatus) -> Evaluation | None:
            return session.scalars(select(Evaluation).where(Evaluation.round_id == round_id,
                                                            Evaluation.status == status)
                                   .order_by(Evaluation.id).limit(1)).one_or_none()

        def user(role: Role, **where: int) -> str:
            query = select(User.email).where(User.role == role, User.is_active.is_(True))
            for column, value in where.items():
                query = query.where(getattr(User, column) == value)
            email = session.scalars(query.order_by(User.id).limit(1)).first()
            if email is None:
                raise LookupError(f"no active {role.value} user for {where}")
            return email

        round_ = latest_round(region.id)
        published = first(round_.id, EvaluationStatus.published)
        if published is None:
            raise LookupError(f"no published evaluation in round {round_.id} of {region.name}")
        wizard = None
        for region_id in regions:
            wizard = first(latest_round(region_id).id, EvaluationStatus(wizard_status))
            if wizard is not None:
                break
        if wizard is None:
            raise LookupError(f"no evaluation in stage {wizard_status} in the latest rounds")
        questionnaire = get_questionnaire(round_.questionnaire_key, round_.questionnaire_version)
        targets = Targets(
            region_id=region.id, region_name=region.name, region_size=size_of[region.id], round_id=round_.id,
            round_year=round_.year, published_id=published.id,
            municipality=session.get(Municipality, published.municipality_id).name,
            wizard_id=wizard.id, wizard_status=wizard_status,
            wizard_municipality=session.get(Municipality, wizard.municipality_id).name,
            section_id=questionnaire.knelpunt_sections[0].id,
            lead=user(Role.municipal_lead, municipality_id=published.municipality_id),
            contributor=user(Role.municipal_contributor, municipality_id=wizard.municipality_id),
            coordinator=user(Role.region_coordinator, region_id=region.id),
            admin=user(Role.admin), password=NATIONAL_PASSWORD)
        session.remove()
    return targets
