"""Pure helpers of the benchmark (``make bench``): statistics, wrk's output, the Markdown tables. No app, no I/O
beyond reading what the machine is (``machine()``), so ``tests/test_bench.py`` tests them directly."""

from __future__ import annotations

import math
import os
import platform
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Sequence
from pathlib import Path

# ------------------------------------------------------------------------------------------------ statistics


def percentile(values: Sequence[float], fraction: float) -> float:
    """The ``fraction`` (0..1) quantile with linear interpolation between the closest ranks (numpy's default):
    ``percentile(xs, 0.5)`` is the median, ``percentile(xs, 0.95)`` the 95th percentile."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= fraction <= 1:
        raise ValueError("fraction must lie between 0 and 1")
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low, high = math.floor(position), math.ceil(position)
    if low == high:
        return float(ordered[low])
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def ratio(value: float | None, base: float | None) -> float | None:
    if value is None or not base:
        return None
    return value / base


# ------------------------------------------------------------------------------------------------ wrk

_UNITS_S = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_UNITS_B = {"B": 1, "KB": 2**10, "MB": 2**20, "GB": 2**30, "TB": 2**40}  # wrk counts in binary units


def _seconds(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text.strip())
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * _UNITS_S[match.group(2)]


def parse_wrk(output: str) -> dict:
    """wrk's summary as numbers: requests, bytes read, requests per second, mean latency and its stdev and max
    (seconds), the latency percentiles when run with ``--latency``, socket errors (connect, read, write, timeout), the
    responses with a status of 400 or more ("Non-2xx or 3xx responses"), and ``non200`` when the run's Lua
    script (see ``WRK_SCRIPT``) printed it."""
    result: dict = {"requests": None, "bytes_read": None, "rps": None, "latency_mean": None, "latency_stdev": None,
                    "latency_max": None,
                    "latency_percentiles": {}, "socket_errors": {"connect": 0, "read": 0, "write": 0, "timeout": 0},
                    "non_2xx_3xx": 0, "non200": None}
    match = re.search(r"^\s*Latency\s+(\S+)\s+(\S+)\s+(\S+)", output, re.MULTILINE)
    if match:
        result["latency_mean"], result["latency_stdev"], result["latency_max"] = (_seconds(g) for g in match.groups())
    in_distribution = False
    for line in output.splitlines():
        if "Latency Distribution" in line:
            in_distribution = True
            continue
        if in_distribution:
            found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)%\s+(\S+)\s*", line)
            if not found:
                in_distribution = False
            else:
                result["latency_percentiles"][float(found.group(1))] = _seconds(found.group(2))
    match = re.search(r"^\s*(\d+) requests in [\d.]+\w+, ([\d.]+)([KMGT]?B) read", output, re.MULTILINE)
    if match:
        result["requests"] = int(match.group(1))
        result["bytes_read"] = float(match.group(2)) * _UNITS_B[match.group(3)]
    match = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    if match:
        result["rps"] = float(match.group(1))
    match = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if match:
        result["socket_errors"] = dict(zip(("connect", "read", "write", "timeout"), map(int, match.groups()),
                                           strict=True))
    match = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if match:
        result["non_2xx_3xx"] = int(match.group(1))
    match = re.search(r"^non200 (\d+)$", output, re.MULTILINE)
    if match:
        result["non200"] = int(match.group(1))
    return result


def wrk_errors(parsed: dict) -> int:
    """Every request that failed: socket errors, and responses other than 200 (from the Lua count when there is
    one, else wrk's own count of 4xx and 5xx)."""
    socket = sum(parsed["socket_errors"].values())
    bad = parsed["non200"] if parsed["non200"] is not None else parsed["non_2xx_3xx"]
    return socket + bad


#: Counts every response that is not a 200 (a redirect to the log-in page is not an error to wrk itself).
WRK_SCRIPT = """\
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) non200 = 0 end
function response(status, headers, body) if status ~= 200 then non200 = non200 + 1 end end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("non200") end
  io.write(string.format("non200 %d\\n", total))
end
"""


# ------------------------------------------------------------------------------------------------ formatting


def fmt_ms(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    ms = seconds * 1000
    if ms >= 100:
        return f"{ms:,.0f} ms"
    if ms >= 10:
        return f"{ms:.1f} ms"
    return f"{ms:.2f} ms"


def fmt_seconds(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    return f"{seconds:.2f} s" if seconds >= 1 else fmt_ms(seconds)


def fmt_ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}×"


def fmt_bytes(size: float | None) -> str:
    if size is None:
        return "—"
    if size >= 2**20:
        return f"{size / 2**20:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} kB"
    return f"{size:.0f} B"


def fmt_int(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def mark(ok: bool | None) -> str:
    """✓ met, ✗ missed, — not measured."""
    return "—" if ok is None else ("✓" if ok else "✗")


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[object]], align: str | None = None) -> str:
    """A GitHub Markdown table; ``align`` has one letter per column, ``l`` or ``r`` (default: first column left,
    the rest right). Pipes in cells are escaped, newlines become spaces."""
    if align is None:
        align = "l" + "r" * (len(headers) - 1)
    if len(align) != len(headers):
        raise ValueError("one alignment letter per column")
    for row in rows:
        if len(row) != len(headers):
            raise ValueError(f"row has {len(row)} cells, the table {len(headers)} columns: {row!r}")

    def cell(value: object) -> str:
        return str(value).replace("\n", " ").replace("|", "\\|")

    lines = ["| " + " | ".join(cell(h) for h in headers) + " |",
             "| " + " | ".join("---:" if a == "r" else "---" for a in align) + " |"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------------ the machine


def _first_line(command: Sequence[str]) -> str:
    try:
        done = subprocess.run(list(command), capture_output=True, text=True, timeout=20, check=False)  # noqa: S603
    except (OSError, subprocess.TimeoutExpired):
        return "not available"
    text = (done.stdout or done.stderr).strip()
    return text.splitlines()[0] if text else "not available"


def machine(pg_bin: Path | None = None) -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 2**20:.1f} GB"
                break
    except OSError:
        pass
    wrk = shutil.which("wrk")
    postgres = "not available"
    if pg_bin is not None and (pg_bin / "postgres").exists():
        postgres = _first_line([str(pg_bin / "postgres"), "--version"])
    return {
        "cpu": cpu, "cores": str(os.cpu_count() or "?"), "memory": memory,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(), "sqlite": sqlite3.sqlite_version, "postgres": postgres,
        "wrk": _first_line([wrk, "-v"]).split(" Copyright")[0] if wrk else "not installed",
    }
