"""Memory soak: mixed submit, poll and kill load against a mock, from this second process.

Starts `linkis-mock serve` on a free port with small retention caps (so every bounded
store reaches its bound within the first minute), drives it for SOAK_SECONDS
(default 300) with SOAK_CLIENTS concurrent clients (SOAK_SERVER_ARGS adds arguments
to `serve`, e.g. `--state build/soak.db`), samples the server's resident
memory every few seconds, and reports:

- RSS after the first minute and at the end, and the growth between them;
- requests by status code, and the 5xx count;
- requests per second.

Writes build/soak.json. Exits 1 when the end RSS is more than 10% above the first
minute's, or when any reply was a 5xx.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from linkis_mock.testing import ROOT, resident_memory_kib, start_mock

API = "/api/rest_j/v1"
WARM_UP_S = 60.0
SAMPLE_EVERY_S = 5.0
GROWTH_LIMIT = 0.10
CONFIG = """
[retention]
jobs_per_group = 100
history_jobs = 1000

[journal]
capacity = 1000
"""


@dataclass
class Tally:
    statuses: Counter[int] = field(default_factory=Counter)
    samples: list[tuple[float, int]] = field(default_factory=list)

    def record(self, reply: httpx.Response) -> None:
        self.statuses[reply.status_code] += 1


def job_body(user: str, rng: random.Random) -> dict[str, object]:
    duration = rng.choice(["0.5", "1", "2", "5"])
    return {
        "executionContent": {"code": f"--@mock duration={duration}\nselect 1", "runType": "sql"},
        "labels": {"engineType": "spark-2.4.3", "userCreator": f"{user}-IDE"},
    }


async def one_client(base: str, number: int, until: float, tally: Tally) -> None:
    """A front end: submit, poll status, progress and log, sometimes kill; log in anew
    now and then (sessions come and go)."""
    rng = random.Random(number)
    user = f"soak{number % 8}"
    headers = {"Token-Code": "LINKIS-AUTH", "Token-User": user}
    async with httpx.AsyncClient(base_url=base + API, headers=headers, timeout=30) as client:
        while time.monotonic() < until:
            if rng.random() < 0.05:
                await session_cycle(base, tally)
            reply = await client.post("/entrance/submit", json=job_body(user, rng))
            tally.record(reply)
            if reply.status_code != 200:
                continue
            data = reply.json()["data"]
            await poll_and_maybe_kill(client, data["execID"], data["taskID"], rng, tally)


async def session_cycle(base: str, tally: Tally) -> None:
    """A log in and out, on a client of its own (cookies, no token)."""
    async with httpx.AsyncClient(base_url=base + API, timeout=30) as client:
        login = {"userName": "alice", "password": "alice"}
        tally.record(await client.post("/user/login", json=login))
        tally.record(await client.get("/user/userInfo"))
        tally.record(await client.post("/user/logout"))


async def poll_and_maybe_kill(
    client: httpx.AsyncClient, exec_id: str, task_id: int, rng: random.Random, tally: Tally
) -> None:
    for round_ in range(3):
        for path in ("status", "progress", f"log?fromLine={round_ * 3 + 1}&size=100"):
            tally.record(await client.get(f"/entrance/{exec_id}/{path}"))
        await asyncio.sleep(0.1)
    roll = rng.random()
    if roll < 0.25:
        tally.record(await client.get(f"/entrance/{exec_id}/kill?taskID={task_id}"))
    elif roll < 0.35:
        body = {"idList": [exec_id], "taskIDList": [task_id]}
        tally.record(await client.post(f"/entrance/{exec_id}/killJobs", json=body))
    tally.record(await client.get(f"/jobhistory/{task_id}/get"))


async def sample_memory(pid: int, until: float, started: float, tally: Tally) -> None:
    while time.monotonic() < until:
        tally.samples.append((time.monotonic() - started, resident_memory_kib(pid)["VmRSS"]))
        await asyncio.sleep(SAMPLE_EVERY_S)
    tally.samples.append((time.monotonic() - started, resident_memory_kib(pid)["VmRSS"]))


async def drive(base: str, pid: int, seconds: float, clients: int) -> Tally:
    tally = Tally()
    started = time.monotonic()
    until = started + seconds
    await asyncio.gather(
        sample_memory(pid, until, started, tally),
        *(one_client(base, n, until, tally) for n in range(clients)),
    )
    return tally


def report(tally: Tally, seconds: float) -> dict[str, object]:
    after_warm_up = next(kib for at, kib in tally.samples if at >= min(WARM_UP_S, seconds / 5))
    end = tally.samples[-1][1]
    total = sum(tally.statuses.values())
    return {
        "seconds": seconds,
        "requests": total,
        "requests_per_s": round(total / seconds, 1),
        "statuses": {str(code): count for code, count in sorted(tally.statuses.items())},
        "server_errors": sum(n for code, n in tally.statuses.items() if code >= 500),
        "rss_after_first_minute_mib": round(after_warm_up / 1024, 1),
        "rss_end_mib": round(end / 1024, 1),
        "rss_peak_mib": round(max(kib for _, kib in tally.samples) / 1024, 1),
        "growth_after_first_minute": round(end / after_warm_up - 1, 4),
        "samples": [[round(at, 1), kib] for at, kib in tally.samples],
    }


def main() -> int:
    seconds = float(os.environ.get("SOAK_SECONDS", "300"))
    clients = int(os.environ.get("SOAK_CLIENTS", "16"))
    with tempfile.TemporaryDirectory() as scratch:
        config = Path(scratch) / "soak.toml"
        config.write_text(CONFIG)
        extra = os.environ.get("SOAK_SERVER_ARGS", "").split()
        server = start_mock(Path(scratch), "--config", str(config), *extra)
        try:
            tally = asyncio.run(drive(server.base_url, server.process.pid, seconds, clients))
        finally:
            server.stop()
    figures = report(tally, seconds)
    out = ROOT / "build" / "soak.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(figures, indent=2))
    shown = {k: v for k, v in figures.items() if k != "samples"}
    print(json.dumps(shown, indent=2))
    print(f"(samples in {out.relative_to(ROOT)})")
    growth = float(figures["growth_after_first_minute"])  # type: ignore[arg-type]
    ok = figures["server_errors"] == 0 and growth <= GROWTH_LIMIT
    print("soak:", "flat, no 5xx" if ok else "FAILED: memory grew or 5xx seen")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
