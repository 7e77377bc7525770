"""A job's life over real HTTP, driven by the frozen simulated clock.

Reference: docs/reference/linkis-entrance.md §4, §5.3-5.6, §6, §8 (states; status, progress
and log; log format and fromLine arithmetic; job history and result files).
Default timing: Scheduled at +0.2 s, Running at +1.0 s, Succeed at +3.0 s.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import httpx
import pytest

from linkis_mock.testing import Mock
from tests.helpers.linkis import (
    LOG_UNKNOWN_JOB,
    PROGRESS_UNKNOWN_JOB,
    STATE_RETRY,
    STATE_RUNNING,
    STATE_SCHEDULED,
    STATE_SUCCEED,
    STATUS_UNKNOWN_JOB,
    all_log_lines,
    check,
    check_generic,
    exec_id_for,
    finished_line,
    history_of,
    instance_of,
    log_data,
    ok,
    state_of,
    submit,
    texts,
)

LINE = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2}) (?P<hour>\d{2}):(?P<minute>\d{2}):(?P<second>\d{2})"
    r"\.(?P<mmm>\d{3}) (?P<level>INFO|WARN|ERROR|SYSTEM-INFO|SYSTEM-WARN|SYSTEM-ERROR) "
)
PROGRESS_ITEM_KEYS = {"id", "succeedTasks", "failedTasks", "runningTasks", "totalTasks"}
YARN_ITEM_KEYS = {
    "queueMemory",
    "queueCores",
    "queueInstances",
    "jobStatus",
    "applicationId",
    "queue",
}
FAILED_CODE = '--@mock outcome=Failed error="boom"\nselect 1'


@pytest.fixture(scope="module")
def alice(running_mock: Mock) -> httpx.Client:
    """One token client for the stateless tests of this module (clients are slow to build)."""
    return running_mock.as_token("alice")


def progress_of(client: httpx.Client, exec_id: str, action: str = "progress") -> dict[str, Any]:
    reply = client.get(f"/entrance/{exec_id}/{action}")
    data = ok(reply, f"/api/entrance/{exec_id}/{action}")
    assert data["execID"] == exec_id
    assert isinstance(data["progress"], float)
    assert 0.0 <= data["progress"] <= 1.0
    for item in data["progressInfo"]:
        assert set(item) == PROGRESS_ITEM_KEYS, item
        assert isinstance(item["id"], str)
        assert all(type(item[key]) is int for key in PROGRESS_ITEM_KEYS - {"id"}), item
        assert item["totalTasks"] > 0
    return data


def level_of(line: str) -> str | None:
    """The LEVEL of a `<timestamp> LEVEL text` line; None for a line without that header."""
    match = LINE.match(line)
    return match["level"] if match else None


def rgb(percent: float) -> str:
    if percent <= 0.5:
        return "green"
    return "yellow" if percent <= 0.7 else "red"


# ---- states -------------------------------------------------------------------------------


def test_states_follow_the_clock(mock: Mock) -> None:
    client = mock.as_token("alice")
    exec_id, _ = submit(client)
    seen = [state_of(client, exec_id)]
    for step in (0.19, 0.02, 0.78, 0.02, 1.98, 0.02, 10.0):
        mock.advance(step)
        seen.append(state_of(client, exec_id))
    assert seen == [
        "Inited",  # +0.00
        "Inited",  # +0.19
        "Scheduled",  # +0.21
        "Scheduled",  # +0.99
        "Running",  # +1.01
        "Running",  # +2.99
        "Succeed",  # +3.01
        "Succeed",  # +13.01: terminal states stay
    ]


def test_status_reply_envelope(mock: Mock) -> None:
    client = mock.as_token("bob")
    exec_id, task_id = submit(client)
    # Any logged-in user may read the status, with or without the taskID.
    for reader in (client, mock.as_token("alice"), mock.logged_in("hadoop")):
        for params in ({}, {"taskID": task_id}):
            reply = reader.get(f"/entrance/{exec_id}/status", params=params)
            check(
                reply,
                status=0,
                message="OK",
                method=f"/api/entrance/{exec_id}/status",
                data={"status": "Inited", "execID": exec_id},
            )


def test_clock_stays_frozen_without_advance(mock: Mock) -> None:
    client = mock.as_token("alice")
    exec_id, _ = submit(client)
    for _ in range(5):
        assert state_of(client, exec_id) == "Inited"


def test_directives_steer_queue_and_duration(mock: Mock) -> None:
    client = mock.as_token("alice")
    exec_id, _ = submit(client, "--@mock queue=5 duration=10\nselect 1")
    mock.advance(5.1)
    assert state_of(client, exec_id) == "Scheduled"
    mock.advance(0.2)  # +5.3: running from +5.2
    assert state_of(client, exec_id) == "Running"
    mock.advance(9.8)  # +15.1
    assert state_of(client, exec_id) == "Running"
    mock.advance(0.2)  # +15.3: done at +15.2
    assert state_of(client, exec_id) == "Succeed"


def test_retry_passes_through_wait_for_retry(mock: Mock) -> None:
    client = mock.as_token("alice")
    exec_id, task_id = submit(client, "--@mock retry=1\nselect 1")
    states = []
    for _ in range(40):
        states.append(state_of(client, exec_id))
        if states[-1] in {"Succeed", "Failed", "Cancelled", "Timeout"}:
            break
        mock.advance(0.25)
    collapsed = [s for i, s in enumerate(states) if i == 0 or states[i - 1] != s]
    assert collapsed == [
        "Inited",
        "Scheduled",
        "Running",
        "WaitForRetry",
        "Scheduled",
        "Running",
        "Succeed",
    ]
    lines = texts(all_log_lines(client, exec_id))
    assert lines.count(STATE_RETRY) == 1
    assert lines.count(STATE_SCHEDULED) == 2
    assert lines.count(STATE_RUNNING) == 2
    warn = log_data(client, exec_id, fromLine=1, size=-1)["log"][1]
    assert warn, "a retryable engine error is logged as WARN"
    assert history_of(client, task_id)["status"] == "Succeed"


# ---- progress -----------------------------------------------------------------------------


def test_progress_rises_from_zero_to_one(mock: Mock) -> None:
    client = mock.as_token("alice")
    exec_id, _ = submit(client)
    before = progress_of(client, exec_id)
    assert set(before) == {"progress", "execID", "progressInfo"}
    assert before["progress"] == 0.0
    assert before["progressInfo"] == []
    mock.advance(0.5)  # Scheduled
    assert progress_of(client, exec_id)["progress"] == 0.0
    assert progress_of(client, exec_id)["progressInfo"] == []
    readings = []
    for _ in range(4):
        mock.advance(0.5)  # +1.0 .. +2.5: running from +1.0 to +3.0
        assert state_of(client, exec_id) == "Running"
        readings.append(progress_of(client, exec_id))
    values = [r["progress"] for r in readings[1:]]
    assert all(0.0 < v < 1.0 for v in values), values
    assert values == sorted(set(values)), values
    assert all(r["progressInfo"] for r in readings[1:])
    mock.advance(0.6)
    after = progress_of(client, exec_id)
    assert after["progress"] == 1.0
    assert after["progressInfo"] == []


def test_progress_is_one_on_failure_too(mock: Mock) -> None:
    client = mock.as_token("alice")
    exec_id, _ = submit(client, FAILED_CODE)
    mock.advance(3.1)
    assert state_of(client, exec_id) == "Failed"
    data = progress_of(client, exec_id)
    assert data["progress"] == 1.0
    assert data["progressInfo"] == []


def test_progress_with_resource_for_spark(mock: Mock) -> None:
    client = mock.as_token("alice")
    exec_id, _ = submit(client, engine="spark-2.4.3")
    before = progress_of(client, exec_id, "progressWithResource")
    assert set(before) == {"progress", "execID", "progressInfo", "yarnResource"}
    assert before["yarnResource"] is None
    mock.advance(1.5)
    assert state_of(client, exec_id) == "Running"
    data = progress_of(client, exec_id, "progressWithResource")
    assert "yarnMetrics" in data
    metrics = data["yarnMetrics"]
    assert set(metrics) == {"yarnResource", "corePercent", "memoryPercent", "coreRGB", "memoryRGB"}
    items = metrics["yarnResource"]
    assert isinstance(items, list) and items
    for item in items:
        assert set(item) == YARN_ITEM_KEYS, item
        assert type(item["queueMemory"]) is int
        assert type(item["queueCores"]) is int
        assert type(item["queueInstances"]) is int
        assert item["applicationId"].startswith("application_")
        assert isinstance(item["queue"], str)
    cores = sum(item["queueCores"] for item in items)
    memory = sum(item["queueMemory"] for item in items)
    assert metrics["corePercent"] == pytest.approx(cores / 300, abs=1e-3)
    assert metrics["memoryPercent"] == pytest.approx(memory / (1000 * 1024**3), abs=1e-3)
    assert metrics["coreRGB"] == rgb(metrics["corePercent"])
    assert metrics["memoryRGB"] == rgb(metrics["memoryPercent"])
    # The progress part is the same as /progress.
    plain = progress_of(client, exec_id)
    assert data["progress"] == plain["progress"]
    assert data["progressInfo"] == plain["progressInfo"]


def test_progress_with_resource_for_shell_has_no_yarn(mock: Mock) -> None:
    client = mock.as_token("alice")
    exec_id, _ = submit(client, "echo 1", engine="shell")
    for step in (0.0, 1.5, 2.0):
        mock.advance(step)
        data = progress_of(client, exec_id, "progressWithResource")
        assert data["yarnResource"] is None
        assert "yarnMetrics" not in data


# ---- log ----------------------------------------------------------------------------------


def test_first_log_lines_of_a_submitted_job(mock: Mock) -> None:
    client = mock.as_token("alice")
    exec_id, task_id = submit(client)
    short = "IDE_alice_spark_0"
    created = history_of(client, task_id)["createdTime"]
    lines = all_log_lines(client, exec_id)
    # The interceptors' lines come first, twice (docs/reference/linkis-interceptors.md §9).
    head = texts(lines[:-3])
    assert head[0] == "Program is substituting variables for you"
    assert head[: len(head) // 2] == head[len(head) // 2 :]
    assert texts(lines)[-3:] == [
        f"Job with jobId : {task_id} and execID : {short} submitted ",
        f"Your job is accepted,  jobID is {short} and jobReqId is {task_id} in "
        f"ServiceInstance(linkis-cg-entrance, {instance_of(mock)}, {created}). ",
        texts(lines)[-1],
    ]
    assert texts(lines)[-1].startswith(" Please wait it to be scheduled(")
    assert LINE.match(lines[-3]) and LINE.match(lines[-2])
    assert not LINE.match(lines[-1]), "the embedded newline makes a header-less line"


def test_execute_log_names_the_full_exec_id(mock: Mock) -> None:
    client = mock.as_token("alice")
    body = {"executeApplicationName": "spark", "executionCode": "select 1", "params": {}}
    data = ok(client.post("/entrance/execute", json=body), "/api/entrance/execute")
    lines = texts(all_log_lines(client, data["execID"]))
    accepted = next(line for line in lines if line.startswith("Your job is accepted"))
    assert accepted.startswith(
        f"Your job is accepted,  jobID is {data['execID']} and taskID is {data['taskID']} in "
    )


def test_log_line_format_puts_the_minutes_after_the_dot(mock: Mock) -> None:
    client = mock.as_token("alice")
    exec_id, _ = submit(client, FAILED_CODE)
    mock.advance(3.1)
    lines = all_log_lines(client, exec_id)
    headed = [LINE.match(line) for line in lines]
    assert sum(1 for m in headed if m) >= 6
    for match in headed:
        if match:
            assert int(match["mmm"]) == int(match["minute"]), match.string


def test_log_grows_line_by_line(mock: Mock) -> None:
    client = mock.as_token("alice")
    exec_id, _ = submit(client)
    history = [all_log_lines(client, exec_id)]
    head = len(history[0]) - 3  # the interceptors' lines, then the 3 of §6's example
    for step in (0.21, 0.8, 0.5, 0.5, 0.5, 0.5, 5.0):
        mock.advance(step)
        history.append(all_log_lines(client, exec_id))
    for earlier, later in itertools.pairwise(history):
        assert later[: len(earlier)] == earlier
    assert len(history[1]) == head + 4
    assert texts(history[1])[head + 3] == STATE_SCHEDULED
    assert texts(history[2])[head + 4] == STATE_RUNNING
    assert texts(history[-1])[-1] == STATE_SUCCEED
    assert len(history[-1]) > len(history[2]) > len(history[1])
    # A finished job stays readable and stops growing.
    mock.advance(100)
    assert all_log_lines(client, exec_id) == history[-1]


def test_log_array_layout_by_level(mock: Mock) -> None:
    client = mock.as_token("alice")
    exec_id, _ = submit(client, '--@mock outcome=Failed error="boom" retry=1\nselect 1')
    mock.advance(20)
    data = log_data(client, exec_id, fromLine=1, size=-1)
    assert set(data) == {"log", "execID", "fromLine"}
    assert data["execID"] == exec_id
    log = data["log"]
    assert isinstance(log, list) and len(log) == 4
    assert all(isinstance(part, str) for part in log)
    assert not any(part.endswith("\n") for part in log)
    error, warn, info, every = (part.split("\n") if part else [] for part in log)
    assert error and warn and info
    assert all(level_of(line) == "ERROR" for line in error), error
    assert all(level_of(line) == "WARN" for line in warn), warn
    assert all(level_of(line) in {"INFO", None} for line in info), info
    assert sorted(every) == sorted(error + warn + info)
    assert "Sorry, your job executed failed with reason: boom" in texts(error)
    assert finished_line("Failed") in texts(info)


def test_distinct_level_false_gives_one_string(mock: Mock) -> None:
    client = mock.as_token("alice")
    exec_id, _ = submit(client, FAILED_CODE)
    mock.advance(3.1)
    array = log_data(client, exec_id, fromLine=1, size=-1)
    single = log_data(client, exec_id, fromLine=1, size=-1, distinctLevel="false")
    assert single["log"] == array["log"][3]
    assert single["fromLine"] == array["fromLine"]
    assert single["execID"] == exec_id
    explicit = log_data(client, exec_id, fromLine=1, size=-1, distinctLevel="true")
    assert explicit == array


@pytest.mark.parametrize("value", ["abc", "0", "yes"])
def test_distinct_level_is_a_boolean_and_other_text_is_refused(mock: Mock, value: str) -> None:
    """The real server treats any text but "false" as true; the contract types a boolean."""
    client = mock.as_token("alice")
    exec_id, _ = submit(client)
    reply = client.get(f"/entrance/{exec_id}/log", params={"fromLine": 1, "distinctLevel": value})
    assert reply.status_code == 400
    body = reply.json()
    assert (body["status"], body["method"]) == (1, None)
    assert "distinctLevel" in body["message"] or value in body["message"]


def test_from_line_arithmetic_of_section_6(mock: Mock) -> None:
    """§6's table, for a job whose log has n lines so far: the interceptors' lines, two of
    them empty (counted, not shown), then the 3 of the reference's example."""
    client = mock.as_token("alice")
    exec_id, _ = submit(client)
    shown = all_log_lines(client, exec_id)
    n = len(shown) + 2

    def read(**params: str | int) -> tuple[list[str], int]:
        data = log_data(client, exec_id, **params)
        every: str = data["log"][3]
        return (every.split("\n") if every else []), data["fromLine"]

    # fromLine=1&size=-1 reads lines 1-n and answers n+1.
    assert read(fromLine=1, size=-1) == (shown, n + 1)
    # fromLine=n+1 with nothing new: four empty strings, fromLine stays.
    data = log_data(client, exec_id, fromLine=n + 1, size=-1)
    assert data["log"] == ["", "", "", ""]
    assert data["fromLine"] == n + 1
    # fromLine=0 reads lines 1-n but answers n (the quirk: line n is read again next time).
    assert read(fromLine=0, size=-1) == (shown, n)
    # Negative fromLine counts as 0.
    assert read(fromLine=-7, size=-1) == (shown, n)
    # No fromLine at all is fromLine=0; no size is 100.
    assert read() == (shown, n)
    # size limits the lines; 0 reads none.
    assert read(fromLine=1, size=2) == (shown[:2], 3)
    assert read(fromLine=2, size=1) == (shown[1:2], 3)
    assert read(fromLine=1, size=0) == ([], 1)
    # Past the end: nothing, fromLine unchanged.
    assert read(fromLine=n + 50, size=-1) == ([], n + 50)

    mock.advance(0.21)  # one new line: Scheduled
    lines, next_line = read(fromLine=n + 1, size=-1)
    assert texts(lines) == [STATE_SCHEDULED]
    assert next_line == n + 2
    mock.advance(0.8)  # Running and the engine lines
    lines, after = read(fromLine=next_line, size=-1)
    assert texts(lines)[0] == STATE_RUNNING
    assert after == next_line + len(lines)
    # Re-reading from the quirky n gives line n again.
    lines, _ = read(fromLine=n, size=1)
    assert lines == shown[-1:]


