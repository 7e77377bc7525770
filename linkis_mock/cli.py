"""`linkis-mock serve`: run the mock on uvicorn."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import uvicorn

from linkis_mock.app import create_app
from linkis_mock.config import ConfigError, load_settings
from linkis_mock.sim.snapshot import SnapshotError


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
    serve.add_argument("--log-level", default="info", help="uvicorn log level (default info)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings(args.config, host=args.host, port=args.port, seed=args.seed)
    except ConfigError as exc:
        print(f"linkis-mock: {exc}", file=sys.stderr)
        return 2
    try:
        scenario = json.loads(args.scenario.read_text(encoding="utf-8")) if args.scenario else None
        app = create_app(settings, scenario=scenario)
    except (OSError, json.JSONDecodeError, SnapshotError) as exc:
        print(f"linkis-mock: cannot start from scenario {args.scenario}: {exc}", file=sys.stderr)
        return 2
    uvicorn.run(app, host=settings.host, port=settings.port, log_level=args.log_level)
    return 0


if __name__ == "__main__":
    sys.exit(main())
