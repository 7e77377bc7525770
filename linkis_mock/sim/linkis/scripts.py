"""What a job's code makes it do.

A submitted script may carry `--@mock key=value ...` lines (`#@mock` in Python
or shell code). They steer the simulated run; everything they leave open is
drawn from a random generator seeded by the server seed and the code, so the
same code and seed always give the same run and the same result.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import random
import re
import shlex
from dataclasses import dataclass
from enum import StrEnum

from linkis_mock.sim.settings import Timings

DIRECTIVE = re.compile(r"^\s*(?:--|#)\s*@mock\b(?P<args>.*)$")
COMMENT = re.compile(r"^\s*(?:--|#|//)")
ASCII_DIGITS = re.compile(r"[0-9]+")
MAX_ROWS = 1_000_000
MAX_SECONDS = 7 * 24 * 3600.0
MAX_RETRIES = 2
# A job's log holds at most this many engine lines unless [retention] says otherwise.
DEFAULT_MAX_LOG_LINES = 100_000


class Outcome(StrEnum):
    SUCCEED = "Succeed"
    FAILED = "Failed"
    CANCELLED = "Cancelled"
    TIMEOUT = "Timeout"


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    data_type: str


@dataclass(frozen=True, slots=True)
class Script:
    outcome: Outcome
    queue_s: float
    running_s: float
    rows: int
    error: str
    retries: int
    stage_tasks: tuple[int, ...]
    columns: tuple[Column, ...]
    directive_problem: str | None = None
    # Extra engine lines the run writes to its log (`--@mock log_lines=N`).
    log_lines: int = 0
    # What the diagnosis tab shows (`--@mock diagnosis="..."`); None: a summary of the run.
    diagnosis: str | None = None
    # Literal result rows from the first on, as a proxy recording saw them; rows past
    # these are generated.
    rows_data: tuple[tuple[str, ...], ...] = ()
    # What seeds the generated rows when it is not the job's code and seed (code_digest):
    # a recording's or an older state file's. None for the scripts the mock builds, so
    # that jobs whose code differs share one script (about 250 bytes a job).
    digest: str | None = None

    def row(self, index: int, digest: str) -> list[str]:
        """Row `index` of the result set, computed on demand (results can be large);
        `digest`: the job's (Job.digest)."""
        if index < len(self.rows_data):
            return list(self.rows_data[index])
        rng = random.Random(f"{digest}:row:{index}")
        values: list[str] = []
        for column in self.columns:
            if column.data_type == "int":
                values.append(str(index + 1))
            elif column.data_type == "double":
                values.append(f"{rng.uniform(0, 1000):.2f}")
            else:
                values.append(f"{column.name}{index + 1}")
        return values


DEFAULT_COLUMNS = (Column("id", "int"), Column("name", "string"), Column("score", "double"))
DEFAULT_ERROR = (
    "Simulated engine failure: org.apache.spark.sql.AnalysisException: "
    "Table or view not found: mock_table"
)


class DirectiveError(ValueError):
    pass


def parse_directives(code: str) -> dict[str, str]:
    """All `@mock` key=value pairs in the code; later lines override earlier ones."""
    found: dict[str, str] = {}
    for line in code.splitlines():
        match = DIRECTIVE.match(line)
        if not match:
            continue
        try:
            words = shlex.split(match.group("args"), comments=False, posix=True)
        except ValueError as exc:
            raise DirectiveError(f"cannot read '{line.strip()}': {exc}") from exc
        for word in words:
            key, sep, value = word.partition("=")
            if not sep or not key:
                raise DirectiveError(f"expected key=value, got '{word}'")
            found[key] = value
    return found


def is_effectively_empty(code: str) -> bool:
    """True when only blank lines and comments (no directive) remain, as after preprocessing."""
    meaningful = [line for line in code.splitlines() if line.strip()]
    if any(DIRECTIVE.match(line) for line in meaningful):
        return False
    return all(COMMENT.match(line) for line in meaningful)


@functools.lru_cache(maxsize=1024)
def build_script(
    code: str,
    seed: int,
    timings: Timings,
    max_log_lines: int = DEFAULT_MAX_LOG_LINES,
    runs: str | None = None,
) -> Script:
    """Cached: jobs with the same code share their (immutable) script. The directives are
    read from the code as submitted; the result's columns from `runs`, the code the
    engine runs (after the entrance's interceptors), when given."""
    rng = random.Random(code_digest(seed, code))
    stage_tasks = shared_stage_tasks(tuple(rng.randint(2, 8) for _ in range(rng.randint(1, 3))))
    default_rows = rng.randint(3, 10)
    columns = _columns_of(code if runs is None else runs)
    try:
        return shared_script(
            _apply_directives(
                parse_directives(code),
                stage_tasks=stage_tasks,
                default_rows=default_rows,
                columns=columns,
                timings=timings,
                max_log_lines=max_log_lines,
            )
        )
    except DirectiveError as exc:
        return Script(
            outcome=Outcome.FAILED,
            queue_s=timings.queue,
            running_s=timings.running,
            rows=0,
            error=f"Invalid @mock directive: {exc}",
            retries=0,
            stage_tasks=stage_tasks,
            columns=columns,
            directive_problem=str(exc),
        )


