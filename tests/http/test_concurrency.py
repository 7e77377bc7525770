"""Many clients at once: distinct ids, no 5xx, and one consistent final state; in memory
and with the state in PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from linkis_mock.config import load_settings
from linkis_mock.testing import LocalMock, Mock, in_process
from tests.helpers.postgres import PostgresServer, fresh_database
from tests.helpers.sim import submit_body

CLIENTS = 50
SUBMITS_EACH = 10


@pytest.fixture(params=["memory", "postgresql"])
def mock(
    request: pytest.FixtureRequest, running_mock: LocalMock, postgres: PostgresServer
) -> Iterator[Mock]:
    """The session's mock, reset and frozen; or one whose state is in PostgreSQL."""
    if request.param == "memory":
        running_mock.reset()
        running_mock.freeze()
        yield running_mock
        return
    shared = in_process(load_settings(state=fresh_database(postgres)))
    try:
        shared.freeze()
        yield shared
    finally:
        shared.stop()


def token(user: str) -> dict[str, str]:
    return {"Token-Code": "LINKIS-AUTH", "Token-User": user}


async def submit_all(mock: Mock) -> list[dict[str, Any]]:
    async def one_client(number: int) -> list[dict[str, Any]]:
        user = f"user{number % 5}"
        async with mock.async_client(headers=token(user)) as client:
            replies = [
                await client.post("/entrance/submit", json=submit_body("select 1", user=user))
                for _ in range(SUBMITS_EACH)
            ]
        assert all(reply.status_code == 200 for reply in replies)
        return [{**reply.json()["data"], "user": user} for reply in replies]

    per_client = await asyncio.gather(*(one_client(n) for n in range(CLIENTS)))
    return [job for jobs in per_client for job in jobs]


async def hammer(mock: Mock, jobs: list[dict[str, Any]]) -> list[httpx.Response]:
    """kill, killJobs and status on the same jobs, all at once, each from its own client."""
    async with mock.async_client(limits=httpx.Limits()) as client:
        calls = []
        for job in jobs:
            exec_id, headers = job["execID"], token(job["user"])
            body = {"idList": [exec_id], "taskIDList": [job["taskID"]]}
            calls += [
                client.get(f"/entrance/{exec_id}/kill", headers=headers),
                client.get(f"/entrance/{exec_id}/kill?taskID={job['taskID']}", headers=headers),
                client.post(f"/entrance/{exec_id}/killJobs", json=body, headers=headers),
                client.get(f"/entrance/{exec_id}/status", headers=headers),
                client.get(f"/entrance/{exec_id}/progress", headers=headers),
                client.get(f"/entrance/{exec_id}/log?fromLine=1&size=-1", headers=headers),
            ]
        return list(await asyncio.gather(*calls))


def test_500_concurrent_submits_then_concurrent_kills(mock: Mock) -> None:
    jobs = asyncio.run(submit_all(mock))
    assert len(jobs) == CLIENTS * SUBMITS_EACH
    assert len({job["execID"] for job in jobs}) == len({job["taskID"] for job in jobs}) == 500
    client = mock.client()
    for job in jobs:
        reply = client.get(f"/entrance/{job['execID']}/status", headers=token(job["user"]))
        assert reply.json()["data"]["status"] == "Inited"

    targets = jobs[::10]  # 50 jobs, each killed three ways at once while being read
    reference = jobs[1]  # killed once, alone
    kill_once = client.get(
        f"/entrance/{reference['execID']}/kill", headers=token(reference["user"])
    )
    assert kill_once.json()["status"] == 0
    replies = asyncio.run(hammer(mock, targets))
    assert [r for r in replies if r.status_code >= 500] == []
    assert all(r.json()["status"] == 0 for r in replies), [
        r.text for r in replies if r.json()["status"] != 0
    ][:3]

    mock.advance(30)
    killed = [*targets, reference]
    for job in jobs:
        headers = token(job["user"])
        status = client.get(f"/entrance/{job['execID']}/status", headers=headers).json()
        history = client.get(f"/jobhistory/{job['taskID']}/get", headers=headers).json()
        expected = "Cancelled" if job in killed else "Succeed"
        assert status["data"]["status"] == history["data"]["task"]["status"] == expected

    def kill_lines(job: dict[str, Any]) -> int:
        reply = client.get(
            f"/entrance/{job['execID']}/log?fromLine=1&size=-1", headers=token(job["user"])
        )
        log: str = reply.json()["data"]["log"][3]
        return log.count("Job is killed by user!")

    # The first kill cancels; the ones racing it find the job already cancelled and
    # add nothing, so each hammered job's log reads like one killed once.
    assert {kill_lines(job) for job in targets} == {kill_lines(reference)}
