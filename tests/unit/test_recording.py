"""The proxy's recording (linkis_mock.proxy.recording): a client's flow against one mock,
each request and reply turned into an `Exchange` stamped with the mock's simulated
clock, recorded as a scenario, and replayed on a fresh mock by the same polls at the
same instants. Both clocks are frozen and moved by the test: no sleeps."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import httpx
import pytest

from linkis_mock.apis import ApiRegistry, base_paths
from linkis_mock.contract.routes import RouteTable
from linkis_mock.proxy import recording
from linkis_mock.proxy.exchange import ApiName, Exchange, Pairs
from linkis_mock.proxy.recording import Recorder
from linkis_mock.sim.settings import SimSettings
from linkis_mock.sim.simulator import Simulator
from linkis_mock.sim.storage.snapshot import restore
from linkis_mock.specs import ADMIN_SPEC, schema_problem
from linkis_mock.testing import LocalMock, in_process
from tests.helpers.session_flow import (
    PROJECT,
    ROUNDS,
    STEP_S,
    VIAS_TOKEN,
    Clients,
    Flow,
    endless_body,
    linkis,
    load,
    polls,
    replay_clients,
    run_session,
)

API, VIAS = base_paths()["linkis"], base_paths()["vias"]
ROUTES = RouteTable({api.base_path: api.spec for api in ApiRegistry()})


class Tap:
    """Feeds a recorder every request its clients send, as the proxy would see it."""

    def __init__(self, mock: LocalMock, recorder: Recorder) -> None:
        self.mock = mock
        self.recorder = recorder

    def attach(self, client: httpx.Client) -> httpx.Client:
        client.event_hooks["response"].append(self._seen)
        return client

    def _seen(self, reply: httpx.Response) -> None:
        reply.read()
        request = reply.request
        now = self.mock.app.context.sim.clock.now_ms()
        self.recorder.observe(
            Exchange(
                api="vias" if request.url.path.startswith(VIAS + "/") else "linkis",
                method=request.method,
                path=request.url.path,
                query=tuple(request.url.params.multi_items()),
                request_headers=_lower(request.headers.multi_items()),
                request_body=request.content,
                status=reply.status_code,
                reply_headers=_lower(reply.headers.multi_items()),
                reply_body=reply.content,
                started_ms=now,
                finished_ms=now,
            )
        )


def _lower(items: list[tuple[str, str]]) -> Pairs:
    return tuple((name.lower(), value) for name, value in items)


@dataclass(frozen=True)
class Recorded:
    recorder: Recorder
    flow: Flow
    answers: list[Any]
    first_ms: int


@pytest.fixture(scope="module")
def recorded(running_mock: LocalMock) -> Recorded:
    """The flow, recorded against the session's mock (reset, clock frozen)."""
    mock = running_mock
    mock.reset()
    mock.freeze()
    recorder = Recorder(ROUTES)
    tap = Tap(mock, recorder)
    first_ms = mock.app.context.sim.clock.now_ms()
    hadoop = tap.attach(mock.client())
    linkis(hadoop.post("/user/login", json={"userName": "hadoop", "password": "hadoop"}))
    clients = Clients(tap.attach(mock.as_token("alice")), hadoop, tap.attach(mock.client(VIAS)))
    flow, answers = run_session(clients, mock.advance)
    mock.reset()  # leave the shared mock as other tests expect it: empty, on real time
    return Recorded(recorder, flow, answers, first_ms)


@pytest.fixture
def fresh() -> Iterator[LocalMock]:
    mock = in_process()
    try:
        yield mock
    finally:
        mock.stop()


