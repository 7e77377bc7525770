"""Reading the real servers' replies: envelopes, ids, states, logs, progress, results."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from linkis_mock.proxy.recording import caps
from linkis_mock.proxy.recording.records import (
    JobRecord,
    Point,
    Result,
    Seen,
    StageInfo,
    Submitted,
    Unmapped,
)
from linkis_mock.sim.linkis.jobs import JobState

LEVELS = ("ERROR", "WARN", "INFO")  # the 4-element log array's first three slots
LINE_LEVEL = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}\s+(?:SYSTEM-)?(ERROR|WARN)\b")
INTEGER = re.compile(r"-?[0-9]{1,18}")
PROGRESS_TOLERANCE = 1e-9
STAGE_COUNTS = ("succeedTasks", "failedTasks", "runningTasks", "totalTasks")


# ---- reading replies ------------------------------------------------------------------------


def envelope(seen: Seen) -> dict[str, Any]:
    """The data of a successful Linkis envelope (Unmapped for anything else)."""
    if seen.exchange.reply_truncated:
        raise Unmapped("reply cut (longer than the proxy keeps)")
    body = seen.reply
    if not isinstance(body, dict) or "status" not in body:
        raise Unmapped("reply is not a Linkis envelope")
    if body["status"] != 0:
        message = str(body.get("message") or "")[:120]
        raise Unmapped(f"error reply (status {body['status']}): {message}")
    data = body.get("data")
    if not isinstance(data, dict):
        raise Unmapped("envelope without a data object")
    return data


def vias_reply(seen: Seen) -> Any:
    """The body of a successful VIAS reply (Unmapped for an error)."""
    status = seen.exchange.status
    if not 200 <= status < 300:
        code = as_dict(seen.reply).get("error_code")
        raise Unmapped(f"error reply (HTTP {status} {code})" if code else f"error reply ({status})")
    if seen.exchange.reply_truncated:
        raise Unmapped("reply cut (longer than the proxy keeps)")
    return seen.reply


def text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def integer(value: Any) -> int | None:
    """An integer, or a decimal string of one (Linkis sends taskIDs both ways)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and INTEGER.fullmatch(value.strip()):
        return int(value)
    return None


