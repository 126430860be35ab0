"""``make bench``: how fast the key pages and the exports are on national data, on SQLite and PostgreSQL side by
side, written to BENCHMARKS.md (README, "Benchmarks").

    .venv/bin/python scripts/bench.py [--requests 50] [--database sqlite|postgres|both] [--quick] [--rebuild]
                                      [--output BENCHMARKS.md]

On the synthetic national data set (``peerreview/seed/national*.py``: 342 gemeenten in 25 regions, 5 rounds; 10×)
and a tenth of it (34 gemeenten, same regions and rounds; 1×), for each database:

- server time of the key pages (result page, wizard section, region overview, benchmark, plan), in-process with
  the Flask test client, logged in through the real log-in form: median and 95th percentile of ``--requests``
  requests after warm-up, as a multiple of the floor page (the base layout, anonymous, no query); on 10×;
- the SQL statements of one request of each key page on 1× and on 10× (the same kind of target in both: the
  largest region's latest round, its first published evaluation, a draft for the wizard): they must be equal;
- the PDF report, the gemeente's and the region's Excel and the national Excel (when the app has one): median and
  slowest of up to 10 downloads, the peak of Python's memory (tracemalloc) and of the process's RSS during one,
  the size;
- throughput of the floor and the result page under ``gunicorn -w 2`` on 127.0.0.1, from ``wrk -t2 -c8``, 10 s per
  page in two alternating runs of 5 s (each bounded with ``timeout``; the better run counts), with the number of
  failed requests (anything but a 200).

It is a report: the exit code is 0 when a target is missed, 1 when a page or a step failed. Nothing is timed in
the tests. ``--quick`` runs everything on tiny data with a few requests (a smoke run of the bench itself) and
writes ``instance/bench/BENCHMARKS-quick.md`` unless ``--output`` is given.
"""

from __future__ import annotations

import argparse
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for folder in (HERE, ROOT):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import bench_data  # noqa: E402
import bench_load  # noqa: E402
import bench_measure  # noqa: E402
from bench_app import make_app  # noqa: E402
from bench_report import (  # noqa: E402
    fmt_bytes,
    fmt_int,
    fmt_ms,
    fmt_ratio,
    fmt_seconds,
    machine,
    mark,
    markdown_table,
    ratio,
)

#: The issue's targets.
PAGE_RATIO_MAX = 5.0
PDF_MAX_S = 2.0  # WeasyPrint lays out and tags the whole document (issue 20: under 2 s at national scale)
REGION_XLSX_MAX_S = 1.0
NATIONAL_XLSX_MAX_S = 10.0
NATIONAL_XLSX_MAX_BYTES = 300 * 2**20
THROUGHPUT_RATIO_MIN = 1 / 3

DATABASES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
PAGE_KEYS = ("results", "wizard", "region", "benchmark", "plan")
PAGE_TITLES = {"floor": "Floor page (base layout, anonymous, no query)", "results": "Result page",
               "wizard": "Wizard, one section", "region": "Region overview", "benchmark": "Benchmark",
               "plan": "Verbeterplan"}


@dataclass
class Settings:
    requests: int
    warmup: int
    export_runs: int
    export_budget: float  # seconds of downloads after which fewer than export_runs suffice (at least 3)
    wrk_seconds: int
    wrk_connections: int
    specs: tuple[bench_data.Spec, bench_data.Spec]
    rebuild: bool
    quick: bool


@dataclass
class DatabaseRun:
    key: str
    version: str = ""
    sets: list[bench_data.DataSet] = field(default_factory=list)
    targets: list[bench_data.Targets] = field(default_factory=list)  # 1× and 10×, for the query counts
    timed: bench_data.Targets | None = None  # 10×, for the timings (the wizard on a draft when there is one)
    timed_wizard_count: int | None = None  # the timed wizard page's statements, when it is not the counted one
    counts: list[dict[str, int]] = field(default_factory=list)
    timings: dict[str, bench_measure.Timing] = field(default_factory=dict)
    uncached: dict[str, bench_measure.Timing] = field(default_factory=dict)  # REPORT_CACHE_SIZE=0
    exports: list[bench_measure.ExportResult] = field(default_factory=list)
    load: dict[str, bench_load.LoadResult] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def name(self) -> str:
        return DATABASES[self.key]


