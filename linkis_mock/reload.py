"""`serve --reload`: edits of the spec copies, the config file and the scenario file are
taken in without a restart a client could see.

The server keeps serving one app at a time. On an edit it builds the next app from the
files as they are now, hands it what the current one holds (`create_app(previous=...)`:
jobs, VIAS tasks, sessions, the clock, fault rules and the journal; with a state file
the state is the file's), and switches to it between two requests. The next app is
built on the event loop, so no request changes the state while it is handed over;
requests already inside the old app finish there.

An edit that cannot be served (a spec that is not valid OpenAPI, a config value out of
bounds, a handler missing for a new operation) or that the state no longer fits (a
job in a state the new spec's `JobState` lacks) is refused: the current app goes on,
and the reason goes to the console and to the admin API's `GET /__admin/reload`,
which the dashboard shows. Prism, Mockoon and Imposter restart on change instead, and
lose their state.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.types import Receive, Scope, Send

from linkis_mock.apis import ApiRegistry
from linkis_mock.app import MockApp
from linkis_mock.config import Settings
from linkis_mock.context import MockContext
from linkis_mock.contract.units import in_unit_now
from linkis_mock.specs import ADMIN_SPEC, LINKIS_SPEC, VIAS_SPEC

logger = logging.getLogger(__name__)

# Requests still inside a replaced app get this long before its state file is closed.
RETIRE_AFTER_S = 30.0
# Editors write a file in several steps: changes this close together are one edit.
DEBOUNCE_MS = 200

# (settings, the app replaced, a scenario to start from) -> the next app
Create = Callable[[Settings, MockContext | None, dict[str, Any] | None], MockApp]


@dataclass(frozen=True, slots=True)
class Watched:
    """The files a reloading server watches; `specs` is a folder of spec copies."""

    config: Path | None = None
    scenario: Path | None = None
    specs: Path | None = None

    def files(self) -> tuple[Path, ...]:
        copies = (
            [self.specs / name for name in (LINKIS_SPEC, VIAS_SPEC, ADMIN_SPEC)]
            if self.specs is not None
            else []
        )
        named = [self.config, self.scenario, *copies]
        return tuple(path.resolve() for path in named if path is not None)


class ReloadingApp:
    """An ASGI app serving the current MockApp, replaced on each edit that can be served.

    `first`: the app served until the first edit. `settings_of` reads the settings
    afresh (raising what a bad config raises); `scenario_of` reads the scenario file
    (raising what a bad one raises); `create` builds an app. Whatever they raise
    refuses the edit.
    """

    def __init__(
        self,
        first: MockApp,
        settings_of: Callable[[], Settings],
        scenario_of: Callable[[Path], dict[str, Any] | None],
        create: Create,
        watched: Watched,
    ) -> None:
        self._settings_of, self._scenario_of, self._create = settings_of, scenario_of, create
        self.watched = watched
        self.current = first
        first.context.reloads.watching = tuple(str(path) for path in watched.files())
        self._retiring: set[asyncio.Task[None]] = set()

    @property
    def context(self) -> MockContext:
        return self.current.context

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        else:
            await self.current(scope, receive, send)

    async def reload(self, changed: tuple[str, ...]) -> str | None:
        """Take in the files as they are now; why not, or None when it was done."""
        old = self.current
        problem: str | None
        try:
            new = self._next_app(old.context, changed)
        except Exception as exc:  # whatever the edit broke, the server goes on
            problem = _one_line(exc)
        else:
            problem = misfit(new.context)
            if problem is None:
                self._switch(old, new)
            else:
                _close(new.context)
        if problem is None:
            logger.warning("linkis-mock: reloaded %s", ", ".join(changed))
        else:
            shown = ", ".join(changed)
            logger.warning("linkis-mock: kept serving as before; %s: %s", shown, problem)
        self.current.context.reloads.add(changed, problem)
        return problem

    def _next_app(self, context: MockContext, changed: tuple[str, ...]) -> MockApp:
        scenario_file = self.watched.scenario
        scenario = None
        if scenario_file is not None and str(scenario_file.resolve()) in changed:
            scenario = self._scenario_of(scenario_file)
        settings = self._settings_of()
        fixed = _restart_only(context.settings, settings)
        if fixed:
            raise ValueError(f"{fixed} cannot change without a restart")
        ApiRegistry(settings.specs)  # spec copies that cannot be served stop here, cheaply
        new = self._create(settings, context, scenario)
        if scenario is not None and new.context.storage is not None:
            _fill_state(new.context, scenario)
        return new

    def _switch(self, old: MockApp, new: MockApp) -> None:
        if old.context.settings.faults != new.context.settings.faults:
            _take_config_faults(new.context)
        self.current = new
        if old.context.storage is not None:
            task = asyncio.get_running_loop().create_task(_retire(old.context))
            self._retiring.add(task)
            task.add_done_callback(self._retiring.discard)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        watcher: asyncio.Task[None] | None = None
        stop = asyncio.Event()
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                watcher = asyncio.get_running_loop().create_task(self._watch(stop))
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                stop.set()
                if watcher is not None:
                    await asyncio.gather(watcher, return_exceptions=True)
                for task in list(self._retiring):
                    task.cancel()
                _close(self.current.context)
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _watch(self, stop: asyncio.Event) -> None:
        from watchfiles import awatch  # noqa: PLC0415  # only a reloading server watches

        files = set(self.watched.files())
        folders = sorted({path.parent for path in files if path.parent.is_dir()})
        if not folders:
            return

        def watched(change: Any, path: str) -> bool:
            del change
            return Path(path).resolve() in files

        async for changes in awatch(
            *folders,
            watch_filter=watched,
            debounce=DEBOUNCE_MS,
            recursive=False,
            stop_event=stop,
        ):
            changed = tuple(sorted({_resolved(path) for _, path in changes}))
            await self.reload(changed)


def _restart_only(old: Settings, new: Settings) -> str:
    """The settings a running server cannot take in (its socket, its state's medium)."""
    changed = [
        name
        for name, before, after in (
            ("[server] host", old.host, new.host),
            ("[server] port", old.port, new.port),
            ("[state] url", old.state, new.state),
            ("[server] specs", old.specs, new.specs),
        )
        if before != after
    ]
    return ", ".join(changed)


def misfit(context: MockContext) -> str | None:
    """Why the state an app holds does not fit its specs: a job or a task in a state the
    spec's JobState or TaskState does not list (clients generated from it would fail to
    read it); None when it fits."""
    apis, sim = context.apis, context.sim
    jobs = (
        (f"job {job['taskID']}", job["state"]) for job in sim.entrance.on_demand.job_summaries()
    )
    tasks = ((f"task {task['id']}", task["state"]) for task in sim.vias.task_summaries())
    for spec_file, spec, schema, states in (
        (LINKIS_SPEC, apis.linkis.spec, "JobState", jobs),
        (VIAS_SPEC, apis.vias.spec, "TaskState", tasks),
    ):
        allowed = _enum(spec, schema)
        if allowed is None:  # the copy dropped the schema: nothing to check against
            continue
        for which, state in states:
            if state not in allowed:
                return (
                    f"the current state no longer fits the specs: {which} is {state},"
                    f" which {spec_file}'s {schema} does not allow"
                )
    return None


def _enum(spec: dict[str, Any], schema: str) -> frozenset[str] | None:
    values = spec.get("components", {}).get("schemas", {}).get(schema, {}).get("enum")
    return frozenset(str(value) for value in values) if isinstance(values, list) else None


def _fill_state(context: MockContext, scenario: dict[str, Any]) -> None:
    """An edited scenario file replaces what the state file holds, as PUT /snapshot does."""
    from linkis_mock.sim.storage.snapshot import restore  # noqa: PLC0415

    assert context.storage is not None
    in_unit_now(context.storage, lambda: restore(context.sim.stores, scenario))


def _take_config_faults(context: MockContext) -> None:
    """The config file's fault rules changed: they replace the rules in force."""
    if context.storage is None:
        context.faults.reset()
        return
    in_unit_now(context.storage, context.faults.reset)


async def _retire(context: MockContext) -> None:
    await asyncio.sleep(RETIRE_AFTER_S)
    _close(context)


def _close(context: MockContext) -> None:
    if context.storage is not None:
        context.storage.close()


def _resolved(path: str) -> str:
    return str(Path(path).resolve())


def _one_line(exc: Exception) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:4000]
