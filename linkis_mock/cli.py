"""`linkis-mock serve`: run the mock on uvicorn. `linkis-mock proxy`: forward the
Linkis and VIAS APIs to real servers, check their traffic against the specs, and
record it as a scenario.

With `--workers N`, uvicorn starts N processes, and each builds its own app from the
same arguments (passed in LINKIS_MOCK_SERVE_ARGS); they share state through the
`--state` file, which the parent creates first so the workers all find it ready.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from linkis_mock.config import ConfigError, Settings, load_settings
from linkis_mock.contract import json_policy
from linkis_mock.sim.storage.backend import StorageError
from linkis_mock.sim.storage.locations import is_database_url, without_password
from linkis_mock.sim.storage.snapshot import SnapshotError, check_version
from linkis_mock.specs import ADMIN_SPEC, SpecError, schema_problem

if TYPE_CHECKING:
    from linkis_mock.app import MockApp
    from linkis_mock.context import MockContext
    from linkis_mock.reload import ReloadingApp

ARGS_VARIABLE = "LINKIS_MOCK_SERVE_ARGS"
# On SIGTERM, requests in flight get this long to finish before connections are cut.
GRACEFUL_SHUTDOWN_S = 10


class StartError(Exception):
    """The server cannot start with these arguments (exit status 2)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="linkis-mock", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the Linkis entrance mock")
    serve.add_argument("--host", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to bind (default 8080)")
    serve.add_argument("--config", type=Path, help="TOML file with users, tokens and timings")
    serve.add_argument("--seed", type=int, help="seed of every simulated run (default 0)")
    serve.add_argument(
        "--scenario", type=Path, help="start from this snapshot (GET /__admin/snapshot)"
    )
    serve.add_argument(
        "--state",
        help="keep state in this SQLite file, or in the PostgreSQL database of a "
        "postgresql://user:password@host:port/db URL; a restart continues from it",
    )
    serve.add_argument(
        "--workers", type=int, default=1, help="worker processes sharing --state (default 1)"
    )
    serve.add_argument(
        "--specs",
        type=Path,
        help="serve the copies of the specs in this folder (linkis-entrance.yaml, "
        "vias-task.yaml, admin.yaml; any missing one is the packaged spec)",
    )
    serve.add_argument(
        "--reload",
        action="store_true",
        help="take in edits of --specs, --config and --scenario without a restart, "
        "keeping jobs, tasks, sessions and the clock",
    )
    serve.add_argument("--log-level", default="info", help="uvicorn log level (default info)")
    _proxy_arguments(commands)
    return parser


def _proxy_arguments(commands: Any) -> None:
    proxy = commands.add_parser(
        "proxy", help="forward to a real Linkis or VIAS and check it against the specs"
    )
    proxy.add_argument("--linkis-target", help="base URL of the real Linkis gateway")
    proxy.add_argument("--vias-target", help="base URL of the real VIAS endpoint")
    proxy.add_argument("--host", help="address to bind (default 127.0.0.1)")
    proxy.add_argument("--port", type=int, help="port to bind (default 8080)")
    proxy.add_argument("--config", type=Path, help="TOML file ([proxy], [faults], [limits], ...)")
    proxy.add_argument("--timeout-s", type=float, help="seconds to wait for a reply (default 30)")
    proxy.add_argument("--report", type=Path, help="write the violations here at exit (JSON)")
    proxy.add_argument("--record", type=Path, help="write what was seen as a scenario at exit")
    proxy.add_argument(
        "--fail-on-violation", action="store_true", help="exit 1 if any violation was seen"
    )
    proxy.add_argument("--log-level", default="info", help="uvicorn log level (default info)")
    proxy.set_defaults(workers=1, seed=None, scenario=None, state=None, specs=None, reload=False)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser().parse_args(argv)
    if args.command == "proxy":
        return _proxy(args)
    try:
        settings = _settings(args)
        if args.workers > 1:
            return _serve_workers(args, argv, settings)
        app = _reloading(args, settings) if args.reload else _app(args, settings)
    except StartError as exc:
        print(f"linkis-mock: {exc}", file=sys.stderr)
        return 2
    import uvicorn  # noqa: PLC0415  # loaded once the arguments are known to be good

    _freeze_what_start_made()
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level=args.log_level,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
    )
    return 0


def worker_app() -> MockApp:
    """The app of one of N workers (uvicorn's factory)."""
    args = build_parser().parse_args(json.loads(os.environ[ARGS_VARIABLE]))
    args.scenario = None  # the parent already started the state file from it
    app = _app(args, _settings(args))
    _freeze_what_start_made()
    return app


def _freeze_what_start_made() -> None:
    """Move what start made (the specs, Connexion's tables, the app: most of the heap, and
    it lives as long as the process) out of the garbage collector's reach. Otherwise
    each full collection scans it all: 50 to 110 ms under a poll load, which was the
    polls' p99."""
    gc.collect()
    gc.freeze()


