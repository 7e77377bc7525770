"""Plain settings of the simulator; `linkis_mock.config` fills them from TOML."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal


@dataclass(frozen=True, slots=True)
class Timings:
    """Seconds of simulated time a default job spends in each phase."""

    inited: float = 0.2
    queue: float = 0.8
    running: float = 2.0
    kill_delay: float = 1.0
    retry_wait: float = 1.0


@dataclass(frozen=True, slots=True)
class Account:
    name: str
    password: str
    admin: bool = False


# `admin` is the admin a default build of the web console can log in as: that build
# refuses names starting with hduser, shduser or hadoop (linkis-web login/index.vue).
DEFAULT_ACCOUNTS = (
    Account("hadoop", "hadoop", admin=True),
    Account("admin", "admin", admin=True),
    Account("alice", "alice"),
    Account("bob", "bob"),
)
DEFAULT_ADMINS = frozenset(a.name for a in DEFAULT_ACCOUNTS if a.admin)
DEFAULT_DEPARTMENTS = {"hadoop": "linkis", "admin": "linkis", "alice": "linkis", "bob": "analytics"}


@dataclass(frozen=True, slots=True)
class Roles:
    """Who the job history treats as which kind of admin, and each user's department
    (docs/reference/linkis-console.md §0.3). Names are compared case-insensitively."""

    governance_admins: frozenset[str] = DEFAULT_ADMINS  # G: wds.linkis.governance.station.admin
    history_admins: frozenset[str] = DEFAULT_ADMINS  # H is G and these: wds.linkis.jobhistory.admin
    department_admins: frozenset[str] = DEFAULT_ADMINS  # D: wds.linkis.jobhistory.department.admin
    departments: Mapping[str, str] = field(
        default_factory=lambda: MappingProxyType(dict(DEFAULT_DEPARTMENTS))
    )
    # Departments whose users may not see result sets in the console (canResultSet false).
    result_limit_departments: frozenset[str] = frozenset()

    def is_governance_admin(self, user: str) -> bool:
        return _member(user, self.governance_admins)

    def is_history_admin(self, user: str) -> bool:
        return self.is_governance_admin(user) or _member(user, self.history_admins)

    def is_department_admin(self, user: str) -> bool:
        return _member(user, self.department_admins)

    def department_of(self, user: str) -> str:
        """The user's department; "" without one, as the real lookup answers."""
        return self.departments.get(user, "")

    def can_see_result_sets(self, user: str) -> bool:
        """`canResultSet`: the real check splits an empty list into [""], so a user
        without a department gets false (Configuration.scala:196-199)."""
        limited = self.result_limit_departments or frozenset({""})
        return not _member(self.department_of(user), limited)


def _member(name: str, names: frozenset[str]) -> bool:
    return any(name.lower() == member.lower() for member in names)


DEFAULT_ENGINE_TYPES = (
    "spark", "hive", "hbase", "python", "repl", "doris", "shell", "jdbc", "io_file", "io_hdfs",
    "fps", "pipeline", "presto", "nebula", "flink", "appconn", "sqoop", "datax", "openlookeng",
    "trino", "elasticsearch", "seatunnel", "impala", "jobserver",
)  # fmt: skip
DEFAULT_ERROR_MSG_TIP = (
    "The request interface %s is abnormal. You can try to troubleshoot common problems in "
    "the knowledge base document"
)


@dataclass(frozen=True, slots=True)
class ConsoleSettings:
    """What the gateway and the public services tell the web console
    (docs/reference/linkis-console.md §8-10)."""

    engine_types: tuple[str, ...] = DEFAULT_ENGINE_TYPES  # wds.linkis.configuration.engine.type
    result_set_export_enable: bool = True  # linkis.web.result.set.export.enable
    cluster_name: str = ""  # linkis.cluster.name
    engine_log_only_admin: bool = False  # linkis.engine.log.only.admin
    error_msg_tip: str = DEFAULT_ERROR_MSG_TIP  # linkis.jobhistory.error.msg.tip
    # OAuth is off unless a URL is set (wds.linkis.gateway.conf.enable.oauth.auth).
    oauth_url: str = ""
    oauth_client_id: str = ""
    oauth_scope: str = ""


DEFAULT_ENGINE_VERSIONS = {
    "spark": "2.4.3",
    "hive": "2.3.3",
    "python": "python2",
    "shell": "1",
    "jdbc": "4",
    "presto": "0.234",
    "trino": "371",
    "flink": "1.12.2",
}


@dataclass(frozen=True, slots=True)
class ViasTimings:
    """Seconds of simulated time spent in each transient state."""

    pending: float = 1.0
    starting: float = 1.0
    stopping: float = 1.0


DEFAULT_VIAS_TOKENS = {
    "vias-dev-token": "0123456789abcdef0123456789abcdef",
    "vias-other-token": "fedcba9876543210fedcba9876543210",
}


@dataclass(frozen=True, slots=True)
class ViasSettings:
    tokens: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_VIAS_TOKENS))
    creator: str = "vias-user"
    # A start on a running task, or a stop on a stopped one: "ok" answers 200 and
    # changes nothing; "error" answers 400 VIAS.00010004.
    repeat_action: Literal["ok", "error"] = "ok"
    timings: ViasTimings = field(default_factory=ViasTimings)


@dataclass(frozen=True, slots=True)
class SimSettings:
    instance: str = "127.0.0.1:8080"
    seed: int = 0
    accounts: tuple[Account, ...] = DEFAULT_ACCOUNTS
    tokens: tuple[str, ...] = ("LINKIS-AUTH",)
    session_timeout_ms: int = 3_600_000
    enable_watermark: bool = True
    timings: Timings = field(default_factory=Timings)
    engine_versions: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_ENGINE_VERSIONS))
    max_running_jobs_per_creator_ec: int = 10_000
    result_root: str = "hdfs:///tmp/linkis"
    # The entrance keeps this many jobs per creator_user_engineType group (its queue).
    jobs_per_group: int = 1000
    # Job history keeps this many jobs; the oldest is forgotten (everywhere) beyond it.
    history_jobs: int = 100_000
    # A job's log holds at most this many engine lines (`--@mock log_lines=N` is refused above it).
    log_lines_per_job: int = 100_000
    vias: ViasSettings = field(default_factory=ViasSettings)
    roles: Roles = field(default_factory=Roles)
    console: ConsoleSettings = field(default_factory=ConsoleSettings)
    # Each user's global variables at start and after a reset ([variables.<user>]).
    variables: Mapping[str, Mapping[str, str]] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def host(self) -> str:
        return self.instance.rsplit(":", 1)[0]

    @property
    def port(self) -> int:
        return int(self.instance.rsplit(":", 1)[1])