def test_negative_size_reads_everything(mock: Mock) -> None:
    client = mock.as_token("alice")
    exec_id, _ = submit(client)
    mock.advance(5)
    every = all_log_lines(client, exec_id)
    for size in (-1, -100, 10_000):
        data = log_data(client, exec_id, fromLine=1, size=size)
        assert data["log"][3].split("\n") == every
        assert data["fromLine"] == 1 + len(every) + 2  # and the two empty lines


def test_polling_with_the_returned_from_line_reads_every_line_once(mock: Mock) -> None:
    client = mock.as_token("alice")
    exec_id, _ = submit(client)
    collected: list[str] = []
    from_line = 1
    for _ in range(12):
        data = log_data(client, exec_id, fromLine=from_line, size=2)
        part: str = data["log"][3]
        collected.extend(part.split("\n") if part else [])
        from_line = data["fromLine"]
        mock.advance(0.3)
    mock.advance(5)
    while True:
        data = log_data(client, exec_id, fromLine=from_line, size=2)
        if data["fromLine"] == from_line:
            break
        collected.extend(data["log"][3].split("\n"))
        from_line = data["fromLine"]
    assert collected == all_log_lines(client, exec_id)


# ---- execIDs in paths ---------------------------------------------------------------------


@pytest.mark.parametrize("action", ["status", "progress", "progressWithResource", "log", "pause"])
@pytest.mark.parametrize("encoded", [False, True], ids=["raw-colon", "percent-encoded"])
def test_exec_id_with_colon_works_raw_and_encoded(mock: Mock, action: str, encoded: bool) -> None:
    client = mock.as_token("alice")
    exec_id, _ = submit(client)
    assert ":" in exec_id
    in_path = exec_id.replace(":", "%3A") if encoded else exec_id
    reply = client.get(f"/entrance/{in_path}/{action}")
    assert (b"%3A" in reply.request.url.raw_path) is encoded
    assert (b":" in reply.request.url.raw_path.split(b"/entrance/")[1]) is not encoded
    message = "success to pause job (成功pause了job)" if action == "pause" else "OK"
    data = check(reply, status=0, message=message, method=f"/api/entrance/{exec_id}/{action}")
    assert data["execID"] == exec_id


