"""The log endpoint: fromLine/size arithmetic and the 4-element level array
(docs/reference/linkis-entrance.md §5.6, §6).

The jobs here log no interceptors' lines (tests.helpers.sim.without_intake_lines), so that
a job just submitted has the reference's 3 lines; test_interceptors.py reads those lines."""

from __future__ import annotations

import pytest

from linkis_mock.sim.linkis.caller import Caller
from linkis_mock.sim.linkis.errors import LinkisError
from linkis_mock.sim.linkis.messages import LOG_UNKNOWN_JOB
from linkis_mock.sim.simulator import Simulator
from tests.helpers.sim import ALICE, all_lines, at, exec_id_of, make_sim, without_intake_lines
from tests.helpers.sim import submit as submit_job

EMPTY = ["", "", "", ""]


def submit(sim: Simulator, caller: Caller, code: str = "select 1") -> tuple[str, int]:
    exec_id, task_id = submit_job(sim, caller, code)
    without_intake_lines(sim, task_id)
    return exec_id, task_id


def fresh() -> tuple[Simulator, str, list[str]]:
    """A job right after submit: exactly 3 lines logged so far."""
    sim = make_sim()
    exec_id, _ = submit(sim, ALICE)
    lines = all_lines(sim, exec_id)
    assert len(lines) == 3
    return sim, exec_id, lines


def read(sim: Simulator, exec_id: str, from_line: int, size: int) -> tuple[list[str], int]:
    data = sim.entrance.reads.log(exec_id, from_line, size, True).data
    assert data["execID"] == exec_id
    log = data["log"]
    assert isinstance(log, list)
    text = log[3]
    return (text.split("\n") if text else []), data["fromLine"]


# ---- the table of docs/reference/linkis-entrance.md §6 -------------------------------------------


def test_from_line_1_size_minus_1_reads_all_and_returns_4() -> None:
    sim, exec_id, lines = fresh()
    assert read(sim, exec_id, 1, -1) == (lines, 4)


def test_from_line_4_with_nothing_new() -> None:
    sim, exec_id, _ = fresh()
    data = sim.entrance.reads.log(exec_id, 4, -1, True).data
    assert data["log"] == EMPTY
    assert data["fromLine"] == 4


def test_from_line_4_with_new_lines() -> None:
    sim, exec_id, _ = fresh()
    at(sim, 1000)  # Scheduled + Running + 2 engine lines = 4 new lines
    everything = all_lines(sim, exec_id)
    assert len(everything) == 7
    assert read(sim, exec_id, 4, 2) == (everything[3:5], 6)
    assert read(sim, exec_id, 4, -1) == (everything[3:7], 8)


def test_from_line_0_returns_3_so_the_next_call_rereads_line_3() -> None:
    sim, exec_id, lines = fresh()
    assert read(sim, exec_id, 0, -1) == (lines, 3)
    assert read(sim, exec_id, 3, -1) == ([lines[2]], 4)


@pytest.mark.parametrize("from_line", [-1, -50])
def test_negative_from_line_counts_as_0(from_line: int) -> None:
    sim, exec_id, lines = fresh()
    assert read(sim, exec_id, from_line, -1) == (lines, 3)


def test_size_limits_the_lines_read() -> None:
    sim, exec_id, lines = fresh()
    assert read(sim, exec_id, 1, 2) == (lines[:2], 3)
    assert read(sim, exec_id, 2, 1) == (lines[1:2], 3)


def test_size_0_reads_nothing() -> None:
    sim, exec_id, _ = fresh()
    data = sim.entrance.reads.log(exec_id, 1, 0, True).data
    assert (data["log"], data["fromLine"]) == (EMPTY, 1)
    data = sim.entrance.reads.log(exec_id, 0, 0, True).data
    assert (data["log"], data["fromLine"]) == (EMPTY, 0)


@pytest.mark.parametrize("size", [-1, -2, -100])
def test_any_negative_size_means_10000(size: int) -> None:
    sim = make_sim()
    exec_id, _ = submit(sim, ALICE, "--@mock retry=2\nselect 1")
    at(sim, 60_000)
    everything = all_lines(sim, exec_id)
    assert len(everything) > 20
    assert read(sim, exec_id, 1, size) == (everything, len(everything) + 1)


