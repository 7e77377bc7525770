"""`serve --ssl-certfile --ssl-keyfile`: https for front ends that must run on it, with a
self-signed certificate made here (the `openssl` command); the session cookie works over
it, and TLS flags that will not do stop the start with exit status 2."""

from __future__ import annotations

import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from linkis_mock.contract.credentials import SESSION_COOKIE
from linkis_mock.testing import API, free_port, terminate
from tests.helpers.cli import run_here

SUBMIT = {
    "executionContent": {"code": "select 1", "runType": "sql"},
    "labels": {"engineType": "spark-2.4.3", "userCreator": "alice-IDE"},
}


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture(scope="module", params=["one process", "two workers"])
def https_mock(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    certificate: tuple[Path, Path],
) -> Iterator[int]:
    """`serve` over https on a free port (also as `--workers 2` on a state file). One
    server of each kind for the module: its tests only read from it, and a start (of
    three processes, with workers) is most of what they cost."""
    cert, key = certificate
    port = free_port()
    tmp_path = tmp_path_factory.mktemp("https")
    workers = ["--workers", "2", "--state", str(tmp_path / "s.db")]
    log = tmp_path / "mock.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "linkis_mock", "serve", "--port", str(port)),
                *("--ssl-certfile", str(cert), "--ssl-keyfile", str(key)),
                *(workers if request.param == "two workers" else []),
            ],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for_https(port, cert, process, log)
        yield port
    finally:
        terminate(process)


def _trusting(cert: Path) -> ssl.SSLContext:
    """A client context that trusts the self-signed certificate (and checks the host)."""
    return ssl.create_default_context(cafile=cert)


def _wait_for_https(port: int, cert: Path, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 20
    # One client (one TLS context) for all the polls, not one for each.
    with httpx.Client(verify=_trusting(cert), timeout=1) as poll:
        while time.monotonic() < deadline:
            assert process.poll() is None, log.read_text()
            try:
                poll.get(f"https://127.0.0.1:{port}/__admin/clock")
                return
            except httpx.TransportError:
                time.sleep(0.05)
    raise AssertionError(f"https did not start:\n{log.read_text()}")


def test_https_serves_and_the_session_cookie_works(
    https_mock: int, certificate: tuple[Path, Path]
) -> None:
    cert, _ = certificate
    base = f"https://127.0.0.1:{https_mock}"
    with httpx.Client(base_url=base + API, verify=_trusting(cert), timeout=10) as client:
        login = client.post("/user/login", json={"userName": "alice", "password": "alice"})
        assert login.json()["status"] == 0, login.text
        set_cookie = login.headers["set-cookie"]
        assert set_cookie.startswith(f"{SESSION_COOKIE}=")
        # What a browser on an https page of this host keeps: a host-only cookie for "/"
        # (no Domain, no Secure needed: a cookie without Secure goes over https too).
        (kept,) = list(client.cookies.jar)
        assert (kept.name, kept.domain, kept.path) == (SESSION_COOKIE, "127.0.0.1", "/")
        assert "domain=" not in set_cookie.lower()
        # The cookie alone (no token) is who submits and polls, over https.
        submit = client.post("/entrance/submit", json=SUBMIT)
        assert submit.json()["status"] == 0, submit.text
        exec_id = submit.json()["data"]["execID"]
        status = client.get(f"/entrance/{exec_id}/status")
        assert status.json()["status"] == 0, status.text
        assert status.request.headers["cookie"] == f"{SESSION_COOKIE}={kept.value}"
        client.cookies.clear()
        assert client.get(f"/entrance/{exec_id}/status").json()["status"] != 0  # not logged in


def test_plain_http_to_the_https_port_fails(https_mock: int) -> None:
    with pytest.raises(httpx.TransportError):
        httpx.get(f"http://127.0.0.1:{https_mock}{API}/user/publicKey", timeout=5)


@pytest.mark.parametrize("command", ["serve", "proxy"])
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--ssl-certfile", "CERT"), "--ssl-certfile and --ssl-keyfile go together"),
        (("--ssl-keyfile", "KEY"), "--ssl-certfile and --ssl-keyfile go together"),
        (
            ("--ssl-certfile", "/nowhere/cert.pem", "--ssl-keyfile", "KEY"),
            "--ssl-certfile /nowhere/cert.pem: no such file, or it cannot be read",
        ),
        (("--ssl-certfile", "KEY", "--ssl-keyfile", "KEY"), "not a certificate"),
    ],
)
def test_tls_flags_that_will_not_do_stop_the_start(
    certificate: tuple[Path, Path],
    capsys: pytest.CaptureFixture[str],
    command: str,
    args: tuple[str, ...],
    message: str,
) -> None:
    cert, key = certificate
    argv = [arg.replace("CERT", str(cert)).replace("KEY", str(key)) for arg in args]
    targets = ["--linkis-target", "http://127.0.0.1:9"] if command == "proxy" else []
    done = run_here(capsys, command, "--port", str(free_port()), *targets, *argv)
    assert done.returncode == 2, done.stderr
    (line,) = done.stderr.splitlines()
    assert line.startswith("linkis-mock: ")
    assert message in line
