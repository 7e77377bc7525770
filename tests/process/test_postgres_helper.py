"""The throwaway PostgreSQL server of tests/helpers/postgres.py: it serves, keeps its data
across a restart and a crash, leaves no process or folder behind, and each is a cluster of
its own though all are copies of one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import psycopg
import pytest

from tests.helpers.postgres import (
    PostgresServer,
    find_bin_dir,
    fresh_database,
    postgres,
    scratch_dir,
    template_cluster,
    throwaway_postgres,
)

__all__ = ["postgres"]  # the session fixture, for the tests below


def count_rows(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM jobs").fetchone()
    assert row is not None
    count: int = row[0]
    return count


def insert_rows(url: str, count: int) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS jobs (id serial PRIMARY KEY, name text)")
        for n in range(count):
            conn.execute("INSERT INTO jobs (name) VALUES (%s)", (f"job {n}",))


def process_uid(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    uid_line = next(line for line in status.splitlines() if line.startswith("Uid:"))
    return int(uid_line.split()[1])


def test_it_serves_a_database_that_takes_tables() -> None:
    with throwaway_postgres() as server:
        assert server.is_running()
        assert server.url == f"postgresql://mock@127.0.0.1:{server.port}/mock"
        with psycopg.connect(server.url) as conn:
            row = conn.execute("SELECT current_user, current_database()").fetchone()
            assert row == ("mock", "mock")
        insert_rows(server.url, 3)
        assert count_rows(server.url) == 3
        assert server.process is not None
        assert process_uid(server.process.pid) != 0  # never as root, even when the tests are


def test_stop_then_start_keeps_the_data(postgres: PostgresServer) -> None:
    url = fresh_database(postgres)
    insert_rows(url, 5)
    with psycopg.connect(url) as open_session:
        postgres.stop()
        assert not postgres.is_running()
        postgres.stop()  # idempotent
        with pytest.raises(psycopg.OperationalError):
            open_session.execute("SELECT 1")
    postgres.start()
    assert postgres.is_running()
    assert count_rows(url) == 5


def test_kill_then_start_recovers_every_commit(postgres: PostgresServer) -> None:
    url = fresh_database(postgres)
    insert_rows(url, 200)  # answered commits, just before the crash
    with psycopg.connect(url) as open_session:
        postgres.kill()
        assert not postgres.is_running()
        with pytest.raises(psycopg.OperationalError):
            open_session.execute("SELECT 1")
    postgres.start()
    assert count_rows(url) == 200
    assert "automatic recovery in progress" in postgres.log()


def test_each_fresh_database_is_new_and_empty(postgres: PostgresServer) -> None:
    first, second = fresh_database(postgres), fresh_database(postgres)
    assert first != second
    insert_rows(first, 1)
    with psycopg.connect(second) as conn:
        row = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()
        assert row == (0,)


def test_after_the_context_no_process_or_folder_is_left() -> None:
    with throwaway_postgres() as server:
        assert server.process is not None
        pid = server.process.pid
        root = server.data_dir.parent
        assert (server.data_dir / "PG_VERSION").is_file()
    assert not server.is_running()
    assert not Path(f"/proc/{pid}").exists()  # reaped, not a zombie
    assert not root.exists()


def test_servers_copied_from_the_one_template_are_clusters_of_their_own() -> None:
    """initdb runs once a process; each server's data is a copy, which the server alone
    writes to, and which goes with it while the template stays for the next."""
    with throwaway_postgres() as first, throwaway_postgres() as second:
        assert first.data_dir != second.data_dir and first.port != second.port
        insert_rows(first.url, 2)
        with psycopg.connect(second.url) as conn:
            row = conn.execute("SELECT count(*) FROM pg_tables WHERE tablename = 'jobs'")
            assert row.fetchone() == (0,)
        template = template_cluster(first.bin_dir, first.user)
        where = scratch_dir() or Path(tempfile.gettempdir())  # tmpfs when it has room
        assert first.data_dir.parent.parent == second.data_dir.parent.parent == where
    assert not first.data_dir.exists() and not second.data_dir.exists()
    assert (template / "PG_VERSION").is_file()
    assert not (template / "postmaster.pid").exists()  # never started: copies start clean


def test_a_missing_postgresql_names_the_make_target(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", os.fspath(tmp_path))
    with pytest.raises(RuntimeError, match="make install-postgres"):
        find_bin_dir(tmp_path / "nowhere")
