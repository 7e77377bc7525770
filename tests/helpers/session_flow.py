"""A client's session against the mock, for recording it and replaying it: three jobs
(one succeeds, one fails, one runs on) and a VIAS task stopped and started, polled in
rounds `STEP_S` apart on a frozen clock, with every answer kept for comparison."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from linkis_mock.apis import base_paths
from linkis_mock.testing import LocalMock

VIAS = base_paths()["vias"]
Advance = Callable[[float], None]  # moves the simulated clock(s) on by that many seconds

PROJECT = "0123456789abcdef0123456789abcdef"
VIAS_TOKEN = {"X-Auth-Token": "vias-dev-token"}
TASK_BODY: dict[str, Any] = {
    "name": "gate-cam-1",
    "input": {"type": "video_source", "data": [{"video_source_id": "vs-0001"}]},
    "output": {"webhook": {"url": "http://127.0.0.1:9000/hook", "headers": {"a": "a"}}},
    "service_version": "1.1",
}
STEP_S = 0.7  # between two rounds of polls
ROUNDS = 12
STOP_ROUND, START_ROUND = 3, 7  # when the client stops, then starts, its VIAS task
# Job history fields a replay must give back as recorded.
HISTORY_FIELDS = (
    "taskID",
    "status",
    "progress",
    "errCode",
    "errDesc",
    "createdTime",
    "updatedTime",
    "costTime",
    "resultLocation",
    "umUser",
    "executeUser",
    "execId",
    "strongerExecId",
    "instance",
    "engineType",
    "runType",
    "requestApplicationName",
    "labels",
    "paramsJson",
    "sourceJson",
)


@dataclass
class Clients:
    alice: httpx.Client  # a token user
    hadoop: httpx.Client  # a session cookie's user
    vias: httpx.Client


@dataclass(frozen=True)
class Flow:
    """The recorded flow's ids: three jobs (execID, taskID) and a VIAS task."""

    ok: tuple[str, int]
    failed: tuple[str, int]
    endless: tuple[str, int]
    task: str


def linkis(reply: httpx.Response) -> Any:
    body = reply.json()
    assert body["status"] == 0, body
    return body["data"]


def submit_jobs(clients: Clients) -> tuple[tuple[str, int], ...]:
    ok = {
        "executionContent": {"code": "select 1\n--@mock rows=4 duration=6", "runType": "sql"},
        "labels": {"engineType": "spark-2.4.3", "userCreator": "alice-IDE"},
        "params": {"variable": {"day": "2024-05-01"}},
    }
    failed = {
        "executeApplicationName": "spark",
        "executionCode": "select 2\n--@mock outcome=Failed duration=2",
        "runType": "sql",
        "params": {},  # required in practice (docs/reference/linkis-interceptors.md §15)
    }
    endless = {**ok, "executionContent": endless_body()["executionContent"]}
    return (
        _ids(linkis(clients.alice.post("/entrance/submit", json=ok))),
        _ids(linkis(clients.hadoop.post("/entrance/execute", json=failed))),
        _ids(linkis(clients.alice.post("/entrance/submit", json=endless))),
    )


def _ids(data: dict[str, Any]) -> tuple[str, int]:
    return str(data["execID"]), int(data["taskID"])


def one_round(clients: Clients, flow: Flow, from_lines: dict[str, int]) -> list[Any]:
    """The client's polls of every job and the task: what each answered."""
    answers: list[Any] = []
    jobs = ((clients.alice, flow.ok), (clients.hadoop, flow.failed), (clients.alice, flow.endless))
    for number, (client, (exec_id, task_id)) in enumerate(jobs):
        status = linkis(client.get(f"/entrance/{exec_id}/status", params={"taskID": task_id}))
        progress = linkis(client.get(f"/entrance/{exec_id}/progressWithResource"))
        log_params: dict[str, int | str] = {"fromLine": from_lines[exec_id]}
        log_params["size"] = 4 if number else -1
        if number == 2:
            log_params["distinctLevel"] = "false"
        log = linkis(client.get(f"/entrance/{exec_id}/log", params=log_params))
        from_lines[exec_id] = log["fromLine"]
        task = linkis(client.get(f"/jobhistory/{task_id}/get"))["task"]
        answers.append(
            (
                status["status"],
                progress["progress"],
                progress["progressInfo"],
                log["log"],
                log["fromLine"],
                {key: task[key] for key in HISTORY_FIELDS},
            )
        )
    shown = clients.vias.get(f"/{PROJECT}/tasks/{flow.task}", headers=VIAS_TOKEN).json()
    answers.append((shown["state"], shown["updated_at"]))
    return answers


def results(clients: Clients, flow: Flow) -> Any:
    location = linkis(clients.alice.get(f"/jobhistory/{flow.ok[1]}/get"))["task"]["resultLocation"]
    tree = linkis(clients.alice.get("/filesystem/getDirFileTrees", params={"path": location}))
    files = [child["path"] for child in tree["dirFileTrees"]["children"]]
    page = linkis(clients.alice.get("/filesystem/openFile", params={"path": files[0]}))
    return location, files, page["metadata"], page["fileContent"]


def run_session(clients: Clients, advance: Advance) -> tuple[Flow, list[Any]]:
    """The recorded client's session: it creates the task, submits the jobs and polls
    them, stopping and starting the task on the way; `advance` moves the clock(s)."""
    created = clients.vias.post(
        f"/{PROJECT}/services/c-intrusion-detection-cloud/tasks", headers=VIAS_TOKEN, json=TASK_BODY
    )
    assert created.status_code == 200, created.text
    ok, failed, endless = submit_jobs(clients)
    flow = Flow(ok, failed, endless, created.json()["tasks"][0]["id"])
    return flow, polls(advance, clients, flow, act=True)


def polls(advance: Advance, clients: Clients, flow: Flow, act: bool) -> list[Any]:
    """Every round of polls, `STEP_S` apart; `act`: stop and start the task on the way
    (the recorded client did; the replaying one only polls)."""
    from_lines = {flow.ok[0]: 1, flow.failed[0]: 0, flow.endless[0]: 1}
    answers = []
    for number in range(ROUNDS):
        if act and number in (STOP_ROUND, START_ROUND):
            command = "stop" if number == STOP_ROUND else "start"
            path = f"/{PROJECT}/tasks/{flow.task}/action/{command}"
            assert clients.vias.put(path, headers=VIAS_TOKEN).status_code == 200
        answers.append(one_round(clients, flow, from_lines))
        advance(STEP_S)
    answers.append(results(clients, flow))
    return answers


def replay_clients(mock: LocalMock) -> Clients:
    return Clients(mock.as_token("alice"), mock.logged_in("hadoop"), mock.client(VIAS))


def load(mock: LocalMock, scenario: dict[str, Any], *, frozen: bool = True) -> Any:
    """PUT the scenario; `frozen`: with its clock frozen, for polls at exact instants."""
    document = copy.deepcopy(scenario)
    document["clock"]["frozen"] = frozen
    reply = mock.http.put(f"{mock.base_url}/__admin/snapshot", json=document)
    assert reply.status_code == 200, reply.text
    return reply.json()


def endless_body() -> dict[str, Any]:
    return {
        "executionContent": {"code": "select 3\n--@mock duration=600", "runType": "sql"},
        "labels": {"engineType": "spark-2.4.3", "userCreator": "alice-IDE"},
    }
