"""Prism's `Prefer` header: answer with a documented reply instead of running the operation.

    Prefer: code=500                 that status and its (first) example
    Prefer: example=alreadyLoggedIn  that named example, under whichever status has it
    Prefer: code=400, example=x      both

A forced reply changes no state. A code the operation does not document, or an
example it does not have, is a 400 in the API's own format listing what there is.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from linkis_mock.contract.routes import Operation, RouteTable


class ForcedReply(Exception):  # noqa: N818  # a reply, raised to leave the request pipeline
    def __init__(self, status: int, body: bytes, media_type: str) -> None:
        super().__init__(status)
        self.status = status
        self.body = body
        self.media_type = media_type


class PreferNotAvailableError(Exception):
    """What the Prefer header asks for is not in the contract."""


def parse_prefer(header: str) -> dict[str, str]:
    """`code=500, example=x` (commas or semicolons; values may be quoted)."""
    preferences = {}
    for part in header.replace(";", ",").split(","):
        key, sep, value = part.strip().partition("=")
        if sep and key.strip():
            preferences[key.strip().lower()] = value.strip().strip('"')
    return preferences


def forced_reply(operation: Operation, preferences: dict[str, str]) -> ForcedReply | None:
    code, wanted = preferences.get("code"), preferences.get("example")
    if code is None and wanted is None:
        return None
    responses = operation.spec["responses"]
    if code is not None and code not in responses:
        documented = ", ".join(sorted(responses))
        raise PreferNotAvailableError(
            f"Prefer: code={code} is not documented for {operation.operation_id}; "
            f"documented codes: {documented}"
        )
    codes = [code] if code is not None else sorted(responses)
    available: list[str] = []
    for status in codes:
        media_type, examples = _examples(operation, operation.resolve(responses[status]))
        available.extend(examples)
        name = wanted if wanted is not None else next(iter(examples), None)
        if name in examples:
            body = json.dumps(examples[name], ensure_ascii=False).encode()
            return ForcedReply(int(status), body, media_type)
    where = f"code {code} of " if code is not None else ""
    raise PreferNotAvailableError(
        f"Prefer: example={wanted} is not documented for {where}{operation.operation_id}; "
        f"examples: {', '.join(available) or 'none'}"
    )


def _examples(operation: Operation, response: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    for media_type, content in response.get("content", {}).items():
        examples = {
            name: operation.resolve(example).get("value")
            for name, example in content.get("examples", {}).items()
        }
        return media_type, examples
    return "application/json", {}


class PreferMiddleware:
    """Runs before security and validation: a forced reply needs no credentials."""

    def __init__(self, app: ASGIApp, routes: RouteTable) -> None:
        self.app = app
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            header = _header(scope, b"prefer")
            operation = self.routes.operation(scope["method"], scope["path"]) if header else None
            if header and operation is not None:
                reply = forced_reply(operation, parse_prefer(header))
                if reply is not None:
                    raise reply
        await self.app(scope, receive, send)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value).decode("latin-1")
    return None
