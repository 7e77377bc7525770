"""Settings from the command line and an optional TOML file."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from linkis_mock.cors import DEFAULT_ORIGINS
from linkis_mock.faults import FaultRuleError, rule_from
from linkis_mock.journal import DEFAULT_CAPACITY
from linkis_mock.limits import Limits
from linkis_mock.sim.settings import Account, SimSettings, Timings, ViasSettings, ViasTimings

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080


class ConfigError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Settings:
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    sim: SimSettings = field(default_factory=SimSettings)
    cors_origins: tuple[str, ...] = DEFAULT_ORIGINS
    journal_capacity: int = DEFAULT_CAPACITY
    faults: tuple[dict[str, Any], ...] = ()
    limits: Limits = field(default_factory=Limits)
    # Answer plain status, progress and log polls without the full stack (linkis_mock.fastlane).
    fast_lane: bool = True


def load_settings(
    config_file: Path | None = None,
    *,
    host: str | None = None,
    port: int | None = None,
    seed: int | None = None,
) -> Settings:
    """Command-line values win over the file, the file over the defaults."""
    raw = _read_toml(config_file) if config_file else {}
    _only_keys(
        raw,
        {
            "server",
            "auth",
            "users",
            "timings",
            "engines",
            "vias",
            "cors",
            "faults",
            "journal",
            "limits",
            "retention",
        },
        "the config file",
    )
    cors = raw.get("cors", {})
    _only_keys(cors, {"origins"}, "[cors]")
    origins = cors.get("origins", list(DEFAULT_ORIGINS))
    if not isinstance(origins, list) or not all(isinstance(o, str) for o in origins):
        raise ConfigError("[cors] origins must be a list of origin patterns")
    server = raw.get("server", {})
    _only_keys(server, {"host", "port", "seed", "instance", "fast_lane"}, "[server]")
    fast_lane = server.get("fast_lane", True)
    if not isinstance(fast_lane, bool):
        raise ConfigError("[server] fast_lane must be true or false")
    auth = raw.get("auth", {})
    _only_keys(auth, {"tokens", "session_timeout_ms", "enable_watermark"}, "[auth]")
    host = host or server.get("host", DEFAULT_HOST)
    port = port or server.get("port", DEFAULT_PORT)
    defaults = SimSettings()
    retention = _retention(raw.get("retention", {}))
    sim = SimSettings(
        instance=server.get("instance", f"{host}:{port}"),
        seed=seed if seed is not None else server.get("seed", 0),
        accounts=_accounts(raw["users"]) if "users" in raw else defaults.accounts,
        tokens=tuple(auth.get("tokens", defaults.tokens)),
        session_timeout_ms=auth.get("session_timeout_ms", defaults.session_timeout_ms),
        enable_watermark=auth.get("enable_watermark", defaults.enable_watermark),
        timings=_timings(raw.get("timings", {})),
        engine_versions={**defaults.engine_versions, **raw.get("engines", {})},
        vias=_vias(raw.get("vias", {})),
        jobs_per_group=retention["jobs_per_group"],
        log_lines_per_job=retention["log_lines_per_job"],
        history_jobs=retention["history_jobs"],
    )
    journal = raw.get("journal", {})
    _only_keys(journal, {"capacity"}, "[journal]")
    capacity = journal.get("capacity", DEFAULT_CAPACITY)
    if not isinstance(capacity, int) or capacity < 1:
        raise ConfigError("[journal] capacity must be a whole number above 0")
    return Settings(
        host=str(host),
        port=int(port),
        sim=sim,
        cors_origins=tuple(origins),
        journal_capacity=capacity,
        faults=_faults(raw.get("faults", [])),
        limits=_limits(raw.get("limits", {})),
        fast_lane=fast_lane,
    )


def _retention(table: Any) -> dict[str, int]:
    _only_keys(table, {"jobs_per_group", "log_lines_per_job", "history_jobs"}, "[retention]")
    defaults = SimSettings()
    found = {
        "jobs_per_group": table.get("jobs_per_group", defaults.jobs_per_group),
        "log_lines_per_job": table.get("log_lines_per_job", defaults.log_lines_per_job),
        "history_jobs": table.get("history_jobs", defaults.history_jobs),
    }
    for key, value in found.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ConfigError(f"[retention] {key} must be a whole number above 0")
    return found


def _limits(table: Any) -> Limits:
    names = {"body_bytes", "url_bytes", "header_bytes"}
    _only_keys(table, names, "[limits]")
    for key, value in table.items():
        if not isinstance(value, int) or value < 1:
            raise ConfigError(f"[limits] {key} must be a whole number of bytes above 0")
    return Limits(**table)


def _faults(rules: Any) -> tuple[dict[str, Any], ...]:
    if not isinstance(rules, list):
        raise ConfigError("[[faults]] must be a list of rules")
    for number, rule in enumerate(rules, start=1):
        try:
            rule_from(rule, f"f{number}")
        except (FaultRuleError, TypeError, ValueError) as exc:
            raise ConfigError(f"[[faults]] rule {number}: {exc}") from exc
    return tuple(dict(rule) for rule in rules)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from exc


def _only_keys(table: Any, allowed: set[str], where: str) -> None:
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table")
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise ConfigError(f"unknown key(s) in {where}: {', '.join(unknown)}")


def _accounts(users: Any) -> tuple[Account, ...]:
    if not isinstance(users, list) or not users:
        raise ConfigError("[[users]] must list at least one user")
    accounts = []
    for entry in users:
        _only_keys(entry, {"name", "password", "admin"}, "[[users]]")
        if not entry.get("name") or not entry.get("password"):
            raise ConfigError("every [[users]] entry needs a name and a password")
        accounts.append(
            Account(str(entry["name"]), str(entry["password"]), bool(entry.get("admin")))
        )
    return tuple(accounts)


def _timings(table: dict[str, Any]) -> Timings:
    return Timings(**_seconds_table(table, {f.name for f in fields(Timings)}, "[timings]"))


def _seconds_table(table: Any, names: set[str], where: str) -> dict[str, float]:
    _only_keys(table, names, where)
    for key, value in table.items():
        if not isinstance(value, int | float) or value < 0:
            raise ConfigError(f"{where} {key} must be a number of seconds >= 0")
    return {k: float(v) for k, v in table.items()}


def _vias(table: Any) -> ViasSettings:
    _only_keys(table, {"tokens", "creator", "repeat_action", "timings"}, "[vias]")
    defaults = ViasSettings()
    tokens = table.get("tokens", defaults.tokens)
    if not isinstance(tokens, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v for k, v in tokens.items()
    ):
        raise ConfigError("[vias] tokens must map each token to its project id")
    repeat = table.get("repeat_action", defaults.repeat_action)
    if repeat not in ("ok", "error"):
        raise ConfigError('[vias] repeat_action must be "ok" or "error"')
    names = {f.name for f in fields(ViasTimings)}
    return ViasSettings(
        tokens=dict(tokens),
        creator=str(table.get("creator", defaults.creator)),
        repeat_action=repeat,
        timings=ViasTimings(**_seconds_table(table.get("timings", {}), names, "[vias.timings]")),
    )
