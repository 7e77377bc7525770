"""Settings from the command line, `LINKIS_MOCK_*` environment variables and a TOML file.

The file's whole shape is typed below with pydantic (pydantic-settings adds the
environment for free): every key has a type and bounds, unknown keys and sections are
refused, and nothing is coerced (`port = "8080"` and `capacity = true` are errors, as
is a string where a list belongs). A bad value is a `ConfigError` whose message is one
line naming the key, what it should be and what it is. Flags win over the environment,
the environment over the file, the file over the defaults.

An environment variable names a key by its section and name, joined by `__`:
`LINKIS_MOCK_SERVER__PORT=9000`, `LINKIS_MOCK_RETENTION__HISTORY_JOBS=5000`; a list or
table is written as JSON (`LINKIS_MOCK_AUTH__TOKENS='["A", "B"]'`).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    InitSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
)

from linkis_mock.apis import ProxiedApiName
from linkis_mock.control.admin_access import AdminAccess, is_loopback_name
from linkis_mock.control.faults import FaultRuleError, rule_from
from linkis_mock.control.journal import DEFAULT_CAPACITY
from linkis_mock.sim.settings import (
    DEFAULT_ACCOUNTS,
    DEFAULT_DEPARTMENTS,
    DEFAULT_ENGINE_TYPES,
    DEFAULT_ENGINE_VERSIONS,
    DEFAULT_VIAS_TOKENS,
    Account,
    ConsoleSettings,
    Roles,
    SimSettings,
    Timings,
    ViasSettings,
    ViasTimings,
)
from linkis_mock.specs import ADMIN_SPEC, schema_problem

# Browser origins allowed to call the Linkis and VIAS APIs with credentials (CORS).
DEFAULT_ORIGINS = ("http://localhost:*", "http://127.0.0.1:*")
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
ENV_PREFIX = "LINKIS_MOCK_"
ENV_NESTING = "__"
# The flags whose names are not their keys' (the others are `--<key>`).
FLAGS = {("state", "url"): "--state", ("admin", "token"): "--admin-token"}
YEAR_S = 365 * 24 * 3600
LONG_MAX = 2**63 - 1
SIM, TIMINGS, VIAS, VIAS_TIMINGS = SimSettings(), Timings(), ViasSettings(), ViasTimings()
CONSOLE = ConsoleSettings()


class ConfigError(ValueError):
    pass


# ---- the settings' own types (the layers they configure import them from here) -----------


@dataclass(frozen=True, slots=True)
class Limits:
    """Request sizes refused before anything reads the request (middleware/limits.py)."""

    body_bytes: int = 10 * 1024 * 1024
    url_bytes: int = 8 * 1024
    header_bytes: int = 16 * 1024


@dataclass(frozen=True, slots=True)
class Upstreams:
    """Where proxy mode sends the Linkis and VIAS APIs, and how long it waits for them."""

    targets: dict[ProxiedApiName, str]  # API name -> base URL of its real server, no trailing /
    timeout_s: float = 30.0
    connect_timeout_s: float = 5.0


LIMITS = Limits()


@dataclass(frozen=True, slots=True)
class Settings:
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    sim: SimSettings = field(default_factory=SimSettings)
    cors_origins: tuple[str, ...] = DEFAULT_ORIGINS
    journal_capacity: int = DEFAULT_CAPACITY
    faults: tuple[dict[str, Any], ...] = ()
    limits: Limits = field(default_factory=Limits)
    # Plain polls, task reads, submits and task actions skip the full stack
    # (linkis_mock.middleware.fast_lane).
    fast_lane: bool = True
    # `linkis-mock proxy`: the real servers the Linkis and VIAS APIs are forwarded to.
    proxy: Upstreams | None = None
    # `serve`: a SQLite file's path or a PostgreSQL URL to keep state in (None: memory).
    state: str | None = None
    state_timeout_s: float = 5.0
    # A folder whose linkis-entrance.yaml, vias-task.yaml or admin.yaml replace the packaged ones.
    specs: Path | None = None
    # Who may use the admin plane (linkis_mock.control.admin_access).
    admin: AdminAccess = field(default_factory=AdminAccess)


# ---- the file's shape -------------------------------------------------------------------

Name = Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[^\s\x00-\x1f]+$")]
Text = Annotated[str, Field(min_length=1, max_length=1024)]
Seconds = Annotated[float, Field(ge=0, le=YEAR_S, allow_inf_nan=False)]
Count = Annotated[int, Field(ge=1, le=100_000_000)]
Bytes = Annotated[int, Field(ge=1, le=2**31 - 1)]
# A global variable's value: not blank, as the public service refuses a blank one.
VariableValue = Annotated[str, Field(min_length=1, max_length=1024, pattern=r"\S")]
UserVariables = Annotated[dict[Name, VariableValue], Field(max_length=1000)]


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class ServerSection(Section):
    host: Annotated[str, Field(min_length=1, max_length=253)] = DEFAULT_HOST
    port: Annotated[int, Field(ge=1, le=65535)] = DEFAULT_PORT
    seed: Annotated[int, Field(ge=0, le=LONG_MAX)] = 0
    # The entrance instance written into execIDs (default host:port).
    instance: Annotated[str, Field(pattern=r"^[^\s:/]{1,253}:[0-9]{1,5}$")] | None = None
    fast_lane: bool = True
    # A folder of spec copies served instead of the packaged specs (linkis_mock.specs).
    specs: Annotated[str, Field(min_length=1, max_length=4096)] | None = None


class AuthSection(Section):
    tokens: Annotated[list[Text], Field(max_length=1000)] = list(SIM.tokens)
    session_timeout_ms: Annotated[int, Field(ge=1, le=YEAR_S * 1000)] = SIM.session_timeout_ms
    enable_watermark: bool = SIM.enable_watermark


class UserEntry(Section):
    name: Name
    password: Text
    admin: bool = False


class TimingsSection(Section):
    inited: Seconds = TIMINGS.inited
    queue: Seconds = TIMINGS.queue
    running: Seconds = TIMINGS.running
    kill_delay: Seconds = TIMINGS.kill_delay
    retry_wait: Seconds = TIMINGS.retry_wait


class ViasTimingsSection(Section):
    pending: Seconds = VIAS_TIMINGS.pending
    starting: Seconds = VIAS_TIMINGS.starting
    stopping: Seconds = VIAS_TIMINGS.stopping


class ViasSection(Section):
    tokens: dict[Text, Text] = Field(default_factory=lambda: dict(DEFAULT_VIAS_TOKENS))
    creator: Text = VIAS.creator
    repeat_action: Literal["ok", "error"] = "ok"
    timings: ViasTimingsSection = ViasTimingsSection()


class CorsSection(Section):
    origins: Annotated[list[Text], Field(max_length=1000)] = list(DEFAULT_ORIGINS)


class JournalSection(Section):
    capacity: Annotated[int, Field(ge=1, le=1_000_000)] = DEFAULT_CAPACITY


class LimitsSection(Section):
    body_bytes: Bytes = LIMITS.body_bytes
    url_bytes: Bytes = LIMITS.url_bytes
    header_bytes: Bytes = LIMITS.header_bytes


class RolesSection(Section):
    """Left out, a role list names the admin accounts."""

    governance_admins: Annotated[list[Name], Field(max_length=1000)] | None = None
    history_admins: Annotated[list[Name], Field(max_length=1000)] | None = None
    department_admins: Annotated[list[Name], Field(max_length=1000)] | None = None
    result_limit_departments: Annotated[list[Text], Field(max_length=1000)] = []


class ConsoleSection(Section):
    engine_types: Annotated[list[Name], Field(min_length=1, max_length=1000)] = list(
        DEFAULT_ENGINE_TYPES
    )
    result_set_export_enable: bool = CONSOLE.result_set_export_enable
    cluster_name: Annotated[str, Field(max_length=253)] = CONSOLE.cluster_name
    engine_log_only_admin: bool = CONSOLE.engine_log_only_admin
    error_msg_tip: Text = CONSOLE.error_msg_tip
    oauth_url: Annotated[str, Field(max_length=2048, pattern=r"^(https?://\S+)?$")] = ""
    oauth_client_id: Annotated[str, Field(max_length=256)] = ""
    oauth_scope: Annotated[str, Field(max_length=256)] = ""


Url = Annotated[str, Field(max_length=2048, pattern=r"^https?://[^\s/?#]+(/[^\s?#]*)?$")]


class ProxySection(Section):
    """`linkis-mock proxy` only: where the real servers are, and how long to wait."""

    linkis_target: Url | None = None
    vias_target: Url | None = None
    timeout_s: Annotated[float, Field(gt=0, le=3600, allow_inf_nan=False)] = 30.0
    connect_timeout_s: Annotated[float, Field(gt=0, le=3600, allow_inf_nan=False)] = 5.0


class StateSection(Section):
    """Where `serve` keeps its state: a SQLite file, or a `postgresql://` URL that every
    replica names alike (`--state` wins over it)."""

    url: Text | None = None
    # PostgreSQL only: the longest wait for a connection, a statement or another
    # replica's unit before a request gets its 503.
    timeout_s: Annotated[float, Field(gt=0, le=3600, allow_inf_nan=False)] = 5.0


# RFC 6750's token68 characters: what an `Authorization: Bearer` header can carry.
AdminToken = Annotated[str, Field(min_length=1, max_length=512, pattern=r"^[A-Za-z0-9._~+/-]+=*$")]


class AdminSection(Section):
    """Who may use the admin plane: the holder of `token` (when set); with none set, a
    loopback mock's local callers, or anyone, beyond loopback, when `open`."""

    token: AdminToken | None = None
    open: bool = False


