"""A throwaway PostgreSQL server for the PostgreSQL storage backend's tests: a cluster in a
temporary folder, `postgres` on 127.0.0.1 on a free port, trust authentication, durability
off for speed. A conftest imports the session fixture `postgres` from here; each test takes a
clean database from it with `fresh_database`.

Cheap to make, since the tests make many: initdb runs once per test process, into a
template folder that each new server copies (a copy is ~10 times cheaper than initdb),
and the folders go on tmpfs (/dev/shm) when it has room. On a disk, every file PostgreSQL
opens or creates costs (an ext4 journal entry): a CREATE DATABASE opens ~1300, 0.2 CPU-s
on a disk against 0.03 on tmpfs, and initdb costs twice as much there. Nothing here needs a disk: a
killed server's data survives in tmpfs as on a disk, only a machine failure would lose it.
A test process killed outright (SIGKILL) leaves its folders behind, in memory when on
tmpfs: their names begin with `linkis-mock-pg-`.

PostgreSQL refuses to run as root, so when the tests do (as in CI) initdb and the server run
as the `postgres` system user (Debian's package creates it), else as `nobody`. They are
started with subprocess's own `user=`/`group=` (set in the forked child by C code, with no
Python `preexec_fn`, so safe in a threaded test process), not through runuser or sudo.
"""

from __future__ import annotations

import atexit
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict

import psycopg
import pytest
from psycopg import sql

from linkis_mock.testing import free_port

SUPERUSER = "mock"
DATABASE = "mock"
START_TIMEOUT = 30.0
STOP_TIMEOUT = 30.0

