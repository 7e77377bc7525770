"""The floor of `make bench`: the least a Python server can do for the benchmarked calls.

The fastest constant-bytes server the stack allows: uvicorn (with httptools and uvloop, as
it runs the mock) and its access log off, serving a bare ASGI callable that answers each
benchmarked path with the mock's own reply to it as constant bytes, headers built once:
no framework, no routing table, no spec, no validation, no authentication, no lookup, no
JSON encoding. Whatever the mock spends above this is the price of those.

Why not a Starlette route, as it was: measured side by side on this machine (wrk -t2 -c32,
two rounds), a Starlette app answering constant bytes gave 15 000-21 500 req/s, this
callable 30 700-31 000, and this callable with uvicorn's access log on (even at
`--log-level warning`, where nothing is printed, uvicorn builds each line's arguments first)
25 400-27 000. Starlette's request, response and middleware objects and the access log were
the gap between the two floors.

The replies come from the file FLOOR_REPLIES names, which the bench writes before it
starts this app: a JSON object of path -> {"body": text, "contentType": text}, each
captured from the mock as it answered that path.

    FLOOR_REPLIES=build/floor-replies.json uvicorn --app-dir bench floor_app:app --no-access-log
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from starlette.types import Message, Receive, Scope, Send

REPLIES_VARIABLE = "FLOOR_REPLIES"
Answer = tuple[Message, Message]


def answers_of(replies: dict[str, dict[str, str]]) -> dict[str, Answer]:
    """Each path's two ASGI messages, built once."""
    answers: dict[str, Answer] = {}
    for path, reply in replies.items():
        body = reply["body"].encode()
        headers = [
            (b"content-type", reply["contentType"].encode()),
            (b"content-length", str(len(body)).encode()),
        ]
        start: Message = {"type": "http.response.start", "status": 200, "headers": headers}
        answers[path] = (start, {"type": "http.response.body", "body": body})
    return answers


NOT_FOUND: Answer = (
    {"type": "http.response.start", "status": 404, "headers": [(b"content-length", b"0")]},
    {"type": "http.response.body", "body": b""},
)
ANSWERS = answers_of(json.loads(Path(os.environ[REPLIES_VARIABLE]).read_text()))


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    del receive
    if scope["type"] != "http":
        return
    start, body = ANSWERS.get(scope["path"], NOT_FOUND)
    await send(start)
    await send(body)
