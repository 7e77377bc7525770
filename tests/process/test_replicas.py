"""`serve --state postgresql://...`: replicas, each a process on its own port, sharing one
database as replicas on several machines would: ids are never taken twice, every replica
sees what any other committed, and a session cookie from one works on all."""

from __future__ import annotations

import asyncio
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from linkis_mock.sim.storage.postgres import MAX_RESERVED_IDS
from linkis_mock.testing import TOKEN, RunningMock, start_mock
from tests.helpers.postgres import PostgresServer, fresh_database
from tests.helpers.sim import submit_body

pytestmark = pytest.mark.runs_long

LONG_JOB = submit_body("--@mock duration=600\nselect 1")
SUBMITS = 500
REPLICAS = 3
POLLERS = 4  # see test_a_commit_answered_on_one_replica_is_seen_by_the_next_request_on_another


@dataclass
class SharedReplicas:
    """The module's replicas, on a database of their own on the session's server."""

    folder: Path
    url: str
    running: list[RunningMock] = field(default_factory=list)

    def start(self, port: int | None = None) -> RunningMock:
        return start_mock(self.folder, "--state", self.url, port=port)

    def revive(self) -> None:
        """Start again, on its port (execIDs name the instance), a replica a test killed:
        tests share the replicas instead of each starting its own (a start costs ~1.3
        CPU-s)."""
        for number, replica in enumerate(self.running):
            if replica.process.poll() is not None:
                replica.stop()
                self.running[number] = self.start(port=port_of(replica))


def port_of(replica: RunningMock) -> int:
    return int(replica.base_url.rsplit(":", 1)[1])


@pytest.fixture(scope="module")
def shared_replicas(
    tmp_path_factory: pytest.TempPathFactory, postgres: PostgresServer
) -> Iterator[SharedReplicas]:
    shared = SharedReplicas(tmp_path_factory.mktemp("replicas"), fresh_database(postgres))
    try:
        for _ in range(REPLICAS):
            shared.running.append(shared.start())
        yield shared
    finally:
        for replica in shared.running:
            replica.stop()


@pytest.fixture
def replicas(shared_replicas: SharedReplicas) -> list[RunningMock]:
    """The module's replicas, all running (one a test killed started again), from a clean
    shared state: a reset on one (a new epoch, which every replica loads afresh: no job,
    session, fault rule or id taken, the clock as at start), and each replica's own
    journal cleared."""
    shared_replicas.revive()
    running = shared_replicas.running
    running[0].reset()
    for replica in running:
        replica.admin("DELETE", "/journal")
    return running