def code_digest(seed: int, code: str) -> str:
    """What seeds a job's run and its result rows: the server's seed and the code."""
    return hashlib.sha256(f"{seed}\x00{code}".encode()).hexdigest()


@functools.lru_cache(maxsize=4096)
def shared_script(script: Script) -> Script:
    """The one object of an equal script: jobs whose code differs mostly run alike (a
    `select n` draws one of a few hundred scripts). A snapshot may bring any, hence a
    bound: past it an equal script may be held twice."""
    return script


@functools.lru_cache(maxsize=1024)
def shared_stage_tasks(stage_tasks: tuple[int, ...]) -> tuple[int, ...]:
    """One tuple of each stage layout, shared by the scripts that have it (56 bytes a
    distinct code): a script draws one of 399; a snapshot may bring any, hence a bound."""
    return stage_tasks


@functools.lru_cache(maxsize=1024)
def limited(script: Script, rows: int) -> Script:
    """The script of a job whose result is cut to `rows` (the IDE's SQL limit), as the
    engine would cut it."""
    return script if script.rows <= rows else dataclasses.replace(script, rows=rows)


def _apply_directives(
    directives: dict[str, str],
    *,
    stage_tasks: tuple[int, ...],
    default_rows: int,
    columns: tuple[Column, ...],
    timings: Timings,
    max_log_lines: int,
) -> Script:
    known = {"outcome", "duration", "queue", "rows", "error", "retry", "log_lines", "diagnosis"}
    unknown = sorted(set(directives) - known)
    if unknown:
        raise DirectiveError(f"unknown key(s) {', '.join(unknown)}")
    outcome_text = directives.get("outcome", Outcome.SUCCEED.value)
    try:
        outcome = Outcome(outcome_text)
    except ValueError:
        allowed = ", ".join(o.value for o in Outcome)
        raise DirectiveError(f"outcome must be one of {allowed}, got '{outcome_text}'") from None
    return Script(
        outcome=outcome,
        queue_s=_seconds(directives, "queue", timings.queue),
        running_s=_seconds(directives, "duration", timings.running),
        rows=_bounded_int(directives, "rows", default_rows, MAX_ROWS),
        error=directives.get("error") or DEFAULT_ERROR,
        retries=_bounded_int(directives, "retry", 0, MAX_RETRIES),
        stage_tasks=stage_tasks,
        columns=columns,
        log_lines=_bounded_int(directives, "log_lines", 0, max_log_lines),
        diagnosis=directives.get("diagnosis"),
    )


def _seconds(directives: dict[str, str], key: str, default: float) -> float:
    if key not in directives:
        return default
    try:
        value = float(directives[key])
    except ValueError:
        raise DirectiveError(
            f"{key} must be a number of seconds, got '{directives[key]}'"
        ) from None
    if not 0 <= value <= MAX_SECONDS:
        raise DirectiveError(f"{key} must be between 0 and {MAX_SECONDS:g} seconds")
    return value


def _bounded_int(directives: dict[str, str], key: str, default: int, maximum: int) -> int:
    if key not in directives:
        return default
    text = directives[key]
    if not ASCII_DIGITS.fullmatch(text) or int(text) > maximum:
        raise DirectiveError(f"{key} must be a whole number from 0 to {maximum}, got '{text}'")
    return int(text)


SELECT_LIST = re.compile(r"^\s*select\s+(?P<cols>.+?)\s+from\b", re.IGNORECASE | re.DOTALL)
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _columns_of(code: str) -> tuple[Column, ...]:
    """Column names of a plain `select a, b from ...`; the default columns otherwise."""
    body = "\n".join(line for line in code.splitlines() if not COMMENT.match(line))
    match = SELECT_LIST.search(body)
    if not match:
        return DEFAULT_COLUMNS
    names = []
    for part in match.group("cols").split(","):
        name = part.strip().split()[-1] if part.strip() else ""
        name = name.split(".")[-1]
        if not IDENTIFIER.match(name):
            return DEFAULT_COLUMNS
        names.append(name)
    return tuple(
        Column(name, "int" if index == 0 else "string") for index, name in enumerate(names)
    )
