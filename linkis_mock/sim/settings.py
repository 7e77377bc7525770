"""Plain settings of the simulator; `linkis_mock.config` fills them from TOML."""

from __future__ import annotations

from dataclasses import dataclass, field
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


DEFAULT_ACCOUNTS = (
    Account("hadoop", "hadoop", admin=True),
    Account("alice", "alice"),
    Account("bob", "bob"),
)

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

    @property
    def host(self) -> str:
        return self.instance.rsplit(":", 1)[0]

    @property
    def port(self) -> int:
        return int(self.instance.rsplit(":", 1)[1])
