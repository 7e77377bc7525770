"""Jobs planned at submit: states, progress and log lines at each simulated instant."""

from __future__ import annotations

import itertools
import re

import pytest

from linkis_mock.sim.linkis.jobs import format_log_time, log_line
from linkis_mock.sim.settings import Timings
from tests.helpers.sim import (
    ALICE,
    HADOOP,
    START_MS,
    all_lines,
    at,
    job_lines,
    make_sim,
    state_of,
    submit,
)

SCHEDULED = "Your job is Scheduled. Please wait it to run.(您的任务已经调度运行中)"
RETRY = "Your job is turn to retry. Please wait it to schedule."
RUNNING = "Your job is Running now. Please wait it to complete.(您的任务已经在运行中)"
SUCCESS = "Congratulations. Your job completed with status Success."
HEADER = re.compile(
    r"^(?P<ts>\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}) "
    r"(?P<level>INFO|WARN|ERROR|SYSTEM-INFO|SYSTEM-WARN|SYSTEM-ERROR) "
)


def sorry(state: str) -> str:
    return f"Sorry. Your job completed with a status {state}. You can view logs for the reason."


def states_over(sim_offsets: list[int], code: str = "select 1") -> list[str]:
    sim = make_sim()
    exec_id, _ = submit(sim, ALICE, code)
    seen = []
    for offset in sim_offsets:
        at(sim, offset)
        seen.append(state_of(sim, exec_id))
    return seen


def texts(lines: list[str]) -> list[str]:
    """Log lines without their `<timestamp> LEVEL ` header."""
    return [HEADER.sub("", line) for line in lines]


# ---- states --------------------------------------------------------------------------


def test_default_timeline_changes_state_at_the_planned_instants() -> None:
    offsets = [0, 199, 200, 999, 1000, 2999, 3000, 60_000]
    assert states_over(offsets) == [
        "Inited",
        "Inited",
        "Scheduled",
        "Scheduled",
        "Running",
        "Running",
        "Succeed",
        "Succeed",
    ]


def test_timeline_follows_configured_timings() -> None:
    sim = make_sim(timings=Timings(inited=1.0, queue=2.0, running=3.0))
    exec_id, _ = submit(sim, ALICE)
    expected = {
        999: "Inited",
        1000: "Scheduled",
        2999: "Scheduled",
        3000: "Running",
        5999: "Running",
        6000: "Succeed",
    }
    for offset, state in expected.items():
        at(sim, offset)
        assert state_of(sim, exec_id) == state, offset


def test_queue_and_duration_directives_shape_the_timeline() -> None:
    offsets = [199, 200, 699, 700]
    assert states_over(offsets, "--@mock queue=0 duration=0.5\nselect 1") == [
        "Inited",
        "Running",
        "Running",
        "Succeed",
    ]


@pytest.mark.parametrize("outcome", ["Failed", "Cancelled", "Timeout"])
def test_outcome_directive_sets_the_end_state(outcome: str) -> None:
    sim = make_sim()
    exec_id, _ = submit(sim, ALICE, f"--@mock outcome={outcome}\nselect 1")
    at(sim, 2999)
    assert state_of(sim, exec_id) == "Running"
    at(sim, 3000)
    assert state_of(sim, exec_id) == outcome
    progress = sim.entrance.reads.progress(exec_id).data
    assert progress["progress"] == 1.0
    assert progress["progressInfo"] == []
    assert texts(all_lines(sim, exec_id))[-1] == sorry(outcome)
    assert SUCCESS not in texts(all_lines(sim, exec_id))


def test_retry_once_detours_through_wait_for_retry() -> None:
    # attempt 1 runs 40% of 2 s, then 1 s retry wait, then the full attempt
    expected = {
        0: "Inited",
        200: "Scheduled",
        1000: "Running",
        1799: "Running",
        1800: "WaitForRetry",
        2799: "WaitForRetry",
        2800: "Scheduled",
        3600: "Running",
        5599: "Running",
        5600: "Succeed",
    }
    sim = make_sim()
    exec_id, _ = submit(sim, ALICE, "--@mock retry=1\nselect 1")
    for offset, state in expected.items():
        at(sim, offset)
        assert state_of(sim, exec_id) == state, offset
    lines = texts(all_lines(sim, exec_id))
    assert lines.count(RETRY) == 1
    assert lines.count(SCHEDULED) == 2
    assert lines.count(RUNNING) == 2
    assert lines[-1] == SUCCESS


