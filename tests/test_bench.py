"""The pure helpers of the benchmark (scripts/bench_report.py): statistics, wrk's output, Markdown tables.
Nothing here is timed."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "bench_report.py"


def _load():
    spec = importlib.util.spec_from_file_location("bench_report", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = _load()

WRK_OUTPUT = """\
Running 10s test @ http://127.0.0.1:41234/evaluations/1598/results
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    89.53ms   17.27ms   1.18s    65.84%
    Req/Sec    44.15     10.18    80.00     77.00%
  Latency Distribution
     50%   89.28ms
     75%  105.28ms
     90%  109.75ms
     99%  114.15ms
  882 requests in 10.02s, 58.70MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 7
Requests/sec:     88.08
Transfer/sec:      5.85MB
non200 9
"""


def test_percentile_interpolates_between_ranks():
    values = [5, 1, 4, 2, 3]
    assert bench.percentile(values, 0.5) == 3
    assert bench.percentile(values, 0) == 1
    assert bench.percentile(values, 1) == 5
    assert bench.percentile(values, 0.95) == pytest.approx(4.8)
    assert bench.percentile([1, 2, 3, 4], 0.5) == 2.5
    assert bench.percentile([7], 0.95) == 7


def test_percentile_refuses_nothing_and_bad_fractions():
    with pytest.raises(ValueError):
        bench.percentile([], 0.5)
    with pytest.raises(ValueError):
        bench.percentile([1], 1.5)


def test_ratio_of_nothing_is_nothing():
    assert bench.ratio(3.0, 1.5) == 2.0
    assert bench.ratio(None, 1.0) is None
    assert bench.ratio(1.0, 0) is None


def test_parse_wrk_reads_rate_latency_and_errors():
    parsed = bench.parse_wrk(WRK_OUTPUT)
    assert parsed["rps"] == 88.08
    assert parsed["requests"] == 882
    assert parsed["bytes_read"] == pytest.approx(58.70 * 2**20)
    assert parsed["latency_mean"] == pytest.approx(0.08953)
    assert parsed["latency_stdev"] == pytest.approx(0.01727)
    assert parsed["latency_max"] == pytest.approx(1.18)
    assert parsed["latency_percentiles"] == {50.0: pytest.approx(0.08928), 75.0: pytest.approx(0.10528),
                                             90.0: pytest.approx(0.10975), 99.0: pytest.approx(0.11415)}
    assert parsed["socket_errors"] == {"connect": 0, "read": 2, "write": 0, "timeout": 3}
    assert parsed["non_2xx_3xx"] == 7
    assert parsed["non200"] == 9
    # the Lua count (every answer but a 200) wins over wrk's own (4xx and 5xx only)
    assert bench.wrk_errors(parsed) == 5 + 9


def test_parse_wrk_without_errors_or_script():
    output = "\n".join(line for line in WRK_OUTPUT.splitlines()
                       if not line.startswith(("  Socket", "  Non-2xx", "non200")))
    parsed = bench.parse_wrk(output)
    assert parsed["socket_errors"] == {"connect": 0, "read": 0, "write": 0, "timeout": 0}
    assert parsed["non_2xx_3xx"] == 0
    assert parsed["non200"] is None
    assert bench.wrk_errors(parsed) == 0


def test_parse_wrk_units():
    parsed = bench.parse_wrk("    Latency   812.00us  1.20ms  2.00m   90.00%\nRequests/sec:  1234.5\n")
    assert parsed["latency_mean"] == pytest.approx(0.000812)
    assert parsed["latency_max"] == 120.0
    assert parsed["rps"] == 1234.5
    assert parsed["requests"] is None
    assert parsed["bytes_read"] is None


def test_wrk_script_counts_and_prints_what_the_parser_reads():
    assert "non200" in bench.WRK_SCRIPT
    assert 'string.format("non200 %d\\n", total)' in bench.WRK_SCRIPT


def test_markdown_table():
    table = bench.markdown_table(["page", "median"], [["Result | page", "12 ms"], ["Plan\nx", 3]])
    assert table.splitlines() == [
        "| page | median |",
        "| --- | ---: |",
        "| Result \\| page | 12 ms |",
        "| Plan x | 3 |",
    ]


def test_markdown_table_alignment_and_shape():
    assert bench.markdown_table(["a", "b"], [], align="ll").splitlines()[1] == "| --- | --- |"
    with pytest.raises(ValueError):
        bench.markdown_table(["a", "b"], [["only one"]])
    with pytest.raises(ValueError):
        bench.markdown_table(["a", "b"], [], align="l")


def test_formatters():
    assert bench.fmt_ms(0.0123) == "12.3 ms"
    assert bench.fmt_ms(0.00117) == "1.17 ms"
    assert bench.fmt_ms(0.4567) == "457 ms"
    assert bench.fmt_ms(None) == "—"
    assert bench.fmt_seconds(2.5) == "2.50 s"
    assert bench.fmt_seconds(0.25) == "250 ms"
    assert bench.fmt_ratio(4.456) == "4.46×"
    assert bench.fmt_bytes(3 * 2**20) == "3.0 MB"
    assert bench.fmt_bytes(2048) == "2 kB"
    assert bench.fmt_int(1234567) == "1,234,567"
    assert (bench.mark(True), bench.mark(False), bench.mark(None)) == ("✓", "✗", "—")
