"""Submit and execute over real HTTP (docs/reference/linkis-entrance.md §1, §3, §5.1, §5.2)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from linkis_mock.testing import Mock
from tests.helpers.linkis import (
    check,
    check_coded,
    check_generic,
    exec_id_for,
    history_of,
    instance_of,
    ok,
    submit,
    submit_body,
)

SUBMIT = "/api/entrance/submit"
EXECUTE = "/api/entrance/execute"
EMPTY_CODE = "The param executionCode cannot be empty (参数 executionCode 不能为空)"
NO_LABELS = "params cannot be empty ,  labels is null"
NO_ENGINE = "Label params invalid You need to specify engineTypeLabel in labels,such as spark-2.4.3"
NO_RUN_TYPE = "Label params invalid You need to specify runType in execution content, such as sql"
LEGACY_EMPTY = (
    "The param executionCode and scriptPath cannot be empty at the same time"
    "(参数 executionCode 和 scriptPath 不能同时为空)"
)


@pytest.fixture(scope="module")
def alice(running_mock: Mock) -> httpx.Client:
    """One token client for the stateless tests of this module (clients are slow to build)."""
    return running_mock.as_token("alice")


def post(client: httpx.Client, path: str, body: Any) -> httpx.Response:
    return client.post(path, json=body)


def test_submit_reply_and_exec_id_layout(mock: Mock) -> None:
    client = mock.as_token("hadoop")
    body = submit_body("show tables", "spark-2.4.3", "hadoop-IDE")
    body["params"] = {"variable": {"testvar": "hello"}, "configuration": {}}
    reply = post(client, "/entrance/submit", body)
    data = check(reply, status=0, message="OK", method=SUBMIT)
    assert set(data) == {"execID", "taskID"}
    instance = instance_of(mock)
    assert instance == f"127.0.0.1:{instance.rsplit(':', 1)[1]}"
    assert data["execID"] == (
        f"exec_id018{len(instance):03d}linkis-cg-entrance{instance}IDE_hadoop_spark_0"
    )
    assert data["execID"] == exec_id_for(mock, "IDE_hadoop_spark_0")
    # taskID is a JSON number, not a string.
    assert type(data["taskID"]) is int


def test_task_ids_increase_and_indexes_count_per_group(mock: Mock) -> None:
    alice, bob = mock.as_token("alice"), mock.as_token("bob")
    jobs = [
        submit(alice, engine="spark-2.4.3"),
        submit(alice, engine="spark"),
        submit(alice, engine="hive-2.3.3"),
        submit(bob, engine="spark-3.2.1"),
        submit(alice, engine="spark-2.4.3"),
        submit(alice, engine="spark", user_creator="alice-Scheduler"),
    ]
    shorts = [
        "IDE_alice_spark_0",
        "IDE_alice_spark_1",
        "IDE_alice_hive_0",
        "IDE_bob_spark_0",
        "IDE_alice_spark_2",
        "Scheduler_alice_spark_0",
    ]
    assert [exec_id for exec_id, _ in jobs] == [exec_id_for(mock, s) for s in shorts]
    task_ids = [task_id for _, task_id in jobs]
    assert task_ids == sorted(task_ids)
    assert len(set(task_ids)) == len(task_ids)
    assert task_ids == list(range(task_ids[0], task_ids[0] + len(task_ids)))


def test_engine_version_is_stripped_but_kept_in_labels(mock: Mock) -> None:
    client = mock.as_token("alice")
    exec_id, task_id = submit(client, engine="spark-3.2.1")
    assert exec_id.endswith("IDE_alice_spark_0")
    task = history_of(client, task_id)
    assert task["engineType"] == "spark"
    assert "engineType:spark-3.2.1" in task["labels"]
    assert task["execId"] == "IDE_alice_spark_0"
    assert task["strongerExecId"] == exec_id
    assert task["umUser"] == task["executeUser"] == "alice"


def test_user_creator_defaults_to_the_caller_ide(mock: Mock) -> None:
    exec_id, task_id = submit(mock.as_token("bob"), engine="shell")
    assert exec_id == exec_id_for(mock, "IDE_bob_shell_0")
    assert "userCreator:bob-IDE" in history_of(mock.as_token("bob"), task_id)["labels"]


def test_submit_works_with_a_session_cookie(mock: Mock) -> None:
    exec_id, _ = submit(mock.logged_in("alice"))
    assert exec_id == exec_id_for(mock, "IDE_alice_spark_0")


def test_execute_user_in_the_body_is_ignored_without_an_admin_token(mock: Mock) -> None:
    client = mock.as_token("alice")
    body = {**submit_body(), "executeUser": "bob"}
    data = ok(post(client, "/entrance/submit", body), SUBMIT)
    assert data["execID"] == exec_id_for(mock, "IDE_alice_spark_0")
    assert history_of(client, data["taskID"])["executeUser"] == "alice"


# ---- validation errors (no taskID consumed) ------------------------------------------------


@pytest.mark.parametrize(
    ("body", "code", "desc"),
    [
        pytest.param(
            {"executionContent": {"code": "select 1", "runType": "sql"}},
            20008,
            NO_LABELS,
            id="labels-missing",
        ),
        pytest.param(
            {"executionContent": {"code": "select 1", "runType": "sql"}, "labels": {}},
            20008,
            NO_LABELS,
            id="labels-empty",
        ),
        pytest.param(
            {"executionContent": {"runType": "sql"}, "labels": {"engineType": "spark"}},
            20010,
            EMPTY_CODE,
            id="code-missing",
        ),
        pytest.param(
            {"executionContent": {"code": "", "runType": "sql"}, "labels": {"engineType": "spark"}},
            20007,
            EMPTY_CODE,
            id="code-empty",
        ),
        pytest.param(
            {"executionContent": {"code": " \n ", "runType": "sql"}, "labels": {"engineType": "x"}},
            20007,
            EMPTY_CODE,
            id="code-blank",
        ),
        pytest.param(
            {
                "executionContent": {"code": "select 1", "runType": "sql"},
                "labels": {"userCreator": "alice-IDE"},
            },
            20009,
            NO_ENGINE,
            id="engine-missing",
        ),
        pytest.param(
            {"executionContent": {"code": "select 1"}, "labels": {"engineType": "spark"}},
            20009,
            NO_RUN_TYPE,
            id="run-type-missing",
        ),
    ],
)
def test_submit_validation_errors(mock: Mock, body: dict[str, Any], code: int, desc: str) -> None:
    client = mock.as_token("alice")
    check_coded(post(client, "/entrance/submit", body), mock, code, desc, SUBMIT)


def test_validation_errors_consume_no_task_id(mock: Mock) -> None:
    client = mock.as_token("alice")
    _, first = submit(client)
    for body in (
        {"executionContent": {"code": "select 1", "runType": "sql"}},
        {"executionContent": {"code": "", "runType": "sql"}, "labels": {"engineType": "spark"}},
        {"executionContent": {"code": "select 1"}, "labels": {"engineType": "spark"}},
    ):
        assert post(client, "/entrance/submit", body).status_code == 400
    _, second = submit(client)
    assert second == first + 1


def test_code_type_label_stands_in_for_run_type(mock: Mock) -> None:
    body = {
        "executionContent": {"code": "select 1"},
        "labels": {"engineType": "spark", "codeType": "sql"},
    }
    ok(post(mock.as_token("alice"), "/entrance/submit", body), SUBMIT)


def test_user_creator_of_another_user_is_50080_and_consumes_a_task_id(
    mock: Mock,
) -> None:
    client = mock.as_token("alice")
    _, first = submit(client)
    reply = post(client, "/entrance/submit", submit_body(user_creator="bob-IDE"))
    check_coded(
        reply,
        mock,
        50080,
        "SubmitUser : alice must be the same as ExecuteUser : alice , and user : bob in "
        "userCreatorLabel.",
        SUBMIT,
    )
    exec_id, third = submit(client)
    assert third == first + 2
    # The rejected job is not in the entrance queue: the index did not move.
    assert exec_id == exec_id_for(mock, "IDE_alice_spark_1")
    # ...but its history row exists, Failed with the interceptor's error.
    row = history_of(client, first + 1)
    assert row["status"] == "Failed"
    assert row["errCode"] == 50080
    assert row["errDesc"].startswith("SubmitUser : alice must be the same")


def test_user_creator_compare_is_case_insensitive(mock: Mock) -> None:
    reply = post(mock.as_token("alice"), "/entrance/submit", submit_body(user_creator="ALICE-IDE"))
    ok(reply, SUBMIT)


# ---- legacy execute -----------------------------------------------------------------------


def test_legacy_execute_body(mock: Mock) -> None:
    client = mock.as_token("hadoop")
    body = {
        "executeApplicationName": "spark",
        "executionCode": "show tables",
        "runType": "sql",
        "params": {"variable": {}, "configuration": {}},
        "source": {"scriptPath": "file:///home/hadoop/test.sql"},
        "fromLine": 1,
    }
    data = check(post(client, "/entrance/execute", body), status=0, message="OK", method=EXECUTE)
    assert set(data) == {"execID", "taskID"}
    assert data["execID"] == exec_id_for(mock, "IDE_hadoop_spark_0")
    assert type(data["taskID"]) is int
    task = history_of(client, data["taskID"])
    assert "engineType:spark-2.4.3" in task["labels"]
    assert task["executionCode"] is None  # null in the history task from Linkis 1.7 on
    extra = ok(
        client.get("/jobhistory/job-extra-info", params={"jobId": data["taskID"]}),
        "/api/jobhistory/job-extra-info",
    )
    assert extra["metricsMap"]["executionCode"] == "show tables"


def test_legacy_execute_uses_request_application_name_as_creator(mock: Mock) -> None:
    body = {
        "executeApplicationName": "hive",
        "executionCode": "select 1",
        "requestApplicationName": "Visualis",
        "params": {},
    }
    data = ok(post(mock.as_token("alice"), "/entrance/execute", body), EXECUTE)
    assert data["execID"] == exec_id_for(mock, "Visualis_alice_hive_0")


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"executeApplicationName": "spark", "runType": "sql"}, id="code-missing"),
        pytest.param({"executeApplicationName": "spark", "executionCode": ""}, id="code-empty"),
        pytest.param(
            {"executeApplicationName": "spark", "executionCode": "", "source": {}},
            id="code-empty-no-script-path",
        ),
    ],
)
def test_legacy_execute_empty_code_is_20007(mock: Mock, body: dict[str, Any]) -> None:
    """Before `params` is read: no params needed for this one."""
    reply = post(mock.as_token("alice"), "/entrance/execute", body)
    check_coded(reply, mock, 20007, LEGACY_EMPTY, EXECUTE)


def test_legacy_execute_blank_code_reaches_the_sql_limit(mock: Mock) -> None:
    """20007 wants an empty code (StringUtils.isEmpty, CommonEntranceParser.scala:267-277):
    a blank one is read, and the IDE's SQL limit finds nothing in it (20015)."""
    body = {"executeApplicationName": "spark", "executionCode": "  ", "params": {}}
    reply = post(mock.as_token("alice"), "/entrance/execute", body)
    desc = "execute code is null, nothing will be execute!(执行代码为空，没有任何代码会被执行)"
    check_coded(reply, mock, 20015, desc, EXECUTE)


