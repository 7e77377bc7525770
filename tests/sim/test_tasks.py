"""The VIAS task simulator: projects, the start/stop state machine, errors."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from linkis_mock.sim.clock import Clock
from linkis_mock.sim.settings import SimSettings, ViasSettings
from linkis_mock.sim.simulator import Simulator
from linkis_mock.sim.vias.errors import ViasError

DEV = "0123456789abcdef0123456789abcdef"
OTHER = "fedcba9876543210fedcba9876543210"
START_MS = 1_714_529_133_000
SPEC: dict[str, Any] = {
    "name": "gate-cam-1",
    "input": {"type": "video_source", "data": [{"video_source_id": "vs-0001"}]},
    "output": {"webhook": {"url": "http://127.0.0.1:9000/hook", "headers": {"a": "a"}}},
    "service_version": "1.1",
}


def make_sim(**vias: Any) -> Simulator:
    return Simulator(SimSettings(vias=ViasSettings(**vias)), Clock(START_MS, frozen=True))


def create(sim: Simulator, name: str = "gate-cam-1", project: str = DEV) -> str:
    reply = sim.vias.create(project, project, "c-intrusion-detection-cloud", {**SPEC, "name": name})
    task_id: str = reply["tasks"][0]["id"]
    return task_id


def state(sim: Simulator, task_id: str, project: str = DEV) -> str:
    value: str = sim.vias.show(project, project, task_id)["state"]
    return value


def error_of(call: Any, *args: Any) -> ViasError:
    with pytest.raises(ViasError) as caught:
        call(*args)
    return caught.value


def test_tokens_are_bound_to_their_projects() -> None:
    sim = make_sim()
    assert sim.vias.project_of_token("vias-dev-token") == DEV
    assert sim.vias.project_of_token("vias-other-token") == OTHER
    assert sim.vias.project_of_token("vias-dev-token ") is None
    assert sim.vias.project_of_token("") is None


def test_a_new_task_goes_pending_starting_running() -> None:
    sim = make_sim()
    task_id = create(sim)
    assert len(task_id) == 32 and int(task_id, 16) >= 0
    assert state(sim, task_id) == "PENDING"
    sim.clock.advance(1.0)
    assert state(sim, task_id) == "STARTING"
    sim.clock.advance(1.0)
    assert state(sim, task_id) == "RUNNING"


def test_stop_then_start_passes_through_the_transient_states() -> None:
    sim = make_sim()
    task_id = create(sim)
    sim.clock.advance(2.0)
    assert sim.vias.act(DEV, DEV, task_id, "stop") == {
        "id": task_id,
        "status_code": 200,
        "status_msg": "success",
    }
    assert state(sim, task_id) == "STOPPING"
    sim.clock.advance(1.0)
    assert state(sim, task_id) == "STOPPED"
    sim.vias.act(DEV, DEV, task_id, "start")
    assert state(sim, task_id) == "STARTING"
    sim.clock.advance(1.0)
    assert state(sim, task_id) == "RUNNING"


def test_stopping_a_pending_task_cancels_its_planned_start() -> None:
    sim = make_sim()
    task_id = create(sim)
    sim.vias.act(DEV, DEV, task_id, "stop")
    sim.clock.advance(10)
    assert state(sim, task_id) == "STOPPED"


def test_repeated_actions_change_nothing_by_default() -> None:
    sim = make_sim()
    task_id = create(sim)
    sim.clock.advance(2.0)
    before = sim.vias.show(DEV, DEV, task_id)
    assert sim.vias.act(DEV, DEV, task_id, "start")["status_code"] == 200
    assert sim.vias.show(DEV, DEV, task_id) == before


def test_repeated_actions_can_be_refused() -> None:
    sim = make_sim(repeat_action="error")
    task_id = create(sim)
    sim.clock.advance(2.0)
    error = error_of(sim.vias.act, DEV, DEV, task_id, "start")
    assert error.kind.http_status == 400
    assert error.body()["error_code"] == "VIAS.00010004"
    assert error.body()["params"] == ["command"]
    assert "RUNNING" in error.detail


def test_start_while_stopping_is_refused() -> None:
    sim = make_sim()
    task_id = create(sim)
    sim.clock.advance(2.0)
    sim.vias.act(DEV, DEV, task_id, "stop")
    error = error_of(sim.vias.act, DEV, DEV, task_id, "start")
    assert error.body() == {
        "error_code": "VIAS.00010004",
        "error_msg": "The object or parameter is invalid.",
        "detail": f"task {task_id} is STOPPING; start is not allowed in this state",
        "params": ["command"],
        "reason": "The object or parameter is invalid.",
        "advice": "Confirm the format of the object or parameter.",
    }


def test_unknown_and_foreign_tasks_are_not_found() -> None:
    sim = make_sim()
    foreign = create(sim, project=OTHER)
    for task_id in ("3d7c81cf35784d88a4e26066bcc5debd", foreign):
        error = error_of(sim.vias.show, DEV, DEV, task_id)
        assert error.kind.http_status == 400
        assert error.body()["error_code"] == "VIAS.00010007"
        assert error.body()["error_msg"] == "No task is found based on the task ID."
        assert error.body()["params"] == ["task_id"]


def test_a_token_of_another_project_is_forbidden() -> None:
    sim = make_sim()
    task_id = create(sim)
    error = error_of(sim.vias.act, OTHER, DEV, task_id, "stop")
    assert error.kind.http_status == 403
    assert error.body()["error_code"] == "VIAS.00010005"
    assert error.body()["params"] == ["project_id"]
    assert state(sim, task_id) == "PENDING"


def test_show_has_the_documented_fields() -> None:
    sim = make_sim()
    task_id = create(sim)
    sim.clock.advance(2.5)
    info = sim.vias.show(DEV, DEV, task_id)
    assert info["id"] == task_id
    assert info["project_id"] == DEV
    assert info["name"] == "gate-cam-1"
    assert info["creator"] == "vias-user"
    assert info["state"] == "RUNNING"
    assert info["created_at"] == "2024-05-01T02:05:33.000Z"
    assert info["updated_at"] == "2024-05-01T02:05:35.000Z"  # when it became RUNNING
    assert info["input"] == SPEC["input"] and info["output"] == SPEC["output"]
    assert info["video_source_name"] == "vs-0001"
    assert info["service_version"] == "1.1"
    assert len(info["service_id"]) == 36


def test_update_replaces_the_task_and_moves_updated_at() -> None:
    sim = make_sim()
    task_id = create(sim)
    sim.clock.advance(5)
    changed = {**SPEC, "name": "gate-cam-2", "description": "north gate"}
    del changed["service_version"]
    assert sim.vias.update(DEV, DEV, task_id, changed)["id"] == task_id
    info = sim.vias.show(DEV, DEV, task_id)
    assert (info["name"], info["description"]) == ("gate-cam-2", "north gate")
    assert info["service_version"] == "1.1"
    assert info["updated_at"] == "2024-05-01T02:05:38.000Z"


def test_delete_removes_the_task() -> None:
    sim = make_sim()
    task_id = create(sim)
    sim.vias.delete(DEV, DEV, task_id)
    assert error_of(sim.vias.show, DEV, DEV, task_id).body()["error_code"] == "VIAS.00010007"
    assert error_of(sim.vias.delete, DEV, DEV, task_id).kind.http_status == 400


def test_list_filters_sorts_and_pages_within_the_project() -> None:
    sim = make_sim()
    ids = []
    for number in range(7):
        ids.append(create(sim, name=f"cam-{number}"))
        sim.clock.advance(0.1)
    create(sim, name="cam-elsewhere", project=OTHER)
    sim.clock.advance(5)
    sim.vias.act(DEV, DEV, ids[0], "stop")
    sim.clock.advance(5)
    page = sim.vias.list_tasks(
        DEV, DEV, page=1, page_size=5, sort_dir="desc", task_state=None, task_name=None
    )
    assert (page["count"], page["page"], page["page_size"]) == (5, 1, 5)
    assert [t["id"] for t in page["tasks"]] == ids[::-1][:5]
    second = sim.vias.list_tasks(
        DEV, DEV, page=2, page_size=5, sort_dir="desc", task_state=None, task_name=None
    )
    assert [t["id"] for t in second["tasks"]] == ids[::-1][5:]
    ascending = sim.vias.list_tasks(
        DEV, DEV, page=1, page_size=5, sort_dir="asc", task_state=None, task_name=None
    )
    assert [t["id"] for t in ascending["tasks"]] == ids[:5]
    stopped = sim.vias.list_tasks(
        DEV, DEV, page=1, page_size=10, sort_dir="desc", task_state="STOPPED", task_name=None
    )
    assert [t["id"] for t in stopped["tasks"]] == [ids[0]]
    named = sim.vias.list_tasks(
        DEV, DEV, page=1, page_size=10, sort_dir="desc", task_state=None, task_name="cam-3"
    )
    assert [t["name"] for t in named["tasks"]] == ["cam-3"]
    summary = page["tasks"][0]
    assert summary["created_at"].isdigit() and summary["type"] == "0"


def newest_first(sim: Simulator) -> list[str]:
    page = sim.vias.list_tasks(
        DEV, DEV, page=1, page_size=100, sort_dir="desc", task_state=None, task_name=None
    )
    return [t["id"] for t in page["tasks"]]


def test_the_list_follows_every_change_of_the_projects_tasks() -> None:
    """Lists are kept sorted between changes: each kind of change must show at once."""
    sim = make_sim()
    first = create(sim, name="cam-first")
    sim.clock.advance(1)
    second = create(sim, name="cam-second")
    assert newest_first(sim) == [second, first]
    sim.clock.restart(START_MS - 60_000)  # created earlier than both, though made last
    earlier = create(sim, name="cam-earlier")
    assert newest_first(sim) == [second, first, earlier]
    sim.vias.delete(DEV, DEV, first)
    assert newest_first(sim) == [second, earlier]
    # Another process saved a task: it is taken in as it was saved.
    store = sim.stores.vias_tasks
    taken = store.get(second)
    assert taken is not None
    store.put("f" * 32, replace(taken, id="f" * 32, created_ms=START_MS + 10_000, sequence=9))
    assert newest_first(sim) == ["f" * 32, second, earlier]
    store.put("f" * 32, None)
    assert newest_first(sim) == [second, earlier]
    sim.reset()
    assert newest_first(sim) == []


def test_task_ids_follow_the_seed() -> None:
    one, two = make_sim(), make_sim()
    assert create(one) == create(two)
    other_seed = Simulator(SimSettings(seed=1), Clock(START_MS, frozen=True))
    assert create(other_seed) != create(one)


def test_reset_forgets_tasks() -> None:
    sim = make_sim()
    task_id = create(sim)
    sim.reset()
    assert error_of(sim.vias.show, DEV, DEV, task_id).kind.http_status == 400


def test_a_token_bound_to_every_project_acts_anywhere() -> None:
    sim = make_sim(tokens={"any": "*"})
    assert sim.vias.project_of_token("any") == "*"
    reply = sim.vias.create("*", OTHER, "c-intrusion-detection-cloud", SPEC)
    task_id = reply["tasks"][0]["id"]
    assert sim.vias.show("*", OTHER, task_id)["project_id"] == OTHER