def test_the_flow_saw_what_the_replay_must_give_back(recorded: Recorded) -> None:
    """The recording's premises: each job went where its code sends it."""
    last = recorded.answers[ROUNDS - 1]
    assert [job[0] for job in last[:3]] == ["Succeed", "Failed", "Running"]
    assert last[3][0] == "RUNNING"  # the VIAS task, started again
    states = {r[3][0] for r in recorded.answers[:ROUNDS]}
    assert {"STOPPING", "STOPPED", "STARTING", "RUNNING"} <= states
    running = [r[0][1] for r in recorded.answers[:ROUNDS] if r[0][0] == "Running"]
    assert len(set(running)) > 3 and all(0 <= p < 1 for p in running)
    assert any(r[0][2] for r in recorded.answers[:ROUNDS])  # progressInfo was seen
    chunks = [r[1][3] for r in recorded.answers[:ROUNDS]]
    assert len({tuple(c) for c in chunks}) > 3  # the failed job's log came in chunks
    _, _, metadata, rows = recorded.answers[ROUNDS]
    assert [c["dataType"] for c in metadata] == ["int", "string", "double"] and len(rows) == 4


def test_a_fresh_mock_from_the_scenario_answers_the_same_polls_alike(
    recorded: Recorded, fresh: LocalMock
) -> None:
    load(fresh, recorded.recorder.scenario())
    replayed = polls(fresh.advance, replay_clients(fresh), recorded.flow, act=False)
    for number, (seen, again) in enumerate(zip(recorded.answers, replayed, strict=True)):
        assert again == seen, f"round {number}"


def test_the_scenario_is_a_snapshot_that_starts_at_the_first_exchange(
    recorded: Recorded, fresh: LocalMock
) -> None:
    scenario = recorded.recorder.scenario()
    assert schema_problem(ADMIN_SPEC, "Snapshot", scenario) is None
    assert scenario["clock"] == {"nowMs": recorded.first_ms, "frozen": False, "speed": 1.0}
    assert scenario["sessions"] == []  # tickets are credentials
    restored = load(fresh, scenario, frozen=False)  # as produced: accepted, running
    assert restored["clock"]["frozen"] is False
    assert recorded.first_ms <= restored["clock"]["nowMs"] < recorded.first_ms + 5_000
    assert [job["ident"]["task_id"] for job in restored["jobs"]] == [3, 2, 1]
    assert restored["counters"]["lastTaskId"] == 3 and restored["counters"]["tasksCreated"] == 1
    # A new submit continues the ids: no clash with the recorded jobs.
    again = fresh.as_token("alice").post("/entrance/submit", json=endless_body())
    assert linkis(again)["taskID"] == 4
    assert linkis(again)["execID"] not in {recorded.flow.ok[0], recorded.flow.endless[0]}


def test_a_job_whose_end_was_not_seen_stays_in_its_last_state(
    recorded: Recorded, fresh: LocalMock
) -> None:
    load(fresh, recorded.recorder.scenario())
    fresh.advance(STEP_S * ROUNDS + 3600)  # an hour past the recording
    exec_id, task_id = recorded.flow.endless
    alice = fresh.as_token("alice")
    last_seen = recorded.answers[ROUNDS - 1][2]
    assert linkis(alice.get(f"/entrance/{exec_id}/status"))["status"] == "Running"
    assert linkis(alice.get(f"/entrance/{exec_id}/progress"))["progress"] == last_seen[1]
    log = linkis(alice.get(f"/entrance/{exec_id}/log", params={"fromLine": last_seen[4]}))
    assert log["fromLine"] == last_seen[4]  # no line past those seen
    vias = fresh.client(VIAS).get(f"/{PROJECT}/tasks/{recorded.flow.task}", headers=VIAS_TOKEN)
    assert vias.json()["state"] == "RUNNING"
    assert linkis(alice.get(f"/jobhistory/{task_id}/get"))["task"]["status"] == "Running"


def test_a_mocks_flow_maps_whole(recorded: Recorded) -> None:
    """Against a mock (seed 0) every exchange of the flow fits the scenario."""
    assert recorded.recorder.unmapped() == []


# ---- exchanges made by hand ----------------------------------------------------------------

START = 1_714_557_933_000
EXEC_ID = "exec_id018014linkis-cg-entrance127.0.0.1:9104IDE_alice_spark_7"