def as_progress(value: Any) -> float | None:
    """A progress from 0 to 1: a number, or job history's decimal string ("0.5")."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if 0 <= number <= 1 else None


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def job_state(value: Any) -> JobState:
    try:
        return JobState(value)
    except (ValueError, TypeError):
        raise Unmapped(f"status {value!r} is not a Linkis job state") from None


def stage_info(value: Any) -> StageInfo | None:
    """progressInfo as (id, succeed, failed, running, total) per stage; None if odd."""
    if not isinstance(value, list):
        return None
    stages = []
    for item in map(as_dict, value):
        counts = [integer(item.get(key)) for key in STAGE_COUNTS]
        succeed, failed, running, total = (c if c is not None else -1 for c in counts)
        stages.append((str(item.get("id")), succeed, failed, running, total))
    return tuple(stages)


def add_point(job: JobRecord, point: Point) -> None:
    """A progress value; a repeat of the last one (or job history's rounding of it) in
    the same state only makes it last longer."""
    point.state = job.states.latest()
    last = job.points[-1] if job.points else None
    if last is not None and last.state == point.state and _repeats(last, point):
        last.last = max(last.last, point.at)
        return
    if len(job.points) >= caps.MAX_CHANGES:
        job.note(f"more than {caps.MAX_CHANGES} progress values: later ones are not kept")
        return
    job.points.append(point)


def _repeats(last: Point, new: Point) -> bool:
    if last.precise == new.precise:
        return last.value == new.value and last.info == new.info
    if last.precise:  # job history's 2 decimals of the entrance's value
        return abs(round(last.value, 2) - new.value) <= PROGRESS_TOLERANCE
    return False


def log_lines(value: Any) -> list[tuple[str, str]]:
    """The lines a log reply shows, each with its level."""
    if value is None:
        return []
    if isinstance(value, str):
        return [(line, _level_of(line)) for line in value.split("\n") if line.strip()]
    if isinstance(value, list) and len(value) == 4 and all(isinstance(v, str) for v in value):
        return _leveled(value)
    raise Unmapped("log is neither the 4-element array nor a string")


def _leveled(parts: list[str]) -> list[tuple[str, str]]:
    """The ALL slot's lines, each with the level of the slot it is also in."""
    slots = [part.split("\n") if part else [] for part in parts[:3]]
    heads = [0, 0, 0]
    lines = []
    for line in parts[3].split("\n") if parts[3] else []:
        level = "INFO"
        for slot, name in enumerate(LEVELS):
            if heads[slot] < len(slots[slot]) and slots[slot][heads[slot]] == line:
                heads[slot] += 1
                level = name
                break
        if line.strip():
            lines.append((line, level))
    return lines


def _level_of(line: str) -> str:
    """A line's level by its `<timestamp> LEVEL` header (INFO without one)."""
    match = LINE_LEVEL.match(line)
    return match.group(1) if match else "INFO"


def submitted(body: dict[str, Any], at: int, caller: str | None) -> Submitted:
    """What a submit (current format) or execute (legacy) body asked for."""
    labels = {str(k): str(v) for k, v in as_dict(body.get("labels")).items()}
    if "executionContent" in body:
        content = as_dict(body["executionContent"])
        code, run_type = content.get("code"), content.get("runType") or labels.get("codeType")
        engine, creator = text(labels.get("engineType")), None
    else:
        code, run_type = body.get("executionCode"), body.get("runType") or "sql"
        engine = text(body.get("executeApplicationName"))
        creator = text(body.get("requestApplicationName")) or "IDE"
    label_user, _, label_creator = labels.get("userCreator", "").partition("-")
    return Submitted(
        at=at,
        code=str(code) if code is not None else None,
        run_type=text(run_type),
        labels=labels,
        params=as_dict(body.get("params")),
        source=as_dict(body.get("source")),
        engine=engine,
        creator=label_creator or creator,
        label_user=label_user or None,
        caller=caller,
    )


def as_columns(metadata: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(metadata, list):
        raise Unmapped("result page whose metadata is not a list of columns")
    columns = []
    for item in map(as_dict, metadata):
        name = text(item.get("columnName"))
        if name is None:
            raise Unmapped("result column without a name")
        columns.append((name, text(item.get("dataType")) or "string"))
    return tuple(columns)


def add_page(
    result: Result, columns: tuple[tuple[str, str], ...], rows: list[Any], first: int
) -> None:
    if result.columns is not None and result.columns != columns:
        raise Unmapped("result pages disagree on the columns")
    result.columns = columns
    for offset, row in enumerate(rows):
        if len(result.rows) < caps.MAX_RESULT_ROWS or first + offset in result.rows:
            result.rows[first + offset] = list(row)
    result.count = max(result.count, first + len(rows))


def iso_ms(value: Any) -> int | None:
    """Epoch ms of an ISO 8601 instant (UTC when it names no zone)."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return round(moment.timestamp() * 1000)


def short_parts(short: str) -> tuple[str, str, str, int] | None:
    """(creator, user, engine, index) of a short execID `<creator>_<user>_<engine>_<n>`."""
    parts = short.split("_")
    if len(parts) < 4 or not parts[-1].isascii() or not parts[-1].isdigit():
        return None
    return parts[0], "_".join(parts[1:-2]), parts[-2], int(parts[-1])


def instance_of(exec_id: str) -> str | None:
    """The entrance instance an execID names (the current layout only)."""
    body = exec_id.removeprefix("exec_id")
    app, instance = integer(body[:3]), integer(body[3:6])
    if body == exec_id or app is None or instance is None or app < 0 or instance < 0:
        return None
    return body[6 + app : 6 + app + instance] or None


def rel(at: int, start: int) -> str:
    return f"+{(at - start) / 1000:.3f}s"
