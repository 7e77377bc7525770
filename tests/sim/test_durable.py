"""The state file and the PostgreSQL database: a restart continues, and processes sharing
one see one world. Each test runs against both backends."""

from __future__ import annotations

import json
import socket
import sqlite3
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

import psycopg
import pytest

from linkis_mock.sim.linkis.errors import LinkisError
from linkis_mock.sim.linkis.jobs import Job, JobState
from linkis_mock.sim.simulator import Simulator
from linkis_mock.sim.storage.backend import StorageBackend, StorageError, StorageUnavailableError
from linkis_mock.sim.storage.job_rows import FIELDS
from linkis_mock.sim.storage.job_store import UnbuiltJob
from linkis_mock.sim.storage.locations import backend_for, is_database_url
from linkis_mock.sim.storage.postgres import STREAM_ROWS
from linkis_mock.sim.storage.row_json import text as row_text
from linkis_mock.sim.storage.rows import RowBackend
from linkis_mock.sim.storage.snapshot import take
from linkis_mock.sim.storage.sqlite import SqliteBackend
from tests.helpers.layout1 import layout_1_row
from tests.helpers.postgres import PostgresServer, fresh_database
from tests.helpers.sim import ALICE, APP_PREFIX, BOB, all_lines, at, make_sim, submit

BODY = {"name": "cam-1", "input": {"type": "edgecamera", "data": []}, "output": {}}


@pytest.fixture(params=["sqlite", "postgresql"])
def location(
    request: pytest.FixtureRequest, tmp_path: Path, postgres: PostgresServer
) -> Iterator[str]:
    """Where the state goes: a new SQLite file, or a new database on the test server."""
    yield str(tmp_path / "state.db") if request.param == "sqlite" else fresh_database(postgres)


def layout(location: str) -> int:
    """The layout version each database is written in: PostgreSQL's 2 hands out taskIDs
    from a sequence (linkis_mock.sim.storage.postgres); the state file's 2 and
    PostgreSQL's 3 write job rows as job_rows.py does."""
    return 3 if location.startswith("postgresql") else 2


def opened(location: str, sim: Simulator | None = None) -> tuple[Simulator, StorageBackend]:
    sim = sim or make_sim()
    state = backend_for(location, sim.stores)
    state.open()
    return sim, state


def everything(location: str) -> list[list[tuple[Any, ...]]]:
    return [sql(location, f"SELECT * FROM {table} ORDER BY 1") for table in ("meta", "jobs")]