def exchange(
    method: str,
    path: str,
    reply: Any,
    *,
    at_s: float = 0,
    query: Pairs = (),
    status: int = 200,
    request: Any = None,
    headers: Pairs = (("token-code", "LINKIS-AUTH"), ("token-user", "alice")),
) -> Exchange:
    body = reply if isinstance(reply, bytes) else httpx.Response(200, json=reply).content
    sent = b"" if request is None else httpx.Response(200, json=request).content
    at = START + round(at_s * 1000)
    api: ApiName = "vias" if path.startswith(VIAS) else "linkis"
    return Exchange(api, method, path, query, headers, sent, status, (), body, at, at)


def ok(data: dict[str, Any]) -> dict[str, Any]:
    return {"method": None, "status": 0, "message": "OK", "data": data}


def status_poll(state: str, at_s: float, task_id: int | None = 7) -> Exchange:
    query = (("taskID", str(task_id)),) if task_id is not None else ()
    reply = ok({"status": state, "execID": EXEC_ID})
    return exchange("GET", f"{API}/entrance/{EXEC_ID}/status", reply, at_s=at_s, query=query)


def log_poll(
    from_line: int, lines: list[str], returned: int, at_s: float, exec_id: str = EXEC_ID
) -> Exchange:
    reply = ok({"log": ["", "", "\n".join(lines), "\n".join(lines)], "fromLine": returned})
    query = (("fromLine", str(from_line)), ("size", "100"))
    return exchange("GET", f"{API}/entrance/{exec_id}/log", reply, at_s=at_s, query=query)


def restored(recorder: Recorder) -> Simulator:
    sim = Simulator(SimSettings(instance="127.0.0.1:9104"))
    restore(sim.stores, recorder.scenario())
    return sim


def test_a_job_seen_only_by_polls_is_recorded_from_its_ids() -> None:
    recorder = Recorder(ROUTES)
    for number, state in enumerate(["Scheduled", "Running", "Running", "Succeed"]):
        recorder.observe(status_poll(state, number * 2.0))
    recorder.observe(log_poll(1, ["2024-05-01 10:05:33.005 INFO one", "two"], 4, 1.0))
    job = restored(recorder).stores.jobs.by_task_id(7)
    assert job is not None
    assert (job.submitted.submit_user, job.submitted.creator, job.submitted.engine_type) == (
        "alice",
        "IDE",
        "spark",
    )
    assert job.ident.short_exec_id == "IDE_alice_spark_7"
    assert [job.state(START + ms).value for ms in (0, 1999, 2000, 6000)] == [
        "Scheduled",
        "Scheduled",
        "Running",
        "Succeed",
    ]
    assert job.timeline.lines[:3] == ["2024-05-01 10:05:33.005 INFO one", "two", ""]
    assert recorder.scenario()["counters"]["groups"] == {"IDE_alice_spark": 8}


def test_what_cannot_be_mapped_is_listed_and_observe_never_raises() -> None:
    recorder = Recorder(ROUTES)
    nowhere = exchange("GET", "/nowhere/at/all", ok({}))
    cut = Exchange(
        "linkis", "GET", f"{API}/entrance/{EXEC_ID}/status", (), (), b"", 200, (), b"{", 0, 0
    )
    for odd in (
        nowhere,
        cut,
        exchange("GET", f"{API}/entrance/operation/metrics/runningtask", ok({})),
        exchange("GET", f"{API}/entrance/{EXEC_ID}/status", b"not json at all"),
        status_poll("Weird", 1.0),
        exchange("GET", f"{API}/entrance/{EXEC_ID}/status", {**ok({}), "status": 1}, status=400),
        log_poll(5, ["far ahead"], 6, 2.0),  # lines 1-4 were never seen
        exchange("GET", f"{API}/entrance/{EXEC_ID}/progress", ok({"progress": "lots"})),
        exchange("GET", f"{API}/jobhistory/9/get", ok({"task": [1, 2]})),
        status_poll("Running", 3.0, task_id=None),  # a job with no taskID
    ):
        recorder.observe(odd)
    unmapped = "\n".join(recorder.unmapped())
    for expected in (
        "no operation of the specs",
        "reply is not a Linkis envelope",
        "getRunningTask: not part of a scenario",
        "status 'Weird' is not a Linkis job state",
        "error reply (status 1)",
        "log chunk from line 5 does not line up: only 0 lines were seen before it",
        "progress 'lots' is not a number from 0 to 1",
        "job history reply without a task",
        "no taskID seen",
    ):
        assert expected in unmapped, unmapped
    assert schema_problem(ADMIN_SPEC, "Snapshot", recorder.scenario()) is None