def test_an_encoded_slash_in_the_id_matches_no_route(mock: Mock) -> None:
    reply = mock.as_token("alice").get("/entrance/a%2Fb/status")
    assert reply.status_code == 404
    assert reply.json()["status"] == 1


# ---- unknown and malformed ids --------------------------------------------------------------


def test_unknown_job_status_without_task_id(mock: Mock) -> None:
    exec_id = exec_id_for(mock, "IDE_alice_spark_7")
    reply = mock.as_token("alice").get(f"/entrance/{exec_id}/status")
    check(
        reply,
        status=1,
        message=STATUS_UNKNOWN_JOB,
        method=f"/api/entrance/{exec_id}/status",
        data={},
    )


def test_unknown_job_status_falls_back_to_job_history(mock: Mock) -> None:
    client = mock.as_token("alice")
    exec_id = exec_id_for(mock, "IDE_alice_spark_7")
    method = f"/api/entrance/{exec_id}/status"
    # An unknown taskID reads Cancelled.
    reply = client.get(f"/entrance/{exec_id}/status", params={"taskID": 4242})
    check(
        reply,
        status=0,
        message="OK",
        method=method,
        data={"status": "Cancelled", "execID": exec_id},
    )
    # A history-only row (rejected by an interceptor) reads its own status.
    rejected = client.post(
        "/entrance/submit",
        json={
            "executionContent": {"code": "select 1", "runType": "sql"},
            "labels": {"engineType": "spark", "userCreator": "bob-IDE"},
        },
    )
    assert rejected.status_code == 400
    _, task_id = submit(client)
    reply = client.get(f"/entrance/{exec_id}/status", params={"taskID": task_id - 1})
    check(
        reply, status=0, message="OK", method=method, data={"status": "Failed", "execID": exec_id}
    )


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ("progress", PROGRESS_UNKNOWN_JOB),
        ("progressWithResource", PROGRESS_UNKNOWN_JOB),
        ("log", LOG_UNKNOWN_JOB),
    ],
)
def test_unknown_job_progress_and_log(mock: Mock, action: str, message: str) -> None:
    client = mock.as_token("alice")
    submit(client)  # IDE_alice_spark_0 exists; _7 does not
    exec_id = exec_id_for(mock, "IDE_alice_spark_7")
    reply = client.get(f"/entrance/{exec_id}/{action}")
    check(reply, status=1, message=message, method=f"/api/entrance/{exec_id}/{action}", data={})