def test_legacy_execute_without_engine_is_50079(mock: Mock) -> None:
    body = {"executionCode": "select 1", "params": {}}
    reply = post(mock.as_token("alice"), "/entrance/execute", body)
    check_coded(reply, mock, 50079, "engineTypeLabel must be need", EXECUTE)


def test_execute_with_an_execution_content_body_is_parsed_as_submit(mock: Mock) -> None:
    client = mock.as_token("alice")
    data = ok(post(client, "/entrance/execute", submit_body(engine="spark-2.4.3")), EXECUTE)
    assert data["execID"] == exec_id_for(mock, "IDE_alice_spark_0")
    # The same body errors use the submit parser's codes, under /execute.
    reply = post(client, "/entrance/execute", {"executionContent": {"code": "x", "runType": "sql"}})
    check_coded(reply, mock, 20008, NO_LABELS, EXECUTE)


def test_submit_with_a_legacy_body_is_parsed_as_execute(mock: Mock) -> None:
    body = {"executeApplicationName": "spark", "executionCode": "select 1", "params": {}}
    data = ok(post(mock.as_token("alice"), "/entrance/submit", body), SUBMIT)
    assert data["execID"] == exec_id_for(mock, "IDE_alice_spark_0")


# ---- malformed requests: the generic 400, never a 500 --------------------------------------


