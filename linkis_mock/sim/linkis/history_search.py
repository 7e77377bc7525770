"""Searching the job history as its mapper does: the filters of `jobhistory/list`,
`listundonetasks` and the job-list export, newest first, and PageHelper's paging
(docs/reference/linkis-console.md §0.4, §1, §3; JobHistoryMapper.xml:116-199)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from linkis_mock.sim.linkis.jobs import Job
from linkis_mock.sim.linkis.query_task import ENGINE_INSTANCE, job_metrics

DAY_MS = 24 * 3600 * 1000
# QueryUtils.scala:51-52: what creator, engine and instance filters may contain.
NAME = re.compile(r"^[a-zA-Z\-\d_\.]+$")
INSTANCE_NAME = re.compile(r"^[a-zA-Z\-\d_\.:]+$")
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class HistorySearch:
    """One search; None leaves a filter out."""

    start_ms: int
    end_ms: int
    owner: str | None = None  # submit_user
    department: str | None = None  # the submitter's department (a join: "" matches no one)
    statuses: frozenset[str] | None = None
    task_id: int | None = None
    engine: str | None = None
    creator: str | None = None
    instance: str | None = None
    engine_instance: str | None = None
    run_type: str | None = None

    def matches(self, job: Job, now: int, departments: Mapping[str, str]) -> bool:
        return (
            self._matches_record(job, departments)
            and self.start_ms <= job.created_ms <= self.end_ms
            and (self.statuses is None or job.state(now).value in self.statuses)
            and self._matches_engine_instance(job, now)
        )

    def _matches_record(self, job: Job, departments: Mapping[str, str]) -> bool:
        """The filters on what never changes after submit (checked first: cheap)."""
        if self.task_id is not None and job.ident.task_id != self.task_id:
            return False
        if self.owner is not None and job.submitted.submit_user != self.owner:
            return False
        if self.department is not None and not (
            self.department and departments.get(job.submitted.submit_user) == self.department
        ):
            return False
        if self.engine is not None and job.submitted.engine_type != self.engine:
            return False
        if self.instance is not None and job.ident.instance.lower() != self.instance.lower():
            return False
        return self._matches_labels(job)

    def _matches_labels(self, job: Job) -> bool:
        """The LIKE filters on the labels' JSON text: prefix matches of a value."""
        if self.creator is not None:
            user_creator = job.submitted.labels.get("userCreator")
            if user_creator is None:
                return False
            if self.owner is not None:  # searchWithUserCreator
                if not user_creator.startswith(f"{self.owner}-{self.creator}"):
                    return False
            elif f"-{self.creator}" not in user_creator:  # searchWithCreatorOnly
                return False
        if self.run_type is not None:
            code_type = job.submitted.labels.get("codeType")
            if code_type is None or not code_type.startswith(self.run_type):
                return False
        return True

    def _matches_engine_instance(self, job: Job, now: int) -> bool:
        if self.engine_instance is None:
            return True
        if not ENGINE_INSTANCE.startswith(self.engine_instance):
            return False  # no job could match: spare the metrics
        return str(job_metrics(job, now).get("engineInstance", "")).startswith(self.engine_instance)


def date_window(start_ms: int | None, end_ms: int | None, now: int) -> tuple[int, int]:
    """`jobhistory/list`'s window: from 0 to now by default, and a start equal to the end
    moves the end one day later (QueryRestfulApi.java:707-733)."""
    start = 0 if start_ms is None else start_ms
    end = now if end_ms is None else end_ms
    return start, end + DAY_MS if start == end else end


def undone_window(start_ms: int | None, end_ms: int | None, now: int) -> tuple[int, int]:
    """`listundonetasks`' window: a start of 0 or none means the end's last day."""
    end = now if end_ms is None else end_ms
    start = start_ms if start_ms else end - DAY_MS
    return start, end + DAY_MS if start == end else end


def status_set(status: str | None) -> frozenset[str] | None:
    """A comma list, exact and case-sensitive; blank means no filter."""
    if status is None or not status.strip():
        return None
    return frozenset(status.split(","))


def search(
    jobs: Iterable[Job], query: HistorySearch, now: int, departments: Mapping[str, str]
) -> list[Job]:
    """The matching jobs, newest first (`jobs` come newest first)."""
    return [job for job in jobs if query.matches(job, now, departments)]


@dataclass(frozen=True, slots=True)
class Page:
    number: int
    size: int


def page_of(rows: Sequence[T], page: Page) -> list[T]:
    """PageHelper with reasonable=true and pageSizeZero=true: a page below 1 reads page
    1, one past the end the last page; size 0 reads every row, a negative size none."""
    if page.size == 0:
        return list(rows)
    if page.size < 0:
        return []
    pages = max((len(rows) + page.size - 1) // page.size, 1)
    number = min(max(page.number, 1), pages)
    first = (number - 1) * page.size
    return list(rows[first : first + page.size])