@pytest.mark.parametrize(
    "action", ["status", "progress", "progressWithResource", "log", "kill", "pause"]
)
@pytest.mark.parametrize(
    ("bad_id", "reason"),
    [
        ("exec_idabcdef", ("NumberFormatException", 'For input string: "abc"')),
        ("garbage", ("NumberFormatException", 'For input string: "ga"')),
        (
            "exec_id018099linkis-cg-entrance",
            ("StringIndexOutOfBoundsException", "begin 6, end 123, length 24"),
        ),
    ],
)
def test_malformed_exec_id_gets_the_generic_400(
    running_mock: Mock,
    alice: httpx.Client,
    action: str,
    bad_id: str,
    reason: tuple[str, str],
) -> None:
    reply = alice.get(f"/entrance/{bad_id}/{action}")
    check_generic(reply, running_mock, *reason)


@pytest.mark.parametrize("param", ["fromLine", "size"])
def test_non_numeric_log_parameters_get_the_generic_400(mock: Mock, param: str) -> None:
    client = mock.as_token("alice")
    exec_id, _ = submit(client)
    reply = client.get(f"/entrance/{exec_id}/log", params={param: "abc"})
    check_generic(reply, mock)


def test_non_numeric_from_line_is_a_number_format_exception(mock: Mock) -> None:
    client = mock.as_token("alice")
    exec_id, _ = submit(client)
    reply = client.get(f"/entrance/{exec_id}/log", params={"fromLine": "abc"})
    check_generic(reply, mock, "NumberFormatException", 'For input string: "abc"')


