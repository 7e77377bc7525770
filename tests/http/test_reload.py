"""`serve --reload`, in process: an edit of the spec copies, the config or the scenario
builds the next app with the state carried over, and an edit that cannot be served, or
that the state no longer fits, is refused while the mock goes on serving.

The watcher is left out here (tests/process/test_reload.py drives the real one); each
test edits files, then calls `reload` as the watcher would.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from linkis_mock.app import create_app
from linkis_mock.config import Settings, load_settings
from linkis_mock.context import MockContext
from linkis_mock.reload import ReloadingApp, Watched
from linkis_mock.sim.storage.snapshot import take
from linkis_mock.testing import ADMIN, API, ROOT
from tests.helpers.spec_files import edit_spec

# Async tests on anyio's pytest plugin (anyio comes with httpx), on asyncio.
pytestmark = pytest.mark.anyio

RUNNING = {
    "executionContent": {"code": "--@mock duration=3600\nselect 1", "runType": "sql"},
    "labels": {"engineType": "spark-2.4.3", "userCreator": "alice-IDE"},
}
CONFIG = """
[[users]]
name = "alice"
password = "alice"
"""


class Edits:
    """The files a reloading mock watches, in a temporary folder, and ways to edit them."""

    def __init__(self, folder: Path) -> None:
        self.specs = folder / "specs"
        shutil.copytree(ROOT / "openapi", self.specs)
        self.config = folder / "mock.toml"
        self.config.write_text(CONFIG)
        self.scenario = folder / "scenario.json"

    @property
    def linkis_spec(self) -> Path:
        return self.specs / "linkis-entrance.yaml"

    def spec(self, change: Callable[[dict[str, Any]], None]) -> str:
        edit_spec(self.linkis_spec, change)
        return str(self.linkis_spec.resolve())


def _settings(edits: Edits) -> Settings:
    return load_settings(edits.config, specs=edits.specs)


def _scenario(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text())
    return loaded


def _create(
    settings: Settings, previous: MockContext | None, scenario: dict[str, Any] | None
) -> Any:
    return create_app(settings, previous=previous, scenario=scenario)


def reloading(edits: Edits, *, scenario: bool = False) -> ReloadingApp:
    watched = Watched(edits.config, edits.scenario if scenario else None, edits.specs)
    first = create_app(_settings(edits))
    return ReloadingApp(first, lambda: _settings(edits), _scenario, _create, watched)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def edits(tmp_path: Path) -> Edits:
    return Edits(tmp_path)


@pytest.fixture
async def served(edits: Edits) -> AsyncIterator[tuple[ReloadingApp, httpx.AsyncClient]]:
    app = reloading(edits)
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8080") as client:
        yield app, client


async def _logged_in(client: httpx.AsyncClient, user: str = "alice") -> None:
    reply = await client.post(f"{API}/user/login", json={"userName": user, "password": user})
    assert reply.json()["status"] == 0, reply.text


async def _running_job(client: httpx.AsyncClient) -> str:
    await _logged_in(client)
    reply = await client.post(f"{API}/entrance/submit", json=RUNNING)
    exec_id: str = reply.json()["data"]["execID"]
    for _ in range(100):
        if await _state(client, exec_id) == "Running":
            return exec_id
        await client.post(f"{ADMIN}/clock/advance", json={"seconds": 0.5})
    raise AssertionError(f"{exec_id} never ran")


async def _state(client: httpx.AsyncClient, exec_id: str) -> str:
    reply = await client.get(f"{API}/entrance/{exec_id}/status")
    assert reply.status_code == 200, reply.text
    state: str = reply.json()["data"]["status"]
    return state


def _add_status_example(spec: dict[str, Any]) -> None:
    operation = spec["paths"]["/entrance/{id}/status"]["get"]
    operation["description"] = "Edited while the mock ran."
    examples = operation["responses"]["200"]["content"]["application/json"]["examples"]
    running = examples["running"]["value"]
    examples["fromReload"] = {
        "summary": "Added by an edit",
        "value": {**running, "message": "added while serving"},
    }


async def test_an_edit_of_the_spec_and_the_config_keeps_the_job_and_the_session(
    served: tuple[ReloadingApp, httpx.AsyncClient], edits: Edits
) -> None:
    app, client = served
    exec_id = await _running_job(client)
    before = app.current
    changed = edits.spec(_add_status_example)
    edits.config.write_text(CONFIG + '\n[[users]]\nname = "carol"\npassword = "carol"\n')

    assert await app.reload((changed, str(edits.config.resolve()))) is None

    assert app.current is not before
    assert await _state(client, exec_id) == "Running"  # the same job, and the cookie still works
    forced = await client.get(
        f"{API}/entrance/{exec_id}/status", headers={"Prefer": "example=fromReload"}
    )
    assert forced.status_code == 200, forced.text
    assert forced.json()["message"] == "added while serving"
    spec = (await client.get(f"{API}/openapi.json")).json()
    assert (
        spec["paths"]["/entrance/{id}/status"]["get"]["description"] == "Edited while the mock ran."
    )
    await _logged_in(client, "carol")  # the config's new user
    journal = (await client.get(f"{ADMIN}/journal", params={"operationId": "submit"})).json()
    assert len(journal["entries"]) == 1  # the journal carried over too
    report = (await client.get(f"{ADMIN}/reload")).json()
    assert report["enabled"] is True
    assert report["applied"] == 1
    assert report["refused"] == 0
    assert report["reloads"][0]["outcome"] == "applied"
    assert report["reloads"][0]["files"] == [changed, str(edits.config.resolve())]


async def test_a_spec_that_is_not_openapi_is_refused_and_the_mock_goes_on(
    served: tuple[ReloadingApp, httpx.AsyncClient], edits: Edits
) -> None:
    app, client = served
    exec_id = await _running_job(client)
    before = app.current
    edits.linkis_spec.write_text(edits.linkis_spec.read_text() + "\n  broken: [\n")

    problem = await app.reload((str(edits.linkis_spec.resolve()),))

    assert problem is not None
    assert "linkis-entrance.yaml" in problem
    assert app.current is before
    assert await _state(client, exec_id) == "Running"
    report = (await client.get(f"{ADMIN}/reload")).json()
    assert report["refused"] == 1
    assert report["reloads"][0] == {
        **report["reloads"][0],
        "outcome": "refused",
        "problem": problem,
    }


async def test_a_spec_valid_yaml_but_not_valid_openapi_is_refused(
    served: tuple[ReloadingApp, httpx.AsyncClient], edits: Edits
) -> None:
    app, client = served
    before = app.current

    def undocumented(spec: dict[str, Any]) -> None:
        spec["paths"]["/entrance/{id}/status"]["get"]["responses"] = {"200": {"x": 1}}

    problem = await app.reload((edits.spec(undocumented),))

    assert problem is not None
    assert "at /paths/" in problem
    assert app.current is before
    reply = await client.get(f"{ADMIN}/clock")
    assert reply.status_code == 200


async def test_a_spec_the_state_no_longer_fits_is_refused(
    served: tuple[ReloadingApp, httpx.AsyncClient], edits: Edits
) -> None:
    app, client = served
    exec_id = await _running_job(client)
    before = app.current

    def without_running(spec: dict[str, Any]) -> None:
        states = spec["components"]["schemas"]["JobState"]["enum"]
        states.remove("Running")

    problem = await app.reload((edits.spec(without_running),))

    assert problem is not None
    assert "no longer fits" in problem
    assert "is Running" in problem
    assert app.current is before
    assert await _state(client, exec_id) == "Running"


@pytest.mark.parametrize(
    ("added", "problem"),
    [
        ("[timings]\nrunning = -1\n", "timings.running in "),
        ("[server]\nport = 9999\n", "[server] port cannot change without a restart"),
    ],
    ids=["a value out of bounds", "the port, which needs a restart"],
)
async def test_a_config_edit_that_cannot_be_taken_in_is_refused(
    served: tuple[ReloadingApp, httpx.AsyncClient], edits: Edits, added: str, problem: str
) -> None:
    app, client = served
    before = app.current
    edits.config.write_text(f"{CONFIG}\n{added}")

    refused = await app.reload((str(edits.config.resolve()),))

    assert refused is not None
    assert problem in refused
    assert app.current is before
    assert (await client.get(f"{ADMIN}/reload")).json()["refused"] == 1


async def test_new_config_fault_rules_replace_the_ones_in_force(
    served: tuple[ReloadingApp, httpx.AsyncClient], edits: Edits
) -> None:
    app, client = served
    await _logged_in(client)
    edits.config.write_text(
        CONFIG + '\n[[faults]]\noperationId = "getClock"\naction = "status"\nstatus = 503\n'
    )
    assert await app.reload((str(edits.config.resolve()),)) is None

    rules = (await client.get(f"{ADMIN}/faults")).json()["rules"]
    assert [rule["operationId"] for rule in rules] == ["getClock"]


async def test_an_edit_of_the_scenario_replaces_the_state(edits: Edits) -> None:
    empty = take(create_app(load_settings()).context.sim.stores)
    edits.scenario.write_text(json.dumps(empty))
    app = reloading(edits, scenario=True)
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8080") as client:
        await _running_job(client)
        edits.scenario.write_text(
            json.dumps({**empty, "clock": {"nowMs": 1_700_000_000_000, "frozen": True, "speed": 1}})
        )

        assert await app.reload((str(edits.scenario.resolve()),)) is None

        assert (await client.get(f"{ADMIN}/jobs")).json() == {"jobs": []}
        clock = (await client.get(f"{ADMIN}/clock")).json()
        assert (clock["now"], clock["frozen"]) == (1_700_000_000_000, True)


async def test_without_reload_nothing_is_watched() -> None:
    app = create_app(load_settings())
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8080") as client:
        report = (await client.get(f"{ADMIN}/reload")).json()
    assert report == {"enabled": False, "watching": [], "applied": 0, "refused": 0, "reloads": []}


async def test_requests_during_a_reload_are_all_answered(
    served: tuple[ReloadingApp, httpx.AsyncClient], edits: Edits
) -> None:
    app, client = served
    exec_id = await _running_job(client)
    changed = edits.spec(_add_status_example)

    async def polls() -> list[int]:
        return [
            (await client.get(f"{API}/entrance/{exec_id}/status")).status_code for _ in range(50)
        ]

    answered, problem = await asyncio.gather(polls(), app.reload((changed,)))
    assert problem is None
    assert answered == [200] * 50


async def test_with_a_state_file_the_next_app_serves_the_files_state(
    edits: Edits, tmp_path: Path
) -> None:
    state = str(tmp_path / "state.db")

    def settings() -> Settings:
        return load_settings(edits.config, specs=edits.specs, state=state)

    watched = Watched(edits.config, None, edits.specs)
    app = ReloadingApp(create_app(settings()), settings, _scenario, _create, watched)
    first = app.current
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8080") as client:
        exec_id = await _running_job(client)

        assert await app.reload((edits.spec(_add_status_example),)) is None

        assert app.current.context.sim is not first.context.sim  # read back from the file
        assert await _state(client, exec_id) == "Running"
        assert first.context.storage is not None and app.current.context.storage is not None
        app.current.context.storage.close()
        first.context.storage.close()
