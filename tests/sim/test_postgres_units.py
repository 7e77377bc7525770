"""Units of several replicas on one PostgreSQL database run side by side, without a
lock: a unit is refused at its commit only when another replica wrote the same rows
since it looked, and memory then holds what the database holds
(linkis_mock.sim.storage.postgres)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import psycopg
import pytest

from linkis_mock.sim.linkis.jobs import JobState
from linkis_mock.sim.simulator import Simulator
from linkis_mock.sim.storage.backend import StorageConflictError
from linkis_mock.sim.storage.postgres import PostgresBackend
from tests.helpers.postgres import PostgresServer, fresh_database
from tests.helpers.sim import ALICE, BOB, make_sim, submit

BODY = {"name": "cam-1", "input": {"type": "edgecamera", "data": []}, "output": {}}
Replica = tuple[Simulator, PostgresBackend]


@pytest.fixture
def replicas(postgres: PostgresServer) -> Iterator[list[Replica]]:
    url = fresh_database(postgres)
    opened = []
    for _ in range(3):
        sim = make_sim()
        state = PostgresBackend(url, sim.stores)
        state.open()
        opened.append((sim, state))
    try:
        yield opened
    finally:
        for _, state in opened:
            state.close()


def test_a_replica_commits_while_another_is_inside_a_unit(replicas: list[Replica]) -> None:
    """With a lock held across a unit, the inner unit would wait for the outer one, which
    waits for it: here it commits at once."""
    (a, a_state), (b, b_state), (c, c_state) = replicas
    with a_state.unit(writes=True):
        _, a_task = submit(a, ALICE, "select 1")
        with b_state.unit(writes=True):
            _, b_task = submit(b, BOB, "select 2")
    c_state.refresh()
    assert a_task != b_task
    assert c.stores.jobs.by_task_id(a_task) is not None
    assert c.stores.jobs.by_task_id(b_task) is not None


def test_replicas_submitting_without_looking_never_collide(replicas: list[Replica]) -> None:
    """Each takes its taskIDs from the database's sequence, and a job's short execID
    takes its taskID as its index, so jobs of one user and engine on two replicas share
    no id."""
    (a, a_state), (b, b_state), (c, c_state) = replicas
    made = []
    for _ in range(5):
        for sim, state in ((a, a_state), (b, b_state)):
            with state.unit(writes=True):
                made.append(submit(sim, ALICE, "select 1"))
    exec_ids, task_ids = zip(*made, strict=True)
    assert len(set(task_ids)) == len(set(exec_ids)) == 10
    c_state.refresh()
    assert sorted(job.ident.task_id for job in c.stores.jobs.all_jobs()) == sorted(task_ids)
    shorts = {job.ident.short_exec_id for job in c.stores.jobs.all_jobs()}
    assert len(shorts) == 10


def killed_behind_bs_back(replicas: list[Replica]) -> tuple[str, int]:
    """A long job a submits, b looks at, and a then kills: b has not seen the kill."""
    (a, a_state), (_, b_state), _ = replicas
    with a_state.unit(writes=True):
        exec_id, task_id = submit(a, ALICE, "--@mock duration=60\nselect 1")
    b_state.refresh()
    with a_state.unit(writes=True):
        a.entrance.actions.kill(exec_id, None, ALICE)
    return exec_id, task_id


def test_a_unit_on_a_job_another_replica_changed_is_refused_and_taken_back(
    replicas: list[Replica],
) -> None:
    (a, a_state), (b, b_state), _ = replicas
    exec_id, task_id = killed_behind_bs_back(replicas)
    # b has not looked since: its force would overwrite the kill.
    with pytest.raises(StorageConflictError), b_state.unit(writes=True):
        b.entrance.on_demand.force_state(task_id, JobState.FAILED, "forced")
    # Its memory holds the job as the database does: killed, not failed.
    assert b.entrance.reads.status(exec_id, None).data["status"] == "Cancelled"
    # Run again, as contract.units does, the operation meets the kill.
    with pytest.raises(ValueError), b_state.unit(writes=True):
        b.entrance.on_demand.force_state(task_id, JobState.FAILED, "forced")
    a_state.refresh()
    assert a.entrance.reads.status(exec_id, None).data["status"] == "Cancelled"


def test_a_refused_vias_create_leaves_nothing_behind_and_goes_through_again(
    replicas: list[Replica],
) -> None:
    """VIAS task ids come from a count: two replicas that did not look make the same id,
    and the one that commits second is refused."""
    (a, a_state), (b, b_state), (c, c_state) = replicas
    with a_state.unit(writes=True):
        first = a.vias.create("*", "p1", "svc", BODY)["tasks"][0]["id"]
    with pytest.raises(StorageConflictError), b_state.unit(writes=True):
        b.vias.create("*", "p1", "other", BODY)
    task = b.stores.vias_tasks.get(first)
    assert task is not None and task.service_name == "svc"  # a's, as the database has it
    with b_state.unit(writes=True):
        second = b.vias.create("*", "p1", "other", BODY)["tasks"][0]["id"]
    assert second != first
    c_state.refresh()
    names = {task.service_name for task in c.stores.vias_tasks.all_tasks()}
    assert names == {"svc", "other"}


def test_a_clock_change_goes_through_beside_other_replicas_writes_and_meets_theirs(
    replicas: list[Replica],
) -> None:
    """A unit that changes the clock is refused only when another replica changed the
    clock since this one looked, not for every job written meanwhile; refused, it holds
    the database's clock again."""
    (a, a_state), (b, b_state), _ = replicas
    with a_state.unit(writes=True):
        submit(a, ALICE, "select 1")  # a job b has not seen: no matter for the clock
    with b_state.unit(writes=True):
        b.clock.configure(frozen=True)
    with pytest.raises(StorageConflictError), a_state.unit(writes=True):
        a.clock.configure(frozen=False, speed=5)  # b froze it meanwhile
    assert a.clock.reading().frozen  # as the database has it
    with a_state.unit(writes=True):
        a.clock.configure(frozen=False, speed=5)
    b_state.refresh()
    assert (b.clock.reading().frozen, b.clock.reading().speed) == (False, 5)


