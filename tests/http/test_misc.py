"""Metrics, job history, result files, routes, the served spec and the admin clock API.

Reference: docs/reference/linkis-entrance.md §1, §5.10, §5.11, §7, §8 (404s, the metrics
endpoints, both metrics paths, job history and the filesystem).
"""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from linkis_mock.testing import API, Mock
from tests.helpers.linkis import (
    HISTORY_NOT_FOUND,
    KILL_OK,
    check,
    check_coded,
    check_generic,
    envelope,
    history_of,
    ok,
    state_of,
    submit,
)

METRICS_PREFIXES = ["/entrance/operation/metrics", "/entrance/api/metrics"]
OTHER_USERS_TASKS = "Non-administrators cannot view other users' task information"
EMPTY_PATH = "The path cannot be empty(路径不能为空)"


def running_task(client: httpx.Client, prefix: str) -> dict[str, Any]:
    path = f"{prefix}/runningtask"
    return ok(client.get(path), "/api" + path, "success")


def task_info(client: httpx.Client, prefix: str, **params: str) -> dict[str, Any]:
    path = f"{prefix}/taskinfo"
    return ok(client.get(path, params=params), "/api" + path, "success")


def counts(total: int, running: int, queued: int) -> dict[str, int]:
    return {"taskNumber": total, "runningNumber": running, "queuedNumber": queued}


def problem(reply: httpx.Response, status: int) -> dict[str, Any]:
    assert reply.status_code == status, reply.text
    assert reply.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = reply.json()
    assert body["status"] == status
    assert {"type", "title", "status", "detail"} <= set(body)
    return body


# ---- runningtask --------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", METRICS_PREFIXES)
def test_running_task_counts_live_jobs_of_everyone(mock: Mock, prefix: str) -> None:
    alice, bob = mock.as_token("alice"), mock.logged_in("bob")
    assert running_task(alice, prefix) == {"runningTaskNumber": 0, "isCompleted": True}
    submit(alice)
    submit(bob, engine="hive")
    mock.advance(1.5)  # both Running
    killed, _ = submit(alice)
    assert running_task(bob, prefix) == {"runningTaskNumber": 3, "isCompleted": False}
    ok(alice.get(f"/entrance/{killed}/kill"), f"/api/entrance/{killed}/kill", KILL_OK)
    assert running_task(alice, prefix) == {"runningTaskNumber": 2, "isCompleted": False}
    mock.advance(2.0)  # the first two are done
    assert running_task(alice, prefix) == {"runningTaskNumber": 0, "isCompleted": True}


def test_rejected_submissions_are_not_running_tasks(mock: Mock) -> None:
    client = mock.as_token("alice")
    body = {
        "executionContent": {"code": "select 1", "runType": "sql"},
        "labels": {"engineType": "spark", "userCreator": "bob-IDE"},
    }
    assert client.post("/entrance/submit", json=body).status_code == 400
    assert running_task(client, METRICS_PREFIXES[0])["runningTaskNumber"] == 0


# ---- taskinfo -----------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", METRICS_PREFIXES)
def test_task_info_of_the_caller(mock: Mock, prefix: str) -> None:
    alice = mock.as_token("alice")
    submit(alice, engine="spark")
    submit(alice, engine="hive")
    submit(mock.as_token("bob"))
    assert task_info(alice, prefix) == counts(2, 0, 2)
    mock.advance(1.5)
    assert task_info(alice, prefix) == counts(2, 2, 0)
    assert task_info(mock.logged_in("alice"), prefix) == counts(2, 2, 0)
    assert task_info(alice, prefix, user="alice") == counts(2, 2, 0)
    # Allowed (the permission compare ignores case), but the group filter is a
    # case-sensitive substring match, as in the real server: nothing matches.
    assert task_info(alice, prefix, user="ALICE") == counts(0, 0, 0)
    mock.advance(2.0)
    assert task_info(alice, prefix) == counts(0, 0, 0)


@pytest.mark.parametrize("login", ["token", "cookie"])
def test_non_admins_may_not_ask_for_another_user(mock: Mock, login: str) -> None:
    alice = mock.as_token("alice") if login == "token" else mock.logged_in("alice")
    submit(mock.as_token("bob"))
    path = "/entrance/operation/metrics/taskinfo"
    reply = alice.get(path, params={"user": "bob"})
    check(reply, status=1, message=OTHER_USERS_TASKS, method="/api" + path, data={})


