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
import logging
import os
import secrets
import signal
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from linkis_mock.config import ConfigError, Settings, load_settings
from linkis_mock.contract import json_policy
from linkis_mock.logs import CLI_LOGGER, LOG_FORMATS, LOG_LEVELS, log_config, set_up
from linkis_mock.redaction import without_password
from linkis_mock.sim.storage.backend import StorageError
from linkis_mock.sim.storage.locations import backend_kind, is_database_url
from linkis_mock.sim.storage.snapshot import SnapshotError, check_version
from linkis_mock.specs import ADMIN_SPEC, SpecError, schema_problem

if TYPE_CHECKING:
    from linkis_mock.app import MockApp
    from linkis_mock.context import MockContext
    from linkis_mock.reload import ReloadingApp

ARGS_VARIABLE = "LINKIS_MOCK_SERVE_ARGS"
ADMIN_TOKEN_VARIABLE = "LINKIS_MOCK_ADMIN__TOKEN"
_cli_log = logging.getLogger(CLI_LOGGER)
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
    _output_arguments(serve)
    _proxy_arguments(commands)
    return parser


def _admin_argument(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--admin-token",
        help="the admin API's token (Authorization: Bearer ...); the environment's "
        f"{ADMIN_TOKEN_VARIABLE} keeps it out of the process list",
    )


def _output_arguments(command: argparse.ArgumentParser) -> None:
    """How `serve` and `proxy` talk: their log and, for https front ends, TLS."""
    command.add_argument(
        "--log-level",
        type=str.lower,
        choices=LOG_LEVELS,
        default="info",
        help="uvicorn log level (default info)",
    )
    command.add_argument(
        "--log-format",
        choices=LOG_FORMATS,
        default="text",
        help="text (default: readable lines) or json (one JSON object a line, a request each)",
    )
    command.add_argument("--ssl-certfile", type=Path, help="serve https with this certificate")
    command.add_argument("--ssl-keyfile", type=Path, help="... and this private key (PEM)")
    _admin_argument(command)


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
    _output_arguments(proxy)
    proxy.set_defaults(workers=1, seed=None, scenario=None, state=None, specs=None, reload=False)


def main(argv: list[str] | None = None) -> int:
    _stop_on_sigterm_until_serving()
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser().parse_args(argv)
    set_up(args.log_format, args.log_level)
    if args.command == "proxy":
        return _proxy(args)
    try:
        settings = _admin_plane(args, _settings(args))
        if args.workers > 1:
            return _serve_workers(args, argv, settings)
        options = _uvicorn_options(args, settings)
        app = _reloading(args, settings) if args.reload else _app(args, settings)
    except StartError as exc:
        _tell(args, str(exc), logging.ERROR, event="start-failed")
        return 2
    import uvicorn  # noqa: PLC0415  # loaded once the arguments are known to be good

    _announce(args, settings)
    _freeze_what_start_made()
    uvicorn.run(app, **options)
    return 0


def _stop_on_sigterm_until_serving() -> None:
    """A SIGTERM before uvicorn installs its own handler (while the app is built) ends the
    process at once with 143. As a container's PID 1 the default action would be ignored,
    and `docker stop` would wait its 10 s before killing it."""

    def stop(number: int, frame: object) -> None:
        del frame
        raise SystemExit(128 + number)

    signal.signal(signal.SIGTERM, stop)


def worker_app() -> MockApp:
    """The app of one of N workers (uvicorn's factory)."""
    args = build_parser().parse_args(json.loads(os.environ[ARGS_VARIABLE]))
    args.scenario = None  # the parent already started the state file from it
    # uvicorn set up the worker's log from the parent's log_config; warnings join it.
    logging.captureWarnings(args.log_format == "json")
    app = _app(args, _settings(args))
    _freeze_what_start_made()
    return app


def _freeze_what_start_made() -> None:
    """Move what start made (the specs, Connexion's tables, the app: most of the heap, and
    it lives as long as the process) out of the garbage collector's reach. Otherwise
    each full collection scans it all: 50 to 110 ms under a poll load, which was the
    polls' p99. The heap was collected just before the app was built (`_app`), which
    leaves next to no garbage: a collection here would only scan the jobs a state file
    brought for nothing (0.15 s of a restart with 100 000)."""
    gc.freeze()