def test_progress_replays_exactly_however_fine_when_polls_leave_room() -> None:
    """Each 4-decimal value 0.0001..0.99 (a sample) seen once a second while running."""
    recorder = Recorder(ROUTES)
    values = [round(n / 10_000, 4) for n in range(1, 9_901, 97)]
    recorder.observe(status_poll("Running", 0))
    for number, value in enumerate(values, start=1):
        reply = ok({"progress": value, "execID": EXEC_ID, "progressInfo": []})
        path = f"{API}/entrance/{EXEC_ID}/progress"
        recorder.observe(exchange("GET", path, reply, at_s=number * 1.0))
    job = restored(recorder).stores.jobs.by_task_id(7)
    assert job is not None
    replayed = [job.progress(START + number * 1000) for number in range(1, len(values) + 1)]
    assert replayed == values
    assert not any("progress" in line for line in recorder.unmapped())


def test_the_caps_bound_what_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(recording.caps, "MAX_JOBS", 2)
    monkeypatch.setattr(recording.caps, "MAX_LINES_PER_JOB", 3)
    recorder = Recorder(ROUTES)
    for task_id in (1, 2, 3):
        exec_id = EXEC_ID.replace("_7", f"_{task_id}")
        reply = ok({"status": "Running", "execID": exec_id})
        query = (("taskID", str(task_id)),)
        recorder.observe(exchange("GET", f"{API}/entrance/{exec_id}/status", reply, query=query))
    first = EXEC_ID.replace("_7", "_1")
    recorder.observe(log_poll(1, ["a", "b", "c", "d", "e"], 6, 1.0, exec_id=first))
    scenario = recorder.scenario()
    assert [job["ident"]["task_id"] for job in scenario["jobs"]] == [2, 1]
    unmapped = "\n".join(recorder.unmapped())
    assert "more than 2 jobs seen" in unmapped
    assert "log lines past the cap of 3 per job" in unmapped


def test_a_submit_is_the_user_of_its_session_cookie() -> None:
    recorder = Recorder(ROUTES)
    cookie = "linkis_user_session_ticket_id_v1=t1cket"
    login = exchange(
        "POST",
        f"{API}/user/login",
        ok({"userName": "hadoop", "isAdmin": True}),
        request={"userName": "hadoop", "password": "hadoop"},
        headers=(),
    )
    recorder.observe(replace(login, reply_headers=(("set-cookie", f"{cookie}; Path=/"),)))
    body = {"executionContent": {"code": "select 1"}, "labels": {"userCreator": "bob-IDE"}}
    exec_id = EXEC_ID.replace("alice_spark_7", "bob_spark_0")
    reply = ok({"execID": exec_id, "taskID": 3})
    recorder.observe(
        exchange(
            "POST",
            f"{API}/entrance/submit",
            reply,
            request={**body, "executeUser": "bob"},
            headers=(("cookie", f"other=1; {cookie}"),),
        )
    )
    job = restored(recorder).stores.jobs.by_task_id(3)
    assert job is not None
    assert (job.submitted.submit_user, job.submitted.execute_user, job.state(START).value) == (
        "hadoop",
        "bob",
        "Inited",
    )
    assert job.submitted.labels == {
        "userCreator": "bob-IDE",
        "engineType": "spark-2.4.3",
        "codeType": "sql",
    }