@pytest.mark.parametrize("login", ["token", "cookie"])
def test_the_admin_may_ask_for_another_user(mock: Mock, login: str) -> None:
    hadoop = mock.as_token("hadoop") if login == "token" else mock.logged_in("hadoop")
    submit(mock.as_token("bob"))
    submit(mock.as_token("bob"), engine="hive")
    submit(mock.as_token("alice"))
    submit(hadoop)
    assert task_info(hadoop, METRICS_PREFIXES[0], user="bob") == counts(2, 0, 2)


def test_the_admin_sees_everyone_by_creator(mock: Mock) -> None:
    hadoop = mock.as_token("hadoop")
    submit(mock.as_token("bob"))
    submit(mock.as_token("alice"), engine="hive")
    submit(mock.as_token("alice"), user_creator="alice-Scheduler")
    info = task_info(hadoop, METRICS_PREFIXES[0], creator="IDE")
    assert info == counts(2, 0, 2)


@pytest.mark.parametrize("prefix", METRICS_PREFIXES)
@pytest.mark.parametrize("engine_param", ["ecType", "engineTypeLabel"])
def test_task_info_engine_filter(mock: Mock, prefix: str, engine_param: str) -> None:
    alice = mock.as_token("alice")
    submit(alice, engine="spark")
    submit(alice, engine="spark-3.2.1")
    submit(alice, engine="hive")
    assert task_info(alice, prefix, **{engine_param: "spark"}) == counts(2, 0, 2)
    assert task_info(alice, prefix, **{engine_param: "hive"}) == counts(1, 0, 1)
    assert task_info(alice, prefix, **{engine_param: "shell"}) == counts(0, 0, 0)


def test_ec_type_wins_over_engine_type_label(mock: Mock) -> None:
    alice = mock.as_token("alice")
    submit(alice, engine="spark")
    submit(alice, engine="hive")
    submit(alice, engine="hive")
    info = task_info(alice, METRICS_PREFIXES[0], ecType="spark", engineTypeLabel="hive")
    assert info == counts(1, 0, 1)


@pytest.mark.parametrize("prefix", METRICS_PREFIXES)
def test_task_info_extras_only_with_creator_and_ec_type(mock: Mock, prefix: str) -> None:
    alice = mock.as_token("alice")
    submit(alice, engine="spark")
    mock.advance(1.5)
    submit(alice, engine="spark")
    extras = task_info(alice, prefix, creator="IDE", ecType="spark")
    assert extras == {
        **counts(2, 1, 1),
        "creatorECTypeMaxRunningJobs": extras["creatorECTypeMaxRunningJobs"],
        "limitExceeded": False,
    }
    assert type(extras["creatorECTypeMaxRunningJobs"]) is int
    assert extras["creatorECTypeMaxRunningJobs"] > 0
    label = task_info(alice, prefix, creator="IDE", engineTypeLabel="spark")
    assert label == extras
    assert set(task_info(alice, prefix, creator="IDE")) == set(counts(0, 0, 0))
    assert set(task_info(alice, prefix, ecType="spark")) == set(counts(0, 0, 0))
    assert task_info(alice, prefix, creator="Scheduler", ecType="spark")["taskNumber"] == 0


# ---- job history --------------------------------------------------------------------------


def test_job_history_of_another_users_job(mock: Mock) -> None:
    bob = mock.as_token("bob")
    _, task_id = submit(bob)
    reply = mock.as_token("alice").get(f"/jobhistory/{task_id}/get")
    check(
        reply,
        status=1,
        message=HISTORY_NOT_FOUND,
        method=f"/api/jobhistory/{task_id}/get",
        data={},
    )
    task = history_of(mock.logged_in("hadoop"), task_id)
    assert task["taskID"] == task_id
    assert task["umUser"] == "bob"
    assert history_of(bob, task_id)["status"] == "Inited"


def test_job_history_of_an_unknown_task(mock: Mock) -> None:
    for task_id in (999, 0, -1):
        reply = mock.as_token("hadoop").get(f"/jobhistory/{task_id}/get")
        check(
            reply,
            status=1,
            message=HISTORY_NOT_FOUND,
            method=f"/api/jobhistory/{task_id}/get",
            data={},
        )


