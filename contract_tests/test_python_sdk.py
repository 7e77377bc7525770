"""Acceptance: the real PyPI client linkis-python-sdk 0.2.0 against the live mock, and
through the proxy in front of it.

It logs in, submits, polls job history every second until a final state, lists
the result directory and reads every result file, exactly as it would against
a Linkis cluster.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from linkis_mock.testing import Mock

if TYPE_CHECKING:
    from linkis_python_sdk.client import LinkisClient

SDK_DEADLINE_S = 30
QUERY = {"columns": [{"column": "id"}, {"column": "name"}]}


def sdk_client(mock: Mock, user: str, password: str) -> LinkisClient:
    """The SDK's client. Imported here, not at the top: the SDK loads pandas, numpy and
    redis (over a second), which every pytest-xdist worker would pay while collecting."""
    from linkis_python_sdk.client import LinkisClient  # noqa: PLC0415
    from linkis_python_sdk.config.config import LinkisConfig  # noqa: PLC0415

    return LinkisClient(LinkisConfig(base_url=mock.api_url, username=user, password=password))


def execute(mock: Mock, code: str, user: str = "hadoop") -> tuple[list[dict[str, Any]], int, str]:
    """Run the SDK in a thread: it polls without any limit, the test must not."""
    client = sdk_client(mock, user, user)
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
    client = sdk_client(live_mock, "alice", "nope")
    data, total, error = client.execute_code("select 1", QUERY, "spark", "sql")
    assert (data, total) == ([], 0)
    assert error == "wrong user name or password(用户名或密码错误)！"