MALFORMED: list[Any] = [
    pytest.param(b"{not json", "application/json", id="malformed-json"),
    pytest.param(b'{"executionContent": {"code": "x"', "application/json", id="truncated-json"),
    pytest.param(b"[1, 2]", "application/json", id="json-array"),
    pytest.param(b'"a string"', "application/json", id="json-string"),
    pytest.param(b"null", "application/json", id="json-null"),
    pytest.param(
        b'{"executionContent": {"code": "x", "runType": "sql"}, "labels": "spark"}',
        "application/json",
        id="labels-a-string",
    ),
    pytest.param(
        b'{"executionContent": "select 1", "labels": {"engineType": "spark"}}',
        "application/json",
        id="execution-content-a-string",
    ),
    pytest.param(
        b'{"executionContent": {"code": 5, "runType": "sql"}, "labels": {"engineType": "spark"}}',
        "application/json",
        id="code-a-number",
    ),
    pytest.param(b"select 1", "text/plain", id="text-plain"),
    pytest.param(b"", "application/json", id="empty-body"),
    pytest.param(b"\xff\xfe\x00", "application/json", id="not-utf8"),
]


@pytest.mark.parametrize("path", ["/entrance/submit", "/entrance/execute"])
@pytest.mark.parametrize(("content", "content_type"), MALFORMED)
def test_malformed_bodies_get_the_generic_400(
    running_mock: Mock, alice: httpx.Client, path: str, content: bytes, content_type: str
) -> None:
    reply = alice.post(path, content=content, headers={"Content-Type": content_type})
    check_generic(reply, running_mock)


@pytest.mark.parametrize("path", ["/entrance/submit", "/entrance/execute"])
def test_missing_body_gets_the_generic_400(
    running_mock: Mock, alice: httpx.Client, path: str
) -> None:
    reply = alice.post(path)
    check_generic(reply, running_mock)


def test_malformed_bodies_consume_no_task_id(mock: Mock) -> None:
    client = mock.as_token("alice")
    _, first = submit(client)
    for content in (b"{not json", b"[]", b"null"):
        client.post(
            "/entrance/submit", content=content, headers={"Content-Type": "application/json"}
        )
    _, second = submit(client)
    assert second == first + 1