def test_brief_job_history_leaves_out_the_informational_fields(mock: Mock) -> None:
    client = mock.as_token("alice")
    exec_id, task_id = submit(client)
    mock.advance(3.1)
    full = history_of(client, task_id)
    brief = history_of(client, task_id, brief=True)
    # Ten members are set (TaskConversions.scala:388-403); the rest are written as null.
    kept = {
        "taskID",
        "status",
        "progress",
        "resultLocation",
        "logPath",
        "errCode",
        "errDesc",
        "execId",
        "umUser",
        "executeUser",
    }
    assert set(brief) == set(full)
    assert {key: brief[key] for key in kept} == {key: full[key] for key in kept}
    assert all(brief[key] is None for key in set(brief) - kept - {"canRetry"})
    assert brief["canRetry"] is False
    assert full["strongerExecId"] == exec_id and full["labels"]
    assert history_of(client, task_id, brief=False) == full


def test_job_history_with_a_non_numeric_task_id_is_400(mock: Mock) -> None:
    reply = mock.as_token("alice").get("/jobhistory/abc/get")
    check_generic(reply, mock)


def test_job_history_with_a_non_numeric_task_id_is_an_envelope_error(mock: Mock) -> None:
    reply = mock.as_token("alice").get("/jobhistory/abc/get")
    body = envelope(reply)
    assert reply.status_code in {400, 404}
    assert body["status"] == 1


# ---- filesystem ---------------------------------------------------------------------------


def finished_result(mock: Mock, user: str, code: str = "select 1") -> tuple[int, str]:
    client = mock.as_token(user)
    _, task_id = submit(client, code)
    mock.advance(3.1)
    location: str = history_of(client, task_id)["resultLocation"]
    return task_id, location


@pytest.mark.parametrize("operation", ["getDirFileTrees", "openFile"])
@pytest.mark.parametrize("path", [None, "", "   "], ids=["missing", "empty", "blank"])
def test_blank_path_is_80004(mock: Mock, operation: str, path: str | None) -> None:
    params = {} if path is None else {"path": path}
    reply = mock.as_token("alice").get(f"/filesystem/{operation}", params=params)
    check_coded(reply, mock, 80004, EMPTY_PATH, f"/api/filesystem/{operation}")


def test_another_users_result_is_80010(mock: Mock) -> None:
    _, location = finished_result(mock, "bob")
    alice = mock.as_token("alice")
    desc = f"You do not have permission to access the path {location}(没有访问该路径的权限)"
    reply = alice.get("/filesystem/getDirFileTrees", params={"path": location})
    check_coded(reply, mock, 80010, desc, "/api/filesystem/getDirFileTrees")
    reply = alice.get("/filesystem/openFile", params={"path": f"{location}/_0.dolphin"})
    check_coded(reply, mock, 80010, desc, "/api/filesystem/openFile")
    # The admin may read it.
    hadoop = mock.as_token("hadoop")
    tree = ok(
        hadoop.get("/filesystem/getDirFileTrees", params={"path": location}),
        "/api/filesystem/getDirFileTrees",
    )
    assert tree["dirFileTrees"]["path"] == location


def test_missing_directory_gives_a_null_tree(mock: Mock) -> None:
    client = mock.as_token("alice")
    _, task_id = submit(client)
    mock.advance(1.5)  # Running: no result directory yet
    for path in ("hdfs:///tmp/linkis/alice/nothing/here", f"hdfs:///tmp/x/{task_id}"):
        reply = client.get("/filesystem/getDirFileTrees", params={"path": path})
        check(
            reply,
            status=0,
            message="OK",
            method="/api/filesystem/getDirFileTrees",
            data={"dirFileTrees": None},
        )


