"""A job's row as the state file and PostgreSQL hold it (layout 2): every kind of job
comes back as it was, what jobs share is one object after the read, and a row of
layout 1 (the snapshot's object) is read too."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import orjson
import pytest

from linkis_mock.sim.linkis import messages
from linkis_mock.sim.linkis.errors import LinkisError
from linkis_mock.sim.linkis.jobs import Job
from linkis_mock.sim.linkis.scripts import Column
from linkis_mock.sim.simulator import Simulator
from linkis_mock.sim.storage.job_rows import FIELDS, JobRowReader, job_row
from linkis_mock.sim.storage.job_store import JobStore
from linkis_mock.sim.storage.row_json import parsed, text
from linkis_mock.sim.storage.snapshot import job_to_json
from tests.helpers.layout1 import layout_1_row
from tests.helpers.sim import ALICE, BOB, at, make_sim, submit

CODES = [
    "select 1",
    "select a, b from t",  # columns of its own
    "--@mock outcome=Failed error=boom retry=1 log_lines=3\nselect 2",
    "--@mock outcome=Nope\nselect 3",  # a directive problem
    '--@mock diagnosis="slow join" duration=60\nselect ${run_date}',  # variables shown
    "print('x')",
]


def world(seed: int = 0) -> Simulator:
    sim = make_sim(seed=seed)
    for n, code in enumerate(CODES):
        run_type = "python" if code.startswith("print") else "sql"
        submit(sim, ALICE if n % 2 else BOB, code, run_type=run_type, via_execute=n == 2)
    with pytest.raises(LinkisError):  # refused: a Failed row that keeps its timeline
        submit(sim, ALICE, "-- nothing but a comment")
    killed, _ = submit(sim, ALICE, "--@mock duration=60\nselect 4")
    at(sim, 5_000)
    sim.entrance.actions.kill(killed, None, ALICE)
    return sim


def read_back(jobs: list[Job], store: JobStore) -> list[Job]:
    reader = JobRowReader(store)
    return [reader.job(parsed(text(job_row(job)))) for job in jobs]


@pytest.mark.parametrize("seed", [0, 7])
def test_every_kind_of_job_comes_back_as_it_was(seed: int) -> None:
    sim = world(seed)
    jobs = sim.stores.jobs.all_jobs()
    assert len(jobs) == len(CODES) + 2
    again = read_back(jobs, JobStore())
    for job, back in zip(jobs, again, strict=True):
        assert job_to_json(back, True) == job_to_json(job, True)
        assert back.digest == job.digest
        assert (back.kept_timeline is None) == (job.kept_timeline is None)


def test_a_recordings_script_keeps_its_digest_and_literal_rows() -> None:
    sim = make_sim()
    submit(sim, ALICE, "select a, b from t")
    (job,) = sim.stores.jobs.all_jobs()
    job.script = replace(
        job.script,
        digest="f" * 64,
        columns=(Column("a", "int"), Column("b", "string")),
        rows_data=(("1", "x"), ("2", "y")),
    )
    (back,) = read_back([job], JobStore())
    assert back.script == job.script
    assert [back.script.row(n, back.digest) for n in range(3)] == [
        job.script.row(n, job.digest) for n in range(3)
    ]


def test_what_jobs_share_is_one_object_after_the_read() -> None:
    sim = make_sim()
    for n in range(50):
        submit(sim, ALICE, f"select {n}")
    store = JobStore()
    again = read_back(sim.stores.jobs.all_jobs(), store)
    for part in ("plan", "script"):
        assert len({id(getattr(job, part)) for job in again}) == len(
            {getattr(job, part) for job in again}
        )
    assert len({id(job.submitted.labels) for job in again}) == 1
    assert all(job.intake is not None and job.intake.shown is job.submitted.code for job in again)
    assert len({id(job.intake.head) for job in again if job.intake is not None}) == 1


def test_a_row_names_its_values_in_order_and_leaves_out_what_it_can_derive() -> None:
    sim = make_sim()
    submit(sim, ALICE, "select 1")
    (job,) = sim.stores.jobs.all_jobs()
    row = dict(zip(FIELDS, orjson.loads(text(job_row(job))), strict=True))
    assert row["taskId"] == job.ident.task_id
    assert row["shortExecId"] == job.ident.short_exec_id
    assert row["givenExecId"] is None and row["digest"] is None and row["timeline"] is None
    assert row["code"] == "select 1"
    assert orjson.loads(row["plan"])["seed"] == 0


def test_a_row_of_layout_1_is_read_as_well() -> None:
    sim = world()
    jobs = sim.stores.jobs.all_jobs()
    reader = JobRowReader(JobStore())
    for job in jobs:
        older = parsed(text(layout_1_row(job, True)))
        assert job_to_json(reader.job(older), True) == job_to_json(job, True)


@pytest.mark.parametrize(
    "damage",
    [
        lambda row: row[:-1],  # a value short
        lambda row: [*row[:6], 5, *row[7:]],  # the submission not a text
        lambda row: [*row[:7], "{}", *row[8:]],  # a script without its members
        lambda row: [*row[:8], None, None, *row[10:]],  # neither digest nor plan
        lambda row: [row[0], 12, *row[2:]],  # the short execID not a text
    ],
)
def test_a_damaged_row_is_an_error_the_loader_reports(damage: object) -> None:
    sim = make_sim()
    submit(sim, ALICE, "select 1")
    (job,) = sim.stores.jobs.all_jobs()
    row = damage(job_row(job))  # type: ignore[operator]
    with pytest.raises((ValueError, KeyError, TypeError)):
        JobRowReader(JobStore()).job(row)


# A row as layout 2 wrote it: a state file keeps rows for as long as it lives, so what a
# row leaves out (the script's usual members) and the common lines' numbers must read the
# same in every later mock.
LAYOUT_2_ROW = (
    '[1,"IDE_alice_spark_0",null,"127.0.0.1:9104",1714557933000,"select 1",'
    '"{\\"submitUser\\":\\"alice\\",\\"executeUser\\":\\"alice\\",\\"creator\\":\\"IDE\\",'
    '\\"engineType\\":\\"spark\\",\\"engineVersion\\":\\"2.4.3\\",\\"runType\\":\\"sql\\",'
    '\\"labels\\":{\\"engineType\\":\\"spark-2.4.3\\",\\"userCreator\\":\\"alice-IDE\\",'
    '\\"codeType\\":\\"sql\\"},\\"params\\":{},\\"source\\":{}}",'
    '"{\\"outcome\\":\\"Succeed\\",\\"queue_s\\":0.8,\\"running_s\\":2.0,\\"rows\\":5,'
    '\\"stage_tasks\\":[3,8]}",null,'
    '"{\\"timings\\":{\\"inited\\":0.2,\\"queue\\":0.8,\\"running\\":2.0,\\"kill_delay\\":1.0,'
    '\\"retry_wait\\":1.0},\\"viaExecute\\":false,\\"seed\\":0}",'
    '["select 1 limit 5000","[0,1,2,3,4,3,5,6]",true,"[6,7,9]"],null,null,false,null]'
)


def test_a_row_layout_2_wrote_reads_the_same_in_this_mock() -> None:
    job = JobRowReader(JobStore()).job(parsed(LAYOUT_2_ROW))
    script = job.script
    assert (script.retries, script.log_lines, script.diagnosis, script.directive_problem) == (
        0,
        0,
        None,
        None,
    )
    assert script.error == (
        "Simulated engine failure: org.apache.spark.sql.AnalysisException: "
        "Table or view not found: mock_table"
    )
    assert [(c.name, c.data_type) for c in script.columns] == [
        ("id", "int"),
        ("name", "string"),
        ("score", "double"),
    ]
    assert job.digest == hashlib.sha256(b"0\x00select 1").hexdigest()
    assert job.intake is not None and job.intake.code == "select 1 limit 5000"
    assert [text for _, text in job.intake.log] == [
        messages.SUBSTITUTING,
        messages.SUBSTITUTION_ENDED,
        messages.JOB_VARIABLES,
        messages.VARIABLE_BANNER,
        "",
        messages.VARIABLE_BANNER,
        messages.SCRIPT_CODE_INTRO,
        messages.SCRIPT_CODE_BANNER,
        "select 1",
        messages.SCRIPT_CODE_BANNER,
        messages.LIMIT_ADDED,
        messages.SQL_CHECK_PASSED,
    ]
    sim = make_sim()
    submit(sim, ALICE, "select 1")
    (same,) = sim.stores.jobs.all_jobs()
    assert job_to_json(job, True) == job_to_json(same, True)