def _reloading(args: argparse.Namespace, settings: Settings) -> ReloadingApp:
    """The app of `serve --reload`: each edit of the watched files builds the next one."""
    # Refused before the web framework is imported (Watched.files() would be empty): a
    # start this stops costs a fraction of a second, not one.
    if args.config is None and args.scenario is None and settings.specs is None:
        raise StartError("--reload watches --specs, --config and --scenario: give one of them")
    from linkis_mock.app import create_app  # noqa: PLC0415
    from linkis_mock.reload import ReloadingApp, Watched  # noqa: PLC0415

    def create(
        settings: Settings, previous: MockContext | None, scenario: dict[str, Any] | None
    ) -> MockApp:
        return create_app(settings, previous=previous, scenario=scenario)

    watched = Watched(config=args.config, scenario=args.scenario, specs=settings.specs)
    return ReloadingApp(_app(args, settings), lambda: _settings(args), _scenario, create, watched)


def _serve_workers(args: argparse.Namespace, argv: list[str], settings: Settings) -> int:
    if args.reload:
        raise StartError("--reload serves one process: it cannot go with --workers")
    if settings.state is None:
        raise StartError(
            "--workers needs --state FILE or URL: the workers share their state through it"
        )
    options = _uvicorn_options(args, settings)
    _app(args, settings)  # creates the state file (from --scenario) once, before the workers
    os.environ[ARGS_VARIABLE] = json.dumps(argv)
    import uvicorn  # noqa: PLC0415

    _announce(args, settings)
    uvicorn.run("linkis_mock.cli:worker_app", factory=True, workers=args.workers, **options)
    return 0


def _uvicorn_options(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    """What the three ways of serving tell uvicorn (the workers of `--workers` too)."""
    tls = _tls_files(args.ssl_certfile, args.ssl_keyfile)
    return {
        "host": settings.host,
        "port": settings.port,
        "log_level": args.log_level,
        "log_config": log_config(args.log_format, args.log_level),
        # uvicorn builds each access line before its logger drops it: off unless it prints
        # (JSON mode writes its own line a request).
        "access_log": args.log_format == "text" and LOG_LEVELS[args.log_level] <= logging.INFO,
        "timeout_graceful_shutdown": GRACEFUL_SHUTDOWN_S,
        **tls,
    }


def _tls_files(certfile: Path | None, keyfile: Path | None) -> dict[str, str]:
    """uvicorn's `ssl_certfile` and `ssl_keyfile`, once they are known to load (uvicorn
    would fail on them later, with a traceback)."""
    if certfile is None and keyfile is None:
        return {}
    if certfile is None or keyfile is None:
        raise StartError("--ssl-certfile and --ssl-keyfile go together: give both or neither")
    for flag, path in (("--ssl-certfile", certfile), ("--ssl-keyfile", keyfile)):
        if not path.is_file() or not os.access(path, os.R_OK):
            raise StartError(f"{flag} {path}: no such file, or it cannot be read")
    import ssl  # noqa: PLC0415

    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(certfile, keyfile)
    except (ssl.SSLError, OSError) as exc:
        raise StartError(
            f"--ssl-certfile {certfile} --ssl-keyfile {keyfile}: not a certificate and its "
            f"private key in PEM ({exc})"
        ) from exc
    return {"ssl_certfile": str(certfile), "ssl_keyfile": str(keyfile)}


def _announce(args: argparse.Namespace, settings: Settings) -> None:
    """JSON mode: the start-up event (uvicorn then says where it listens)."""
    if args.log_format != "json":
        return
    scheme = "https" if args.ssl_certfile is not None else "http"
    url = f"{scheme}://{settings.host}:{settings.port}"
    state = settings.state
    backend = backend_kind(state)
    _cli_log.info(
        "linkis-mock %s %s on %s",
        args.command,
        _version(),
        url,
        extra={
            "event": "start",
            "command": args.command,
            "version": _version(),
            "instance": settings.sim.instance,
            "url": url,
            "stateBackend": backend,
            "state": None if state is None else _shown(state),
            "workers": args.workers,
            "reload": bool(args.reload),
            "logLevel": args.log_level,
        },
    )


def _tell(args: argparse.Namespace, message: str, level: int, **extra: Any) -> None:
    """A message of the command itself: a `linkis-mock: ...` line on stderr, or in JSON
    mode a JSON object like every other line."""
    if args.log_format == "json":
        _cli_log.log(level, "%s", message, extra=extra)
    else:
        print(f"linkis-mock: {message}", file=sys.stderr)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415

    try:
        return version("linkis-mock")
    except PackageNotFoundError:
        return "unknown"


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
            admin_token=args.admin_token,
        )
    except ConfigError as exc:
        raise StartError(str(exc)) from exc