def test_retry_twice_then_fail() -> None:
    sim = make_sim()
    exec_id, _ = submit(sim, ALICE, "--@mock retry=2 outcome=Failed\nselect 1")
    expected = {
        1800: "WaitForRetry",
        2800: "Scheduled",
        3600: "Running",
        4400: "WaitForRetry",
        5400: "Scheduled",
        6200: "Running",
        8199: "Running",
        8200: "Failed",
    }
    for offset, state in expected.items():
        at(sim, offset)
        assert state_of(sim, exec_id) == state, offset
    lines = texts(all_lines(sim, exec_id))
    assert lines.count(RETRY) == 2
    assert lines.count(RUNNING) == 3
    assert lines[-1] == sorry("Failed")


def test_states_never_move_backwards_except_into_wait_for_retry() -> None:
    order = ["Inited", "Scheduled", "Running", "Succeed"]
    sim = make_sim()
    exec_id, _ = submit(sim, ALICE, "--@mock retry=2\nselect 1")
    previous = "Inited"
    for offset in range(0, 9000, 50):
        at(sim, offset)
        state = state_of(sim, exec_id)
        if state != "WaitForRetry" and previous != "WaitForRetry":
            assert order.index(state) >= order.index(previous), offset
        if previous == "WaitForRetry":
            assert state in ("WaitForRetry", "Scheduled"), offset
        previous = state
    assert previous == "Succeed"


# ---- progress ------------------------------------------------------------------------


def test_progress_is_zero_before_running_and_rises_strictly_while_running() -> None:
    sim = make_sim()
    exec_id, _ = submit(sim, ALICE)
    for offset in (0, 100, 200, 999):
        at(sim, offset)
        data = sim.entrance.reads.progress(exec_id).data
        assert data["progress"] == 0.0
        assert data["progressInfo"] == []
        assert data["execID"] == exec_id
    values = []
    for offset in range(1100, 3000, 100):
        at(sim, offset)
        value = sim.entrance.reads.progress(exec_id).data["progress"]
        assert isinstance(value, float)
        assert 0 < value < 1
        values.append(value)
    assert all(b > a for a, b in itertools.pairwise(values))
    assert values[9] == 0.5  # at 2000 ms, half-way through the 2 s run
    at(sim, 3000)
    data = sim.entrance.reads.progress(exec_id).data
    assert data["progress"] == 1.0
    assert data["progressInfo"] == []


def test_progress_info_while_running_lists_stages_with_counts() -> None:
    sim = make_sim()
    exec_id, _ = submit(sim, ALICE)
    job = sim.stores.jobs.by_task_id(1)
    assert job is not None
    totals = list(job.script.stage_tasks)
    at(sim, 2900)
    info = sim.entrance.reads.progress(exec_id).data["progressInfo"]
    assert info, "a running job reports its stages"
    for index, item in enumerate(info):
        assert set(item) == {"id", "succeedTasks", "failedTasks", "runningTasks", "totalTasks"}
        assert item["id"] == f"stage_{index}"
        assert item["totalTasks"] == totals[index] > 0
        assert item["failedTasks"] == 0
        assert 0 <= item["succeedTasks"] <= item["totalTasks"]
        counts = (item["succeedTasks"], item["failedTasks"], item["runningTasks"])
        assert all(isinstance(count, int) for count in (*counts, item["totalTasks"]))
    # At 95% the first stages are done.
    assert info[0]["succeedTasks"] == info[0]["totalTasks"]