def test_traversal_gives_no_data(mock: Mock) -> None:
    bob_task, bob_location = finished_result(mock, "bob", "--@mock rows=3\nselect secret from t")
    _, location = finished_result(mock, "alice")
    alice = mock.as_token("alice")
    for path in (
        f"{location}/../{bob_task}",
        f"{location}/../../../../bob/{bob_location.split('/bob/', 1)[1]}",
        f"{location}/./",
        "/etc",
        "/etc/../etc",
    ):
        reply = alice.get("/filesystem/getDirFileTrees", params={"path": path})
        body = envelope(reply)
        assert reply.status_code in {200, 400}, reply.text
        if body["status"] == 0:
            tree = body["data"]["dirFileTrees"]
            assert tree is None or tree["path"] == location, body
        assert "secret" not in reply.text
    for path in (
        f"{location}/../{bob_task}/_0.dolphin",
        f"{bob_location}/../{bob_task}/_0.dolphin",
        "/etc/passwd",
        f"{location}/../../../../../../etc/passwd",
        f"{location}/_0.dolphin/../../{bob_task}/_0.dolphin",
    ):
        reply = alice.get("/filesystem/openFile", params={"path": path})
        body = envelope(reply)
        assert reply.status_code == 400, reply.text
        assert body["status"] == 1
        assert "fileContent" not in body["data"]
        assert "secret" not in reply.text
        assert "root:" not in reply.text


# ---- routes, spec, UI ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        f"{API}/entrance/nothing",
        f"{API}/no/such/route",
        f"{API}/entrance/x/y/status",
        "/api/rest_j/v2/entrance/submit",
        "/completely/elsewhere",
    ],
)
def test_unknown_route_gets_a_404_envelope(running_mock: Mock, path: str) -> None:
    reply = running_mock.http.get(
        running_mock.base_url + path, headers={"Token-Code": "LINKIS-AUTH"}
    )
    body = envelope(reply)
    assert reply.status_code == 404
    assert body["status"] == 1
    assert body["message"] == f"No route matches GET {path}"
    assert body["data"] == {}
    assert body["method"] in {None, path}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/entrance/submit"),
        ("DELETE", "/entrance/submit"),
        ("GET", "/entrance/execute"),
        ("PUT", "/entrance/exec_id018014linkis-cg-entrance127.0.0.1:9104IDE_a_spark_0/status"),
        ("GET", "/entrance/x/killJobs"),
        ("POST", "/entrance/operation/metrics/runningtask"),
    ],
)
def test_wrong_method_on_a_known_path_is_405(mock: Mock, method: str, path: str) -> None:
    reply = mock.as_token("alice").request(method, path)
    body = envelope(reply)
    assert reply.status_code == 405, reply.text
    assert body["status"] == 1
    assert body["message"] == f"Request method '{method}' is not supported for {API}{path}"
    assert body["data"] == {}


def test_the_spec_is_served_as_json(running_mock: Mock) -> None:
    reply = running_mock.http.get(f"{running_mock.api_url}/openapi.json")
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("application/json")
    spec = reply.json()
    assert spec["openapi"].startswith("3.")
    assert "/entrance/submit" in spec["paths"]
    assert "/entrance/{id}/killJobs" in spec["paths"]
    assert "sessionCookie" in spec["components"]["securitySchemes"]


def test_swagger_ui_is_served(running_mock: Mock) -> None:
    reply = running_mock.http.get(f"{running_mock.api_url}/ui/")
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("text/html")
    assert "swagger" in reply.text.lower()


# ---- admin clock API ----------------------------------------------------------------------


def admin(mock: Mock, method: str, path: str, **kwargs: Any) -> httpx.Response:
    return mock.http.request(method, f"{mock.base_url}/__admin{path}", timeout=10, **kwargs)


def clock(mock: Mock) -> dict[str, Any]:
    reply = admin(mock, "GET", "/clock")
    assert reply.status_code == 200
    body: dict[str, Any] = reply.json()
    assert set(body) == {"now", "nowIso", "frozen", "speed"}
    return body


def test_admin_get_clock_is_frozen_for_tests(mock: Mock) -> None:
    first = clock(mock)
    assert first["frozen"] is True
    assert first["speed"] == 1
    assert type(first["now"]) is int
    assert first["nowIso"].endswith("Z")
    assert abs(first["now"] - time.time() * 1000) < 60_000
    time.sleep(0.05)
    assert clock(mock)["now"] == first["now"]


