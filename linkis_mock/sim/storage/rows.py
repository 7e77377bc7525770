"""The simulator's state in database rows, shared by every process that serves it: what
the SQLite file (`sqlite.py`) and PostgreSQL (`postgres.py`) backends have in common.

Each process keeps the whole state in memory, as without a database, and the database
is the meeting point:

- A request that changes state runs as one unit: run the operation, save what it
  changed (the simulator's `Changes`), commit; the reply is sent after the commit, so
  an answered submission survives `kill -9`. How units of several processes keep out
  of each other's way is each database's own: SQLite runs them one at a time (an
  exclusive transaction that first takes in what others saved); PostgreSQL lets them
  run side by side and refuses, at commit, one whose rows another changed meanwhile
  (postgres.py).
- A request that only reads takes in what other processes saved, which costs one
  cheap check when nothing did (each database has its own).

Rows carry the `seq` of the commit that wrote them, so a process reads only rows newer
than the last it saw. A commit moves the `seq` meta row first (NEXT_SEQ), and its rows
take the new value in the database (UNIT_SEQ): commits are numbered in the order they
happen, however many processes make them.

Jobs history forgot, deleted tasks and ended sessions stay as rows without a body. A
reset or a restored snapshot replaces everything and starts a new `epoch`, which makes
every other process load the state afresh. Tasks and sessions are stored in the
snapshot's JSON shapes; jobs as job_rows.py writes them, so that a restart builds what
jobs have in common once.

The layout has a version (the `schema` meta row). A mock whose layout is newer
migrates an older database at start, one step per version (MIGRATIONS), under the
opening's lock, so that one replica migrates and the others wait; the step starts a new
epoch, so that replicas still running an older mock notice at their next look and
refuse to go on with a layout they do not know. A database newer than the mock is
refused.

The SQL here is what SQLite and PostgreSQL both read, with `?` placeholders.
"""

from __future__ import annotations

import gc
import secrets
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from linkis_mock.sim.linkis.jobs import Job
from linkis_mock.sim.storage.backend import StorageError, StorageUnavailableError
from linkis_mock.sim.storage.job_rows import JobRowReader, job_row
from linkis_mock.sim.storage.job_store import JobStore
from linkis_mock.sim.storage.row_json import parsed as _parsed
from linkis_mock.sim.storage.row_json import text as _text
from linkis_mock.sim.storage.session_store import Session
from linkis_mock.sim.storage.snapshot import (
    task_from_json,
    task_to_json,
)
from linkis_mock.sim.storage.stores import Stores
from linkis_mock.sim.storage.variable_store import variables_from_json, variables_to_json

# Version 2: job rows as job_rows.py writes them (version 1 wrote the snapshot's objects).
SCHEMA_VERSION = 2
DOCUMENT = "document:"  # the meta rows of the shared documents (storage/documents.py)
Row = Sequence[Any]
# version -> the step that brings a database from the version before it to this one
# (SQL both databases read, through RowBackend._execute).
Migration = Callable[["RowBackend"], None]
# Rows a migration rewrites at a time.
MIGRATION_BATCH = 1000


def rewrite_job_rows(backend: RowBackend) -> None:
    """Every job's row as job_rows.py writes it, a batch at a time (its seq stays: every
    process loads afresh after a migration anyway)."""
    reader = JobRowReader(JobStore())
    last = -(2**63)
    while True:
        rows = list(
            backend._execute(
                "SELECT task_id, body FROM jobs WHERE task_id > ? AND body IS NOT NULL"
                " ORDER BY task_id LIMIT ?",
                (last, MIGRATION_BATCH),
            )
        )
        if not rows:
            return
        backend._execute_many(
            "UPDATE jobs SET body = ? WHERE task_id = ?",
            [(_text(job_row(reader.job(_parsed(body)))), task_id) for task_id, body in rows],
        )
        last = rows[-1][0]


MIGRATIONS: dict[int, Migration] = {2: rewrite_job_rows}