def wait_until(condition: Callable[[], bool], failure: str, timeout_s: float = 15.0) -> None:
    """Wait for `condition`, not a fixed time: a load test goes on only as long as what
    it checks takes, and on a slow machine as long as it needs."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, failure
        time.sleep(0.02)


async def submit_everywhere(replicas: list[RunningMock], count: int) -> list[dict[str, Any]]:
    """`count` submits at once, spread over the replicas in turn."""
    headers = {"Token-Code": TOKEN, "Token-User": "alice"}
    clients = [r.async_client(headers=headers, timeout=60) for r in replicas]
    try:
        replies = await asyncio.gather(
            *(
                clients[number % len(clients)].post("/entrance/submit", json=LONG_JOB)
                for number in range(count)
            )
        )
    finally:
        for client in clients:
            await client.aclose()
    assert all(reply.status_code == 200 for reply in replies), replies[0].text
    return [reply.json()["data"] for reply in replies]


def test_concurrent_submits_over_the_replicas_get_distinct_ids_seen_everywhere(
    replicas: list[RunningMock],
) -> None:
    submitted = asyncio.run(submit_everywhere(replicas, SUBMITS))
    task_ids = [int(data["taskID"]) for data in submitted]
    exec_ids = [data["execID"] for data in submitted]
    assert len(set(task_ids)) == SUBMITS
    # taskIDs come from the database's sequence; each replica fetches those it will hand
    # out next with each commit, as many as it took (at most MAX_RESERVED_IDS), so at most
    # that many each are left unused.
    assert max(task_ids) <= SUBMITS + REPLICAS * MAX_RESERVED_IDS
    assert len(set(exec_ids)) == SUBMITS
    # Each replica names itself in the execIDs it gave.
    for replica in replicas:
        port = replica.base_url.rsplit(":", 1)[1]
        assert sum(f"127.0.0.1:{port}IDE" in e for e in exec_ids) == SUBMITS // REPLICAS + (
            replicas.index(replica) < SUBMITS % REPLICAS
        )
    readers = [replica.as_token("alice") for replica in replicas]
    for number, exec_id in enumerate(exec_ids[:: SUBMITS // 25]):
        reader = readers[(number + 1) % REPLICAS]  # not the one that took it
        status = reader.get(f"/entrance/{exec_id}/status")
        assert status.status_code == 200, status.text
        assert status.json()["data"]["status"] in {"Inited", "Scheduled", "Running"}
    listed = replicas[0].admin("GET", "/snapshot")
    assert len(listed["jobs"]) == SUBMITS


def test_a_job_killed_on_one_replica_is_killed_on_the_others(replicas: list[RunningMock]) -> None:
    first, second, third = (replica.as_token("alice") for replica in replicas)
    submitted = first.post("/entrance/submit", json=LONG_JOB).json()["data"]
    killed = second.get(f"/entrance/{submitted['execID']}/kill")
    assert killed.status_code == 200, killed.text
    for client in (first, third):
        status = client.get(f"/entrance/{submitted['execID']}/status").json()["data"]
        assert status["status"] == "Cancelled"


def test_a_session_cookie_from_one_replica_works_on_the_others(
    replicas: list[RunningMock],
) -> None:
    login = replicas[0].logged_in("hadoop")
    cookies = login.cookies
    for replica in replicas[1:]:
        client = replica.client(cookies=cookies)
        user = client.get("/user/userInfo")
        assert user.status_code == 200, user.text
        assert user.json()["data"]["userName"] == "hadoop"
    assert replicas[2].client(cookies=cookies).post("/user/logout").status_code == 200
    gone = replicas[0].client(cookies=cookies).get("/user/userInfo")
    assert gone.status_code == 401


def test_the_clock_and_vias_tasks_are_shared(replicas: list[RunningMock]) -> None:
    replicas[0].admin("PUT", "/clock", json={"frozen": True})
    replicas[1].admin("POST", "/clock/advance", json={"seconds": 3600})
    readings = [replica.admin("GET", "/clock") for replica in replicas]
    assert all(reading["frozen"] for reading in readings)
    assert len({reading["now"] for reading in readings}) == 1
    project = "0123456789abcdef0123456789abcdef"
    vias = {"X-Auth-Token": "vias-dev-token"}
    body = {
        "name": "cam-1",
        "input": {"type": "video_source", "data": [{"video_source_id": "vs-1"}]},
        "output": {"webhook": {"url": "http://127.0.0.1:9/hook", "headers": {"a": "a"}}},
        "service_version": "1.1",
    }
    created = httpx.post(
        f"{replicas[2].base_url}/v2/{project}/services/c-intrusion-detection-cloud/tasks",
        headers=vias,
        json=body,
        timeout=10,
    )
    assert created.status_code == 200, created.text
    task_id = created.json()["tasks"][0]["id"]
    shown = httpx.get(f"{replicas[0].base_url}/v2/{project}/tasks/{task_id}", headers=vias)
    assert shown.status_code == 200 and shown.json()["name"] == "cam-1"


class SubmitLoad:
    """Clients submitting in a loop, spread over the replicas, until stopped; keeps each
    answered submit, the statuses seen (-503: a 503 outside the Linkis envelope), and the
    503s (the database away); a killed replica's cut connections are tried again."""

    def __init__(self, replicas: list[RunningMock], clients_each: int = 2) -> None:
        self.answered: list[dict[str, Any]] = []
        self.unavailable = 0
        self.statuses: set[int] = set()
        self._stop = threading.Event()
        self.clients = [
            threading.Thread(target=self._run, args=(replica.api_url,), daemon=True)
            for replica in replicas
            for _ in range(clients_each)
        ]

    def __enter__(self) -> SubmitLoad:
        for thread in self.clients:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        for thread in self.clients:
            thread.join()

    def _run(self, api_url: str) -> None:
        headers = {"Token-Code": TOKEN, "Token-User": "alice"}
        with httpx.Client(base_url=api_url, headers=headers, timeout=10) as client:
            while not self._stop.is_set():
                try:
                    reply = client.post("/entrance/submit", json=LONG_JOB)
                except httpx.TransportError:
                    time.sleep(0.05)  # a replica killed: this client goes on trying
                    continue
                self.statuses.add(reply.status_code)
                if reply.status_code == 200:
                    self.answered.append(reply.json()["data"])
                elif reply.status_code == 503:
                    self.unavailable += 1
                    if reply.json().get("status") != 1:  # not the Linkis envelope
                        self.statuses.add(-503)


