"""The simulator's state in PostgreSQL (`serve --state postgresql://...`), shared by
every replica on every machine (linkis_mock.sim.storage.rows says how).

Units of different replicas run side by side, with no lock between them: a unit runs
the operation on what the request's look took in; its changes are then sent with those
of the units that ended in the same turn of the event loop (a group: under load, the
requests one look served), as one message (one round trip), and each request is
answered once it is through. The message moves `seq` (NEXT_SEQ, which holds that row
until the COMMIT a few statements on, so that commits are numbered in the order they
become visible), checks that nothing it writes changed since this replica looked
(CONFLICT_CHECK), writes, fetches the next taskIDs (SELECT nextval) and commits. The
check refuses the group when another replica wrote one of its jobs or VIAS tasks since,
changed a meta row it changes (the clock, the variables, a shared document) from the
text this one knows, or started a new epoch: then memory takes back the rows as the
database has them, and each of its operations runs again (contract.units). taskIDs come
from the `task_ids` sequence, a few fetched ahead with each commit, so that replicas
never take the same one, and a job's short execID takes its taskID as its index. The
lock that remains, an advisory one, is only the opening's: one replica makes or migrates
the tables while the others wait.

A request learns what others committed from one query that reads `seq` and the rows
newer than this replica saw (NEWER_ROWS), on the change feed's asyncio connection, shared
by the requests that arrive together (storage.counter_feed). A submit thus waits on the
database twice: that look and its commit (tests/sim/test_postgres_round_trips.py counts
them).

psycopg 3, two connections per process. The units' is synchronous, as the storage
interface is: handlers do not await inside a unit, so units never interleave within a
process, and a pool would only hold connections no unit waits for. The change feed's
is asyncio, so that requests await its query instead of blocking the event loop.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache

import psycopg
from psycopg import errors
from psycopg.pq import TransactionStatus

from linkis_mock.redaction import without_password
from linkis_mock.sim.storage.backend import (
    StateKind,
    StorageConflictError,
    StorageError,
    StorageUnavailableError,
)
from linkis_mock.sim.storage.counter_feed import CounterFeed
from linkis_mock.sim.storage.pg_connections import (
    BoundedAsyncConnection,
    BoundedConnection,
    connect,
    connect_async,
    describe,
)
from linkis_mock.sim.storage.rows import (
    DOCUMENT,
    NEXT_SEQ,
    SHARED_META_KEYS,
    UPSERT_META,
    NewerRows,
    Row,
    RowBackend,
    rewrite_job_rows,
)
from linkis_mock.sim.storage.stores import Stores

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS jobs (
    task_id BIGINT PRIMARY KEY, seq BIGINT NOT NULL, held BOOLEAN NOT NULL, body TEXT
);
CREATE INDEX IF NOT EXISTS jobs_by_seq ON jobs (seq);
CREATE TABLE IF NOT EXISTS tasks (id TEXT PRIMARY KEY, seq BIGINT NOT NULL, body TEXT);
CREATE INDEX IF NOT EXISTS tasks_by_seq ON tasks (seq);
CREATE TABLE IF NOT EXISTS sessions (
    ticket TEXT PRIMARY KEY, seq BIGINT NOT NULL, "user" TEXT, last_used_ms BIGINT
);
CREATE INDEX IF NOT EXISTS sessions_by_seq ON sessions (seq);
CREATE SEQUENCE IF NOT EXISTS task_ids;
CREATE OR REPLACE FUNCTION linkis_mock_refuse(changed BOOLEAN) RETURNS VOID
LANGUAGE plpgsql AS $$
BEGIN
    IF changed THEN
        RAISE EXCEPTION 'another replica changed what this unit writes since it looked'
            USING ERRCODE = 'serialization_failure';
    END IF;
END $$
"""
# A statement's parameters: positional, or named (CONFLICT_CHECK's).
Params = Row | Mapping[str, object]
# Version 2: taskIDs from the task_ids sequence, and units without a lock (version 1
# held UNIT_LOCK in every unit, so a replica of that mock must not write beside these).
# Version 3: job rows as job_rows.py writes them (the state file's version 2).
SCHEMA_VERSION = 3
# The opening's advisory lock ("LMOC"): one key for the mock's whole database.
UNIT_LOCK = 0x4C4D4F43
# After NEXT_SEQ, under its row: has another replica, since this one last looked
# (`seen`, and its own commits since, `own`), started a new epoch, written any of these
# jobs or tasks, or changed any of these meta rows (the clock, the global variables, a
# shared document) from the text this one knows?
CONFLICT_CHECK = """
SELECT linkis_mock_refuse(
    (SELECT value FROM meta WHERE key = 'epoch') IS DISTINCT FROM %(epoch)s
    OR EXISTS (SELECT 1 FROM jobs WHERE task_id = ANY(%(jobs)s)
               AND seq > %(seen)s AND seq <> ALL(%(own)s))
    OR EXISTS (SELECT 1 FROM tasks WHERE id = ANY(%(tasks)s)
               AND seq > %(seen)s AND seq <> ALL(%(own)s))
    OR EXISTS (SELECT 1 FROM unnest(CAST(%(meta_keys)s AS TEXT[]), CAST(%(meta_texts)s AS TEXT[]))
               AS known (key, text)
               WHERE COALESCE((SELECT value FROM meta WHERE meta.key = known.key), '')
                     <> known.text))
"""
NEXT_TASK_ID = "SELECT nextval('task_ids')"
# As many taskIDs as the most one commit's units took (at most MAX_RESERVED_IDS), less
# those still at hand, fetched with a commit, so that the next group's submits find theirs
# at hand.
NEXT_TASK_IDS = "SELECT nextval('task_ids') FROM generate_series(1, %s)"
MAX_RESERVED_IDS = 64
# The group the calling request's last unit joined (a request is an asyncio task, and each
# task has its own), so that `committed()` waits for that group and gets what it raised,
# even if something committed it before the request asked.
_JOINED: ContextVar[asyncio.Future[None] | None] = ContextVar("linkis_mock_group", default=None)
# What others committed since `seen`, as one statement (so one snapshot, one message and
# one round trip): the shared meta rows (SHARED_META's), then the newer jobs, tasks and
# sessions, each row tagged with its table.
NEWER_ROWS = f"""
SELECT 'meta', key, value, NULL::BOOLEAN, NULL::BIGINT FROM meta WHERE {SHARED_META_KEYS[0]}
UNION ALL SELECT 'job', CAST(task_id AS TEXT), body, held, NULL FROM jobs WHERE seq > ?
UNION ALL SELECT 'task', id, body, NULL, NULL FROM tasks WHERE seq > ?
UNION ALL SELECT 'session', ticket, "user", NULL, last_used_ms FROM sessions WHERE seq > ?
"""
DEFAULT_TIMEOUT_S = 5.0
STREAM_ROWS = 500  # rows a restart reads from the database at a time
RETRY_S = 1.0  # while the database is away, a new connection is tried this often at most