class RowBackend(ABC):
    """A storage backend (linkis_mock.sim.storage.backend) on a database's rows; a
    subclass gives the connection, its transactions and its cheap change check."""

    def __init__(self, name: str, stores: Stores) -> None:
        """`name`: the database as messages name it (a path, a URL without password)."""
        self.name = name
        self._stores = stores
        self._job_rows = JobRowReader(stores.jobs)
        self._epoch = ""
        self._seq = 0
        self._clock_text = ""
        self._variables_text = ""
        self._in_unit = False
        # A unit that failed may have changed the memory and not the database: the next
        # look takes the database's state whole.
        self._must_reload = False
        # Whether each unit saves the id counters in their meta row; a database that
        # hands out taskIDs itself has them follow the rows instead (JobStore.put).
        self.counters_in_row = True
        # The layout this mock writes, and the steps to it (a test may give a newer one).
        self.schema_version = SCHEMA_VERSION
        self.migrations: dict[int, Migration] = dict(MIGRATIONS)

    # ---- what each database does its own way ---------------------------------------------

    @abstractmethod
    def _execute(self, sql: str, params: Row = ()) -> Iterable[Row]:
        """Run one statement; its rows, if it has any."""

    @abstractmethod
    def _execute_many(self, sql: str, rows: Iterable[Row]) -> None: ...

    @contextmanager
    def _stream(self, sql: str, params: Row = ()) -> Iterator[Iterable[Row]]:
        """Run one query inside a transaction; its rows, a few at a time where the
        database can (a restart reads every job: held at once, they would double its
        memory). Done with when the block ends, however it ends."""
        yield self._execute(sql, params)

    @abstractmethod
    def _create_schema(self) -> None:
        """The tables, if they are not there yet (inside the exclusive transaction)."""

    @abstractmethod
    def _begin_exclusive(self) -> None:
        """A transaction no other process's exclusive one runs beside."""

    @abstractmethod
    def _begin_snapshot(self) -> None:
        """A read transaction whose statements all see one committed state."""

    def _execute_batch(self, statements: Sequence[tuple[str, Row]]) -> list[list[Row]]:
        """The rows of each statement, in order; a database across a network sends them
        all before it waits for the first answer."""
        return [list(self._execute(sql, params)) for sql, params in statements]

    @abstractmethod
    def _in_transaction(self) -> bool: ...

    @abstractmethod
    def _commit(self) -> None: ...

    @abstractmethod
    def _rollback(self) -> None: ...

    @abstractmethod
    def _others_committed(self) -> bool:
        """Whether another process may have committed since this one last looked: cheap,
        since every request asks."""

    @abstractmethod
    def _release(self) -> None:
        """Let go of the connection (after what close saved)."""

    # ---- opening and closing -------------------------------------------------------------

    def open(self) -> bool:
        """Load the database's state into the simulator, or save the simulator's state into
        a new database. True when it already held state (a restart continues from it)."""
        self._begin_exclusive()
        try:
            existed = self._open_locked()
            self._commit()
        except BaseException:
            self._rollback()
            raise
        if existed:
            self._load_opened()
        self._stores.changes.clear()
        self._stores.changes.recording = True
        return existed

    def _open_locked(self) -> bool:
        self._create_schema()
        if self._meta("schema") is None:
            self._meta_set("schema", str(self.schema_version))
            self._save_everything()
            return False
        self._migrate(self._schema_version())
        return True

    def _load_opened(self) -> None:
        """An existing database's state, read as one snapshot after the opening's lock is
        let go (what others commit meanwhile is in it, or newer than its seq)."""
        self._must_reload = True
        try:
            with _collector_paused():
                self._take_in()
        except (ValueError, KeyError, TypeError) as exc:  # JSONDecodeError is a ValueError
            raise StorageError(f"{self.name} holds a row this mock cannot read: {exc!r}") from exc

    def _schema_version(self) -> int:
        """The database's layout version, if this mock can read it."""
        text = self._meta("schema") or ""
        if not text.isdigit():
            raise StorageError(f"{self.name} holds no state version this mock knows: {text!r}")
        version = int(text)
        if version > self.schema_version:
            raise StorageError(
                f"{self.name} holds state version {version}, newer than this mock's"
                f" {self.schema_version}: serve it with a newer linkis-mock"
            )
        return version

    def _check_still_readable(self) -> None:
        """A newer mock on another replica may have migrated the layout while this one
        served: then each request is a 503 that says so, and nothing is read."""
        try:
            self._schema_version()
        except StorageError as exc:
            self._must_reload = True
            raise StorageUnavailableError(str(exc)) from exc

    def _migrate(self, version: int) -> None:
        """Bring the layout from `version` to this mock's, one step at a time."""
        if version == self.schema_version:
            return
        for step in range(version + 1, self.schema_version + 1):
            if step not in self.migrations:
                raise StorageError(f"{self.name} holds state version {version}, too old to migrate")
            self.migrations[step](self)
            self._meta_set("schema", str(step))
        # A new epoch: every replica loads afresh, and one on an older mock stops there.
        self._seq = int(self._meta("seq") or 0)
        self._meta_set("epoch", secrets.token_hex(8))
        self._next_seq()

    def close(self) -> None:
        """Save what is still pending (sliding sessions), and let go of the database."""
        if self._stores.changes.pending:
            with self.unit(writes=True):
                pass
        self._release()

    # ---- units of work ------------------------------------------------------------------

    @contextmanager
    def unit(self, writes: bool, *, grouped: bool = False) -> Iterator[None]:
        """One operation against the shared state; see the module docstring. Grouped or
        not, a unit here is saved before the block ends; PostgreSQL groups."""
        del grouped
        if self._in_unit:
            raise RuntimeError("state units do not nest")
        self._in_unit = True
        try:
            if writes:
                self._begin()
            # A read does not look again: the request's catch_up came first (StorageSync),
            # and a second look would cost PostgreSQL a round trip per poll.
            try:
                yield
            finally:
                if not writes and self._stores.changes.pending:
                    self._begin()
                    writes = True
                if writes:
                    self._save_and_commit()
        finally:
            self._in_unit = False

    def refresh(self) -> None:
        """Take in what other processes saved since this one last looked."""
        if self._others_committed() or self._must_reload:
            self._take_in()

    async def catch_up(self) -> None:
        """The request's look (a database whose check is a round trip shares it)."""
        self.refresh()

    async def committed(self) -> None:  # noqa: B027  # a database that groups overrides it
        """Units here are saved as their blocks end: nothing to wait for."""

    def _take_in(self) -> None:
        """Read what is newer than what this process saw (everything, after a reset)."""
        # One read transaction, so the rows and the seq read agree with each other.
        own_transaction = not self._in_transaction()
        if own_transaction:
            self._begin_snapshot()
        try:
            with self._stores.changes.paused():
                newer = None if self._must_reload else self._newer()
                if newer is None:
                    self._check_still_readable()
                    self._load_everything()
                    self._must_reload = False
                else:
                    self._load_newer(newer)
        finally:
            if own_transaction:
                self._commit()

    def _begin(self) -> None:
        """A unit's start: exclusive, and up to date with what others saved."""
        self._begin_exclusive()
        try:
            self.refresh()
        except BaseException:
            self._must_reload = True
            self._rollback()
            raise

    def _save_and_commit(self) -> None:
        try:
            self._save()
            self._commit()
        except BaseException:
            self._must_reload = True
            self._rollback()
            raise
        finally:
            self._stores.changes.clear()

    # ---- saving -----------------------------------------------------------------------

    def _save(self) -> None:
        """The unit's changes, as statements that read nothing back."""
        if self._stores.changes.everything:
            self._save_everything()
        elif self._stores.changes.pending:
            self._save_changes()

    def _next_seq(self) -> None:
        """The commit's number: the rows it writes take it (UNIT_SEQ). Here units run one
        at a time, after taking in what others saved, so it is self._seq + 1."""
        self._execute(NEXT_SEQ)
        self._seq += 1

    def _restart_ids(self, last_task_id: int) -> None:
        """Where taskIDs go on from after a reset or a restored snapshot, for a database
        that hands them out (they are counted in memory otherwise)."""
        return

    def _save_everything(self) -> None:
        self._epoch = secrets.token_hex(8)
        self._meta_set("epoch", self._epoch)
        for table in ("jobs", "tasks", "sessions"):
            self._execute(f"DELETE FROM {table}")
        self._execute(SEQ_ROW)
        self._next_seq()
        store = self._stores.jobs
        self._execute_many(
            UPSERT_JOB, (_job_row(job, store.is_held(job)) for job in store.all_jobs())
        )
        self._execute_many(
            UPSERT_TASK,
            ((task.id, _text(task_to_json(task))) for task in self._stores.vias_tasks.all_tasks()),
        )
        self._execute_many(
            UPSERT_SESSION,
            (
                (ticket, session.user, session.last_used_ms)
                for ticket, session in self._stores.sessions.all().items()
            ),
        )
        self._restart_ids(store.counters()[0])
        self._save_counters()
        self._save_clock()
        self._save_variables()
        for name, text in self._stores.documents.all().items():
            self._meta_set(DOCUMENT + name, text)

    def _save_changes(self) -> None:
        changes = self._stores.changes
        self._next_seq()
        store, tasks, sessions = self._stores.jobs, self._stores.vias_tasks, self._stores.sessions
        for task_id in changes.jobs:
            job = store.by_task_id(task_id)
            row = (task_id, False, None) if job is None else _job_row(job, store.is_held(job))
            self._execute(UPSERT_JOB, row)
        for task_id in changes.let_go - changes.jobs:
            self._execute(LET_GO_JOB, (task_id,))
        for task_key in changes.tasks:
            task = tasks.get(task_key)
            body = _text(task_to_json(task)) if task is not None else None
            self._execute(UPSERT_TASK, (task_key, body))
        for ticket in changes.sessions:
            session = sessions.get(ticket)
            kept = (session.user, session.last_used_ms) if session else (None, None)
            self._execute(UPSERT_SESSION, (ticket, *kept))
        if changes.counters and self.counters_in_row:
            self._save_counters()
        if changes.clock:
            self._save_clock()
        if changes.variables:
            self._save_variables()
        for name in changes.documents:
            self._meta_set(DOCUMENT + name, self._stores.documents.get(name)[1] or "")

    def _save_counters(self) -> None:
        last_task_id, groups = self._stores.jobs.counters()
        counters = {
            "lastTaskId": last_task_id,
            "groups": groups,
            "tasksCreated": self._stores.vias_tasks.created,
        }
        self._meta_set("counters", _text(counters))

    def _save_clock(self) -> None:
        clock = self._stores.clock
        state = clock.reading()
        self._clock_text = _text(
            {
                "simMs": state.now_ms,
                "wallMs": clock.wall_ms(),
                "frozen": state.frozen,
                "speed": state.speed,
            }
        )
        self._meta_set("clock", self._clock_text)

    def _save_variables(self) -> None:
        """The global variables, one meta row (a few short rows' worth)."""
        self._variables_text = _text(variables_to_json(self._stores.variables))
        self._meta_set("variables", self._variables_text)

    # ---- loading ----------------------------------------------------------------------

    def _load_everything(self) -> None:
        stores = self._stores
        jobs, let_go = [], set()
        reader = self._job_rows = JobRowReader(stores.jobs)  # what it read serves take-ins
        with self._stream(
            "SELECT task_id, held, body FROM jobs WHERE body IS NOT NULL ORDER BY task_id"
        ) as rows:
            for task_id, held, body in rows:
                jobs.append(reader.held(body))  # checked now, made when first asked for
                if not held:
                    let_go.add(task_id)
        shared = self._shared_meta()
        counters = _parsed(shared.get("counters") or "{}")
        stores.jobs.load(
            jobs, counters.get("lastTaskId", 0), counters.get("groups", {}), frozenset(let_go)
        )
        tasks = [
            task_from_json(_parsed(body))
            for (body,) in self._execute("SELECT body FROM tasks WHERE body IS NOT NULL")
        ]
        stores.vias_tasks.load(tasks, counters.get("tasksCreated", 0))
        stores.sessions.load(
            {
                ticket: Session(user, last_used)
                for ticket, user, last_used in self._execute(
                    'SELECT ticket, "user", last_used_ms FROM sessions WHERE "user" IS NOT NULL'
                )
            }
        )
        self._load_clock(shared.get("clock"))
        self._load_variables(shared.get("variables"))
        self._load_documents(shared)
        self._epoch = shared.get("epoch") or ""
        self._seq = int(shared.get("seq") or 0)

    def _newer(self) -> NewerRows | None:
        """What other processes saved since this one last looked, read as one batch (one
        round trip to a database across a network); None if a reset or a restored
        snapshot started a new epoch since, when only a whole load will do."""
        return self._newer_of(self._execute_batch(self._newer_statements()))

    def _newer_statements(self) -> tuple[tuple[str, Row], ...]:
        seen = self._seq
        return (
            SHARED_META,
            ("SELECT task_id, held, body FROM jobs WHERE seq > ? ORDER BY task_id", (seen,)),
            ("SELECT id, body FROM tasks WHERE seq > ?", (seen,)),
            ('SELECT ticket, "user", last_used_ms FROM sessions WHERE seq > ?', (seen,)),
        )

    def _newer_of(self, results: Sequence[list[Row]]) -> NewerRows | None:
        shared, jobs, tasks, sessions = results
        meta = _meta_of(shared)
        if meta.get("epoch") != self._epoch:
            return None
        return NewerRows(meta, jobs, tasks, sessions)

    def _load_newer(self, newer: NewerRows) -> None:
        stores = self._stores
        for task_id, held, body in newer.jobs:
            if body is None:
                stores.jobs.forget(task_id)
            else:
                stores.jobs.put(self._job_rows.job(_parsed(body)), bool(held))
        for task_key, body in newer.tasks:
            stores.vias_tasks.put(task_key, task_from_json(_parsed(body)) if body else None)
        for ticket, user, last_used in newer.sessions:
            stores.sessions.put(ticket, Session(user, last_used) if user else None)
        if self.counters_in_row:
            counters = _parsed(newer.meta.get("counters") or "{}")
            stores.jobs.set_counters(counters.get("lastTaskId", 0), counters.get("groups", {}))
            stores.vias_tasks.set_created(counters.get("tasksCreated", 0))
        self._load_clock(newer.meta.get("clock"))
        self._load_variables(newer.meta.get("variables"))
        self._load_documents(newer.meta)
        self._seq = int(newer.meta.get("seq") or 0)

    def _shared_meta(self) -> dict[str, str]:
        """The meta rows every look reads (SHARED_META)."""
        return _meta_of(self._execute(*SHARED_META))

    def _load_variables(self, text: str | None) -> None:
        """The global variables, if the row changed; a state of an older mock has none,
        and the seeds stay."""
        if text is None or text == self._variables_text:
            return
        self._variables_text = text
        self._stores.variables.load(*variables_from_json(_parsed(text)))

    def _load_documents(self, meta: dict[str, str]) -> None:
        """The shared documents (a few short rows of `meta`): each put only if it changed."""
        for key, text in meta.items():
            if key.startswith(DOCUMENT):
                self._stores.documents.put(key.removeprefix(DOCUMENT), text)

    def _load_clock(self, text: str | None) -> None:
        if text is None or text == self._clock_text:
            return
        self._clock_text = text
        saved: dict[str, Any] = _parsed(text)
        clock = self._stores.clock
        now_ms = saved["simMs"]
        if not saved["frozen"]:
            now_ms += round((clock.wall_ms() - saved["wallMs"]) * saved["speed"])
        clock.restart(now_ms)
        clock.configure(frozen=saved["frozen"], speed=saved["speed"])

    # ---- meta rows --------------------------------------------------------------------

    def _meta(self, key: str) -> str | None:
        for (value,) in self._execute("SELECT value FROM meta WHERE key = ?", (key,)):
            return str(value)
        return None

    def _meta_set(self, key: str, value: str) -> None:
        self._execute(UPSERT_META, (key, value))