def log(message: str = "") -> None:
    print(message, flush=True)


def _dispose(app) -> None:
    from peerreview.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _step(run: DatabaseRun, what: str, action) -> object:
    """Run one measurement; a failure is recorded (the report shows it, the exit code is 1) and the rest goes on."""
    try:
        return action()
    except Exception as error:
        run.errors.append(f"{what}: {type(error).__name__}: {error}")
        log(f"  ! {what} failed: {type(error).__name__}: {error}")
        traceback.print_exc()
        return None


def measure(run: DatabaseRun, settings: Settings, work: Path) -> None:
    """Everything on the two data sets of ``run`` (already built)."""
    secret = secrets.token_hex(32)
    instance = work / "instance"
    apps = [make_app(data.url, secret, str(instance)) for data in run.sets]
    try:
        found = [bench_data.wizard_statuses(app) for app in apps]
        common = [s for s in bench_data.WIZARD_STATUSES if all(s in f for f in found)]
        preferred = [s for s in bench_data.WIZARD_STATUSES if s in found[1]]
        if not common:
            raise LookupError("no stage of the self-evaluation that both data sets have in their latest rounds")
        run.targets = [bench_data.pick_targets(app, common[0]) for app in apps]
        for data, targets in zip(run.sets, run.targets, strict=True):
            log(f"  targets {data.spec.gemeenten}: {targets.describe()}")
        # The timed wizard page is a draft when the national set has one, even when the 1× set has none.
        run.timed = run.targets[1] if preferred[0] == common[0] else bench_data.pick_targets(apps[1], preferred[0])
        clients = [bench_measure.Clients(app, targets) for app, targets in zip(apps, run.targets, strict=True)]
        log("  SQL statements per page (1×, 10×) …")
        statements: list[dict[str, list[str]]] = [{}, {}]
        for app, targets, client, seen in zip(apps, run.targets, clients, statements, strict=True):
            counts = _step(run, f"query count ({targets.region_name})",
                           lambda a=app, t=targets, c=client, s=seen: bench_measure.count_queries(a, t, c, s))
            run.counts.append(counts or {})
        log(f"    1×  {run.counts[0]}\n    10× {run.counts[1]}")
        for key in statements[0]:
            if key in statements[1] and len(statements[0][key]) != len(statements[1][key]):
                log(f"    {key}: the statements differ:\n"
                    + bench_measure.statement_diff(statements[0][key], statements[1][key]))
        large, targets = apps[1], run.timed
        client = clients[1] if targets is run.targets[1] else bench_measure.Clients(large, targets)
        if targets is not run.targets[1]:
            counts = _step(run, "query count (timed wizard)",
                           lambda: bench_measure.count_queries(large, targets, client))
            run.timed_wizard_count = (counts or {}).get("wizard")
        log(f"  server time, {settings.requests} requests per page after {settings.warmup} warm-up …")
        run.timings = _step(run, "page timings", lambda: bench_measure.time_pages(
            large, targets, settings.requests, settings.warmup, client, log=log)) or {}
        if "report_cache" in large.extensions:
            # The report objects are cached per process until anything they are built from changes anywhere; the
            # same pages with the cache off show what the first view after such a change costs.
            log("  server time without the report cache (REPORT_CACHE_SIZE=0) …")
            uncached = make_app(run.sets[1].url, secret, str(instance), REPORT_CACHE_SIZE=0)
            apps.append(uncached)
            run.uncached = _step(run, "page timings without cache", lambda: bench_measure.time_pages(
                uncached, targets, settings.requests, settings.warmup, log=log)) or {}
        log("  exports …")
        run.exports = _step(run, "exports", lambda: bench_measure.measure_exports(
            large, targets, runs=settings.export_runs, budget=settings.export_budget, clients=client, log=log)) or []
        for app in apps:
            _dispose(app)
        log("  throughput under gunicorn -w 2 …")
        run.load = _step(run, "throughput", lambda: bench_load.throughput(
            run.sets[1].url, secret, str(instance), work, lead=targets.lead, password=targets.password,
            result_path=f"/evaluations/{targets.published_id}/results", duration=settings.wrk_seconds,
            connections=settings.wrk_connections, log=log)) or {}
    finally:
        for app in apps:
            _dispose(app)


