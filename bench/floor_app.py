"""The floor of `make bench`: the least a Python server can do for the benchmarked calls.

A bare Starlette app, run under uvicorn like the mock, with one route per benchmarked
path answering the mock's own reply to it as constant bytes: no spec, no validation, no
authentication, no lookup, no JSON encoding. Whatever the mock spends above this is the
price of those.

The replies come from the file FLOOR_REPLIES names, which the bench writes before it
starts this app: a JSON object of path -> {"body": text, "contentType": text}, each
captured from the mock as it answered that path.

    FLOOR_REPLIES=build/floor-replies.json uvicorn --app-dir bench floor_app:app
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

REPLIES_VARIABLE = "FLOOR_REPLIES"


def constant_route(path: str, body: bytes, content_type: str) -> Route:
    async def answer(request: Request) -> Response:
        del request
        return Response(body, media_type=content_type)

    return Route(path, answer, methods=["GET"])


def routes_of(replies: dict[str, dict[str, str]]) -> list[Route]:
    return [
        constant_route(path, reply["body"].encode(), reply["contentType"])
        for path, reply in replies.items()
    ]


app = Starlette(routes=routes_of(json.loads(Path(os.environ[REPLIES_VARIABLE]).read_text())))