class PostgresBackend(RowBackend):
    """The storage backend of `serve --state postgresql://...`.

    A lost connection makes the request a StorageUnavailableError (a 503) and is opened again
    on a later request, at most once every RETRY_S while the database stays away, so
    that requests meanwhile fail at once instead of each waiting for a connection.
    `timeout_s` bounds a connection, a statement and the wait for another replica's
    unit."""

    kind: StateKind = "postgresql"

    def __init__(self, url: str, stores: Stores, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        super().__init__(without_password(url), stores)
        self._url = url
        self._timeout_s = timeout_s
        self._next_attempt = 0.0
        self._lost_reason = ""
        self._counter = CounterFeed(self.name, self._connect_feed, RETRY_S, self._look)
        self.schema_version = SCHEMA_VERSION
        self.migrations = {2: _ids_from_a_sequence, 3: rewrite_job_rows}
        self.counters_in_row = False
        stores.jobs.shared_ids = self._take_task_id
        # The next taskIDs, fetched with commits (none at hand: one is fetched when
        # needed), and those the units not yet committed took.
        self._reserved_ids: list[int] = []
        self._taken_ids: list[int] = []
        self._most_taken = 1  # the most taskIDs one commit's units took so far
        # The units that ended and wait for their one commit (see _save_and_commit).
        self._group: asyncio.Future[None] | None = None
        self._grouping = False
        # The shared meta rows' texts as this replica last read or wrote them.
        self._meta_known: dict[str, str] = {}
        # This replica's commits numbered past self._seq (another's came between).
        self._own_seqs: set[int] = set()
        # A unit's statements while it is being prepared, and where its NEXT_SEQ is.
        self._collected: list[tuple[str, Params]] | None = None
        self._seq_at: int | None = None
        # What the unit being committed checks (None: a reset, which checks nothing).
        self._check: dict[str, object] | None = None
        try:
            self._db: BoundedConnection | None = self._connect()
        except psycopg.Error as exc:
            raise StorageError(f"cannot connect to {self.name}: {describe(exc)}") from exc

    def _connect(self) -> BoundedConnection:
        return connect(self._url, self._timeout_s)

    async def _connect_feed(self) -> BoundedAsyncConnection:
        return await connect_async(self._url, self._timeout_s)

    @contextmanager
    def _connection(self) -> Iterator[BoundedConnection]:
        """The connection, opened again if it was lost; a failure loses it, and any error
        of the database is the request's 503."""
        if self._db is None:
            self._reconnect()
        assert self._db is not None
        try:
            yield self._db
        except errors.SerializationFailure:
            raise  # a refused unit, whichever of its statements it surfaced at: _send's
        except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
            self._lose(exc)
            raise self._unavailable() from exc
        except psycopg.Error as exc:  # the database refused a statement (a table dropped)
            self._must_reload = True
            raise StorageUnavailableError.of(self.name, describe(exc)) from exc

    def _reconnect(self) -> None:
        if time.monotonic() < self._next_attempt:
            raise self._unavailable()
        try:
            self._db = self._connect()
        except psycopg.Error as exc:
            self._lose(exc)
            raise self._unavailable() from exc

    def _lose(self, exc: psycopg.Error) -> None:
        self._lost_reason = describe(exc)
        self._next_attempt = time.monotonic() + RETRY_S
        self._must_reload = True  # what others commit meanwhile is read whole later
        if self._db is not None:
            with suppress(psycopg.Error):
                self._db.close()
        self._db = None

    def _unavailable(self) -> StorageUnavailableError:
        return StorageUnavailableError.of(self.name, self._lost_reason)

    @contextmanager
    def _stream(self, sql: str, params: Row = ()) -> Iterator[Iterable[Row]]:
        """A server-side cursor, read STREAM_ROWS rows a round trip."""
        with self._connection() as db, db.cursor(name="linkis_mock_stream") as cursor:
            cursor.itersize = STREAM_ROWS
            cursor.execute(_placeheld(sql), params)
            yield cursor

    def _create_schema(self) -> None:
        with self._connection() as db:
            db.execute(SCHEMA)

    def open(self) -> bool:
        existed = super().open()
        # The first taskID at hand, so that no submit waits for one.
        self._reserved_ids = [self._fetch_task_id()]
        return existed

    def _begin_exclusive(self) -> None:
        """The opening's transaction (units take no lock: see the module docstring)."""
        with self._connection() as db:
            db.execute(f"BEGIN; SELECT pg_advisory_xact_lock({UNIT_LOCK})")

    def _begin(self) -> None:
        """No lock and no round trip: the unit runs on what the request's look took in,
        or on the whole state read afresh after a failure."""
        if self._must_reload:
            self._take_in()

    @contextmanager
    def unit(self, writes: bool, *, grouped: bool = False) -> Iterator[None]:
        self._grouping = grouped
        if grouped:
            _JOINED.set(None)
        try:
            with super().unit(writes):
                yield
        finally:
            self._grouping = False

    def _save_and_commit(self) -> None:
        """A grouped unit's changes wait in memory for the group's commit, which runs once
        the units that ended together have ended (the event loop's next turn): one round
        trip for them all, while each request awaits `committed()` before it answers. An
        ungrouped unit commits at once, with any group's changes."""
        if not self._grouping:
            self._commit_now()
            return
        loop = asyncio.get_running_loop()
        if self._group is not None and self._group.get_loop() is not loop:
            self._commit_group()  # left by an event loop that ended (a test's): commit it now
        if self._group is None:
            if not self._stores.changes.pending:
                return
            self._group = loop.create_future()
            loop.call_soon(self._commit_group)
        _JOINED.set(self._group)

    def _commit_group(self) -> None:
        if self._group is not None:  # else an ungrouped unit committed it meanwhile
            with suppress(Exception):  # the group's requests get what it raised
                self._commit_now()

    async def committed(self) -> None:
        group = _JOINED.get()
        if group is not None:
            _JOINED.set(None)
            await asyncio.shield(group)  # done already if something committed it meanwhile

    async def _after_own_commit(self) -> None:
        """Rows others wrote are taken in only once this replica's pending changes are
        committed: taken in over them, they would hide a conflict from the commit's check
        (the feed's look does not take them in meanwhile either). Only this rare path
        waits: a request's look does not wait for the group before it, or the requests
        that arrive together would form one group each."""
        while self._group is not None:
            with suppress(StorageUnavailableError):  # the group's own requests answer it
                await asyncio.shield(self._group)

    def _commit_now(self) -> None:
        """The units' one round trip (see the module docstring). A refusal takes back
        what the units changed in memory, and raises StorageConflictError."""
        group, self._group = self._group, None
        try:
            self._prepare_and_send()
        except BaseException as exc:
            if group is not None:
                group.set_exception(exc)
                group.exception()  # its requests read it; no "never retrieved" warning
            raise
        if group is not None:
            group.set_result(None)

    def _prepare_and_send(self) -> None:
        prepared = self._prepare()
        if prepared is None:
            return
        try:
            sent = self._send(prepared)
        except BaseException:
            self._failed(prepared)
            raise
        self._settle(prepared, sent)

    def _prepare(self) -> _PreparedUnit | None:
        """The unit's statements, built from memory; None when it changed nothing."""
        changes = self._stores.changes
        written = (changes.jobs | changes.let_go, set(changes.tasks), set(changes.sessions))
        whole, taken = changes.everything, self._taken_ids
        self._check = None if whole else self._conflict_check()
        self._collected = [("BEGIN", ())]  # the connection is in autocommit: units say when
        self._seq_at = None
        try:
            self._save()
            if len(self._collected) == 1:
                return None
            reserve_at = None
            self._most_taken = max(self._most_taken, min(len(taken), MAX_RESERVED_IDS))
            wanted = self._most_taken - len(self._reserved_ids)
            if wanted > 0:
                reserve_at = len(self._collected)
                self._collected.append((NEXT_TASK_IDS, (wanted,)))
            self._collected.append(("COMMIT", ()))
            meta_written = {
                str(params[0]): str(params[1])
                for sql, params in self._collected
                if sql == UPSERT_META and isinstance(params, Sequence)
            }
            return _PreparedUnit(
                self._collected, self._seq_at, reserve_at, whole, written, taken, meta_written
            )
        finally:
            self._collected = None
            self._check = None
            self._taken_ids = []
            changes.clear()

    def _send(self, prepared: _PreparedUnit) -> tuple[int, list[int]] | None:
        """The commit's seq and the next taskIDs, or None when the check refused the unit.
        The statements go as one message, bound on the client, so that they reach the
        server together however slowly this process writes them (a pipeline's may part,
        and the server answer the first before the last came); a reset, of every row, as
        a pipeline."""
        seq_at, reserve_at = prepared.seq_at, prepared.reserve_at
        assert seq_at is not None
        wanted = {seq_at} if reserve_at is None else {seq_at, reserve_at}
        with self._connection() as db:
            try:
                values = (
                    _sent_as_pipeline(db, prepared.statements, wanted)
                    if prepared.whole
                    else _sent_as_one_message(db, prepared.statements, wanted)
                )
            except errors.SerializationFailure:
                db.execute("ROLLBACK")
                return None
        return values[seq_at][0], [] if reserve_at is None else sorted(values[reserve_at])

    def _settle(self, prepared: _PreparedUnit, sent: tuple[int, list[int]] | None) -> None:
        if sent is None:
            self._take_back(*prepared.written, whole=prepared.whole)
            self._give_back_task_ids(prepared.task_ids)
            raise StorageConflictError.of(self.name, "another replica wrote the same rows")
        seq, reserved = sent
        self._meta_known.update(prepared.meta_written)
        self._numbered(seq, whole=prepared.whole)
        self._reserved_ids.extend(reserved)

    def _failed(self, prepared: _PreparedUnit) -> None:
        """A unit whose commit failed (the database away): memory is read afresh later."""
        self._must_reload = True
        self._rollback()
        self._give_back_task_ids(prepared.task_ids)

    def _conflict_check(self) -> dict[str, object]:
        changes = self._stores.changes
        meta_keys = sorted(
            {DOCUMENT + name for name in changes.documents}
            | ({"clock"} if changes.clock else set())
            | ({"variables"} if changes.variables else set())
        )
        return {
            "epoch": self._epoch,
            "seen": self._seq,
            "own": sorted(self._own_seqs),
            "jobs": sorted(changes.jobs),
            "tasks": sorted(changes.tasks),
            "meta_keys": meta_keys,
            "meta_texts": [self._meta_known.get(key, "") for key in meta_keys],
        }

    def _execute(self, sql: str, params: Row = ()) -> Iterable[Row]:
        if self._collected is not None:  # a unit's write, sent with its commit
            self._collected.append((sql, params))
            return []
        if sql == UPSERT_META:  # the opening's (a new database's first state, a migration)
            self._meta_known[str(params[0])] = str(params[1])
        with self._connection() as db:
            cursor = db.execute(_placeheld(sql), params)
            return cursor.fetchall() if cursor.description else []

    def _execute_many(self, sql: str, rows: Iterable[Row]) -> None:
        if self._collected is not None:
            self._collected.extend((sql, row) for row in rows)
            return
        with self._connection() as db, db.cursor() as cursor:
            cursor.executemany(_placeheld(sql), rows)

    def _next_seq(self) -> None:
        # RETURNING: which number this commit took is known only when it is through.
        if self._collected is not None:
            self._seq_at = len(self._collected)
            self._collected.append((NEXT_SEQ + " RETURNING value", ()))
            if self._check is not None:
                self._collected.append((CONFLICT_CHECK, self._check))
            return
        with self._connection() as db:
            seq = _first_int(db.execute(NEXT_SEQ + " RETURNING value"))
        self._numbered(seq, whole=True)

    def _numbered(self, seq: int, whole: bool) -> None:
        """This replica's commit took `seq`: all it has seen, if no one else's came
        between (or if it wrote everything); else one of its own to skip past later."""
        if whole or seq == self._seq + 1:
            self._seq = seq
            self._own_seqs = {own for own in self._own_seqs if own > seq}
        else:
            self._own_seqs.add(seq)

    def _take_task_id(self) -> int:
        """The next taskID: one fetched with the last commit, or one fetched now."""
        task_id = None
        # One given back after a unit that failed may yet have been committed (the
        # connection lost before the answer): then its job is in memory, and it is not
        # handed out again.
        while task_id is None or self._stores.jobs.by_task_id(task_id) is not None:
            task_id = self._reserved_ids.pop(0) if self._reserved_ids else self._fetch_task_id()
        self._taken_ids.append(task_id)
        return task_id

    def _give_back_task_ids(self, task_ids: list[int]) -> None:
        """The failed units' taskIDs, unused: the next submits'."""
        self._reserved_ids = sorted({*task_ids, *self._reserved_ids})

    def _fetch_task_id(self) -> int:
        with self._connection() as db:
            return _first_int(db.execute(NEXT_TASK_ID))

    def _restart_ids(self, last_task_id: int) -> None:
        self._reserved_ids = []
        self._execute("SELECT setval('task_ids', ?, ?)", (max(last_task_id, 1), last_task_id > 0))

    def _take_back(self, jobs: set[int], tasks: set[str], sessions: set[str], whole: bool) -> None:
        """After a refused unit: the rows it changed, as the database has them, and what
        others committed since this replica looked, read as one snapshot (one round
        trip); after a refused reset, everything, at the next unit."""
        if whole:
            self._must_reload = True
            return
        newer_rows, job_rows, task_rows, session_rows = self._execute_snapshot(
            (
                self._newer_rows(),
                ("SELECT task_id, held, body FROM jobs WHERE task_id = ANY(?)", (sorted(jobs),)),
                ("SELECT id, body FROM tasks WHERE id = ANY(?)", (sorted(tasks),)),
                (
                    'SELECT ticket, "user", last_used_ms FROM sessions WHERE ticket = ANY(?)',
                    (sorted(sessions),),
                ),
            )
        )
        newer = self._newer_of(_by_table(newer_rows))
        if newer is None:  # a new epoch: everything, at the next unit
            self._must_reload = True
            return
        # The clock and the variables as the database has them, even if their rows did
        # not move since this replica read them (the unit changed them in memory).
        self._clock_text = self._variables_text = ""
        # What the database does not hold, the unit made: it goes.
        job_rows += [(key, False, None) for key in jobs - {row[0] for row in job_rows}]
        task_rows += [(key, None) for key in tasks - {row[0] for row in task_rows}]
        session_rows += [(key, None, None) for key in sessions - {row[0] for row in session_rows}]
        with self._stores.changes.paused():
            self._load_newer(NewerRows(newer.meta, job_rows, task_rows, session_rows))
            self._load_newer(newer)

    def _load_newer(self, newer: NewerRows) -> None:
        super()._load_newer(newer)
        self._meta_known.update(newer.meta)
        self._own_seqs = {own for own in self._own_seqs if own > self._seq}

    def _shared_meta(self) -> dict[str, str]:
        meta = super()._shared_meta()
        self._meta_known = dict(meta)  # a whole load's
        return meta

    def _load_everything(self) -> None:
        epoch = self._epoch
        super()._load_everything()
        self._own_seqs.clear()
        if self._epoch != epoch:
            self._reserved_ids = []  # a reset restarted the sequence: they may come again

    def _take_in(self) -> None:
        # Rows are never taken in over a group's changes: it is committed first (or its
        # requests get what committing raised).
        self._commit_group()
        # What is newer, read as one statement (NEWER_ROWS); a whole load streams, in a
        # transaction.
        if self._must_reload or self._in_transaction():
            super()._take_in()
            return
        with self._connection() as db:
            rows = db.execute(*self._newer_rows()).fetchall()
        newer = self._newer_of(_by_table(rows))
        if newer is None:  # a new epoch
            self._must_reload = True
            super()._take_in()
            return
        with self._stores.changes.paused():
            self._load_newer(newer)

    def _newer_rows(self) -> tuple[str, Row]:
        seen = self._seq
        return _placeheld(NEWER_ROWS), (*SHARED_META_KEYS[1], seen, seen, seen)

    def _execute_snapshot(self, statements: Sequence[tuple[str, Row]]) -> list[list[Row]]:
        """The rows of each statement, all read from one committed state, in one round
        trip."""
        with self._connection() as db:
            with db.pipeline():
                db.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                cursors = [db.execute(_placeheld(sql), params) for sql, params in statements]
                db.execute("COMMIT")
            return [list[Row](cursor.fetchall()) for cursor in cursors]

    def _begin_snapshot(self) -> None:
        with self._connection() as db:
            db.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")

    def _in_transaction(self) -> bool:
        db = self._db
        return db is not None and db.info.transaction_status != TransactionStatus.IDLE

    def _commit(self) -> None:
        with self._connection() as db:
            db.execute("COMMIT")

    def _rollback(self) -> None:
        if self._db is None:
            return  # lost with its connection: nothing to roll back
        with suppress(StorageUnavailableError), self._connection() as db:
            db.execute("ROLLBACK")

    def refresh(self) -> None:
        # The look and what it finds are one snapshot's reads: one round trip either way.
        self._take_in()

    def _others_committed(self) -> bool:
        # Every commit, this process's own too, moves seq; its own moves self._seq alike.
        return self._meta("seq") != str(self._seq)

    async def catch_up(self) -> None:
        if not self._must_reload:
            latest = await self._counter.latest_seq()  # with what is newer (_look)
            if self._seq < latest:  # a unit of this replica's came between: read again
                await self._after_own_commit()
                self._take_in()
        if self._must_reload:  # after a failure, or a new epoch: the whole state, streamed
            self.refresh()

    async def _look(self, db: psycopg.AsyncConnection[Row]) -> int:
        """The change feed's query: what others committed since this replica looked, read
        as one snapshot in the same round trip as the latest `seq` (requests that arrive
        together share it), taken in unless a unit of this replica's moved on meanwhile."""
        seen = self._seq
        cursor = await db.execute(*self._newer_rows())
        newer = self._newer_of(_by_table(await cursor.fetchall()))
        if newer is None:
            self._must_reload = True  # a new epoch
            return 0
        if self._seq == seen and not self._must_reload and self._group is None:
            with self._stores.changes.paused():
                self._load_newer(newer)
        return int(newer.meta.get("seq") or 0)

    def _release(self) -> None:
        self._counter.close()
        if self._db is not None:
            self._db.close()


@cache
def _placeheld(sql: str) -> str:
    """The rows module's `?` placeholders as psycopg's `%s`."""
    return sql.replace("?", "%s")


def _first_int(cursor: psycopg.Cursor[Row]) -> int:
    row = cursor.fetchone()
    assert row is not None
    return int(row[0])


def _ints(cursor: psycopg.Cursor[Row]) -> list[int]:
    return [int(row[0]) for row in cursor.fetchall()]


def _ids_from_a_sequence(backend: RowBackend) -> None:
    """Version 2: taskIDs from the task_ids sequence (made with the tables), which goes
    on after every taskID handed out so far."""
    counters = json.loads(backend._meta("counters") or "{}")
    (highest,) = next(iter(backend._execute("SELECT COALESCE(MAX(task_id), 0) FROM jobs")))
    backend._restart_ids(max(int(counters.get("lastTaskId", 0)), int(highest)))


def _by_table(rows: Iterable[Row]) -> list[list[Row]]:
    """NEWER_ROWS' rows as RowBackend._newer_of takes them: the meta rows, then the jobs
    (by taskID), tasks and sessions, each as its own table's query would give them."""
    meta: list[Row] = []
    jobs: list[Row] = []
    tasks: list[Row] = []
    sessions: list[Row] = []
    for table, key, text, held, number in rows:
        if table == "meta":
            meta.append((key, text))
        elif table == "job":
            jobs.append((int(key), held, text))
        elif table == "task":
            tasks.append((key, text))
        else:
            sessions.append((key, text, number))
    jobs.sort(key=lambda row: int(row[0]))
    return [meta, jobs, tasks, sessions]


@dataclass(frozen=True, slots=True)
class _PreparedUnit:
    """A unit's commit, built: its statements (BEGIN to COMMIT), where the new seq and
    the next taskIDs come back, whether it is a reset, the keys of what it wrote (taken
    back if refused), the taskIDs its units took (given back if it fails) and the meta
    rows it writes (known once it is through)."""

    statements: list[tuple[str, Params]]
    seq_at: int | None
    reserve_at: int | None
    whole: bool
    written: tuple[set[int], set[str], set[str]]
    task_ids: list[int]
    meta_written: dict[str, str]


def _sent_as_one_message(
    db: BoundedConnection, statements: Sequence[tuple[str, Params]], wanted: set[int]
) -> dict[int, list[int]]:
    """The statements as one simple query; the first column of each `wanted` one's rows."""
    cursor = psycopg.ClientCursor(db)
    bound = (cursor.mogrify(_placeheld(sql), params) for sql, params in statements)
    cursor.execute(";\n".join(bound))
    values: dict[int, list[int]] = {}
    index = 0
    while True:
        if index in wanted:
            values[index] = _ints(cursor)
        index += 1
        if not cursor.nextset():
            return values


def _sent_as_pipeline(
    db: BoundedConnection, statements: Sequence[tuple[str, Params]], wanted: set[int]
) -> dict[int, list[int]]:
    with db.pipeline():
        cursors = [db.execute(_placeheld(sql), params) for sql, params in statements]
    return {index: _ints(cursors[index]) for index in wanted}