def run_sqlite(settings: Settings, work: Path) -> DatabaseRun:
    import sqlite3

    run = DatabaseRun("sqlite", version=sqlite3.sqlite_version)
    started = time.perf_counter()
    log("SQLite")
    try:
        run.sets = [bench_data.sqlite_dataset(spec, work, rebuild=settings.rebuild, log=log) for spec in settings.specs]
        measure(run, settings, work)
    except Exception as error:
        run.errors.append(f"{type(error).__name__}: {error}")
        traceback.print_exc()
    run.seconds = time.perf_counter() - started
    return run


def run_postgres(settings: Settings, work: Path) -> DatabaseRun:
    from tests.support.postgres import ThrowawayPostgres

    run = DatabaseRun("postgres")
    started = time.perf_counter()
    log("PostgreSQL")
    server = None
    try:
        server = ThrowawayPostgres()
        server.start()
        log(f"  throwaway server on 127.0.0.1:{server.port} ({server.root})")
        run.version = _postgres_version(server)
        run.sets = [bench_data.postgres_dataset(server, spec, work, log=log) for spec in settings.specs]
        measure(run, settings, work)
    except Exception as error:
        run.errors.append(f"{type(error).__name__}: {error}")
        traceback.print_exc()
    finally:
        if server is not None:
            server.stop()
    run.seconds = time.perf_counter() - started
    return run


def _postgres_version(server) -> str:
    from sqlalchemy import create_engine, text

    engine = create_engine(server.url("postgres"))
    try:
        with engine.connect() as connection:
            return str(connection.execute(text("SHOW server_version")).scalar()).split(" ")[0]
    finally:
        engine.dispose()


# ------------------------------------------------------------------------------------------------ the report


