"""Plain settings of the simulator; `linkis_mock.config` fills them from TOML."""

from __future__ import annotations

from dataclasses import dataclass, field


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

    @property
    def host(self) -> str:
        return self.instance.rsplit(":", 1)[0]

    @property
    def port(self) -> int:
        return int(self.instance.rsplit(":", 1)[1])
