"""The state file: a restart continues, and processes sharing the file see one world."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from linkis_mock.sim.linkis.jobs import JobState
from linkis_mock.sim.simulator import Simulator
from linkis_mock.sim.storage.backend import StorageError
from linkis_mock.sim.storage.snapshot import take
from linkis_mock.sim.storage.sqlite import SqliteBackend
from tests.helpers.sim import ALICE, BOB, all_lines, at, make_sim, submit

BODY = {"name": "cam-1", "input": {"type": "edgecamera", "data": []}, "output": {}}


def opened(path: Path, sim: Simulator | None = None) -> tuple[Simulator, SqliteBackend]:
    sim = sim or make_sim()
    state = SqliteBackend(path, sim.stores)
    state.open()
    return sim, state


def test_a_new_file_takes_the_simulators_state_and_a_restart_continues(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    first, state = opened(path)
    with state.unit(writes=True):
        exec_id, task_id = submit(first, ALICE, "--@mock duration=60\nselect 1")
        ticket = first.users.login("alice", "alice", None).ticket
        first.vias.create("*", "p1", "svc", BODY)
    at(first, 5_000)
    with state.unit(writes=True):
        first.clock.configure(frozen=True)
    before = take(first.stores)
    state.close()

    second, again = opened(path)
    assert take(second.stores) == before
    assert ticket is not None and second.users.who(ticket) == "alice"
    assert second.entrance.status(exec_id, None).data["status"] == "Running"
    with again.unit(writes=True):
        _, next_task_id = submit(second, ALICE)
    assert next_task_id == task_id + 1
    again.close()


def test_a_running_job_goes_on_with_the_clock_across_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    sim = Simulator(make_sim().settings)  # a real-time clock
    first, state = opened(path, sim)
    with state.unit(writes=True):
        exec_id, _ = submit(first, ALICE, "--@mock queue=0 duration=0.3\nselect 1")
    state.close()
    second, again = opened(path, Simulator(make_sim().settings))
    assert second.entrance.status(exec_id, None).data["status"] != "Succeed"
    second.clock.advance(1)  # as if the restart took a second
    assert second.entrance.status(exec_id, None).data["status"] == "Succeed"
    again.close()


def test_two_processes_share_jobs_kills_and_ids(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    a, state_a = opened(path)
    b, state_b = opened(path)
    with state_a.unit(writes=True):
        exec_a, task_a = submit(a, ALICE, "--@mock duration=60\nselect 1")
    with state_b.unit(writes=True):
        exec_b, task_b = submit(b, ALICE, "--@mock duration=60\nselect 1")
    assert task_b == task_a + 1 and exec_b != exec_a
    with state_b.unit(writes=True):
        b.entrance.kill(exec_a, None, ALICE)
    with state_a.unit(writes=False):
        lines = all_lines(a, exec_a)
    assert any("Job is killed by user!" in line for line in lines)
    with state_a.unit(writes=False):
        assert a.entrance.status(exec_b, None).data["status"] in {"Inited", "Scheduled"}
    state_a.close()
    state_b.close()


def test_clock_sessions_tasks_and_reset_reach_the_other_process(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    a, state_a = opened(path)
    b, state_b = opened(path)
    with state_a.unit(writes=True):
        a.clock.advance(3600)
        ticket = a.users.login("bob", "bob", None).ticket
        created = a.vias.create("*", "p1", "svc", BODY)["tasks"][0]["id"]
    with state_b.unit(writes=False):
        assert b.clock.now_ms() == a.clock.now_ms()
        assert ticket is not None and b.users.who(ticket) == "bob"
        assert b.stores.vias_tasks.get(created) is not None
    with state_b.unit(writes=True):
        b.vias.delete("*", "p1", created)
        b.users.logout(ticket)
    with state_a.unit(writes=False):
        assert a.stores.vias_tasks.get(created) is None
        assert a.users.who(ticket) is None
    with state_b.unit(writes=True):
        submit(b, BOB)
        b.reset()
    with state_a.unit(writes=False):
        assert a.stores.jobs.all_jobs() == []
    state_a.close()
    state_b.close()


def test_a_job_made_way_for_stays_only_in_history_after_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    first, state = opened(path, make_sim(jobs_per_group=1))
    with state.unit(writes=True):
        _, old_task = submit(first, ALICE, "--@mock queue=0 duration=0\nselect 1")
    at(first, 10_000)
    with state.unit(writes=True):
        submit(first, ALICE)
    state.close()
    second, again = opened(path, make_sim(jobs_per_group=1))
    job = second.stores.jobs.by_task_id(old_task)
    assert job is not None and not second.stores.jobs.is_held(job)
    assert take(second.stores) == take(first.stores)
    again.close()


def test_a_file_that_is_not_sqlite_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    path.write_text("not a database, just text " * 100)
    with pytest.raises(StorageError, match="not a SQLite file"):
        SqliteBackend(path, make_sim().stores).open()


def test_a_file_of_another_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    _, state = opened(path)
    state.close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = '99' WHERE key = 'schema'")
    with pytest.raises(StorageError, match="version 99"):
        SqliteBackend(path, make_sim().stores).open()


def test_a_forced_state_is_shared(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    a, state_a = opened(path)
    b, state_b = opened(path)
    with state_a.unit(writes=True):
        _, task_id = submit(a, ALICE, "--@mock duration=60\nselect 1")
    with state_b.unit(writes=True):
        b.entrance.force_state(task_id, JobState.FAILED, "forced")
    with state_a.unit(writes=False):
        summary = next(s for s in a.entrance.job_summaries() if s["taskID"] == task_id)
    assert summary["state"] == "Failed"
    state_a.close()
    state_b.close()


def test_jobs_history_forgot_stay_forgotten_in_every_process(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    a, state_a = opened(path, make_sim(history_jobs=2))
    b, state_b = opened(path, make_sim(history_jobs=2))
    with state_a.unit(writes=True):
        _, first = submit(a, ALICE)
        submit(a, ALICE)
    with state_b.unit(writes=False):
        assert b.stores.jobs.by_task_id(first) is not None
    with state_a.unit(writes=True):
        submit(a, ALICE)
    with state_b.unit(writes=False):
        assert b.stores.jobs.by_task_id(first) is None
    state_a.close()
    state_b.close()
    restarted, state = opened(path, make_sim(history_jobs=2))
    assert [job.ident.task_id for job in restarted.stores.jobs.all_jobs()] == [first + 2, first + 1]
    state.close()


def test_the_file_keeps_plans_of_unchanged_jobs_and_timelines_of_changed_ones(
    tmp_path: Path,
) -> None:
    path = tmp_path / "state.db"
    first, state = opened(path)
    with state.unit(writes=True):
        exec_plain, plain_task = submit(first, ALICE, "--@mock duration=60\nselect 1")
        exec_killed, killed_task = submit(first, ALICE, "--@mock duration=60\nselect 1")
    at(first, 5_000)
    with state.unit(writes=True):
        first.entrance.kill(exec_killed, None, ALICE)
    before = take(first.stores)
    state.close()
    with sqlite3.connect(path) as db:
        bodies = dict(db.execute("SELECT task_id, body FROM jobs").fetchall())
    assert '"plan"' in bodies[plain_task] and '"timeline"' not in bodies[plain_task]
    assert '"timeline"' in bodies[killed_task] and '"plan"' not in bodies[killed_task]
    second, again = opened(path)
    plain, killed = (
        second.stores.jobs.by_task_id(plain_task),
        second.stores.jobs.by_task_id(killed_task),
    )
    assert plain is not None and plain.kept_timeline is None
    assert killed is not None and killed.kept_timeline is not None
    assert take(second.stores) == before  # the plan gives back the same timeline
    assert all_lines(second, exec_plain) == all_lines(first, exec_plain)
    again.close()


def test_a_file_with_a_broken_row_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    sim, state = opened(path)
    with state.unit(writes=True):
        submit(sim, ALICE)
    state.close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE jobs SET body = '{\"ident\": 1}'")
    before = path.read_bytes()
    with pytest.raises(StorageError, match="holds a row this mock cannot read"):
        SqliteBackend(path, make_sim().stores).open()
    assert path.read_bytes() == before