def test_admin_advance_moves_exactly(mock: Mock) -> None:
    before = clock(mock)["now"]
    reply = admin(mock, "POST", "/clock/advance", json={"seconds": 2.5})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["now"] == before + 2500
    assert body["frozen"] is True
    assert clock(mock)["now"] == before + 2500
    assert admin(mock, "POST", "/clock/advance", json={"seconds": 0}).json()["now"] == before + 2500


def test_admin_put_clock_changes_only_what_is_given(mock: Mock) -> None:
    reply = admin(mock, "PUT", "/clock", json={"speed": 100})
    assert reply.status_code == 200, reply.text
    assert reply.json()["frozen"] is True
    assert reply.json()["speed"] == 100
    frozen_at = clock(mock)["now"]
    time.sleep(0.05)
    assert clock(mock)["now"] == frozen_at  # still frozen: speed alone does not thaw it
    reply = admin(mock, "PUT", "/clock", json={"frozen": False})
    assert reply.status_code == 200, reply.text
    assert reply.json()["speed"] == 100
    time.sleep(0.05)
    assert clock(mock)["now"] - frozen_at >= 2_000  # 100x real time
    reply = admin(mock, "PUT", "/clock", json={"frozen": True, "speed": 1})
    assert reply.status_code == 200, reply.text
    assert reply.json()["frozen"] is True and reply.json()["speed"] == 1


def test_admin_reset_forgets_jobs_and_thaws_the_clock(mock: Mock) -> None:
    client = mock.as_token("alice")
    exec_id, task_id = submit(client)
    reply = admin(mock, "POST", "/reset")
    assert reply.status_code == 200
    body = reply.json()
    assert body["reset"] is True
    assert body["clock"]["frozen"] is False
    assert body["clock"]["speed"] == 1
    mock.freeze()
    status = client.get(f"/entrance/{exec_id}/status")
    assert envelope(status)["status"] == 1
    assert client.get(f"/jobhistory/{task_id}/get").status_code == 400
    again, again_task = submit(client)
    assert (again, again_task) == (exec_id, task_id)  # counters start again
    assert state_of(client, again) == "Inited"


def test_admin_reset_ends_sessions(mock: Mock) -> None:
    client = mock.logged_in("alice")
    admin(mock, "POST", "/reset")
    mock.freeze()
    assert client.get("/user/userInfo").status_code == 401


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        pytest.param("PUT", "/clock", {"json": {}}, id="put-empty"),
        pytest.param("PUT", "/clock", {"json": {"speed": 0}}, id="put-speed-zero"),
        pytest.param("PUT", "/clock", {"json": {"speed": -2}}, id="put-speed-negative"),
        pytest.param("PUT", "/clock", {"json": {"speed": 10_001}}, id="put-speed-too-fast"),
        pytest.param("PUT", "/clock", {"json": {"frozen": "yes"}}, id="put-frozen-a-string"),
        pytest.param("PUT", "/clock", {"json": {"tick": 1}}, id="put-unknown-member"),
        pytest.param("PUT", "/clock", {}, id="put-no-body"),
        pytest.param(
            "PUT",
            "/clock",
            {"content": b"{oops", "headers": {"Content-Type": "application/json"}},
            id="put-not-json",
        ),
        pytest.param("POST", "/clock/advance", {"json": {}}, id="advance-no-seconds"),
        pytest.param("POST", "/clock/advance", {"json": {"seconds": -1}}, id="advance-negative"),
        pytest.param("POST", "/clock/advance", {"json": {"seconds": "5"}}, id="advance-string"),
        pytest.param(
            "POST", "/clock/advance", {"json": {"seconds": 40_000_000}}, id="advance-too-far"
        ),
        pytest.param("POST", "/clock/advance", {}, id="advance-no-body"),
        pytest.param(
            "POST",
            "/clock/advance",
            {"content": b"[1]", "headers": {"Content-Type": "application/json"}},
            id="advance-array",
        ),
    ],
)
def test_admin_bad_bodies_are_400_problems(
    mock: Mock, method: str, path: str, kwargs: dict[str, Any]
) -> None:
    before = clock(mock)
    problem(admin(mock, method, path, **kwargs), 400)
    assert clock(mock) == before


def test_admin_unknown_route_is_a_404_problem(running_mock: Mock) -> None:
    problem(admin(running_mock, "GET", "/nothing"), 404)
