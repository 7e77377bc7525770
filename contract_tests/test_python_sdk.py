"""Acceptance: the real PyPI client linkis-python-sdk 0.2.0 against the live mock, and
through the proxy in front of it.

It logs in, submits, polls job history every second until a final state, lists
the result directory and reads every result file, exactly as it would against
a Linkis cluster.
"""

from __future__ import annotations

import threading
from typing import Any

from linkis_python_sdk.client import LinkisClient
from linkis_python_sdk.config.config import LinkisConfig

from linkis_mock.testing import Mock

SDK_DEADLINE_S = 30
QUERY = {"columns": [{"column": "id"}, {"column": "name"}]}


def execute(mock: Mock, code: str, user: str = "hadoop") -> tuple[list[dict[str, Any]], int, str]:
    """Run the SDK in a thread: it polls without any limit, the test must not."""
    client = LinkisClient(LinkisConfig(base_url=mock.api_url, username=user, password=user))
    outcome: list[tuple[list[dict[str, Any]], int, str]] = []
    worker = threading.Thread(
        target=lambda: outcome.append(client.execute_code(code, QUERY, "spark", "sql")),
        daemon=True,
    )
    worker.start()
    worker.join(SDK_DEADLINE_S)
    assert outcome, f"the SDK did not finish within {SDK_DEADLINE_S}s"
    return outcome[0]


def test_sdk_runs_a_query_to_its_result(live_mock: Mock) -> None:
    # a running clock: the SDK's one-second polling paces the run
    data, total, error = execute(live_mock, "select id, name from demo\n--@mock rows=4")
    assert error == ""
    assert total == 4
    assert data == [{"id": i, "name": f"name{i}"} for i in range(1, 5)]


def test_sdk_reports_the_failure_text_of_a_failed_job(live_mock: Mock) -> None:
    data, total, error = execute(
        live_mock, 'select id, name from demo\n--@mock outcome=Failed error="Table demo is gone"'
    )
    assert (data, total) == ([], 0)
    assert error == "Table demo is gone"


def test_sdk_reports_a_wrong_password(live_mock: Mock) -> None:
    client = LinkisClient(
        LinkisConfig(base_url=live_mock.api_url, username="alice", password="nope")
    )
    data, total, error = client.execute_code("select 1", QUERY, "spark", "sql")
    assert (data, total) == ([], 0)
    assert error == "wrong user name or password(用户名或密码错误)！"
