"""Building a VIAS task of the scenario from what was recorded of it."""

from __future__ import annotations

from typing import cast

from linkis_mock.api_types import vias_task as vias_api
from linkis_mock.proxy.recording import caps
from linkis_mock.proxy.recording.jobs import placed
from linkis_mock.proxy.recording.records import OBSERVED, TaskRecord
from linkis_mock.sim.vias.tasks import ViasTask

# ---- building a VIAS task ---------------------------------------------------------------------


def build_task(record: TaskRecord, sequence: int) -> tuple[ViasTask | None, list[str]]:
    notes: list[str] = []
    moves = placed(record.states.merged(OBSERVED))
    if not moves:
        return None, [*notes, "no state seen: not in the scenario"]
    if record.spec is None:
        notes.append("its definition was not seen: it replays without one")
    if not record.service_name:
        notes.append("its service name was not seen")
    if record.deleted_at is not None:
        notes.append("it was deleted: a snapshot cannot take a task away, it stays DELETING")
    if record.states.full:
        notes.append(f"more than {caps.MAX_CHANGES} state changes: later ones are not kept")
    created = record.created_ms if record.created_ms is not None else moves[0][0]
    states = [state for _, state in moves]
    task = ViasTask(
        record.id,
        record.project_id,
        record.service_name or "",
        dict(record.spec or {}),
        created,
        record.edited_ms or created,
        sequence,
        [at for at, _ in moves],
        cast("list[vias_api.TaskState]", states),
    )
    return task, notes[: caps.MAX_NOTES]
