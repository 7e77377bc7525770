"""The job-history search (linkis_mock/sim/linkis/history_search.py): the windows of
`jobhistory/list` and `listundonetasks`, the status list, each filter of the mapper's
selects, and PageHelper's paging (docs/reference/linkis-console.md §0.4, §1, §3)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import pytest

from linkis_mock.sim.linkis.history_search import (
    DAY_MS,
    INSTANCE_NAME,
    NAME,
    HistorySearch,
    Page,
    date_window,
    page_of,
    search,
    status_set,
    undone_window,
)
from linkis_mock.sim.settings import DEFAULT_DEPARTMENTS, Timings
from linkis_mock.sim.simulator import Simulator
from tests.helpers.sim import ALICE, BOB, HADOOP, START_MS, at, make_sim, submit

NOW = START_MS + 60_000
DEPARTMENTS: Mapping[str, str] = MappingProxyType(dict(DEFAULT_DEPARTMENTS))
FINISHED_MS = round((Timings().inited + Timings().queue + Timings().running) * 1000)


# ---- date_window (jobhistory/list) ------------------------------------------------------------


def test_list_window_defaults_to_1970_until_now() -> None:
    assert date_window(None, None, NOW) == (0, NOW)
    assert date_window(5, None, NOW) == (5, NOW)
    assert date_window(None, 10, NOW) == (0, 10)


def test_list_window_keeps_given_dates_unchecked() -> None:
    assert date_window(5, 10, NOW) == (5, 10)
    assert date_window(10, 5, NOW) == (10, 5)  # start after end: simply matches nothing


def test_list_window_of_equal_dates_ends_a_day_later() -> None:
    assert date_window(7, 7, NOW) == (7, 7 + DAY_MS)
    assert date_window(None, 0, NOW) == (0, DAY_MS)  # the missing start is 0 too
    assert date_window(NOW, None, NOW) == (NOW, NOW + DAY_MS)
    assert DAY_MS == 86_400_000


# ---- undone_window (listundonetasks) ----------------------------------------------------------


def test_undone_window_is_the_day_before_the_end() -> None:
    assert undone_window(None, None, NOW) == (NOW - DAY_MS, NOW)
    assert undone_window(0, None, NOW) == (NOW - DAY_MS, NOW)  # 0 counts as missing
    assert undone_window(None, 5 * DAY_MS, NOW) == (4 * DAY_MS, 5 * DAY_MS)


def test_undone_window_with_a_start() -> None:
    assert undone_window(500, 1000, NOW) == (500, 1000)
    assert undone_window(500, None, NOW) == (500, NOW)
    assert undone_window(1000, 1000, NOW) == (1000, 1000 + DAY_MS)


# ---- status_set ---------------------------------------------------------------------------


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_blank_status_is_no_filter(blank: str | None) -> None:
    assert status_set(blank) is None


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("Running", {"Running"}),
        ("Running,Inited,Scheduled", {"Running", "Inited", "Scheduled"}),
        ("running", {"running"}),  # exact and case-sensitive: kept as given
        ("Succeed,Succeed", {"Succeed"}),
    ],
)
def test_status_is_a_comma_list(status: str, expected: set[str]) -> None:
    assert status_set(status) == frozenset(expected)


# ---- the name patterns (QueryUtils.scala:51-52) -----------------------------------------------


@pytest.mark.parametrize("name", ["IDE", "spark", "a-b_c.d", "x1", "Scheduler", "9"])
def test_names_that_filters_accept(name: str) -> None:
    assert NAME.match(name) and INSTANCE_NAME.match(name)


@pytest.mark.parametrize("name", ["", "a b", "a;b", "a/b", "名字", "a\nb", "a%"])
def test_names_that_filters_refuse(name: str) -> None:
    assert not NAME.match(name) and not INSTANCE_NAME.match(name)


def test_only_instances_may_hold_a_colon() -> None:
    assert INSTANCE_NAME.match("127.0.0.1:8080")
    assert not NAME.match("127.0.0.1:8080")


# ---- page_of (PageHelper with reasonable=true and pageSizeZero=true) --------------------------

ROWS = list(range(1, 8))  # 7 rows, as they come newest first


@pytest.mark.parametrize(
    ("number", "size", "expected"),
    [
        (1, 3, [1, 2, 3]),
        (2, 3, [4, 5, 6]),
        (3, 3, [7]),
        (4, 3, [7]),  # past the end: the last page
        (99, 3, [7]),
        (0, 3, [1, 2, 3]),  # below 1: page 1
        (-5, 3, [1, 2, 3]),
        (1, 7, ROWS),
        (2, 7, ROWS),  # only one page of 7
        (1, 100, ROWS),
        (1, 0, ROWS),  # size 0: every row
        (5, 0, ROWS),
        (1, -1, []),  # negative size: no rows
        (3, -20, []),
    ],
)
def test_page_of(number: int, size: int, expected: list[int]) -> None:
    assert page_of(ROWS, Page(number, size)) == expected


def test_page_of_no_rows() -> None:
    for page in (Page(1, 20), Page(3, 2), Page(0, 0), Page(1, -1)):
        assert page_of([], page) == []


def test_page_of_returns_a_new_list() -> None:
    rows = [1, 2]
    first = page_of(rows, Page(1, 0))
    first.append(3)
    assert rows == [1, 2]


# ---- HistorySearch: the filters, on real jobs -------------------------------------------------


def python_job(sim: Simulator) -> int:
    body = {
        "executionContent": {"code": "print(1)", "runType": "py"},
        "labels": {"engineType": "python", "userCreator": "hadoop-IDE"},
    }
    task_id = sim.entrance.submitter.submit(body, HADOOP, False).data["taskID"]
    assert isinstance(task_id, int)
    return task_id


@pytest.fixture
def history() -> tuple[Simulator, dict[str, int]]:
    """alice spark IDE at 0 s, bob hive IDE at 1 s, alice spark Scheduler at 2 s and hadoop
    python IDE at 6 s; at 6 s the first three are done and the last is Inited."""
    sim = make_sim()
    jobs = {}
    _, jobs["alice"] = submit(sim, ALICE)
    at(sim, 1000)
    _, jobs["bob"] = submit(sim, BOB, "show tables", engine="hive-2.3.3")
    at(sim, 2000)
    _, jobs["scheduler"] = submit(sim, ALICE, creator="Scheduler")
    at(sim, 6000)
    jobs["hadoop"] = python_job(sim)
    return sim, jobs


def found(
    sim: Simulator,
    departments: Mapping[str, str] = DEPARTMENTS,
    **filters: Any,
) -> list[int]:
    now = sim.clock.now_ms()
    query = HistorySearch(**{"start_ms": 0, "end_ms": now, **filters})
    return [
        job.ident.task_id for job in search(sim.stores.jobs.newest_first(), query, now, departments)
    ]


def names(jobs: dict[str, int], *wanted: str) -> list[int]:
    return [jobs[name] for name in wanted]


def test_no_filter_finds_every_job_newest_first(history: tuple[Simulator, dict[str, int]]) -> None:
    sim, jobs = history
    assert found(sim) == names(jobs, "hadoop", "scheduler", "bob", "alice")


def test_creation_window_is_inclusive(history: tuple[Simulator, dict[str, int]]) -> None:
    sim, jobs = history
    assert found(sim, start_ms=START_MS + 1000, end_ms=START_MS + 2000) == names(
        jobs, "scheduler", "bob"
    )
    assert found(sim, start_ms=START_MS + 1001, end_ms=START_MS + 2000) == names(jobs, "scheduler")
    assert found(sim, start_ms=START_MS + 1000, end_ms=START_MS + 1999) == names(jobs, "bob")
    assert found(sim, start_ms=START_MS + 2000, end_ms=START_MS + 1000) == []


def test_owner_is_the_submit_user(history: tuple[Simulator, dict[str, int]]) -> None:
    sim, jobs = history
    assert found(sim, owner="alice") == names(jobs, "scheduler", "alice")
    assert found(sim, owner="Alice") == []  # utf8mb4_bin: case-sensitive
    assert found(sim, owner="nobody") == []


def test_department_joins_the_submitters_department(
    history: tuple[Simulator, dict[str, int]],
) -> None:
    sim, jobs = history
    assert found(sim, department="linkis") == names(jobs, "hadoop", "scheduler", "alice")
    assert found(sim, department="analytics") == names(jobs, "bob")
    assert found(sim, department="other") == []
    # "" (a caller without a department) matches no one, not even users without one.
    assert found(sim, department="") == []
    assert found(sim, {"alice": "linkis"}, department="") == []
    assert found(sim, {"alice": "", "bob": ""}, department="") == []
    assert found(sim, {"alice": "linkis"}, department="linkis") == names(jobs, "scheduler", "alice")
    # Together with an owner, both must hold.
    assert found(sim, owner="alice", department="linkis") == names(jobs, "scheduler", "alice")
    assert found(sim, owner="bob", department="linkis") == []


def test_statuses_at_the_instant(history: tuple[Simulator, dict[str, int]]) -> None:
    sim, jobs = history
    assert found(sim, statuses=frozenset({"Inited"})) == names(jobs, "hadoop")
    assert found(sim, statuses=frozenset({"Succeed"})) == names(jobs, "scheduler", "bob", "alice")
    assert found(sim, statuses=frozenset({"Succeed", "Inited"})) == found(sim)
    assert found(sim, statuses=frozenset({"succeed"})) == []
    at(sim, 6000 + FINISHED_MS)  # the python job is done as well
    assert found(sim, statuses=frozenset({"Inited"})) == []


def test_task_id_is_exact(history: tuple[Simulator, dict[str, int]]) -> None:
    sim, jobs = history
    assert found(sim, task_id=jobs["bob"]) == names(jobs, "bob")
    assert found(sim, task_id=999) == []
    assert found(sim, task_id=jobs["bob"], end_ms=START_MS + 999) == []  # the window still holds


def test_engine_is_the_exact_engine_type(history: tuple[Simulator, dict[str, int]]) -> None:
    sim, jobs = history
    assert found(sim, engine="spark") == names(jobs, "scheduler", "alice")
    assert found(sim, engine="hive") == names(jobs, "bob")
    assert found(sim, engine="python") == names(jobs, "hadoop")
    assert found(sim, engine="spar") == []
    assert found(sim, engine="spark-2.4.3") == []  # the column holds no version


def test_creator_with_an_owner_is_a_prefix_of_user_creator(
    history: tuple[Simulator, dict[str, int]],
) -> None:
    """`labels LIKE '%"userCreator":"<owner>-<creator>%'` (JobHistoryMapper.xml:166-168)."""
    sim, jobs = history
    assert found(sim, owner="alice", creator="Scheduler") == names(jobs, "scheduler")
    assert found(sim, owner="alice", creator="Sched") == names(jobs, "scheduler")
    assert found(sim, owner="alice", creator="IDE") == names(jobs, "alice")
    assert found(sim, owner="alice", creator="cheduler") == []
    assert found(sim, owner="bob", creator="Scheduler") == []


def test_creator_without_an_owner_follows_a_dash(
    history: tuple[Simulator, dict[str, int]],
) -> None:
    """`labels LIKE '%"userCreator":"%-<creator>%'` (JobHistoryMapper.xml:189-191)."""
    sim, jobs = history
    assert found(sim, creator="IDE") == names(jobs, "hadoop", "bob", "alice")
    assert found(sim, creator="Sched") == names(jobs, "scheduler")
    assert found(sim, creator="cheduler") == []  # must start right after a '-'
    assert found(sim, creator="alice") == []  # the user half does not count


def test_instance_is_compared_case_insensitively() -> None:
    sim = make_sim(instance="Entrance-A.example:9104")
    _, task_id = submit(sim, ALICE)
    assert found(sim, instance="entrance-a.EXAMPLE:9104") == [task_id]
    assert found(sim, instance="Entrance-A.example:9105") == []
    assert found(sim, instance="Entrance-A.example") == []  # exact, not a prefix


def test_engine_instance_is_a_prefix_of_a_started_jobs_engine(
    history: tuple[Simulator, dict[str, int]],
) -> None:
    sim, jobs = history
    metrics = sim.entrance.history.extra_info(jobs["alice"], ALICE).data["metricsMap"]
    engine = metrics["engineInstance"]
    assert isinstance(engine, str) and ":" in engine
    assert (
        "engineInstance"
        not in sim.entrance.history.extra_info(jobs["hadoop"], HADOOP).data["metricsMap"]
    )
    started = names(jobs, "scheduler", "bob", "alice")  # not the Inited python job
    assert found(sim, engine_instance=engine) == started
    assert found(sim, engine_instance=engine.split(":")[0]) == started
    assert found(sim, engine_instance=engine[:3]) == started
    assert found(sim, engine_instance=engine + "0") == []
    assert found(sim, engine_instance="10.0.0.1") == []


def test_run_type_is_a_prefix_of_the_code_type(history: tuple[Simulator, dict[str, int]]) -> None:
    sim, jobs = history
    assert found(sim, run_type="sql") == names(jobs, "scheduler", "bob", "alice")
    assert found(sim, run_type="sq") == names(jobs, "scheduler", "bob", "alice")
    assert found(sim, run_type="py") == names(jobs, "hadoop")
    assert found(sim, run_type="scala") == []
    assert found(sim, run_type="") == found(sim)  # "" still needs a codeType: all have one


def test_filters_combine(history: tuple[Simulator, dict[str, int]]) -> None:
    sim, jobs = history
    assert found(sim, owner="alice", engine="spark", creator="IDE") == names(jobs, "alice")
    assert found(sim, engine="spark", statuses=frozenset({"Succeed"}), creator="Sched") == names(
        jobs, "scheduler"
    )
    assert found(sim, owner="hadoop", run_type="sql") == []


def test_search_keeps_the_order_it_is_given(history: tuple[Simulator, dict[str, int]]) -> None:
    sim, jobs = history
    now = sim.clock.now_ms()
    oldest_first = list(reversed(sim.stores.jobs.newest_first()))
    query = HistorySearch(start_ms=0, end_ms=now, creator="IDE")
    result = [job.ident.task_id for job in search(oldest_first, query, now, DEPARTMENTS)]
    assert result == names(jobs, "alice", "bob", "hadoop")
    created = [job.created_ms for job in sim.stores.jobs.newest_first()]
    assert created == sorted(created, reverse=True)