# The meta rows every look reads: epoch, seq, counters, clock, variables and the shared
# documents (the condition, and its parameters).
SHARED_META_KEYS: tuple[str, Row] = (
    "key IN (?, ?, ?, ?, ?) OR key LIKE ?",
    ("epoch", "seq", "counters", "clock", "variables", DOCUMENT + "%"),
)
SHARED_META: tuple[str, Row] = (
    f"SELECT key, value FROM meta WHERE {SHARED_META_KEYS[0]}",
    SHARED_META_KEYS[1],
)


def _meta_of(rows: Iterable[Row]) -> dict[str, str]:
    return {str(key): str(value) for key, value in rows}


@dataclass(frozen=True, slots=True)
class NewerRows:
    """What a look found newer than this process's last: the shared meta rows, and the
    job, task and session rows of later commits."""

    meta: dict[str, str]
    jobs: list[Row]
    tasks: list[Row]
    sessions: list[Row]


UPSERT_META = (
    "INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"
)
SEQ_ROW = "INSERT INTO meta VALUES ('seq', '0') ON CONFLICT (key) DO NOTHING"
# A commit's first statement; in PostgreSQL it also holds the row until the commit, so
# that commits take their numbers in the order they become visible.
NEXT_SEQ = "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT) WHERE key = 'seq'"
# The commit's number, inside its transaction (after NEXT_SEQ).
UNIT_SEQ = "(SELECT CAST(value AS BIGINT) FROM meta WHERE key = 'seq')"
UPSERT_JOB = (
    f"INSERT INTO jobs VALUES (?, {UNIT_SEQ}, ?, ?) ON CONFLICT (task_id) DO UPDATE"
    " SET seq = excluded.seq, held = excluded.held, body = excluded.body"
)
LET_GO_JOB = f"UPDATE jobs SET seq = {UNIT_SEQ}, held = FALSE WHERE task_id = ?"
UPSERT_TASK = (
    f"INSERT INTO tasks VALUES (?, {UNIT_SEQ}, ?) ON CONFLICT (id) DO UPDATE"
    " SET seq = excluded.seq, body = excluded.body"
)
UPSERT_SESSION = (
    f"INSERT INTO sessions VALUES (?, {UNIT_SEQ}, ?, ?) ON CONFLICT (ticket) DO UPDATE"
    ' SET seq = excluded.seq, "user" = excluded."user", last_used_ms = excluded.last_used_ms'
)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Loading 100 000 jobs makes millions of objects and no garbage: the collector's
    passes over them were a quarter of a restart."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _job_row(job: Job, held: bool) -> tuple[int, bool, str]:
    return job.ident.task_id, held, _text(job_row(job))
