"""Logs are bounded: `--@mock log_lines=N` up to the per-job cap, and long texts summarised."""

from __future__ import annotations

from linkis_mock.sim.linkis.jobs import MAX_LINES_PER_ENTRY, JobState
from tests.helpers.sim import ALICE, all_lines, at, make_sim, submit

AFTER_THE_RUN_MS = 60_000


def test_log_lines_directive_writes_that_many_engine_lines_in_time_order() -> None:
    sim = make_sim()
    exec_id, task_id = submit(sim, ALICE, "--@mock log_lines=500\nselect 1")
    at(sim, AFTER_THE_RUN_MS)
    lines = all_lines(sim, exec_id)
    engine = [line for line in lines if "EngineConn output line" in line]
    assert len(engine) == 500
    assert engine[0].endswith("EngineConn output line 1 of 500")
    assert engine[-1].endswith("EngineConn output line 500 of 500")
    job = sim.stores.jobs.by_task_id(task_id)
    assert job is not None
    assert job.timeline.line_times == sorted(job.timeline.line_times)
    assert lines[-1].endswith("Congratulations. Your job completed with status Success.")


def test_engine_lines_appear_gradually_while_running() -> None:
    sim = make_sim()
    exec_id, _ = submit(sim, ALICE, "--@mock log_lines=100 queue=0 duration=10\nselect 1")
    at(sim, 5_200)  # about half way through the 10 s run
    engine = [line for line in all_lines(sim, exec_id) if "EngineConn output line" in line]
    assert 40 <= len(engine) <= 60


def test_log_lines_above_the_cap_fail_the_job_with_a_directive_problem() -> None:
    sim = make_sim(log_lines_per_job=50)
    exec_id, _ = submit(sim, ALICE, "--@mock log_lines=51\nselect 1")
    at(sim, AFTER_THE_RUN_MS)
    status = sim.entrance.reads.status(exec_id, None).data
    assert status["status"] == "Failed"
    problem = "log_lines must be a whole number from 0 to 50"
    assert any(problem in line for line in all_lines(sim, exec_id))


def test_a_many_line_error_text_is_summarised() -> None:
    sim = make_sim()
    exec_id, task_id = submit(sim, ALICE, "--@mock queue=30\nselect 1")
    error = "\n".join(f"frame {n}" for n in range(10_000))
    sim.entrance.on_demand.force_state(task_id, JobState.FAILED, error)
    lines = all_lines(sim, exec_id)
    assert len(lines) < MAX_LINES_PER_ENTRY + 30
    assert any(line == "... (9801 more lines not shown)" for line in lines)
