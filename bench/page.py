"""docs/performance.md, written from one `make bench` run's figures (build/bench.json), so
that the page can never disagree with a run: every figure on it is the run's, next to its
target. `make bench` writes it after a full run; `python bench/page.py` writes it again
from build/bench.json. What the profiles say about the targets missed is prose of its own
(bench/analysis.md), kept free of figures for the same reason.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULT_FILE = ROOT / "build" / "bench.json"
PAGE = ROOT / "docs" / "performance.md"
ANALYSIS = Path(__file__).resolve().parent / "analysis.md"
POLLS = {"status": "status", "progress": "progress", "log": "log (100 lines)"}

Results = dict[str, Any]


@dataclass(frozen=True)
class Row:
    figure: str
    measured: str
    target: str
    met: bool | None  # None: reported, no target


def _n(value: float, digits: int = 0) -> str:
    """A figure as the docs write it: thin-space thousands, fixed digits."""
    text = f"{value:,.{digits}f}"
    return text.replace(",", "\u202f")


def _met(met: bool | None) -> str:
    return "-" if met is None else "met" if met else "**missed**"


def poll_rows(throughput: Results) -> Iterator[Row]:
    for endpoint, name in POLLS.items():
        part = throughput[endpoint]
        mock, prism, floor = part["mock"], part["prism"], part["floor"]
        versus_prism, versus_floor = part["mock/prism"] or 0.0, part["mock/floor"] or 0.0
        yield Row(
            f"{name}: req/s (Prism {_n(prism['requests_per_s'])}, floor "
            f"{_n(floor['requests_per_s'])})",
            f"{_n(mock['requests_per_s'])}; {versus_prism:.2f}× Prism, {versus_floor:.2f}× floor",
            "≥ 2.5× Prism, ≥ 0.5× floor",
            versus_prism >= 2.5 and versus_floor >= 0.5,
        )
        yield Row(
            f"{name}: p99 at 32 connections (p50 {mock['p50_ms']:.1f} ms)",
            f"{mock['p99_ms']:.1f} ms",
            "< 10 ms",
            mock["p99_ms"] < 10,
        )


def vias_rows(vias: Results) -> Iterator[Row]:
    names = {"show": "show a task", "list": "list 100 tasks", "start": "start a task"}
    for call, name in names.items():
        part = vias[call]
        mock, prism = part["mock"], part["prism"]
        versus = part["mock/prism"] or 0.0
        yield Row(
            f"VIAS {name}: req/s (Prism {_n(prism['requests_per_s'])}), p99 "
            f"(p50 {mock['p50_ms']:.1f} ms)",
            f"{_n(mock['requests_per_s'])}; {versus:.2f}× Prism; p99 {mock['p99_ms']:.1f} ms",
            "≥ 2× Prism, p99 < 15 ms",
            versus >= 2 and mock["p99_ms"] < 15,
        )


def scale_rows(scale: Results, jobs: int) -> Iterator[Row]:
    large = scale[f"jobs_{jobs}"]
    yield Row(
        f"submits over HTTP, 32 connections ({_n(jobs - 100)} into a mock holding 100)",
        f"{_n(large['submits_per_s'])}/s",
        "≥ 2 500/s",
        large["submits_per_s"] >= 2500,
    )
    idle = scale["idle_memory_mib"]["VmRSS"]
    held = large["memory_mib"]["VmRSS"]
    yield Row(
        f"resident memory holding {_n(jobs)} jobs (idle {idle:.0f} MiB)",
        f"{held:.0f} MiB",
        "< 120 MiB",
        held < 120,
    )
    ratios = [r for r in scale["status_rate_ratios"] if r is not None]
    yield Row(
        f"status req/s holding {_n(jobs)} jobs / holding 100, rounds side by side",
        ", ".join(f"{r:.2f}" for r in ratios),
        "≥ 0.9 in every round",
        bool(ratios) and min(ratios) >= 0.9,
    )


def restart_rows(restart: Results) -> Iterator[Row]:
    runs = ", ".join(f"{s:.2f}" for s in restart["runs_s"])
    yield Row(
        f"restart from a state file of {_n(restart['jobs'])} jobs "
        f"({restart['state_file_mib']} MiB) to a job's first 200, median of ({runs})",
        f"{restart['median_s']:.2f} s (then {restart['memory_mib']['VmRSS']:.0f} MiB)",
        "< 2 s",
        restart["median_s"] < 2,
    )


def workers_rows(workers: Results) -> Iterator[Row]:
    sqlite, postgres = workers.get("sqlite 1"), workers.get("postgresql 1")
    if sqlite and postgres:
        cost = sqlite["status"]["requests_per_s"] / postgres["status"]["requests_per_s"]
        yield Row(
            "a status poll's cost on PostgreSQL / on SQLite, one process",
            f"{cost:.2f}×",
            "≤ 1.5×",
            cost <= 1.5,
        )


def proxy_rows(proxy: Results) -> Iterator[Row]:
    one = proxy["one_connection"]
    yield Row(
        f"the proxy's added latency at p50, one connection (direct "
        f"{one['direct']['p50_ms']:.2f} ms)",
        f"{one['added_p50_ms']:+.2f} ms",
        "< 2 ms",
        one["added_p50_ms"] < 2,
    )


def startup_rows(startup: Results) -> Iterator[Row]:
    yield Row(
        "start to the first 200, median of " + ", ".join(f"{s:.2f}" for s in startup["runs_s"]),
        f"{startup['median_s']:.2f} s",
        "< 1.5 s",
        startup["median_s"] < 1.5,
    )


def logpage_rows(logpage: Results) -> Iterator[Row]:
    long, short = logpage["lines_100000"], logpage["lines_100"]
    ratio = logpage["median_ratio"] or 0.0
    yield Row(
        "the last 100 lines of a 100 000-line log / of a 100-line one (median)",
        f"{long['median_ms']:.2f} / {short['median_ms']:.2f} ms ({ratio:.2f}×)",
        "≤ 1.5×",
        ratio <= 1.5,
    )


def schemathesis_rows(run: Results) -> Iterator[Row]:
    yield Row(
        "the CI Schemathesis run (three specs)",
        f"{run['wall_s']:.0f} s",
        "< 90 s",
        run["wall_s"] < 90 and run["returncode"] == 0,
    )


def link_rows(link: Results) -> Iterator[Row]:
    for label, row in link.items():
        distance, replicas = label.split()
        yield Row(
            f"PostgreSQL, {replicas} replica(s), {distance} link (its round trip "
            f"{row['round_trip_ms']:.2f} ms): submits/s, status req/s over all",
            f"{_n(row['submits_per_s'])}/s; {_n(row['status_per_s'])} req/s",
            "measured and reported",
            None,
        )
    one = link.get("near 1")
    if one is not None:
        trips = one["round_trips_per_submit"]
        yield Row(
            "PostgreSQL: round trips on the link for one submit (counted at the relay)",
            f"{trips:.1f}",
            "≤ 2",
            trips <= 2,
        )
    near, far = link.get("near 2"), link.get("far 2")
    if near and far:
        keeps = far["submits_per_s"] / near["submits_per_s"]
        yield Row(
            f"two replicas' submits/s at the far link / at the near one (round trip "
            f"{near['round_trip_ms']:.2f} -> {far['round_trip_ms']:.2f} ms)",
            f"{keeps:.2f}",
            "≥ 0.5",
            keeps >= 0.5,
        )


def rows(results: Results, jobs: int) -> list[Row]:
    makers: dict[str, Callable[[Results], Iterator[Row]]] = {
        "throughput": poll_rows,
        "vias": vias_rows,
        "scale": lambda part: scale_rows(part, jobs),
        "restart": restart_rows,
        "workers": workers_rows,
        "proxy": proxy_rows,
        "startup": startup_rows,
        "logpage": logpage_rows,
        "schemathesis": schemathesis_rows,
        "link": link_rows,
    }
    return [row for name, make in makers.items() if name in results for row in make(results[name])]


def workers_table(workers: Results) -> list[str]:
    lines = [
        "| `--state` | processes | status req/s | p99 | log req/s | p99 | submits/s |",
        "|---|---|---|---|---|---|---|",
    ]
    for label, part in workers.items():
        backend, processes = label.split()
        status, log = part["status"], part["log"]
        lines.append(
            f"| {backend} | {processes} | {_n(status['requests_per_s'])} | "
            f"{status['p99_ms']:.1f} ms | {_n(log['requests_per_s'])} | {log['p99_ms']:.1f} ms | "
            f"{_n(part['submit']['submits_per_s'])} |"
        )
    return lines


def render(report: Results) -> str:
    results, settings = report["results"], report["settings"]
    commit = report["commit"][:7] + (" with uncommitted changes" if report["dirty"] else "")
    table = rows(results, settings["jobs"])
    met = sum(row.met is True for row in table)
    judged = sum(row.met is not None for row in table)
    out = [
        "# Performance",
        "",
        "<!-- Written by `make bench` (bench/page.py) from build/bench.json: do not edit by"
        " hand; edit bench/analysis.md or bench/page.py and run `python bench/page.py`. -->",
        "",
        f"One `make bench` run: {report['date']}, commit {commit}, on a machine with "
        f"{report['host']['cpus']} CPUs shared by wrk and the servers (Python "
        f"{report['host']['python']}). wrk ran {settings['seconds']} s per figure after "
        f"{settings['warmup']} s of warm-up, at {settings['connections']} connections. Runs on "
        "such a machine differ by up to a quarter: compare figures within a run, not runs.",
        "",
        "- **The mock** as users run it: auth, validation, journal, limits, CORS and fault checks"
        " on, the session cookie (or the VIAS token) on every request.",
        "- **Prism** (Stoplight's `@stoplight/prism-cli`, in `bench/node_modules`) mocking the"
        " same specs.",
        "- **The floor**: the mock's own reply bytes, captured first, answered as constants by"
        " the lightest server the stack allows (`bench/floor_app.py`): what serving costs at"
        " all on this machine.",
        "",
        f"{met} of {judged} targets met.",
        "",
        "| figure | measured | target | met? |",
        "|---|---|---|---|",
        *(f"| {r.figure} | {r.measured} | {r.target} | {_met(r.met)} |" for r in table),
    ]
    if "workers" in results:
        out += [
            "",
            "## Shared state",
            "",
            "With a state file or database each request first looks whether another process"
            " committed; more processes share the load:",
            "",
            *workers_table(results["workers"]),
        ]
    if report.get("problems"):
        out += ["", "## What the run could not measure", ""]
        out += [f"- {problem}" for problem in report["problems"]]
    out += ["", ANALYSIS.read_text(encoding="utf-8").rstrip()]
    return "\n".join(out) + "\n"


def write(report: Results) -> Path:
    PAGE.write_text(render(report), encoding="utf-8")
    return PAGE


def main() -> int:
    if not RESULT_FILE.exists():
        print(f"page: {RESULT_FILE} is missing: run make bench", file=sys.stderr)
        return 2
    print(f"wrote {write(json.loads(RESULT_FILE.read_text(encoding='utf-8'))).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