class RetentionSection(Section):
    jobs_per_group: Count = SIM.jobs_per_group
    log_lines_per_job: Count = SIM.log_lines_per_job
    history_jobs: Count = SIM.history_jobs


class ConfigFile(BaseSettings):
    """Every key the file (and the environment) may set."""

    model_config = SettingsConfigDict(
        extra="forbid",
        strict=True,
        frozen=True,
        env_prefix=ENV_PREFIX,
        env_nested_delimiter=ENV_NESTING,
    )

    server: ServerSection = ServerSection()
    auth: AuthSection = AuthSection()
    users: Annotated[list[UserEntry], Field(min_length=1, max_length=1000)] | None = None
    timings: TimingsSection = TimingsSection()
    engines: dict[Name, Text] = {}
    vias: ViasSection = ViasSection()
    cors: CorsSection = CorsSection()
    faults: Annotated[list[dict[str, Any]], Field(max_length=1000)] = []
    journal: JournalSection = JournalSection()
    limits: LimitsSection = LimitsSection()
    retention: RetentionSection = RetentionSection()
    roles: RolesSection = RolesSection()
    departments: Annotated[dict[Name, Text], Field(max_length=100_000)] = dict(DEFAULT_DEPARTMENTS)
    console: ConsoleSection = ConsoleSection()
    # Each user's global variables at start and after a reset: `[variables.<user>]`.
    variables: Annotated[dict[Name, UserVariables], Field(max_length=10_000)] = {}
    proxy: ProxySection = ProxySection()
    state: StateSection = StateSection()
    admin: AdminSection = AdminSection()

    @field_validator("users")
    @classmethod
    def _distinct_users(cls, users: list[UserEntry] | None) -> list[UserEntry] | None:
        names = [user.name for user in users or []]
        if len(set(names)) != len(names):
            raise ValueError("user names must be distinct")
        return users

    @field_validator("faults")
    @classmethod
    def _working_rules(cls, rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Each rule as `POST /__admin/faults` takes it: its schema, then its meaning."""
        for number, rule in enumerate(rules, start=1):
            problem = schema_problem(ADMIN_SPEC, "FaultRuleInput", rule)
            if problem is None:
                try:
                    rule_from(rule, f"f{number}")
                except FaultRuleError as exc:
                    problem = str(exc)
            if problem is not None:
                raise ValueError(f"rule {number}: {problem}")
        return rules


# ---- loading ----------------------------------------------------------------------------


def load_settings(
    config_file: Path | None = None,
    *,
    host: str | None = None,
    port: int | None = None,
    seed: int | None = None,
    proxy: dict[str, Any] | None = None,
    state: str | None = None,
    specs: Path | None = None,
    admin_token: str | None = None,
) -> Settings:
    """Command-line values win over the environment, the environment over the file.
    `proxy` (the proxy command's flags, by [proxy] key) asks for proxy mode."""
    data = _read_toml(config_file) if config_file else {}
    flags = {
        section: {key: value for key, value in given.items() if value is not None}
        for section, given in {
            "server": {
                "host": host,
                "port": port,
                "seed": seed,
                "specs": None if specs is None else str(specs),
            },
            "proxy": proxy or {},
            "state": {"url": state},
            "admin": {"token": admin_token},
        }.items()
    }
    flags = {section: given for section, given in flags.items() if given}
    # Each source whole, even what a later one replaces: the file, then the environment
    # over it, then the flags over both.
    stages: list[tuple[bool, dict[str, Any]]] = [(False, {}), (True, {}), (True, flags)]
    for environment, given in stages:
        try:
            config = _with_file(data, environment=environment)(**given)
        except ValidationError as exc:
            raise ConfigError(_one_line(exc, config_file, given)) from None
        except SettingsError as exc:  # a variable for a list or table that is not JSON
            raise ConfigError(_unparsed_variable(exc)) from None
    settings = _settings(config)
    if proxy is None:
        return settings
    return replace(settings, proxy=_upstreams(config.proxy))


def _upstreams(section: ProxySection) -> Upstreams:
    targets: dict[ProxiedApiName, str] = {}
    if section.linkis_target is not None:
        targets["linkis"] = section.linkis_target.rstrip("/")
    if section.vias_target is not None:
        targets["vias"] = section.vias_target.rstrip("/")
    if not targets:
        raise ConfigError("proxy: name a real server with --linkis-target or --vias-target")
    return Upstreams(targets, section.timeout_s, section.connect_timeout_s)


def _unparsed_variable(error: SettingsError) -> str:
    section = str(error).split('"')[1] if '"' in str(error) else ""
    prefix = ENV_PREFIX + section.upper()
    names = sorted(name for name in os.environ if name.startswith(prefix))
    where = ", ".join(names) or ENV_PREFIX + "*"
    return f"{where} (environment): a list or table is written as JSON ({error.__cause__})"


def _with_file(data: dict[str, Any], *, environment: bool = True) -> type[ConfigFile]:
    """ConfigFile reading `data` as its file: below the flags and the environment."""

    class FromFile(ConfigFile):
        @classmethod
        def settings_customise_sources(
            cls,
            settings_cls: type[BaseSettings],
            init_settings: PydanticBaseSettingsSource,
            env_settings: PydanticBaseSettingsSource,
            dotenv_settings: PydanticBaseSettingsSource,
            file_secret_settings: PydanticBaseSettingsSource,
        ) -> tuple[PydanticBaseSettingsSource, ...]:
            del dotenv_settings, file_secret_settings
            file_settings = InitSettingsSource(settings_cls, data)
            if not environment:
                return (file_settings,)
            return init_settings, env_settings, file_settings

    return FromFile


def _one_line(error: ValidationError, config_file: Path | None, flags: dict[str, Any]) -> str:
    """The first problem: which key, from where, what it should be, and what it is."""
    problem = error.errors(include_url=False)[0]
    location = list(problem["loc"])
    if len(location) == 2 and location[1] in flags.get(str(location[0]), {}):
        where = FLAGS.get((str(location[0]), str(location[1]))) or "--" + str(location[1]).replace(
            "_", "-"
        )
    elif (variable := _env_name(location)) is not None:
        where = f"{variable} (environment)"
    else:
        where = _key_name(location) + (f" in {config_file}" if config_file else "")
    if problem["type"] == "extra_forbidden":
        return f"{where}: unknown key (config.example.toml lists every key)"
    expected = problem["msg"][0].lower() + problem["msg"][1:]
    if problem["type"] in ("missing", "value_error"):  # the latter: a check of ours says why
        return f"{where}: {expected.removeprefix('value error, ')}"
    got = problem.get("input")
    shown = repr(got) if len(repr(got)) <= 80 else repr(got)[:77] + "..."
    return f"{where}: {expected}, got {shown} ({type(got).__name__})"


def _key_name(location: list[int | str]) -> str:
    """A location as a dotted key: `server.port`, `vias.timings.pending`, `users[1].name`."""
    name = ""
    for part in location:
        name += f"[{part}]" if isinstance(part, int) else f".{part}" if name else part
    return name


def _env_name(location: list[int | str]) -> str | None:
    """The environment variable that set the value at `location`, if one did."""
    names = [str(part) for part in location]
    for depth in range(len(names), 0, -1):
        name = ENV_PREFIX + ENV_NESTING.join(names[:depth]).upper()
        if name in os.environ:
            return name
    return None


def _roles(config: ConfigFile, accounts: tuple[Account, ...]) -> Roles:
    admins = frozenset(account.name for account in accounts if account.admin)
    roles = config.roles

    def chosen(names: list[str] | None) -> frozenset[str]:
        return admins if names is None else frozenset(names)

    return Roles(
        governance_admins=chosen(roles.governance_admins),
        history_admins=chosen(roles.history_admins),
        department_admins=chosen(roles.department_admins),
        departments=MappingProxyType(dict(config.departments)),
        result_limit_departments=frozenset(roles.result_limit_departments),
    )


def _settings(config: ConfigFile) -> Settings:
    server = config.server
    accounts = (
        tuple(Account(u.name, u.password, u.admin) for u in config.users)
        if config.users is not None
        else DEFAULT_ACCOUNTS
    )
    sim = SimSettings(
        instance=server.instance or f"{server.host}:{server.port}",
        seed=server.seed,
        accounts=accounts,
        tokens=tuple(config.auth.tokens),
        session_timeout_ms=config.auth.session_timeout_ms,
        enable_watermark=config.auth.enable_watermark,
        timings=Timings(**config.timings.model_dump()),
        engine_versions={**DEFAULT_ENGINE_VERSIONS, **config.engines},
        vias=ViasSettings(
            tokens=dict(config.vias.tokens),
            creator=config.vias.creator,
            repeat_action=config.vias.repeat_action,
            timings=ViasTimings(**config.vias.timings.model_dump()),
        ),
        jobs_per_group=config.retention.jobs_per_group,
        log_lines_per_job=config.retention.log_lines_per_job,
        history_jobs=config.retention.history_jobs,
        roles=_roles(config, accounts),
        console=ConsoleSettings(
            **(config.console.model_dump() | {"engine_types": tuple(config.console.engine_types)})
        ),
        variables=MappingProxyType(
            {user: MappingProxyType(dict(values)) for user, values in config.variables.items()}
        ),
    )
    return Settings(
        host=server.host,
        port=server.port,
        sim=sim,
        cors_origins=tuple(config.cors.origins),
        journal_capacity=config.journal.capacity,
        faults=tuple(dict(rule) for rule in config.faults),
        limits=Limits(**config.limits.model_dump()),
        fast_lane=server.fast_lane,
        state=config.state.url,
        state_timeout_s=config.state.timeout_s,
        specs=None if server.specs is None else Path(server.specs),
        admin=AdminAccess(
            token=config.admin.token, open=config.admin.open, loopback=is_loopback_name(server.host)
        ),
    )


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from exc