def all_readable(replica: RunningMock, answered: list[dict[str, Any]]) -> None:
    task_ids = [data["taskID"] for data in answered]
    assert len(set(task_ids)) == len(task_ids)
    known = {job["ident"]["task_id"] for job in replica.admin("GET", "/snapshot")["jobs"]}
    assert set(task_ids) <= known, f"{len(set(task_ids) - known)} answered submits are lost"
    client = replica.as_token("alice")
    for data in answered[:: max(1, len(answered) // 20)]:
        status = client.get(f"/entrance/{data['execID']}/status")
        assert status.status_code == 200, status.text


def answered_by(replica: RunningMock, answered: list[dict[str, Any]]) -> int:
    """How many of the answered submits `replica` took (its execIDs name it)."""
    return sum(f"127.0.0.1:{port_of(replica)}IDE" in data["execID"] for data in answered)


def test_the_database_restarted_under_load_gives_503s_then_serves_and_loses_nothing(
    replicas: list[RunningMock], postgres: PostgresServer
) -> None:
    """The session's server, stopped and started again under the module's replicas (none
    of the session's other users is running meanwhile: a worker runs one test at a time)."""
    try:
        with SubmitLoad(replicas) as load:
            wait_until(lambda: len(load.answered) > 30, "the load did not get going")
            postgres.stop()
            # 503s, as many as there are clients: by then the submits committed before the
            # stop have long been answered, and what is answered after `during` was served
            # after the restart (a fixed second's wait before, for the same).
            wait_until(lambda: load.unavailable >= len(load.clients), "no 503s")
            during = len(load.answered)
            postgres.start()
            # Each replica tries again within a second, and serves (both of its
            # connections, the change feed's and the units', made again).
            wait_until(
                lambda: all(answered_by(r, load.answered[during:]) >= 5 for r in replicas),
                "the replicas did not serve again",
            )
    finally:
        postgres.start()  # does nothing when it runs
    assert load.unavailable > 0, "no request met the database away"
    assert len(load.answered) > during, "the replicas did not serve again"
    assert load.statuses <= {200, 503}
    for replica in replicas:
        all_readable(replica, load.answered)


def test_each_replicas_journal_names_the_replica_and_holds_its_own_requests(
    replicas: list[RunningMock],
) -> None:
    replicas[1].as_token("bob").get("/jobhistory/list")
    journals = [replica.admin("GET", "/journal") for replica in replicas]
    instances = [journal["replica"]["instance"] for journal in journals]
    assert instances == [replica.base_url.removeprefix("http://") for replica in replicas]
    assert len({journal["replica"]["pid"] for journal in journals}) == REPLICAS
    assert [bool(journal["entries"]) for journal in journals] == [False, True, False]


def test_a_fault_rule_added_on_one_replica_fires_once_whichever_answers(
    replicas: list[RunningMock],
) -> None:
    rule = {"operationId": "submit", "action": "status", "status": 503, "times": 1}
    added = replicas[0].admin("POST", "/faults", json=rule)
    second, third = (replica.as_token("alice") for replica in replicas[1:])
    failed = second.post("/entrance/submit", json=LONG_JOB)
    assert failed.status_code == 503
    assert "fault injected by the mock (HTTP 503)" in failed.json()["message"]
    assert third.post("/entrance/submit", json=LONG_JOB).status_code == 200  # used up
    assert second.post("/entrance/submit", json=LONG_JOB).status_code == 200
    shown = replicas[2].admin("GET", "/faults")["rules"]
    assert [(r["id"], r["fired"]) for r in shown] == [(added["id"], 1)]
    replicas[1].admin("DELETE", f"/faults/{added['id']}")
    assert replicas[0].admin("GET", "/faults")["rules"] == []


def test_a_commit_answered_on_one_replica_is_seen_by_the_next_request_on_another(
    replicas: list[RunningMock],
) -> None:
    """Under a load of polls, which share their look at the database, a job submitted
    and then killed on one replica is found, and found killed, by the very next request
    to another: no polling, no retry.

    Four pollers, not more: they keep a look out nearly always, and the very next request
    is served within milliseconds of the commit, when a stale look would still be at
    hand. Against a feed that reuses a look up to 5 ms old, or one that lets a request
    join a look already out, 4 pollers failed this test in 4 and 1 runs of 5 (in about
    2 s); 16 pollers, whose queue put every request long after the commit, in none (in
    about 9 s)."""

    async def main() -> None:
        headers = {"Token-Code": TOKEN, "Token-User": "alice"}
        writer = replicas[0].async_client(headers=headers, timeout=30)
        reader = replicas[1].async_client(headers=headers, timeout=30)
        first = (await writer.post("/entrance/submit", json=LONG_JOB)).json()["data"]
        polling = True

        async def poll() -> None:
            while polling:
                reply = await reader.get(f"/entrance/{first['execID']}/status")
                assert reply.status_code == 200, reply.text

        load = [asyncio.create_task(poll()) for _ in range(POLLERS)]
        try:
            for _ in range(40):
                job = (await writer.post("/entrance/submit", json=LONG_JOB)).json()["data"]
                seen = await reader.get(f"/entrance/{job['execID']}/status")
                assert seen.status_code == 200, seen.text
                killed = await writer.get(f"/entrance/{job['execID']}/kill")
                assert killed.status_code == 200, killed.text
                seen = await reader.get(f"/entrance/{job['execID']}/status")
                assert seen.json()["data"]["status"] == "Cancelled", seen.text
        finally:
            polling = False
            await asyncio.gather(*load)
            await writer.aclose()
            await reader.aclose()

    asyncio.run(main())


# Last, so that no later test has to start the killed replica again (`replicas` would).
def test_kill_9_of_a_replica_under_load_loses_no_answered_submit(
    replicas: list[RunningMock],
) -> None:
    killed, *serving = replicas
    with SubmitLoad(replicas) as load:
        wait_until(lambda: len(load.answered) > 30, "the load did not get going")
        killed.process.send_signal(signal.SIGKILL)
        killed.process.wait()
        before = len(load.answered)
        # Each of the others goes on serving, units and all (the killed one's lock, if it
        # held it, let go with its connection).
        wait_until(
            lambda: all(answered_by(r, load.answered[before:]) >= 5 for r in serving),
            "the other replicas stopped serving",
        )
    assert len(load.answered) > before, "the other replicas stopped serving"
    assert load.statuses == {200}
    all_readable(serving[0], load.answered)
