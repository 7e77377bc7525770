"""Prism's `Prefer` header: answer with a documented reply instead of running the operation.

    Prefer: code=500                 that status and its (first) example
    Prefer: example=alreadyLoggedIn  that named example, under whichever status has it
    Prefer: code=400, example=x      both

A forced reply changes no state. A code the operation does not document, or an
example it does not have, is a 400 in the API's own format listing what there is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from linkis_mock.context import call_of
from linkis_mock.contract.formats import Refused
from linkis_mock.contract.reply_json import encode
from linkis_mock.contract.routes import Operation

if TYPE_CHECKING:
    from linkis_mock.contract.errors import ErrorMapper


@dataclass(frozen=True, slots=True)
class Forced:
    """A documented reply to send instead of running the operation."""

    status: int
    body: bytes
    media_type: str


@dataclass(frozen=True, slots=True)
class NotDocumented:
    """What the Prefer header asks for is not in the contract; `message` lists what is."""

    message: str


def parse_prefer(header: str) -> dict[str, str]:
    """`code=500, example=x` (commas or semicolons; values may be quoted)."""
    preferences = {}
    for part in header.replace(";", ",").split(","):
        key, sep, value = part.strip().partition("=")
        if sep and key.strip():
            preferences[key.strip().lower()] = value.strip().strip('"')
    return preferences


def forced_reply(
    operation: Operation, preferences: dict[str, str]
) -> Forced | NotDocumented | None:
    """What `Prefer` asks of this operation: a documented reply, an explanation of why
    there is none, or None when it asks for nothing."""
    code, wanted = preferences.get("code"), preferences.get("example")
    if code is None and wanted is None:
        return None
    responses = operation.spec["responses"]
    if code is not None and code not in responses:
        documented = ", ".join(sorted(responses))
        return NotDocumented(
            f"Prefer: code={code} is not documented for {operation.operation_id}; "
            f"documented codes: {documented}"
        )
    codes = [code] if code is not None else sorted(responses)
    available: list[str] = []
    for status in codes:
        examples = _examples(operation, operation.resolve(responses[status]))
        available.extend(examples)
        name = wanted if wanted is not None else next(iter(examples), None)
        if name in examples:
            media_type, value = examples[name]
            return Forced(int(status), _encoded(media_type, value), media_type)
    where = f"code {code} of " if code is not None else ""
    return NotDocumented(
        f"Prefer: example={wanted} is not documented for {where}{operation.operation_id}; "
        f"examples: {', '.join(available) or 'none'}"
    )


def _examples(operation: Operation, response: dict[str, Any]) -> dict[str, tuple[str, Any]]:
    """Each named example of the response, with its media type; JSON ones first. A binary
    type's example stands for bytes it cannot show (an xlsx), so it is never sent."""
    found: dict[str, tuple[str, Any]] = {}
    contents = response.get("content", {})
    for media_type in sorted(contents, key=lambda name: "json" not in name):
        content = contents[media_type]
        if operation.resolve(content.get("schema", {})).get("format") == "binary":
            continue
        for name, example in content.get("examples", {}).items():
            found.setdefault(name, (media_type, operation.resolve(example).get("value")))
    return found


def _encoded(media_type: str, value: Any) -> bytes:
    """A JSON example as JSON; a text one (a CSV, a plain-text error) as its text."""
    if "json" in media_type or not isinstance(value, str):
        return encode(value)
    return value.encode()


class PreferMiddleware:
    """Runs before security and validation (a forced reply needs no credentials) and
    answers the request itself when `Prefer` asks for a documented reply."""

    def __init__(self, app: ASGIApp, mapper: ErrorMapper) -> None:
        self.app = app
        self.mapper = mapper

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        call = call_of(scope) if scope["type"] == "http" else None
        header = call.headers.get("prefer") if call is not None else None
        matched = call.matched if call is not None and header else None
        operation = matched.operation if matched else None
        reply = forced_reply(operation, parse_prefer(header)) if header and operation else None
        if isinstance(reply, Forced):
            response = Response(reply.body, status_code=reply.status, media_type=reply.media_type)
        elif isinstance(reply, NotDocumented):
            response = self.mapper.render(Refused(reply.message), call_of(scope)).for_starlette()
        else:
            await self.app(scope, receive, send)
            return
        await response(scope, receive, send)
