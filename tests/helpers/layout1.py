"""A job's row as a state file of layout 1 held it (the mock before job_rows.py wrote it):
the snapshot's object, with the plan of a job nothing changed instead of its timeline,
and its common log lines by number. Tests write such rows to check they are still read."""

from __future__ import annotations

from typing import Any

from linkis_mock.sim.linkis.jobs import Job
from linkis_mock.sim.storage.snapshot import job_to_json, lines_to_json, plan_to_json


def layout_1_row(job: Job, held: bool) -> dict[str, Any]:
    data = job_to_json(job, held)
    if job.intake is not None:
        data["intake"] = {"code": job.intake.code, "log": lines_to_json(job.intake.log)}
    if job.plan is not None and job.kept_timeline is None:
        del data["timeline"]
        data["plan"] = plan_to_json(job.plan)
    return data
