"""A small upstream that breaks the contract on purpose, for the proxy's tests: each
path answers one known violation (or a hang, or a cut connection)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from starlette.types import Receive, Scope, Send

from linkis_mock.testing import free_port, serve_asgi_in_thread

LINKIS = "/api/rest_j/v1"
EXEC_ID = "exec_id018014linkis-cg-entrance127.0.0.1:8080IDE_alice_spark_0"
PROJECT = "0123456789abcdef0123456789abcdef"
TASK = "5f0c2e7a-8a3b-4f0c-9d61-3c1b2a4e5d6f"
SLOW_S = 3.0
# A download longer than the proxy buffers, cut after CUT_AFTER of its bytes.
LONG_DOWNLOAD = f"{LINKIS}/filesystem/resultsetToExcel"
LONG_CHUNK = b"x" * 65_536
CUT_AFTER = 40 * len(LONG_CHUNK)  # 2.5 MiB


def envelope(
    method: str | None, data: dict[str, Any], status: int = 0, message: str = "OK"
) -> bytes:
    body = {"method": method, "status": status, "message": message, "data": data}
    return json.dumps(body).encode()


# path -> (HTTP status, headers, body): each one known violation
REPLIES: dict[str, tuple[int, list[tuple[bytes, bytes]], bytes]] = {
    # taskID as a string
    f"{LINKIS}/entrance/submit": (
        200,
        [],
        envelope("/api/entrance/submit", {"execID": EXEC_ID, "taskID": "12"}),
    ),
    # a status value the spec does not have
    f"{LINKIS}/entrance/{EXEC_ID}/status": (
        200,
        [],
        envelope(f"/api/entrance/{EXEC_ID}/status", {"execID": EXEC_ID, "status": "Weird"}),
    ),
    # a 404 where the spec documents none
    f"{LINKIS}/user/userInfo": (404, [], envelope(None, {}, 1, "no such page")),
}
VIAS_TASK = f"/v2/{PROJECT}/tasks/{TASK}"


async def wrong_upstream(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body"):
        pass
    path = scope["path"]
    if path.endswith("/slow") or path == f"{LINKIS}/entrance/{EXEC_ID}/progress":
        # Slow, until the caller hangs up (the proxy's timeout): a sleep the caller no
        # longer waits for would only hold up the server's stop.
        with suppress(TimeoutError):
            if (await asyncio.wait_for(receive(), SLOW_S))["type"] == "http.disconnect":
                return
    if path == f"{LINKIS}/entrance/{EXEC_ID}/log":  # starts a reply, then cuts it
        start = {"type": "http.response.start", "status": 200}
        await send({**start, "headers": [(b"content-length", b"1000")]})
        await send({"type": "http.response.body", "body": b'{"method":', "more_body": True})
        raise ConnectionResetError("cut on purpose")
    if path == LONG_DOWNLOAD:  # streams past the proxy's buffer, then cuts
        start = {"type": "http.response.start", "status": 200}
        await send({**start, "headers": [(b"content-length", str(2 * CUT_AFTER).encode())]})
        for _ in range(CUT_AFTER // len(LONG_CHUNK)):
            await send({"type": "http.response.body", "body": LONG_CHUNK, "more_body": True})
        raise ConnectionResetError("cut on purpose")
    status, headers, body = REPLIES.get(path, (404, [], b""))
    if path == VIAS_TASK:  # a VIAS reply without its X-Request-Id
        status, body = 200, json.dumps({"task": {"id": TASK}}).encode()
    headers = [(b"content-type", b"application/json"), *headers]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


@contextmanager
def served() -> Iterator[str]:
    """The wrong upstream on a free port; yields its base URL."""
    port = free_port()
    stop = serve_asgi_in_thread(wrong_upstream, port)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop()