def sql(location: str, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """One statement straight on the backend's database, committed; its rows. `?` marks a
    parameter."""
    if is_database_url(location):
        with psycopg.connect(location, autocommit=True) as db:
            cursor = db.execute(statement.replace("?", "%s"), params)
            return cursor.fetchall() if cursor.description else []
    with sqlite3.connect(location) as db:
        return db.execute(statement, params).fetchall()


def test_a_new_file_takes_the_simulators_state_and_a_restart_continues(location: str) -> None:
    path = location
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
    assert second.entrance.reads.status(exec_id, None).data["status"] == "Running"
    with again.unit(writes=True):
        _, next_task_id = submit(second, ALICE)
    # PostgreSQL hands out taskIDs from a sequence, and a replica fetches the next one
    # with the commit of each submit: the one the first process held goes unused.
    assert next_task_id == task_id + (2 if location.startswith("postgresql") else 1)
    again.close()


def test_a_restart_reads_every_job_however_many_rows_it_streams_at_a_time(
    location: str,
) -> None:
    """More jobs than PostgreSQL's STREAM_ROWS, in rows of several batches."""
    count = 2 * STREAM_ROWS + 7
    first, state = opened(location, make_sim(jobs_per_group=count))
    with state.unit(writes=True):
        for _ in range(count):
            submit(first, ALICE)
    before = take(first.stores)
    state.close()
    second, again = opened(location, make_sim(jobs_per_group=count))
    assert take(second.stores) == before
    assert len(second.stores.jobs.all_jobs()) == count
    again.close()


def test_a_running_job_goes_on_with_the_clock_across_a_restart(location: str) -> None:
    path = location
    sim = Simulator(make_sim().settings)  # a real-time clock
    first, state = opened(path, sim)
    with state.unit(writes=True):
        exec_id, _ = submit(first, ALICE, "--@mock queue=0 duration=0.3\nselect 1")
    state.close()
    second, again = opened(path, Simulator(make_sim().settings))
    assert second.entrance.reads.status(exec_id, None).data["status"] != "Succeed"
    second.clock.advance(1)  # as if the restart took a second
    assert second.entrance.reads.status(exec_id, None).data["status"] == "Succeed"
    again.close()


def test_two_processes_share_jobs_kills_and_ids(location: str) -> None:
    path = location
    a, state_a = opened(path)
    b, state_b = opened(path)
    with state_a.unit(writes=True):
        exec_a, task_a = submit(a, ALICE, "--@mock duration=60\nselect 1")
    state_b.refresh()  # as the pipeline does first
    with state_b.unit(writes=True):
        exec_b, task_b = submit(b, ALICE, "--@mock duration=60\nselect 1")
    assert task_b == task_a + 1
    assert exec_b != exec_a
    state_b.refresh()  # as the pipeline does first
    with state_b.unit(writes=True):
        b.entrance.actions.kill(exec_a, None, ALICE)
    state_a.refresh()  # as the pipeline does first
    with state_a.unit(writes=False):
        lines = all_lines(a, exec_a)
    assert any("Job is killed by user!" in line for line in lines)
    state_a.refresh()  # as the pipeline does first
    with state_a.unit(writes=False):
        assert a.entrance.reads.status(exec_b, None).data["status"] in {"Inited", "Scheduled"}
    state_a.close()
    state_b.close()


def test_clock_sessions_tasks_and_reset_reach_the_other_process(location: str) -> None:
    path = location
    a, state_a = opened(path)
    b, state_b = opened(path)
    with state_a.unit(writes=True):
        a.clock.advance(3600)
        ticket = a.users.login("bob", "bob", None).ticket
        created = a.vias.create("*", "p1", "svc", BODY)["tasks"][0]["id"]
    state_b.refresh()  # as the pipeline does first
    with state_b.unit(writes=False):
        assert b.clock.now_ms() == a.clock.now_ms()
        assert ticket is not None and b.users.who(ticket) == "bob"
        assert b.stores.vias_tasks.get(created) is not None
    with state_b.unit(writes=True):
        b.vias.delete("*", "p1", created)
        b.users.logout(ticket)
    state_a.refresh()  # as the pipeline does first
    with state_a.unit(writes=False):
        assert a.stores.vias_tasks.get(created) is None
        assert a.users.who(ticket) is None
    with state_b.unit(writes=True):
        submit(b, BOB)
        b.reset()
    state_a.refresh()  # as the pipeline does first
    with state_a.unit(writes=False):
        assert a.stores.jobs.all_jobs() == []
    state_a.close()
    state_b.close()


def test_global_variables_reach_the_other_process_and_survive_a_restart(location: str) -> None:
    path = location
    a, state_a = opened(path)
    b, state_b = opened(path)
    with state_a.unit(writes=True):
        a.entrance.global_variables.save_global_variables(
            {"globalVariables": [{"key": "g", "value": "1"}]}, ALICE
        )
    state_b.refresh()  # as the pipeline does first
    with state_b.unit(writes=True):
        assert b.stores.variables.values("alice") == {"g": "1"}
        b.stores.variables.replace("alice", {"g": "2", "h": "3"})
    before = take(b.stores)["variables"]
    state_a.close()
    state_b.close()
    again, state = opened(path)
    assert take(again.stores)["variables"] == before
    assert [row["keyID"] for row in before["users"]["alice"]] == [1, 2]
    state.close()


def test_a_state_without_global_variables_keeps_the_configs(location: str) -> None:
    """A state written by a mock before global variables has no `variables` row."""
    _, state = opened(location)
    state.close()
    sql(location, "DELETE FROM meta WHERE key = 'variables'")
    seeds = {"alice": {"run_date": "20200101"}}
    second, again = opened(location, make_sim(variables=seeds))
    assert second.stores.variables.values("alice") == {"run_date": "20200101"}
    again.close()


def test_a_job_made_way_for_stays_only_in_history_after_a_restart(location: str) -> None:
    path = location
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


def test_a_database_of_a_newer_version_is_refused_in_one_line(location: str) -> None:
    _, state = opened(location)
    state.close()
    sql(location, "UPDATE meta SET value = '99' WHERE key = 'schema'")
    with pytest.raises(StorageError) as refused:
        backend_for(location, make_sim().stores).open()
    assert str(refused.value).endswith(
        f"holds state version 99, newer than this mock's {layout(location)}:"
        " serve it with a newer linkis-mock"
    )
    sql(location, "UPDATE meta SET value = 'one' WHERE key = 'schema'")
    with pytest.raises(StorageError, match="no state version this mock knows: 'one'"):
        backend_for(location, make_sim().stores).open()


def _add_labels(state: RowBackend) -> None:
    """A migration as a newer mock would bring: a table more."""
    state._execute("CREATE TABLE labels (task_id BIGINT PRIMARY KEY, label TEXT NOT NULL)")


def _newer(location: str, sim: Simulator) -> RowBackend:
    """A backend of a mock whose layout is one version on, with its migration."""
    state = backend_for(location, sim.stores)
    assert isinstance(state, RowBackend)
    state.schema_version += 1
    state.migrations = {**state.migrations, state.schema_version: _add_labels}
    return state


def test_a_newer_mock_migrates_an_older_database_and_keeps_its_state(location: str) -> None:
    first, old = opened(location)
    with old.unit(writes=True):
        exec_id, _ = submit(first, ALICE, "--@mock duration=60\nselect 1")
    before = take(first.stores)
    old.close()
    second = make_sim()
    newer = _newer(location, second)
    assert newer.open()
    assert take(second.stores) == before
    assert sql(location, "SELECT value FROM meta WHERE key = 'schema'") == [
        (str(layout(location) + 1),)
    ]
    assert sql(location, "SELECT count(*) FROM labels") == [(0,)]
    with newer.unit(writes=True):
        submit(second, ALICE)
    newer.close()
    third = make_sim()
    again = _newer(location, third)
    again.open()  # already at 2: nothing to migrate
    status = first.entrance.reads.status(exec_id, None).data["status"]
    assert third.entrance.reads.status(exec_id, None).data["status"] == status
    assert len(third.stores.jobs.all_jobs()) == 2
    again.close()


def test_the_rows_of_an_older_layout_are_rewritten_and_read_the_same(location: str) -> None:
    """Layout 1 wrote each job as the snapshot's object: the migration writes the rows as
    the layout of this mock does, and the world read back is the world written."""
    first, state = opened(location)
    with state.unit(writes=True):
        plain, _ = submit(first, ALICE, "--@mock duration=60\nselect 1")
        killed, _ = submit(first, BOB, "--@mock duration=60\nselect ${run_date}")
        with pytest.raises(LinkisError):  # refused: a Failed row that keeps its timeline
            submit(first, ALICE, "-- nothing but a comment")
    at(first, 5_000)
    with state.unit(writes=True):
        first.entrance.actions.kill(killed, None, BOB)
    before = take(first.stores)
    state.close()
    for job in first.stores.jobs.all_jobs():  # as the older mock wrote them
        older = row_text(layout_1_row(job, first.stores.jobs.is_held(job)))
        sql(location, "UPDATE jobs SET body = ? WHERE task_id = ?", (older, job.ident.task_id))
    sql(location, f"UPDATE meta SET value = '{layout(location) - 1}' WHERE key = 'schema'")
    if location.startswith("postgresql"):  # layout 2's other step is PostgreSQL's own
        sql(location, "UPDATE meta SET value = '2' WHERE key = 'schema'")
    second, again = opened(location)
    try:
        assert take(second.stores) == before
        assert all_lines(second, plain) == all_lines(first, plain)
        assert sql(location, "SELECT value FROM meta WHERE key = 'schema'") == [
            (str(layout(location)),)
        ]
        bodies = [body for (body,) in sql(location, "SELECT body FROM jobs")]
        assert len(bodies) == 3
        assert all(isinstance(json.loads(body), list) for body in bodies)
    finally:
        again.close()


def test_a_replica_of_the_older_mock_stops_serving_once_a_newer_one_migrated(
    location: str,
) -> None:
    """A rolling upgrade: the replica still on the old mock answers 503s that say why,
    and writes nothing into a layout it does not know."""
    old_sim, old = opened(location)
    newer = _newer(location, make_sim())
    newer.open()
    for look in (old.refresh, partial(_write, old, old_sim)):
        with pytest.raises(
            StorageUnavailableError, match=f"newer than this mock's {layout(location)}"
        ):
            look()
    assert sql(location, "SELECT count(*) FROM jobs") == [(0,)]
    newer.close()
    old.close()


def _write(state: StorageBackend, sim: Simulator) -> None:
    with state.unit(writes=True):
        submit(sim, ALICE)


def test_a_forced_state_is_shared(location: str) -> None:
    path = location
    a, state_a = opened(path)
    b, state_b = opened(path)
    with state_a.unit(writes=True):
        _, task_id = submit(a, ALICE, "--@mock duration=60\nselect 1")
    state_b.refresh()  # as the pipeline does first
    with state_b.unit(writes=True):
        b.entrance.on_demand.force_state(task_id, JobState.FAILED, "forced")
    state_a.refresh()  # as the pipeline does first
    with state_a.unit(writes=False):
        summary = next(s for s in a.entrance.on_demand.job_summaries() if s["taskID"] == task_id)
    assert summary["state"] == "Failed"
    state_a.close()
    state_b.close()


def test_jobs_history_forgot_stay_forgotten_in_every_process(location: str) -> None:
    path = location
    a, state_a = opened(path, make_sim(history_jobs=2))
    b, state_b = opened(path, make_sim(history_jobs=2))
    with state_a.unit(writes=True):
        _, first = submit(a, ALICE)
        _, second = submit(a, ALICE)
    state_b.refresh()  # as the pipeline does first
    with state_b.unit(writes=False):
        assert b.stores.jobs.by_task_id(first) is not None
    with state_a.unit(writes=True):
        _, third = submit(a, ALICE)
    state_b.refresh()  # as the pipeline does first
    with state_b.unit(writes=False):
        assert b.stores.jobs.by_task_id(first) is None
    state_a.close()
    state_b.close()
    restarted, state = opened(path, make_sim(history_jobs=2))
    assert [job.ident.task_id for job in restarted.stores.jobs.all_jobs()] == [third, second]
    state.close()


def test_the_file_keeps_plans_of_unchanged_jobs_and_timelines_of_changed_ones(
    location: str,
) -> None:
    path = location
    first, state = opened(path)
    with state.unit(writes=True):
        exec_plain, plain_task = submit(first, ALICE, "--@mock duration=60\nselect 1")
        exec_killed, killed_task = submit(first, ALICE, "--@mock duration=60\nselect 1")
    at(first, 5_000)
    with state.unit(writes=True):
        first.entrance.actions.kill(exec_killed, None, ALICE)
    before = take(first.stores)
    state.close()
    rows = {
        task_id: json.loads(body) for task_id, body in sql(path, "SELECT task_id, body FROM jobs")
    }
    plan, timeline = FIELDS.index("plan"), FIELDS.index("timeline")
    assert rows[plain_task][plan] is not None and rows[plain_task][timeline] is None
    assert rows[killed_task][plan] is not None and rows[killed_task][timeline] is not None
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


def test_a_file_with_a_broken_row_is_refused_and_left_as_it_was(location: str) -> None:
    path = location
    sim, state = opened(path)
    with state.unit(writes=True):
        submit(sim, ALICE)
    state.close()
    sql(path, "UPDATE jobs SET body = '{\"ident\": 1}'")
    before = sql(path, "SELECT * FROM jobs ORDER BY task_id"), sql(path, "SELECT * FROM meta")
    with pytest.raises(StorageError, match="holds a row this mock cannot read"):
        backend_for(path, make_sim().stores).open()
    assert (
        sql(path, "SELECT * FROM jobs ORDER BY task_id"),
        sql(path, "SELECT * FROM meta"),
    ) == before


def _replace_part(position: str, text: str) -> Any:
    def damage(row: list[Any]) -> None:
        row[FIELDS.index(position)] = text

    return damage


def _replace_intake_head(row: list[Any]) -> None:
    row[FIELDS.index("intake")][1] = "not JSON"


@pytest.mark.parametrize(
    "damage",
    [
        _replace_part("submission", '{"submitUser": "alice"}'),
        _replace_part("script", '{"outcome": "Nope"}'),
        _replace_part("plan", '{"timings": {}}'),
        _replace_part("createdMs", "yesterday"),
        _replace_intake_head,
    ],
    ids=["submission", "script", "plan", "time", "intake"],
)
def test_a_row_broken_deep_inside_is_refused_at_start(location: str, damage: Any) -> None:
    """Jobs are made when first asked for, but their rows are checked at start: a broken
    one is refused then, not met by a request later."""
    sim, state = opened(location)
    with state.unit(writes=True):
        submit(sim, ALICE)
    state.close()
    ((body,),) = sql(location, "SELECT body FROM jobs")
    row = json.loads(body)
    damage(row)
    sql(location, "UPDATE jobs SET body = ?", (json.dumps(row),))
    with pytest.raises(StorageError, match="holds a row this mock cannot read"):
        backend_for(location, make_sim().stores).open()


def test_a_restart_makes_each_job_when_first_asked_for(location: str) -> None:
    first, state = opened(location)
    with state.unit(writes=True):
        running, running_task = submit(first, ALICE, "--@mock duration=60\nselect 1")
        submit(first, BOB, "select 2")
    state.close()
    second, again = opened(location)
    try:
        store = second.stores.jobs
        assert all(isinstance(held, UnbuiltJob) for held in store._by_task_id.values())
        by_exec_id = store.by_short_exec_id(running.removeprefix(APP_PREFIX))
        assert by_exec_id is not None and store.by_task_id(running_task) is by_exec_id
        assert store.is_held(by_exec_id)
        assert second.entrance.reads.status(running, None).data == (
            first.entrance.reads.status(running, None).data
        )
        assert isinstance(store._by_task_id[running_task], Job)
        assert sum(isinstance(held, UnbuiltJob) for held in store._by_task_id.values()) == 1
        assert take(second.stores) == take(first.stores)  # every job made, the same
        assert all(isinstance(held, Job) for held in store._by_task_id.values())
    finally:
        again.close()


def test_a_database_that_cannot_be_reached_is_refused_without_its_password() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens there once closed
    url = f"postgresql://mock:s3cret@127.0.0.1:{port}/mock"
    with pytest.raises(StorageError, match=r"connect to postgresql://mock@127\.0\.0\.1") as no:
        backend_for(url, make_sim().stores)
    assert "s3cret" not in str(no.value)


def test_replicas_starting_together_on_a_new_database_make_it_once(
    postgres: PostgresServer,
) -> None:
    """The schema and the first state are made under the units' lock: the one that comes
    second finds them and continues from them."""
    url = fresh_database(postgres)
    sims = [make_sim() for _ in range(4)]
    backends = [backend_for(url, sim.stores) for sim in sims]
    with ThreadPoolExecutor(4) as pool:
        existed = list(pool.map(lambda backend: backend.open(), backends))
    assert sorted(existed) == [False, True, True, True]
    with backends[0].unit(writes=True):
        _, task_id = submit(sims[0], ALICE)
    for sim, backend in zip(sims[1:], backends[1:], strict=True):
        backend.refresh()  # as the pipeline does first
        with backend.unit(writes=False):
            assert sim.stores.jobs.by_task_id(task_id) is not None
    for backend in backends:
        backend.close()
