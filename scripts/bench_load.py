"""Throughput under gunicorn (2 sync workers on 127.0.0.1), driven by wrk (Debian), bounded in time.

The floor page is requested anonymously; the result page with the session cookie of the gemeente's lead, logged
in through the real log-in form of the gunicorn app (same SECRET_KEY), and with the same User-Agent (a log-in is
tied to its browser, SESSION_BINDING). A Lua script counts every answer that is not a 200, so a redirect to the
log-in page counts as an error too.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from bench_app import FLOOR_PATH, ROOT
from bench_measure import USER_AGENT, PageError
from bench_report import WRK_SCRIPT, parse_wrk, wrk_errors

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass
class LoadResult:
    path: str
    rps: float | None
    requests: int | None
    latency_mean: float | None
    latency_p50: float | None
    latency_p99: float | None
    errors: int
    output: str
    bytes_per_answer: float | None = None  # what wrk read per request (headers and body): the page it got
    load_before: float | None = None  # the machine's load average (1 min) when the run started


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """``gunicorn -w 2`` serving scripts/bench_wsgi.py for one database; a context manager."""

    def __init__(self, database_url: str, secret_key: str, instance_path: str, log_file: Path,
                 workers: int = 2) -> None:
        self.port = free_port()
        self.log_file = log_file
        self.env = dict(os.environ, BENCH_DATABASE_URL=database_url, BENCH_SECRET_KEY=secret_key,
                        BENCH_INSTANCE_PATH=instance_path)
        self.command = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{self.port}",
                        "--pythonpath", str(ROOT / "scripts"), "--error-logfile", str(log_file),
                        "--log-level", "warning", "--graceful-timeout", "10", "bench_wsgi:app"]
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL,  # noqa: S603
                                        stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped at start-up (exit {self.process.returncode}); see "
                                   f"{self.log_file}:\n{self._log_tail()}")
            try:
                if self.request("GET", FLOOR_PATH)[0] == 200:
                    # both workers up: a few more answers
                    for _ in range(4):
                        self.request("GET", FLOOR_PATH)
                    return self
            except OSError:
                pass
            time.sleep(0.25)
        self.__exit__(None, None, None)
        raise RuntimeError(f"gunicorn did not answer within 90 s; see {self.log_file}")

    def __exit__(self, *exc: object) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # graceful: the arbiter stops its workers
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def _log_tail(self) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-20:])
        except OSError:
            return ""

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def request(self, method: str, path: str, body: str | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str, list[str]]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            all_headers = {"User-Agent": USER_AGENT, **(headers or {})}
            connection.request(method, path, body=body, headers=all_headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", errors="replace")
            cookies = response.headers.get_all("Set-Cookie") or []
            return response.status, dict(response.getheaders()), text, cookies
        finally:
            connection.close()

    def login(self, email: str, password: str) -> str:
        """The session cookie (``session=…``) of a fresh log-in through the form."""
        status, _headers, text, cookies = self.request("GET", "/auth/login")
        match = _CSRF.search(text)
        if status != 200 or not match:
            raise PageError(f"gunicorn log-in page: status {status}")
        cookie = _session_cookie(cookies)
        body = urlencode({"email": email, "password": password, "csrf_token": match.group(1)})
        status, _headers, _text, cookies = self.request(
            "POST", "/auth/login", body, {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
        if status != 302:
            raise PageError(f"gunicorn log-in as {email}: status {status}")
        return _session_cookie(cookies)


def _session_cookie(set_cookies: list[str]) -> str:
    for header in set_cookies:
        pair = header.split(";", 1)[0].strip()
        if pair.startswith("session="):
            return pair
    raise PageError("no session cookie in the answer")


def run_wrk(url: str, headers: dict[str, str], *, duration: int, connections: int, threads: int,
            script: Path) -> LoadResult:
    """``timeout <duration + 30> wrk`` with the counting script; the result parsed."""
    command = ["timeout", str(duration + 30), shutil.which("wrk") or "wrk", f"-t{threads}", f"-c{connections}",
               f"-d{duration}s", "--latency", "-s", str(script)]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(url)
    load_before = os.getloadavg()[0]
    done = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60, check=False)  # noqa: S603
    output = done.stdout + done.stderr
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed (exit {done.returncode}): {output.strip()[:500]}")
    parsed = parse_wrk(output)
    percentiles = parsed["latency_percentiles"]
    return LoadResult(path=url, rps=parsed["rps"], requests=parsed["requests"], latency_mean=parsed["latency_mean"],
                      latency_p50=percentiles.get(50.0), latency_p99=percentiles.get(99.0),
                      errors=wrk_errors(parsed), output=output, load_before=load_before,
                      bytes_per_answer=parsed["bytes_read"] / parsed["requests"] if parsed["requests"] else None)


def combine(runs: list[LoadResult]) -> LoadResult:
    """Several runs of one page as one: the best run's requests per second and latencies (other work on a shared
    machine only ever slows a run down), every run's errors, the bytes per answer over all requests, the mean load
    average."""
    best = max(runs, key=lambda r: r.rps or 0)
    requests = sum(r.requests or 0 for r in runs)
    read = sum((r.bytes_per_answer or 0) * (r.requests or 0) for r in runs)
    loads = [r.load_before for r in runs if r.load_before is not None]
    return LoadResult(path=best.path, rps=best.rps, requests=requests, latency_mean=best.latency_mean,
                      latency_p50=best.latency_p50, latency_p99=best.latency_p99, errors=sum(r.errors for r in runs),
                      output="\n".join(r.output for r in runs), bytes_per_answer=read / requests if requests else None,
                      load_before=sum(loads) / len(loads) if loads else None)


def throughput(database_url: str, secret_key: str, instance_path: str, work: Path, *, lead: str, password: str,
               result_path: str, duration: int, connections: int = 8, threads: int = 2, rounds: int = 2,
               log=print) -> dict[str, LoadResult]:
    """wrk against the floor page and the result page of one gunicorn, in ``rounds`` alternating runs of
    ``duration / rounds`` seconds each (so a passing burst of other work on the machine does not fall on one page
    only); checks first that both answer 200."""
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed (make bench installs it: scripts/ensure-bench-packages.sh)")
    script = work / "count-non200.lua"
    script.write_text(WRK_SCRIPT)
    runs: dict[str, list[LoadResult]] = {"floor": [], "results": []}
    each = max(1, round(duration / rounds))
    with Gunicorn(database_url, secret_key, instance_path, work / "gunicorn.log") as server:
        cookie = server.login(lead, password)
        pages = (("floor", FLOOR_PATH, {}), ("results", result_path, {"Cookie": cookie}))
        for _key, path, headers in pages:
            for _ in range(4):  # warm both workers' caches
                status, _h, _t, _c = server.request("GET", path, headers=headers)
                if status != 200:
                    raise PageError(f"gunicorn GET {path}: status {status}")
        for _round in range(rounds):
            for key, path, headers in pages:
                result = run_wrk(server.base + path, {"User-Agent": USER_AGENT, **headers}, duration=each,
                                 connections=connections, threads=threads, script=script)
                runs[key].append(result)
                log(f"    wrk {key:<8} {result.rps or 0:9.1f} req/s   p50 {(result.latency_p50 or 0) * 1000:7.1f} ms"
                    f"   errors {result.errors}   {(result.bytes_per_answer or 0) / 1024:.0f} kB/answer   "
                    f"(load average {result.load_before:.2f} before)")
    return {key: combine(found) for key, found in runs.items()}