def test_a_version_1_database_migrates_and_its_taskids_go_on_after_the_highest(
    postgres: PostgresServer,
) -> None:
    """Version 1 counted taskIDs in its counters row, under a lock, and had no sequence:
    the step to version 2 starts the sequence after every taskID handed out."""
    url = fresh_database(postgres)
    sim = make_sim()
    state = PostgresBackend(url, sim.stores)
    state.open()
    with state.unit(writes=True):
        task_ids = [submit(sim, ALICE, f"select {n}")[1] for n in range(3)]
    state.close()
    with psycopg.connect(url, autocommit=True) as db:  # as the version 1 mock left it
        db.execute("DROP SEQUENCE task_ids")
        db.execute("UPDATE meta SET value = '1' WHERE key = 'schema'")
        db.execute(
            "UPDATE meta SET value = %s WHERE key = 'counters'",
            (json.dumps({"lastTaskId": 7, "groups": {}, "tasksCreated": 0}),),
        )
    again = make_sim()
    migrated = PostgresBackend(url, again.stores)
    assert migrated.open()
    try:
        assert [job.ident.task_id for job in again.stores.jobs.all_jobs()] == task_ids[::-1]
        with migrated.unit(writes=True):
            _, next_task_id = submit(again, ALICE, "select 4")
        assert next_task_id == 8  # after the counters row's 7, the highest handed out
        with psycopg.connect(url) as db:
            (schema,) = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone() or ()
        assert schema == "3"  # and on to job rows as job_rows.py writes them
    finally:
        migrated.close()


def test_a_refused_group_refuses_each_of_its_units_and_takes_back_all_they_wrote(
    replicas: list[Replica],
) -> None:
    """A grouped commit is one check: when another replica wrote a row of one unit, every
    unit of the group runs again, from memory as the database holds it."""
    (a, a_state), (b, b_state), _ = replicas
    exec_id, task_id = killed_behind_bs_back(replicas)

    async def together() -> list[BaseException | None]:
        async def force() -> None:
            with b_state.unit(writes=True, grouped=True):
                b.entrance.on_demand.force_state(task_id, JobState.FAILED, "forced")
            await b_state.committed()

        async def another_submit() -> None:
            with b_state.unit(writes=True, grouped=True):
                submitted.append(submit(b, BOB, "select 2")[1])
            await b_state.committed()

        outcomes = await asyncio.gather(force(), another_submit(), return_exceptions=True)
        return [outcome if isinstance(outcome, BaseException) else None for outcome in outcomes]

    submitted: list[int] = []
    outcomes = asyncio.run(together())
    assert [type(outcome) for outcome in outcomes] == [StorageConflictError] * 2
    # b holds what the database holds: the kill, and not the submit the group carried.
    assert b.entrance.reads.status(exec_id, None).data["status"] == "Cancelled"
    assert b.stores.jobs.by_task_id(submitted[0]) is None
    a_state.refresh()
    assert a.stores.jobs.by_task_id(submitted[0]) is None


def test_rows_are_never_taken_in_over_a_groups_changes(replicas: list[Replica]) -> None:
    """Another replica's reset makes b read everything again: a submit whose group is not
    committed yet must not vanish from memory while its request is told it went through.
    The group is committed first, and refused (the reset came between): the request then
    runs again (contract.units), on the state as it is."""
    (a, a_state), (b, b_state), _ = replicas
    b_state.refresh()
    with a_state.unit(writes=True):
        a.reset()

    async def submit_then_look() -> int:
        with b_state.unit(writes=True, grouped=True):
            _, task_id = submit(b, BOB, "select 2")
        b_state.refresh()  # what a request's look does when it finds a new epoch
        await b_state.committed()
        return task_id

    with pytest.raises(StorageConflictError):
        asyncio.run(submit_then_look())
    a_state.refresh()
    assert a.stores.jobs.all_jobs() == [] and b.stores.jobs.all_jobs() == []