def _reloading(args: argparse.Namespace, settings: Settings) -> ReloadingApp:
    """The app of `serve --reload`: each edit of the watched files builds the next one."""
    from linkis_mock.app import create_app  # noqa: PLC0415
    from linkis_mock.reload import ReloadingApp, Watched  # noqa: PLC0415

    def create(
        settings: Settings, previous: MockContext | None, scenario: dict[str, Any] | None
    ) -> MockApp:
        return create_app(settings, previous=previous, scenario=scenario)

    watched = Watched(config=args.config, scenario=args.scenario, specs=settings.specs)
    if not watched.files():
        raise StartError("--reload watches --specs, --config and --scenario: give one of them")
    return ReloadingApp(_app(args, settings), lambda: _settings(args), _scenario, create, watched)


def _serve_workers(args: argparse.Namespace, argv: list[str], settings: Settings) -> int:
    if args.reload:
        raise StartError("--reload serves one process: it cannot go with --workers")
    if settings.state is None:
        raise StartError(
            "--workers needs --state FILE or URL: the workers share their state through it"
        )
    _app(args, settings)  # creates the state file (from --scenario) once, before the workers
    os.environ[ARGS_VARIABLE] = json.dumps(argv)
    import uvicorn  # noqa: PLC0415

    uvicorn.run(
        "linkis_mock.cli:worker_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=args.workers,
        log_level=args.log_level,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
    )
    return 0


def _settings(args: argparse.Namespace) -> Settings:
    if args.workers < 1:
        raise StartError("--workers must be 1 or more")
    proxy = None
    if args.command == "proxy":
        proxy = {
            "linkis_target": args.linkis_target,
            "vias_target": args.vias_target,
            "timeout_s": args.timeout_s,
        }
    try:
        return load_settings(
            args.config,
            host=args.host,
            port=args.port,
            seed=args.seed,
            proxy=proxy,
            state=args.state,
            specs=args.specs,
        )
    except ConfigError as exc:
        raise StartError(str(exc)) from exc


def _proxy(args: argparse.Namespace) -> int:
    """Serves the proxy until it is stopped, then writes the report and the recording."""
    try:
        settings = _settings(args)
        from linkis_mock.app import create_app  # noqa: PLC0415

        app = create_app(settings, record=args.record is not None)
    except StartError as exc:
        print(f"linkis-mock: {exc}", file=sys.stderr)
        return 2
    import uvicorn  # noqa: PLC0415

    # uvicorn stops on SIGTERM or SIGINT, then raises the signal again for the handler
    # it found; with the default one the process would die before the report is written.
    for stop_signal in (signal.SIGTERM, signal.SIGINT):
        signal.signal(stop_signal, lambda number, frame: None)
    _freeze_what_start_made()
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level=args.log_level,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
    )
    return _proxy_results(app, args)


def _proxy_results(app: MockApp, args: argparse.Namespace) -> int:
    book, recorder = app.context.violations, app.context.recorder
    if recorder is not None and args.record is not None:
        args.record.write_text(json.dumps(recorder.scenario(), ensure_ascii=False, indent=1))
        print(f"linkis-mock: recorded the session as a scenario in {args.record}", file=sys.stderr)
    if args.report is not None:
        from linkis_mock.proxy.report import write_report  # noqa: PLC0415

        unrecorded = recorder.unmapped() if recorder is not None else None
        junit = write_report(book, args.report, unrecorded)
        print(f"linkis-mock: violations in {args.report} and {junit}", file=sys.stderr)
    total = book.total
    print(f"linkis-mock: {total} contract violation(s) seen", file=sys.stderr)
    return 1 if args.fail_on_violation and total else 0


def _app(args: argparse.Namespace, settings: Settings) -> MockApp:
    scenario = _scenario(args.scenario)
    state = settings.state
    if scenario is not None and state is not None and _holds_state(state):
        print(
            f"linkis-mock: {state} already holds state; continuing from it, not from --scenario",
            file=sys.stderr,
        )
        scenario = None
    # The web framework is loaded only for arguments that got this far.
    from linkis_mock.app import create_app  # noqa: PLC0415

    try:
        return create_app(settings, scenario=scenario, state=state)
    except SnapshotError as exc:
        raise StartError(f"cannot start from scenario {args.scenario}: {exc}") from exc
    except SpecError as exc:
        raise StartError(f"cannot serve the spec {exc}") from exc
    except (StorageError, OSError) as exc:
        where, shown = "database" if is_database_url(state or "") else "file", _shown(state)
        reason = str(exc).removeprefix(f"{shown} ")  # "... holds state version 7, ..."
        raise StartError(f"cannot use state {where} {shown}: {reason}") from exc


def _scenario(path: Path | None) -> Any:
    if path is None:
        return None
    try:
        scenario = json_policy.loads(path.read_bytes())
        check_version(scenario)
    except (OSError, json_policy.JsonPolicyError, SnapshotError) as exc:
        raise StartError(f"cannot start from scenario {path}: {exc}") from exc
    problem = schema_problem(ADMIN_SPEC, "Snapshot", scenario)
    if problem is not None:
        raise StartError(f"cannot start from scenario {path}: {problem}")
    return scenario


def _holds_state(state: str) -> bool:
    """A state file that is there and not empty (a database says so when it opens)."""
    if is_database_url(state):
        return False
    path = Path(state)
    return path.exists() and path.stat().st_size > 0


def _shown(state: str | None) -> str:
    return without_password(state) if state and is_database_url(state) else str(state)


if __name__ == "__main__":
    sys.exit(main())