def test_from_line_past_the_end_reads_nothing_and_keeps_from_line() -> None:
    sim, exec_id, _ = fresh()
    data = sim.entrance.reads.log(exec_id, 50, 10, True).data
    assert (data["log"], data["fromLine"]) == (EMPTY, 50)


def test_paging_with_returned_from_line_reads_each_line_once() -> None:
    sim = make_sim()
    exec_id, _ = submit(sim, ALICE)
    at(sim, 3000)
    everything = all_lines(sim, exec_id)
    collected: list[str] = []
    from_line = 1
    for _ in range(20):
        page, from_line = read(sim, exec_id, from_line, 2)
        if not page:
            break
        collected.extend(page)
    assert collected == everything
    assert from_line == len(everything) + 1


def test_polling_like_the_console_sees_every_line_once() -> None:
    sim = make_sim()
    exec_id, _ = submit(sim, ALICE, "--@mock retry=1\nselect 1")
    collected: list[str] = []
    from_line = 1
    for offset in range(0, 7000, 300):
        at(sim, offset)
        page, from_line = read(sim, exec_id, from_line, -1)
        collected.extend(page)
    assert collected == all_lines(sim, exec_id)


# ---- levels ---------------------------------------------------------------------------


def test_four_element_array_classifies_by_level() -> None:
    sim = make_sim()
    exec_id, _ = submit(sim, ALICE, "--@mock retry=1 outcome=Failed\nselect 1")
    at(sim, 10_000)
    log = sim.entrance.reads.log(exec_id, 1, -1, True).data["log"]
    assert isinstance(log, list) and len(log) == 4
    error, warn, info, everything = (part.split("\n") for part in log)
    assert all(" ERROR " in line for line in error)
    assert all(" WARN " in line for line in warn)
    assert len(error) == 1 and "failed with reason" in error[0]
    assert len(warn) == 1 and "retryable engine error" in warn[0]
    # The accepted line's continuation has no header and counts as INFO.
    continuation = " Please wait it to be scheduled(您的任务已经提交，进入排队中，请耐心等待调度)"
    assert continuation in info
    assert all(" INFO " in line for line in info if line != continuation)
    assert sorted(everything) == sorted(error + warn + info)
    assert everything == all_lines(sim, exec_id)
    assert not any(part.endswith("\n") for part in log)


def test_empty_level_slots_are_empty_strings() -> None:
    sim, exec_id, lines = fresh()
    log = sim.entrance.reads.log(exec_id, 1, -1, True).data["log"]
    assert log == ["", "", "\n".join(lines), "\n".join(lines)]


def test_distinct_level_false_gives_one_string() -> None:
    sim = make_sim()
    exec_id, _ = submit(sim, ALICE, "--@mock outcome=Failed\nselect 1")
    at(sim, 3000)
    data = sim.entrance.reads.log(exec_id, 1, -1, False).data
    assert data["log"] == "\n".join(all_lines(sim, exec_id))
    assert data["fromLine"] == len(all_lines(sim, exec_id)) + 1
    data = sim.entrance.reads.log(exec_id, 2, 1, False).data
    assert data["log"] == all_lines(sim, exec_id)[1]
    assert data["fromLine"] == 3


def test_blank_lines_are_counted_but_not_shown() -> None:
    sim = make_sim()
    exec_id, task_id = submit(sim, ALICE)
    at(sim, 3000)  # finished: every planned line is in the past
    count = len(all_lines(sim, exec_id))
    job = sim.stores.jobs.by_task_id(task_id)
    assert job is not None
    # Append a message with an empty line in it, at the current instant.
    job.timeline.log(sim.clock.now_ms(), "INFO", "first\n\nthird")
    data = sim.entrance.reads.log(exec_id, count + 1, -1, True).data
    assert data["fromLine"] == count + 4
    log = data["log"]
    assert isinstance(log, list)
    shown = log[3].split("\n")
    assert len(shown) == 2
    assert shown[0].endswith(" INFO first")
    assert shown[1] == "third"
    assert sim.entrance.reads.log(exec_id, count + 1, -1, False).data["log"] == "\n".join(shown)


def test_log_of_an_unknown_job() -> None:
    sim = make_sim()
    with pytest.raises(LinkisError) as info:
        sim.entrance.reads.log(exec_id_of("IDE_alice_spark_0"), 1, -1, True)
    assert info.value.message == LOG_UNKNOWN_JOB
    assert info.value.message.startswith(
        "The job you just executed has ended. This interface no longer provides a query."
    )
    assert info.value.status == 1