# ---- job history and result files ----------------------------------------------------------


def test_job_history_while_running_and_after_succeed(mock: Mock) -> None:
    client = mock.as_token("alice")
    exec_id, task_id = submit(client)
    mock.advance(2.0)
    running = history_of(client, task_id)
    assert running["status"] == "Running"
    assert running["errCode"] is None
    assert isinstance(running["progress"], str)
    assert 0.0 < float(running["progress"]) < 1.0
    mock.advance(1.01)
    task = history_of(client, task_id)
    assert task["taskID"] == task_id
    assert task["status"] == "Succeed"
    assert task["progress"] == "1.0"
    assert task["errCode"] is None
    assert task["errDesc"] is None
    assert isinstance(task["resultLocation"], str)
    assert task["resultLocation"].endswith(f"/{task_id}")
    assert isinstance(task["logPath"], str) and task["logPath"]
    assert type(task["createdTime"]) is int and type(task["updatedTime"]) is int
    assert task["updatedTime"] - task["createdTime"] == 3000
    assert task["costTime"] == 3000
    assert task["execId"] == "IDE_alice_spark_0"
    assert task["strongerExecId"] == exec_id
    assert task["umUser"] == "alice" and task["executeUser"] == "alice"


def test_failed_job_shows_its_error(mock: Mock) -> None:
    client = mock.as_token("alice")
    exec_id, task_id = submit(client, FAILED_CODE)
    mock.advance(3.1)
    task = history_of(client, task_id)
    assert task["status"] == "Failed"
    assert task["errDesc"] == "boom"
    assert task["progress"] == "1.0"
    assert task["resultLocation"] is None
    log = log_data(client, exec_id, fromLine=1, size=-1)["log"]
    assert "Sorry, your job executed failed with reason: boom" in texts(log[0].split("\n"))
    assert texts(all_log_lines(client, exec_id))[-1] == finished_line("Failed")