def test_progress_is_one_on_failure_and_zero_while_waiting_for_retry() -> None:
    sim = make_sim()
    exec_id, _ = submit(sim, ALICE, "--@mock retry=1 outcome=Failed\nselect 1")
    at(sim, 1500)
    assert 0 < sim.entrance.reads.progress(exec_id).data["progress"] < 1
    at(sim, 2000)
    data = sim.entrance.reads.progress(exec_id).data
    assert (data["progress"], data["progressInfo"]) == (0.0, [])
    at(sim, 5600)
    data = sim.entrance.reads.progress(exec_id).data
    assert (data["progress"], data["progressInfo"]) == (1.0, [])


def test_progress_with_resource_has_the_progress_fields() -> None:
    sim = make_sim()
    exec_id, _ = submit(sim, ALICE, engine="shell-1")
    at(sim, 2000)
    data = sim.entrance.reads.progress_with_resource(exec_id).data
    assert data["progress"] == 0.5
    assert data["execID"] == exec_id
    assert data["yarnResource"] is None
    assert "yarnMetrics" not in data
    assert data["progressInfo"] == sim.entrance.reads.progress(exec_id).data["progressInfo"]


def test_yarn_metrics_follow_the_documented_formulas_when_present() -> None:
    sim = make_sim()
    exec_id, _ = submit(sim, ALICE)
    data = sim.entrance.reads.progress_with_resource(exec_id).data
    assert data["yarnResource"] is None and "yarnMetrics" not in data  # not started yet
    at(sim, 2000)
    metrics = sim.entrance.reads.progress_with_resource(exec_id).data["yarnMetrics"]
    resources = metrics["yarnResource"]
    cores = sum(r["queueCores"] for r in resources)
    memory = sum(r["queueMemory"] for r in resources)
    assert metrics["corePercent"] == pytest.approx(cores / 300, abs=1e-4)
    assert metrics["memoryPercent"] == pytest.approx(memory / (1000 * 1024**3), abs=1e-4)
    for rgb, percent in (
        (metrics["coreRGB"], metrics["corePercent"]),
        (metrics["memoryRGB"], metrics["memoryPercent"]),
    ):
        expected = "green" if percent <= 0.5 else ("yellow" if percent <= 0.7 else "red")
        assert rgb == expected
    for item in resources:
        assert item["applicationId"].startswith("application_")
        assert item["queue"] == "default"


def test_progress_with_resource_has_yarn_metrics_only_once_a_yarn_job_runs() -> None:
    """The mock shows plausible YARN usage for spark jobs (the issue asks for it) and the
    real default, `yarnResource: null`, before they run."""
    sim = make_sim()
    exec_id, _ = submit(sim, ALICE)
    before = sim.entrance.reads.progress_with_resource(exec_id).data
    assert before["yarnResource"] is None
    assert "yarnMetrics" not in before
    at(sim, 2000)
    data = sim.entrance.reads.progress_with_resource(exec_id).data
    assert "yarnResource" not in data
    assert data["yarnMetrics"]["yarnResource"][0]["jobStatus"] == "RUNNING"


# ---- log lines -----------------------------------------------------------------------


