"""`linkis-mock serve`: run the mock on uvicorn.

With `--workers N`, uvicorn starts N processes, and each builds its own app from the
same arguments (passed in LINKIS_MOCK_SERVE_ARGS); they share state through the
`--state` file, which the parent creates first so the workers all find it ready.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from linkis_mock.config import ConfigError, Settings, load_settings
from linkis_mock.contract import json_policy
from linkis_mock.sim.storage.backend import StorageError
from linkis_mock.sim.storage.snapshot import SnapshotError, check_version
from linkis_mock.specs import ADMIN_SPEC, schema_problem

if TYPE_CHECKING:
    from linkis_mock.app import MockApp

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
        "--state", type=Path, help="keep state in this SQLite file; a restart continues from it"
    )
    serve.add_argument(
        "--workers", type=int, default=1, help="worker processes sharing --state (default 1)"
    )
    serve.add_argument("--log-level", default="info", help="uvicorn log level (default info)")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser().parse_args(argv)
    try:
        settings = _settings(args)
        if args.workers > 1:
            return _serve_workers(args, argv, settings)
        app = _app(args, settings)
    except StartError as exc:
        print(f"linkis-mock: {exc}", file=sys.stderr)
        return 2
    import uvicorn  # noqa: PLC0415  # loaded once the arguments are known to be good

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
    return _app(args, _settings(args))


def _serve_workers(args: argparse.Namespace, argv: list[str], settings: Settings) -> int:
    if args.state is None:
        raise StartError("--workers needs --state FILE: the workers share their state through it")
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
    try:
        return load_settings(args.config, host=args.host, port=args.port, seed=args.seed)
    except ConfigError as exc:
        raise StartError(str(exc)) from exc


def _app(args: argparse.Namespace, settings: Settings) -> MockApp:
    scenario = _scenario(args.scenario)
    state: Path | None = args.state
    if scenario is not None and state is not None and _holds_state(state):
        print(
            f"linkis-mock: {state} already holds state; continuing from it, not from --scenario",
            file=sys.stderr,
        )
        scenario = None
    # The web framework is loaded only for arguments that got this far.
    from linkis_mock.app import create_app  # noqa: PLC0415

    try:
        return create_app(settings, scenario=scenario, state_path=state)
    except SnapshotError as exc:
        raise StartError(f"cannot start from scenario {args.scenario}: {exc}") from exc
    except (StorageError, OSError) as exc:
        raise StartError(f"cannot use state file {state}: {exc}") from exc


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


def _holds_state(path: Path) -> bool:
    return path.exists() and path.stat().st_size > 0


if __name__ == "__main__":
    sys.exit(main())