def _admin_plane(args: argparse.Namespace, settings: Settings) -> Settings:
    """Bound beyond loopback with no admin token set and the plane not opened on purpose,
    the mock makes a token for this start and prints it once; its workers and reloads
    read it from the environment. An opened plane is warned of."""
    access, where = settings.admin, f"{settings.host}:{settings.port}"
    if access.needs_made_token:
        token = secrets.token_urlsafe(32)
        os.environ[ADMIN_TOKEN_VARIABLE] = token
        _tell(
            args,
            f"no admin token is set and the mock listens on {where}, beyond loopback: "
            f"the admin API needs 'Authorization: Bearer {token}' (made for this start; "
            f"set {ADMIN_TOKEN_VARIABLE} or [admin] token to choose one)",
            logging.WARNING,
            event="admin-token",
        )
        return replace(settings, admin=replace(access, token=token))
    if access.mode == "open":
        _tell(
            args,
            f"the admin API is open to anyone who can reach {where} ([admin] open = true): "
            "they can reset the mock, add fault rules and read the journal",
            logging.WARNING,
            event="admin-open",
        )
    return settings


def _proxy(args: argparse.Namespace) -> int:
    """Serves the proxy until it is stopped, then writes the report and the recording."""
    try:
        settings = _admin_plane(args, _settings(args))
        # The TLS flags are checked first, as `serve` does: a start they stop need not
        # load the web framework and build the app.
        options = _uvicorn_options(args, settings)
        from linkis_mock.app import create_app  # noqa: PLC0415

        app = create_app(settings, record=args.record is not None)
    except StartError as exc:
        _tell(args, str(exc), logging.ERROR, event="start-failed")
        return 2
    import uvicorn  # noqa: PLC0415

    # uvicorn stops on SIGTERM or SIGINT, then raises the signal again for the handler
    # it found; with the default one the process would die before the report is written.
    for stop_signal in (signal.SIGTERM, signal.SIGINT):
        signal.signal(stop_signal, lambda number, frame: None)
    _announce(args, settings)
    _freeze_what_start_made()
    uvicorn.run(app, **options)
    return _proxy_results(app, args)


def _proxy_results(app: MockApp, args: argparse.Namespace) -> int:
    book, recorder = app.context.violations, app.context.recorder
    if recorder is not None and args.record is not None:
        args.record.write_text(json.dumps(recorder.scenario(), ensure_ascii=False, indent=1))
        _tell(args, f"recorded the session as a scenario in {args.record}", logging.INFO)
    if args.report is not None:
        from linkis_mock.proxy.report import write_report  # noqa: PLC0415

        unrecorded = recorder.unmapped() if recorder is not None else None
        junit = write_report(book, args.report, unrecorded)
        _tell(args, f"violations in {args.report} and {junit}", logging.INFO)
    total = book.total
    _tell(
        args, f"{total} contract violation(s) seen", logging.INFO, event="violations", total=total
    )
    return 1 if args.fail_on_violation and total else 0


def _app(args: argparse.Namespace, settings: Settings) -> MockApp:
    scenario = _scenario(args.scenario)
    state = settings.state
    if scenario is not None and state is not None and _holds_state(state):
        message = f"{state} already holds state; continuing from it, not from --scenario"
        _tell(args, message, logging.WARNING)
        scenario = None
    # The web framework is loaded only for arguments that got this far.
    from linkis_mock.app import create_app  # noqa: PLC0415

    gc.collect()  # what start left so far (_freeze_what_start_made)
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