def test_a_job_seen_apart_by_its_execid_and_its_taskid_is_one_job() -> None:
    recorder = Recorder(ROUTES)
    progress = ok({"progress": 0.25, "execID": EXEC_ID, "progressInfo": []})
    recorder.observe(exchange("GET", f"{API}/entrance/{EXEC_ID}/progress", progress, at_s=1))
    record = {"taskID": 7, "status": "Running", "umUser": "alice", "executeUser": "alice"}
    recorder.observe(exchange("GET", f"{API}/jobhistory/7/get", ok({"task": record}), at_s=1))
    recorder.observe(status_poll("Running", 2.0))  # names both: the two are one job
    scenario = recorder.scenario()
    assert [job["ident"]["task_id"] for job in scenario["jobs"]] == [7]
    job = restored(recorder).stores.jobs.by_task_id(7)
    assert job is not None and job.ident.exec_id == EXEC_ID
    assert job.progress(START + 2000) == 0.25


def test_a_real_servers_rows_replay_as_seen_up_to_the_first_row_that_cannot() -> None:
    """A table other than the mock generates: its rows from the first on are kept,
    up to one with a value that is not text; the rest replay generated, and say so."""
    recorder = Recorder(ROUTES)
    location = "hdfs:///tmp/linkis/alice/linkis/20240501_100533/IDE/7"
    record = {
        "taskID": 7,
        "status": "Succeed",
        "umUser": "alice",
        "executeUser": "alice",
        "resultLocation": location,
    }
    recorder.observe(status_poll("Succeed", 1.0))
    recorder.observe(exchange("GET", f"{API}/jobhistory/7/get", ok({"task": record}), at_s=1))
    columns = [
        {"columnName": "city", "dataType": "string", "comment": "NULL"},
        {"columnName": "visits", "dataType": "int", "comment": "NULL"},
    ]
    table = [["Lisbon", "7"], ["Porto", "12"], ["Faro", None], ["Braga", "3"]]
    page = ok({"metadata": columns, "fileContent": table, "type": "2", "totalLine": 4})
    query = (("path", f"{location}/_0.dolphin"),)
    recorder.observe(exchange("GET", f"{API}/filesystem/openFile", page, at_s=2, query=query))
    scenario = recorder.scenario()
    assert scenario["jobs"][0]["script"]["rows_data"] == [["Lisbon", "7"], ["Porto", "12"]]
    assert schema_problem(ADMIN_SPEC, "Snapshot", scenario) is None
    unmapped = "\n".join(recorder.unmapped())
    assert "2 result row(s) replay with other values" in unmapped
    assert "(2 here)" in unmapped
    mock = in_process()
    try:
        assert mock.http.put(f"{mock.base_url}/__admin/snapshot", json=scenario).status_code == 200
        alice = mock.as_token("alice")
        derived = linkis(alice.get("/jobhistory/7/get"))["task"]["resultLocation"]
        replayed = linkis(
            alice.get("/filesystem/openFile", params={"path": f"{derived}/_0.dolphin"})
        )
    finally:
        mock.stop()
    assert [c["columnName"] for c in replayed["metadata"]] == ["city", "visits"]
    rows = replayed["fileContent"]
    assert rows[:2] == [["Lisbon", "7"], ["Porto", "12"]]
    assert len(rows) == 4 and rows[2:] == [["city3", "3"], ["city4", "4"]]


def test_a_snapshot_whose_literal_rows_do_not_fit_its_table_is_refused() -> None:
    recorder = Recorder(ROUTES)
    recorder.observe(status_poll("Succeed", 1.0))
    scenario = recorder.scenario()
    script = scenario["jobs"][0]["script"]
    script["columns"] = [{"name": "city", "data_type": "string"}]
    script["rows"] = 1
    mock = in_process()
    try:
        for rows_data in ([["a", "b"]], [["a"], ["b"]]):  # a value too many; a row too many
            script["rows_data"] = rows_data
            refused = mock.http.put(f"{mock.base_url}/__admin/snapshot", json=scenario)
            assert refused.status_code == 400, refused.text
            assert "rows_data" in refused.text
        script["rows_data"] = [["Lisbon"]]
        accepted = mock.http.put(f"{mock.base_url}/__admin/snapshot", json=scenario)
        assert accepted.status_code == 200, accepted.text
        snapshot = mock.admin("GET", "/snapshot")
    finally:
        mock.stop()
    assert snapshot["jobs"][0]["script"]["rows_data"] == [["Lisbon"]]
