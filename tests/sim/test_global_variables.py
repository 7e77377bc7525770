"""Each user's global variables: the public service's save and list (the console's Global
Variables page), the config's seeds, and their place below the job's own variables
(docs/reference/linkis-interceptors.md §8.1, §14; VariableServiceImpl.scala:92-133)."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

import pytest

from linkis_mock.sim.linkis.errors import LinkisError
from linkis_mock.sim.simulator import Simulator
from linkis_mock.sim.storage.snapshot import restore, take
from tests.helpers.sim import ALICE, BOB, GENERIC_PREFIX, make_sim

SCRIPT_BANNER = "*" * 36 + "SCRIPT CODE" + "*" * 36


def seeded(**variables: dict[str, str]) -> Simulator:
    return make_sim(
        variables=MappingProxyType({user: MappingProxyType(v) for user, v in variables.items()})
    )


def listed(sim: Simulator, caller: Any = ALICE) -> list[dict[str, Any]]:
    rows = sim.entrance.global_variables.list_global_variables(caller).data["globalVariables"]
    return [dict(row) for row in rows]


def save(sim: Simulator, *items: dict[str, Any], caller: Any = ALICE) -> None:
    assert (
        sim.entrance.global_variables.save_global_variables(
            {"globalVariables": list(items)}, caller
        ).data
        == {}
    )


def script_code(sim: Simulator, code: str, variables: dict[str, str] | None = None) -> str:
    body: dict[str, Any] = {
        "executionContent": {"code": code, "runType": "sql"},
        "labels": {"engineType": "spark-2.4.3", "userCreator": "alice-IDE"},
        "params": {"variable": variables or {}},
    }
    exec_id = sim.entrance.submitter.submit(body, ALICE, False).data["execID"]
    assert isinstance(exec_id, str)
    log = sim.entrance.reads.log(exec_id, 1, -1, False).data["log"]
    assert isinstance(log, str)
    lines = log.split("\n")
    start = lines.index(SCRIPT_BANNER) + 1
    return "\n".join(lines[start : lines.index(SCRIPT_BANNER, start)])


def test_the_seeds_are_each_users_variables_with_ids_in_order() -> None:
    sim = seeded(alice={"run_date": "20200101", "city": "bj"}, bob={"x": "1"})
    assert listed(sim) == [
        {"keyID": 1, "key": "run_date", "valueID": 1, "value": "20200101"},
        {"keyID": 2, "key": "city", "valueID": 2, "value": "bj"},
    ]
    assert listed(sim, BOB) == [{"keyID": 3, "key": "x", "valueID": 3, "value": "1"}]


def test_save_updates_in_place_adds_and_deletes() -> None:
    sim = seeded(alice={"a": "1", "b": "2", "c": "3"})
    save(
        sim,
        {"keyID": 3, "key": "c", "valueID": 3, "value": "30"},
        {"key": "d", "value": "4"},
        {"keyID": 1, "key": "a", "valueID": 1, "value": "1"},
    )
    assert listed(sim) == [
        {"keyID": 1, "key": "a", "valueID": 1, "value": "1"},
        {"keyID": 3, "key": "c", "valueID": 3, "value": "30"},
        {"keyID": 4, "key": "d", "valueID": 4, "value": "4"},
    ]


def test_a_new_name_saved_twice_is_inserted_twice_and_the_later_wins_in_jobs() -> None:
    sim = make_sim()
    save(sim, {"key": "x", "value": "1"}, {"key": "x", "value": "2"})
    assert [row["value"] for row in listed(sim)] == ["1", "2"]
    assert script_code(sim, "select '${x}'") == "select '2'"


@pytest.mark.parametrize(
    "item", [{"key": " ", "value": "1"}, {"key": "a", "value": ""}, {"key": "a"}, {"value": "1"}]
)
def test_a_blank_key_or_value_refuses_the_whole_list(item: dict[str, Any]) -> None:
    sim = seeded(alice={"a": "1"})
    with pytest.raises(LinkisError) as info:
        save(sim, {"key": "b", "value": "2"}, item)
    assert info.value.message == f"{GENERIC_PREFIX}VariableException: Key or value cannot be empty"
    assert info.value.data["errorMsg"]["serviceKind"] == "linkis-ps-publicservice"
    assert [row["key"] for row in listed(sim)] == ["a"]  # one transaction: nothing saved


def test_no_list_is_a_null_pointer() -> None:
    sim = make_sim()
    with pytest.raises(LinkisError) as info:
        sim.entrance.global_variables.save_global_variables({}, ALICE)
    assert info.value.message == f"{GENERIC_PREFIX}NullPointerException: "


def test_each_user_sees_and_saves_only_their_own() -> None:
    sim = seeded(bob={"b": "1"})
    save(sim, {"key": "a", "value": "1"})
    assert [row["key"] for row in listed(sim, BOB)] == ["b"]


def test_globals_sit_below_params_and_the_codes_set_lines() -> None:
    sim = seeded(alice={"g": "global", "p": "global", "c": "global", "run_date": "20200101"})
    code = "--@set c=code\nselect '${g}', '${p}', '${c}', '${run_date}'"
    assert script_code(sim, code, {"p": "params"}) == (
        "--@set c=code\nselect 'global', 'params', 'code', '20200101'"
    )


def test_the_log_lists_the_jobs_own_variables_only() -> None:
    sim = seeded(alice={"g": "1"})
    body: dict[str, Any] = {
        "executionContent": {"code": "select 1", "runType": "sql"},
        "labels": {"engineType": "spark-2.4.3"},
        "params": {"variable": {"p": "2"}},
    }
    exec_id = sim.entrance.submitter.submit(body, ALICE, False).data["execID"]
    assert isinstance(exec_id, str)
    lines = sim.entrance.reads.log(exec_id, 1, -1, False).data["log"]
    assert isinstance(lines, str)
    assert "p=2" in lines.split("\n") and "g=1" not in lines.split("\n")


def test_a_reset_puts_the_seeds_back() -> None:
    sim = seeded(alice={"a": "1"})
    save(sim, {"key": "b", "value": "2"})
    sim.reset()
    assert listed(sim) == [{"keyID": 1, "key": "a", "valueID": 1, "value": "1"}]


def test_a_snapshot_carries_them_and_an_older_one_gives_the_seeds() -> None:
    sim = seeded(alice={"a": "1"})
    save(sim, {"key": "b", "value": "2"})
    snapshot = take(sim.stores)
    assert snapshot["variables"] == {
        "lastId": 2,
        "users": {"alice": [{"keyID": 2, "key": "b", "valueID": 2, "value": "2"}]},
    }
    other = seeded(alice={"z": "9"})
    restore(other.stores, snapshot)
    assert listed(other) == listed(sim)
    del snapshot["variables"]  # as a mock before global variables wrote it
    restore(other.stores, snapshot)
    assert listed(other) == [{"keyID": 1, "key": "z", "valueID": 1, "value": "9"}]