def test_result_directory_tree(mock: Mock) -> None:
    client = mock.as_token("alice")
    _, task_id = submit(client, "--@mock rows=7\nselect id, name from t")
    mock.advance(3.1)
    location = history_of(client, task_id)["resultLocation"]
    reply = client.get("/filesystem/getDirFileTrees", params={"path": location})
    data = ok(reply, "/api/filesystem/getDirFileTrees")
    assert set(data) == {"dirFileTrees"}
    tree = data["dirFileTrees"]
    child = tree["children"][0]
    assert tree == {
        "name": str(task_id),
        "path": location,
        "properties": None,
        "isLeaf": False,
        "parentPath": None,
        "children": [child],
    }
    assert child == {
        "name": "_0.dolphin",
        "path": f"{location}/_0.dolphin",
        "isLeaf": True,
        "children": None,
        "parentPath": location,
        "properties": child["properties"],
    }
    assert set(child["properties"]) == {"size", "modifytime"}
    assert child["properties"]["size"].isdigit()
    assert child["properties"]["modifytime"].isdigit()


def test_open_file_gives_a_table_of_strings(mock: Mock) -> None:
    client = mock.as_token("alice")
    _, task_id = submit(client, "--@mock rows=7\nselect id, name from t")
    mock.advance(3.1)
    location = history_of(client, task_id)["resultLocation"]
    path = f"{location}/_0.dolphin"
    reply = client.get("/filesystem/openFile", params={"path": path, "charset": "utf8"})
    data = ok(reply, "/api/filesystem/openFile")
    assert set(data) == {
        "metadata",
        "fileContent",
        "type",
        "totalLine",
        "page",
        "totalPage",
        "totalColumn",
    }
    assert [c["columnName"] for c in data["metadata"]] == ["id", "name"]
    for column in data["metadata"]:
        assert set(column) == {"columnName", "comment", "dataType"}
        assert isinstance(column["dataType"], str)
    rows = data["fileContent"]
    assert len(rows) == 7
    assert all(len(row) == 2 and all(isinstance(v, str) for v in row) for row in rows)
    assert [row[0] for row in rows] == [str(i) for i in range(1, 8)]
    assert data["type"] == "2"
    assert data["totalLine"] == 7
    assert data["page"] == 1
    assert data["totalPage"] == 0
    assert data["totalColumn"] == 2

    def page(number: int, size: int) -> list[list[str]]:
        params: dict[str, str | int] = {"path": path, "page": number, "pageSize": size}
        paged = ok(client.get("/filesystem/openFile", params=params), "/api/filesystem/openFile")
        assert paged["page"] == number
        result: list[list[str]] = paged["fileContent"]
        return result

    assert page(1, 3) == rows[0:3]
    assert page(2, 3) == rows[3:6]
    assert page(3, 3) == rows[6:7]
    assert page(4, 3) == []
    assert page(1, 5000) == rows


@pytest.mark.parametrize("rows", [0, 1, 25])
def test_rows_directive_is_honoured(mock: Mock, rows: int) -> None:
    client = mock.as_token("alice")
    _, task_id = submit(client, f"--@mock rows={rows}\nselect 1")
    mock.advance(3.1)
    location = history_of(client, task_id)["resultLocation"]
    reply = client.get("/filesystem/openFile", params={"path": f"{location}/_0.dolphin"})
    data = ok(reply, "/api/filesystem/openFile")
    assert len(data["fileContent"]) == rows
    assert data["totalLine"] == rows