# No fsync and a small footprint: the data lives for one test session, and a `kill` loses
# nothing the OS has been handed. synchronous_commit stays on: off, a commit is answered
# before its WAL leaves the server's memory, so `kill` loses answered commits (100 of 1000
# in a trial), and with fsync off it is no faster (about 10 000 commits/s either way).
SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",
    "synchronous_commit": "on",
    "full_page_writes": "off",
    "max_connections": "200",
    "shared_buffers": "32MB",
    # A checkpoint every few CREATE DATABASEs (each writes ~8 MB of WAL), not every 1 GB:
    # on tmpfs, the WAL kept is memory.
    "max_wal_size": "64MB",
    "min_wal_size": "32MB",
}
# How much tmpfs must have free for the servers to go there: a cluster takes ~40 MB and
# each database ~8 MB more, and the server's own dynamic shared memory is in /dev/shm too
# (a container's is often only 64 MB: then the folders stay in the temporary folder).
TMPFS = Path("/dev/shm")
TMPFS_FREE_BYTES = 1 << 30
INITDB_ARGS = (
    *("-U", SUPERUSER, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"),
    "--no-instructions",
)


def find_bin_dir(debian: Path = Path("/usr/lib/postgresql")) -> Path:
    """The folder of initdb and postgres: the newest `debian`/<major>/bin (Debian's layout),
    else the one of the `initdb` on PATH (symlinks followed)."""
    majors = [
        path
        for path in debian.glob("*/bin")
        if path.parent.name.isdigit() and (path / "initdb").is_file()
    ]
    if majors:
        return max(majors, key=lambda path: int(path.parent.name))
    initdb = shutil.which("initdb")
    if initdb is not None:
        return Path(initdb).resolve().parent
    raise RuntimeError(
        f"PostgreSQL is not installed (no {debian}/*/bin/initdb, no initdb on PATH): "
        "run `make install-postgres`"
    )


def _run_as() -> pwd.struct_passwd | None:
    """The unprivileged account to run PostgreSQL as when the tests run as root, else None."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise RuntimeError("running as root, and there is neither a `postgres` nor a `nobody` user")


class _AsUser(TypedDict, total=False):
    """subprocess arguments that run a program as the unprivileged user."""

    user: int
    group: int
    extra_groups: list[int]
    cwd: Path


@dataclass
class PostgresServer:
    """A server on 127.0.0.1:`port` over `data_dir`; `url` is its `mock` database."""

    port: int
    data_dir: Path
    bin_dir: Path
    log_path: Path
    user: pwd.struct_passwd | None = field(default=None, repr=False)  # None: as ourselves
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return self.url_of(DATABASE)

    def url_of(self, database: str) -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def run(self, *args: str) -> subprocess.CompletedProcess[bytes]:
        """A PostgreSQL program, as the server's user; fails with its output."""
        return self.run_tool(str(self.bin_dir / args[0]), *args[1:])

    def run_tool(self, *args: str) -> subprocess.CompletedProcess[bytes]:
        """A program, as the server's user; fails with its output."""
        done = subprocess.run(
            args,
            capture_output=True,
            check=False,
            **self._as_user(),
        )
        if done.returncode != 0:
            output = (done.stdout + done.stderr).decode(errors="replace")
            raise RuntimeError(f"{args[0]} exited with {done.returncode}:\n{output}")
        return done

    def _as_user(self) -> _AsUser:
        if self.user is None:
            return {}
        return {
            "user": self.user.pw_uid,
            "group": self.user.pw_gid,
            "extra_groups": [],  # drop root's supplementary groups
            "cwd": self.data_dir.parent,  # root's cwd may be closed to this user
        }

    def is_running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        """Start the postmaster (again) on the same port and data and wait until it accepts
        connections; after `kill` this runs crash recovery first."""
        if self.is_running():
            return
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [str(self.bin_dir / "postgres"), "-D", str(self.data_dir)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # out of reach of the terminal's Ctrl-C
                **self._as_user(),
            )
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                psycopg.connect(self.url_of("postgres"), connect_timeout=2).close()
                return
            except psycopg.OperationalError as error:
                failure = f"{error}".strip()
            if not self.is_running():
                raise RuntimeError(f"postgres exited at start:\n{self.log()}")
            if time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(
                    f"postgres did not accept connections within {START_TIMEOUT:.0f} s "
                    f"({failure}):\n{self.log()}"
                )
            time.sleep(0.02)

    def stop(self) -> None:
        """Fast shutdown (SIGINT, what `pg_ctl stop -m fast` sends): sessions are
        disconnected, a checkpoint written. Does nothing when it is not running."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.kill()
                raise RuntimeError(f"postgres did not stop in {STOP_TIMEOUT:.0f} s") from None
        self.process = None

    def kill(self) -> None:
        """A crash: SIGKILL to the postmaster and, as a machine failure would, to every
        server process it started (each is in a session of its own), so that none lingers
        holding the shared memory the next `start` would refuse to reuse. No checkpoint:
        `start` recovers from the WAL."""
        if self.process is None:
            return
        postmaster = self.process.pid
        with suppress(ProcessLookupError):
            os.kill(postmaster, signal.SIGSTOP)  # forks no new backend while we look
        children = _live_children(postmaster)
        self.process.kill()
        for pid in children:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait()
        self.process = None
        deadline = time.monotonic() + STOP_TIMEOUT
        while any(map(_is_live, children)) and time.monotonic() < deadline:
            time.sleep(0.01)

    @contextmanager
    def frozen(self) -> Iterator[None]:
        """The server stopped dead (SIGSTOP to it and every server process), as `docker
        pause` or a stalled disk would: its sockets stay open and the kernel acknowledges
        what is sent, but nothing answers. Running again afterwards (SIGCONT)."""
        assert self.process is not None
        stopped = [self.process.pid, *_live_children(self.process.pid)]
        try:
            for pid in stopped:
                os.kill(pid, signal.SIGSTOP)
            yield
        finally:
            for pid in stopped:
                with suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGCONT)

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-8000:]
        except OSError:
            return "(no log)"


def _stat(pid: int | str) -> list[str] | None:
    """/proc/PID/stat's fields after the command name (which may hold spaces), or None."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rfind(")") + 2 :].split()  # state, ppid, pgrp, ...


def _is_live(pid: int) -> bool:
    """Whether it runs: a zombie holds no shared memory (and a container's PID 1 may never
    reap one)."""
    fields = _stat(pid)
    return fields is not None and fields[0] != "Z"


def _live_children(parent: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(entry.name)
            if fields is not None and fields[0] != "Z" and int(fields[1]) == parent:
                children.append(int(entry.name))
    return children


def scratch_dir() -> Path | None:
    """Where the clusters go: tmpfs when it has room, else None (the temporary folder)."""
    try:
        usage = os.statvfs(TMPFS)
    except OSError:
        return None
    if not os.access(TMPFS, os.W_OK | os.X_OK):
        return None
    return TMPFS if usage.f_bavail * usage.f_frsize >= TMPFS_FREE_BYTES else None


def _make_root(prefix: str, user: pwd.struct_passwd | None) -> Path:
    """A new folder for a cluster, the server's user's own."""
    root = Path(tempfile.mkdtemp(prefix=prefix, dir=scratch_dir()))
    if user is not None:
        os.chown(root, user.pw_uid, user.pw_gid)
    return root


_template_lock = threading.Lock()
_templates: dict[tuple[Path, int | None], Path] = {}


def template_cluster(bin_dir: Path, user: pwd.struct_passwd | None) -> Path:
    """A data folder fresh from initdb, made once per test process and removed when it
    exits; each server copies it. Never started itself, so every copy is as initdb left
    it (the servers' settings are appended to each copy's postgresql.conf)."""
    key = (bin_dir, None if user is None else user.pw_uid)
    with _template_lock:
        if key not in _templates:
            root = _make_root("linkis-mock-pg-template-", user)
            atexit.register(shutil.rmtree, root, ignore_errors=True)
            template = PostgresServer(0, root / "data", bin_dir, root / "initdb.log", user)
            template.run("initdb", "-D", str(template.data_dir), *INITDB_ARGS)
            _templates[key] = template.data_dir
        return _templates[key]


@contextmanager
def throwaway_postgres() -> Iterator[PostgresServer]:
    """A fresh cluster with database `mock`, running; stopped and deleted afterwards."""
    bin_dir = find_bin_dir()
    user = _run_as()
    template = template_cluster(bin_dir, user)
    root = _make_root("linkis-mock-pg-", user)
    server = PostgresServer(
        port=free_port(),
        data_dir=root / "data",
        bin_dir=bin_dir,
        log_path=root / "postgres.log",
        user=user,
    )
    try:
        # cp -a as the server's user: the copy is its own, mode 0700 as initdb made it.
        server.run_tool("cp", "-a", "--", str(template), str(server.data_dir))
        settings = {**SETTINGS, "port": str(server.port), "unix_socket_directories": f"'{root}'"}
        with (server.data_dir / "postgresql.conf").open("a") as conf:
            conf.writelines(f"{name} = {value}\n" for name, value in settings.items())
        server.start()
        with psycopg.connect(server.url_of("postgres"), autocommit=True) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE)))
        yield server
    finally:
        try:
            server.stop()  # kills it when a fast shutdown times out
        finally:
            shutil.rmtree(root, ignore_errors=True)


def fresh_database(server: PostgresServer) -> str:
    """A new empty database with a unique name on `server`, and its URL: a clean database
    per test without restarting the session's server."""
    name = f"test_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(server.url_of("postgres"), autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return server.url_of(name)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One throwaway server per test process (each xdist worker has its own). A test that
    stops or kills it must `start()` it again before it ends."""
    with throwaway_postgres() as server:
        yield server