def test_first_lines_of_a_submitted_job() -> None:
    sim = make_sim()
    exec_id, task_id = submit(sim, ALICE)
    lines = all_lines(sim, exec_id)
    # The interceptors' lines come first, twice (docs/reference/linkis-interceptors.md §9).
    head = lines[: len(lines) - 3]
    assert head[: len(head) // 2] == head[len(head) // 2 :]
    assert head[0] == "2024-05-01 10:05:33.005 INFO Program is substituting variables for you"
    assert job_lines(sim, exec_id) == [
        f"2024-05-01 10:05:33.005 INFO Job with jobId : {task_id} and execID : "
        "IDE_alice_spark_0 submitted ",
        "2024-05-01 10:05:33.005 INFO Your job is accepted,  jobID is IDE_alice_spark_0 and "
        f"jobReqId is {task_id} in ServiceInstance(linkis-cg-entrance, 127.0.0.1:9104, "
        f"{START_MS}). ",
        " Please wait it to be scheduled(您的任务已经提交，进入排队中，请耐心等待调度)",
    ]


def test_accepted_line_on_execute_names_the_exec_id_and_task_id() -> None:
    sim = make_sim()
    exec_id, task_id = submit(sim, ALICE, via_execute=True)
    second = job_lines(sim, exec_id)[1]
    assert f"Your job is accepted,  jobID is {exec_id} and taskID is {task_id} in " in second


def test_full_log_of_a_successful_job() -> None:
    sim = make_sim()
    exec_id, task_id = submit(sim, HADOOP)
    job = sim.stores.jobs.by_task_id(task_id)
    assert job is not None
    at(sim, 3000)
    lines = job_lines(sim, exec_id)
    body = texts(lines)
    assert body[3:6] == [
        SCHEDULED,
        RUNNING,
        "Succeed to create new ec : ServiceInstance(linkis-cg-engineconn, 127.0.0.1:41761)",
    ]
    stage_lines = [t for t in body if t.startswith("Stage-")]
    assert stage_lines == [
        f"Stage-{i}: {n}/{n} tasks finished" for i, n in enumerate(job.script.stage_tasks)
    ]
    assert body[-2:] == [f"Res:_0.dolphin written, {job.script.rows} rows", SUCCESS]
    assert lines[3].startswith("2024-05-01 10:05:33.005 INFO ")  # Scheduled at 33.200
    assert lines[4].startswith("2024-05-01 10:05:34.005 INFO ")  # Running at 34.000
    assert lines[-1].startswith("2024-05-01 10:05:36.005 INFO ")  # Succeed at 36.000
    # Every line but the accepted line's continuation carries a header.
    assert [i for i, line in enumerate(lines) if not HEADER.match(line)] == [2]


def test_failed_job_logs_the_error_at_error_level() -> None:
    sim = make_sim()
    exec_id, _ = submit(sim, ALICE, '--@mock outcome=Failed error="no such table"\nselect 1')
    at(sim, 3000)
    lines = all_lines(sim, exec_id)
    assert lines[-2].endswith(" ERROR Sorry, your job executed failed with reason: no such table")
    assert lines[-1].endswith(f" INFO {sorry('Failed')}")


def test_invalid_directive_logs_a_warning_and_fails() -> None:
    sim = make_sim()
    exec_id, task_id = submit(sim, ALICE, "--@mock rows=lots\nselect 1")
    lines = job_lines(sim, exec_id)
    assert lines[3].startswith(
        "2024-05-01 10:05:33.005 WARN Invalid @mock directive, the job "
        "will fail: rows must be a whole number"
    )
    at(sim, 3000)
    assert state_of(sim, exec_id) == "Failed"
    row = sim.entrance.history.job_history(task_id, ALICE, True).data["task"]
    assert row["errDesc"] is not None
    assert row["errDesc"].startswith("Invalid @mock directive")


def test_timestamp_millis_are_the_minutes_zero_padded() -> None:
    # 2024-05-01 10:42:07.123 UTC
    at_ms = 1_714_560_127_123
    assert format_log_time(at_ms) == "2024-05-01 10:42:07.042"
    assert format_log_time(1_714_521_600_999) == "2024-05-01 00:00:00.000"
    assert log_line(at_ms, "WARN", "x") == "2024-05-01 10:42:07.042 WARN x"


def test_log_grows_with_time_only() -> None:
    sim = make_sim()
    exec_id, _ = submit(sim, ALICE, "--@mock retry=1 outcome=Failed\nselect 1")
    previous: list[str] = []
    counts = []
    for offset in range(0, 6000, 100):
        at(sim, offset)
        lines = all_lines(sim, exec_id)
        assert lines[: len(previous)] == previous, offset
        previous = lines
        counts.append(len(job_lines(sim, exec_id)))
    assert counts[0] == 3
    assert counts[-1] > counts[0]
    # Reading does not change anything: reading again at the same instant gives the same log.
    assert all_lines(sim, exec_id) == previous


def test_planned_lines_are_not_visible_before_their_time() -> None:
    sim = make_sim()
    exec_id, _ = submit(sim, ALICE)
    at(sim, 199)
    assert len(job_lines(sim, exec_id)) == 3
    at(sim, 200)
    assert texts(job_lines(sim, exec_id))[3:] == [SCHEDULED]
