"""execID layout, per-group indexes, taskIDs and malformed-id errors
(docs/reference/linkis-entrance.md §3)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from linkis_mock.sim.linkis.errors import LinkisError
from linkis_mock.sim.simulator import Simulator
from tests.helpers.sim import (
    ALICE,
    APP_PREFIX,
    BOB,
    GENERIC_PREFIX,
    HADOOP,
    exec_id_of,
    make_sim,
    submit,
)


def test_exec_id_of_the_worked_example() -> None:
    sim = make_sim()
    exec_id, task_id = submit(sim, HADOOP, "show tables", engine="spark-2.4.3")
    assert exec_id == "exec_id018014linkis-cg-entrance127.0.0.1:9104IDE_hadoop_spark_0"
    assert task_id == 1


def test_length_prefix_follows_the_instance() -> None:
    sim = make_sim(instance="10.20.30.40:19104")
    exec_id, _ = submit(sim, ALICE)
    assert exec_id == "exec_id018017linkis-cg-entrance10.20.30.40:19104IDE_alice_spark_0"
    assert sim.entrance.reads.status(exec_id, None).data["status"] == "Inited"


def test_index_counts_per_creator_user_engine_group() -> None:
    sim = make_sim()
    shorts = [
        submit(sim, HADOOP, engine="spark-2.4.3")[0],
        submit(sim, HADOOP, engine="spark-3.0.1")[0],
        submit(sim, HADOOP, engine="hive-2.3.3")[0],
        submit(sim, ALICE, engine="spark")[0],
        submit(sim, HADOOP, engine="spark-2.4.3", creator="nodeexecution")[0],
        submit(sim, HADOOP, engine="spark-2.4.3")[0],
        submit(sim, HADOOP, engine="hive")[0],
    ]
    assert [s.removeprefix(APP_PREFIX) for s in shorts] == [
        "IDE_hadoop_spark_0",
        "IDE_hadoop_spark_1",
        "IDE_hadoop_hive_0",
        "IDE_alice_spark_0",
        "nodeexecution_hadoop_spark_0",
        "IDE_hadoop_spark_2",
        "IDE_hadoop_hive_1",
    ]


def test_task_ids_are_global_and_increasing() -> None:
    sim = make_sim()
    ids = [
        submit(sim, user, engine=engine)[1]
        for user, engine in [(ALICE, "spark"), (BOB, "hive"), (ALICE, "spark"), (HADOOP, "shell")]
    ]
    assert ids == [1, 2, 3, 4]


def test_engine_version_is_stripped_from_the_exec_id_but_kept_in_labels() -> None:
    sim = make_sim()
    exec_id, task_id = submit(sim, ALICE, engine="python-python2")
    assert exec_id.endswith("IDE_alice_python_0")
    row = sim.entrance.history.job_history(task_id, ALICE, False).data["task"]
    assert row["engineType"] == "python"
    assert row["labels"] is not None and "engineType:python-python2" in row["labels"]


def test_execid_and_stronger_exec_id_in_history() -> None:
    sim = make_sim()
    exec_id, task_id = submit(sim, ALICE)
    brief = sim.entrance.history.job_history(task_id, ALICE, True).data["task"]
    assert brief["execId"] == "IDE_alice_spark_0"
    assert brief["strongerExecId"] is None  # not one of brief's ten members
    row = sim.entrance.history.job_history(task_id, ALICE, False).data["task"]
    assert row["execId"] == "IDE_alice_spark_0"
    assert row["strongerExecId"] == exec_id


# ---- malformed ids ------------------------------------------------------------------

Call = Callable[[Simulator, str], Any]
CALLS: dict[str, Call] = {
    "status": lambda sim, i: sim.entrance.reads.status(i, None),
    "status+taskID": lambda sim, i: sim.entrance.reads.status(i, 1),
    "progress": lambda sim, i: sim.entrance.reads.progress(i),
    "progressWithResource": lambda sim, i: sim.entrance.reads.progress_with_resource(i),
    "log": lambda sim, i: sim.entrance.reads.log(i, 1, -1, True),
    "kill": lambda sim, i: sim.entrance.actions.kill(i, 1, ALICE),
    "pause": lambda sim, i: sim.entrance.actions.pause(i),
    "killJobs": lambda sim, i: sim.entrance.actions.kill_jobs(i, [i], [1], ALICE),
}


@pytest.mark.parametrize(
    ("bad_id", "expected"),
    [
        ("exec_idabc014linkis-cg-entrance", 'NumberFormatException: For input string: "abc"'),
        ("exec_id018x14linkis", 'NumberFormatException: For input string: "x14"'),
        ("exec_id018", "StringIndexOutOfBoundsException: begin 3, end 6, length 3"),
        # The exact begin/end depend on which substring fails first: only the class is checked.
        ("exec_id018014short", "StringIndexOutOfBoundsException: "),
        ("exec_id", "StringIndexOutOfBoundsException: begin 0, end 3, length 0"),
        ("hello", 'NumberFormatException: For input string: "he"'),
        ("", "StringIndexOutOfBoundsException: begin 0, end 2, length 0"),
    ],
)
@pytest.mark.parametrize("call", sorted(CALLS))
def test_malformed_exec_ids_give_the_generic_error(call: str, bad_id: str, expected: str) -> None:
    sim = make_sim()
    submit(sim, ALICE)  # taskID 1 exists: the taskID fallbacks must not hide the parse error
    with pytest.raises(LinkisError) as info:
        CALLS[call](sim, bad_id)
    error = info.value
    if expected.endswith(": "):
        assert error.message.startswith(GENERIC_PREFIX + expected)
    else:
        assert error.message == GENERIC_PREFIX + expected
        assert msg_desc_matches(error.data, expected)
    assert error.status == 1
    assert error.method == "none"
    msg = error.data["errorMsg"]
    assert msg["errCode"] == 0
    assert msg["level"] == 2
    assert msg["serviceKind"] == "linkis-cg-entrance"
    assert (msg["ip"], msg["port"]) == ("127.0.0.1", 9104)


def msg_desc_matches(data: dict[str, Any], expected: str) -> bool:
    """data.errorMsg.desc is the exception text after `<Class>: `."""
    desc = data["errorMsg"]["desc"]
    return isinstance(desc, str) and expected == expected.split(": ", 1)[0] + ": " + desc


def test_old_layout_ids_are_parsed_with_three_two_digit_lengths() -> None:
    sim = make_sim()
    exec_id, _ = submit(sim, ALICE)
    # 0.x layout: creator, engine, instance lengths (2 digits each), then the short id.
    old = "030514IDEspark127.0.0.1:9104IDE_alice_spark_0"
    assert sim.entrance.reads.status(old, None).data == {"status": "Inited", "execID": old}
    assert exec_id != old


def test_well_formed_unknown_id_is_not_a_parse_error() -> None:
    sim = make_sim()
    with pytest.raises(LinkisError) as info:
        sim.entrance.reads.status(exec_id_of("IDE_alice_spark_0"), None)
    assert not info.value.message.startswith(GENERIC_PREFIX)