def git_commit() -> str:
    """The commit, and whether the working tree differs from it (read-only: no optional index lock)."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,  # noqa: S607
                              text=True, timeout=20, check=True).stdout.strip()
        # Its own output, BENCHMARKS.md, does not count as a change.
        dirty = subprocess.run(["git", "--no-optional-locks", "status", "--porcelain", "--", ".",  # noqa: S607
                                ":(exclude)BENCHMARKS.md"], cwd=ROOT, capture_output=True, text=True, timeout=60,
                               check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown (no git)"
    return f"{head} + uncommitted changes" if dirty else head


def _page_ok(run: DatabaseRun, key: str) -> bool | None:
    if key not in run.timings or "floor" not in run.timings:
        return None
    return run.timings[key].median <= PAGE_RATIO_MAX * run.timings["floor"].median


def _counts_equal(run: DatabaseRun, key: str) -> bool | None:
    if len(run.counts) != 2 or key not in run.counts[0] or key not in run.counts[1]:
        return None
    return run.counts[0][key] == run.counts[1][key]


def _export_ok(result: bench_measure.ExportResult) -> bool | None:
    if result.median is None:
        return None
    if result.key == "pdf":
        return result.median < PDF_MAX_S
    if result.key == "region_xlsx":
        return result.median < REGION_XLSX_MAX_S
    if result.key == "national_xlsx":
        return result.median < NATIONAL_XLSX_MAX_S and (result.peak_python or 0) < NATIONAL_XLSX_MAX_BYTES
    return None


EXPORT_TARGETS = {"pdf_build": "—", "pdf": "< 2 s", "xlsx": "—", "region_xlsx": "< 1 s",
                  "national_xlsx": "< 10 s, < 300 MB"}


def _throughput_ratio(run: DatabaseRun) -> float | None:
    if "floor" not in run.load or "results" not in run.load:
        return None
    return ratio(run.load["results"].rps, run.load["floor"].rps)


def _throughput_ok(run: DatabaseRun) -> bool | None:
    value = _throughput_ratio(run)
    if value is None:
        return None
    return value >= THROUGHPUT_RATIO_MIN and all(r.errors == 0 for r in run.load.values())


def target_lines(runs: list[DatabaseRun]) -> list[str]:
    """One line per target: met or missed, per database."""
    def per_db(check) -> str:
        return ", ".join(f"{run.name} {mark(check(run))}" for run in runs)

    lines = []
    for key in PAGE_KEYS:
        lines.append(f"- {PAGE_TITLES[key]} at most {PAGE_RATIO_MAX:g}× the floor page at median: "
                     + per_db(lambda run, k=key: _page_ok(run, k)))
    lines.append("- Query counts equal at 1× and 10×: " + per_db(
        lambda run: None if not run.counts or len(run.counts) != 2 else all(
            _counts_equal(run, k) for k in ("floor", *PAGE_KEYS))))
    lines.append("- Floor page makes no query: " + per_db(
        lambda run: None if not run.counts else all(c.get("floor") == 0 for c in run.counts)))
    for key, label in (("pdf", "PDF under 2 s (downloaded again: the kept file)"),
                       ("region_xlsx", "Region's Excel under 1 s"),
                       ("national_xlsx", "National Excel under 10 s with peak memory under 300 MB")):
        lines.append(f"- {label}: " + per_db(
            lambda run, k=key: next((_export_ok(e) for e in run.exports if e.key == k), None)))
    lines.append("- Result-page throughput at least a third of the floor's, zero errors: "
                 + per_db(_throughput_ok))
    return lines


def render(runs: list[DatabaseRun], settings: Settings, info: dict[str, str], commit: str, started_at: datetime,
           total_seconds: float) -> str:
    names = [run.name for run in runs]
    out: list[str] = ["# Benchmarks", ""]
    if settings.quick:
        out += ["**Smoke run (`--quick`): tiny data and few requests. These figures are not a report.**", ""]
    out += [f"Written by `make bench` (`scripts/bench.py`); see README, \"Benchmarks\". "
            f"Run took {total_seconds / 60:.1f} min.", ""]
    out += [markdown_table(["", ""], [
        ["Date (UTC)", started_at.strftime("%Y-%m-%d %H:%M")],
        ["Commit", commit],
        ["CPU", f"{info['cpu']} ({info['cores']} cores)"],
        ["Memory", info["memory"]],
        ["System", info["os"]],
        ["Python", info["python"]],
        ["Databases", ", ".join(f"{run.name} {run.version}" for run in runs)],
        ["Load generator", info["wrk"]],
    ], align="ll"), ""]

    # The data sets.
    out += ["## Data", ""]
    first = next((run for run in runs if len(run.sets) == 2), None)
    if first is not None:
        small, large = first.sets
        rows = [["Parameters", small.spec.label, large.spec.label]]
        for key in large.summary["counts"]:
            rows.append([key.replace("_", " "), fmt_int(small.summary["counts"].get(key)),
                         fmt_int(large.summary["counts"].get(key))])
        rows.append(["latest round", _statuses(small.summary), _statuses(large.summary)])
        rows.append(["largest region", f"{small.summary['largest_region_size']} gemeenten",
                     f"{large.summary['largest_region_size']} gemeenten"])
        for run in runs:
            rows.append([f"built on {run.name}"] + [
                "cached" if data.build_seconds is None else f"{data.build_seconds:.1f} s" for data in run.sets])
        out += [markdown_table(["", "1×", "10×"], rows, align="lrr"), ""]
        out += ["Years " + "–".join(str(y) for y in (large.summary["years"][0], large.summary["years"][-1]))
                + "; synthetic, from `peerreview/seed/national*.py` (`flask seed national`).", ""]
        if first.targets:
            out += ["Targets (the same on both databases; for the query counts the wizard's evaluation is in a stage "
                    "both data sets have):", ""]
            out += [f"- {label}: {targets.describe()}" for label, targets in zip(("1×", "10×"), first.targets,
                                                                                  strict=True)]
            if first.timed is not None and first.timed is not first.targets[1]:
                out.append(f"- Timed (10×), where it differs: wizard on evaluation {first.timed.wizard_id} "
                           f"({first.timed.wizard_municipality}, {first.timed.wizard_status})")
            out.append("")

    out += ["## Targets", ""] + target_lines(runs) + [""]

    # Pages.
    out += ["## Server time per page (10×)", "",
            f"In-process (Flask test client, logged in through the log-in form), {settings.requests} requests per "
            f"page after {settings.warmup} warm-up requests; ratio = median ÷ the floor page's median "
            f"(target ≤ {PAGE_RATIO_MAX:g}×).", ""]
    uncached = any(run.uncached for run in runs)
    if uncached:
        out += ["*Without cache*: the median of the same requests with the per-process cache of report objects off "
                "(`REPORT_CACHE_SIZE=0`), as the first view after a change to anything a report is built from.", ""]
    headers = ["page"]
    for name in names:
        headers += [f"{name} median", "p95", "÷ floor", "≤ 5×"] + (["without cache"] if uncached else [])
    rows = []
    for key in ("floor", *PAGE_KEYS):
        row = [PAGE_TITLES[key]]
        for run in runs:
            timing = run.timings.get(key)
            floor = run.timings.get("floor")
            row += [fmt_ms(timing.median if timing else None), fmt_ms(timing.p95 if timing else None),
                    fmt_ratio(ratio(timing.median, floor.median) if timing and floor else None),
                    "" if key == "floor" else mark(_page_ok(run, key))]
            if uncached:
                row.append(fmt_ms(run.uncached[key].median) if key in run.uncached else "—")
        rows.append(row)
    out += [markdown_table(headers, rows, align="l" + ("rrrl" + "r" * uncached) * len(runs)), ""]

    # Queries.
    out += ["## SQL statements per page", "", "One request after warm-up, counted on the engine "
            "(`before_cursor_execute`); 1× and 10× must be equal.", ""]
    headers = ["page"]
    for name in names:
        headers += [f"{name} 1×", f"{name} 10×", "equal"]
    rows = []
    for key in ("floor", *PAGE_KEYS):
        row = [PAGE_TITLES[key]]
        for run in runs:
            counts = run.counts + [{}] * (2 - len(run.counts))
            row += [fmt_int(counts[0].get(key)), fmt_int(counts[1].get(key)), mark(_counts_equal(run, key))]
        rows.append(row)
    if any(run.timed_wizard_count is not None for run in runs):
        row = [f"{PAGE_TITLES['wizard']}, the timed one ({next(r.timed.wizard_status for r in runs if r.timed)}, "
               "10× only)"]
        for run in runs:
            row += ["", fmt_int(run.timed_wizard_count), ""]
        rows.append(row)
    out += [markdown_table(headers, rows, align="l" + "rrl" * len(runs)), ""]

    # Exports.
    out += ["## Exports (10×)", "", f"Whole requests in-process: median and slowest of up to "
            f"{settings.export_runs} downloads after a warm-up (fewer, at least 3, once {settings.export_budget:g} s "
            "are spent); peak memory: tracemalloc's peak (Python) during one more download, and how far the "
            "process's peak RSS rose in it.", ""]
    headers = ["export", "target"]
    for name in names:
        headers += [f"{name} median / slowest", "peak memory (Python; RSS rise)", "size", "met"]
    rows = []
    for key in EXPORT_TARGETS:
        found = [next((e for e in run.exports if e.key == key), None) for run in runs]
        title = next((e.title for e in found if e is not None), key)
        row = [title, EXPORT_TARGETS[key]]
        for result in found:
            if result is None or result.median is None:
                row += [result.note if result is not None and result.note else "—", "—", "—", "—"]
                continue
            row += [f"{fmt_seconds(result.median)} / {fmt_seconds(result.max)} ({result.runs}×)",
                    f"{fmt_bytes(result.peak_python)}; +{fmt_bytes(result.rss_growth)}", fmt_bytes(result.size),
                    mark(_export_ok(result))]
        rows.append(row)
    out += [markdown_table(headers, rows, align="ll" + "rrrl" * len(runs)), ""]

    # Throughput.
    out += ["## Throughput under gunicorn (10×)", "",
            f"`gunicorn -w 2` (sync workers) on 127.0.0.1, `wrk -t2 -c{settings.wrk_connections}`, "
            f"{settings.wrk_seconds} s per page in two alternating runs of {settings.wrk_seconds / 2:g} s "
            "(floor, result page, floor, result page; the better run of each page counts: other work on this shared "
            "machine only ever slows a run down); "
            "wrk shares the machine's cores with gunicorn; errors = socket errors and "
            "answers other than 200; per answer = what wrk read per request (headers and page: the right page came "
            "back); load before = the machine's 1-minute load average when the runs started (mean). "
            "Target: result page ≥ ⅓ of the floor's requests per second, no errors.",
            ""]
    headers = ["page"]
    for name in names:
        headers += [f"{name} req/s", "latency p50", "p99", "errors", "per answer", "load before"]
    rows = []
    for key in ("floor", "results"):
        row = [PAGE_TITLES[key]]
        for run in runs:
            result = run.load.get(key)
            row += ["—"] * 6 if result is None else [
                f"{result.rps:,.0f}" if result.rps is not None else "—", fmt_ms(result.latency_p50),
                fmt_ms(result.latency_p99), fmt_int(result.errors), fmt_bytes(result.bytes_per_answer),
                "—" if result.load_before is None else f"{result.load_before:.2f}"]
        rows.append(row)
    row = ["Result page ÷ floor (≥ 0.33)"]
    for run in runs:
        row += [fmt_ratio(_throughput_ratio(run)), "", "", mark(_throughput_ok(run)), "", ""]
    rows.append(row)
    out += [markdown_table(headers, rows, align="l" + "rrrrrr" * len(runs)), ""]

    errors = [(run.name, error) for run in runs for error in run.errors]
    if errors:
        out += ["## Errors", ""] + [f"- {name}: {error}" for name, error in errors] + [""]
    out += ["Settings: production configuration (no DEBUG, no TESTING, log-in throttling on; only the session "
            "cookie's Secure flag is off, as `make run` sets it for plain http), see `scripts/bench_app.py`. "
            + " ".join(f"{run.name}: {run.seconds / 60:.1f} min." for run in runs), ""]
    return "\n".join(out)


def _statuses(summary: dict) -> str:
    return ", ".join(f"{key.replace('_', ' ')} {value}" for key, value in summary.get("statuses", {}).items())


# ------------------------------------------------------------------------------------------------ main


def parse(argv: list[str] | None) -> tuple[argparse.Namespace, Settings]:
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()).replace("``", "`"))
    parser.add_argument("--requests", type=int, default=None,
                        help="timed requests per page (default 50, the minimum for the report; --quick: 5)")
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--quick", action="store_true", help="tiny data, few requests: a smoke run, not a report")
    parser.add_argument("--rebuild", action="store_true", help="build the cached SQLite data sets again")
    parser.add_argument("--output", type=Path, default=None,
                        help="where the Markdown goes (default BENCHMARKS.md; --quick: instance/bench/)")
    options = parser.parse_args(argv)
    requests = options.requests if options.requests is not None else (5 if options.quick else 50)
    if requests < 1 or (requests < 50 and not options.quick):
        parser.error("--requests: at least 50 for the report (use --quick for a smoke run)")
    if options.output is None:
        options.output = bench_data.CACHE / "BENCHMARKS-quick.md" if options.quick else ROOT / "BENCHMARKS.md"
    settings = Settings(
        requests=requests, warmup=2 if options.quick else 5, export_runs=3 if options.quick else 10,
        export_budget=5.0 if options.quick else 40.0, wrk_seconds=2 if options.quick else 10, wrk_connections=8,
        specs=bench_data.QUICK if options.quick else bench_data.FULL, rebuild=options.rebuild, quick=options.quick)
    return options, settings


def main(argv: list[str] | None = None) -> int:
    options, settings = parse(argv)
    started_at, started = datetime.now(UTC), time.perf_counter()
    databases = ("sqlite", "postgres") if options.database == "both" else (options.database,)
    work = Path(tempfile.mkdtemp(prefix="peerreview-bench-"))
    runs = []
    try:
        for database in databases:
            runs.append(run_sqlite(settings, work) if database == "sqlite" else run_postgres(settings, work))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    from tests.support.postgres import find_pg_bin

    text = render(runs, settings, machine(find_pg_bin()), git_commit(), started_at, time.perf_counter() - started)
    log()
    log(text)
    options.output.parent.mkdir(parents=True, exist_ok=True)
    options.output.write_text(text)
    log(f"Written to {options.output}")
    return 1 if any(run.errors for run in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
