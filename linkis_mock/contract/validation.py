"""Request validation as Connexion does it, with errors that name their parameter.

Connexion reports a bad path or query value with jsonschema's bare message
("'abc' does not match ..."). Body errors already end with the field
(" - 'input.type'"); parameter errors get the same ending here, so that every
API's error format can say which parameter was at fault (VIAS `params`).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

from connexion.datastructures import MediaTypeDict
from connexion.exceptions import UnsupportedMediaTypeProblem
from connexion.validators import VALIDATOR_MAP as CONNEXION_VALIDATORS
from connexion.validators import JSONRequestBodyValidator, ParameterValidator
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from linkis_mock.contract import json_policy
from linkis_mock.contract.routes import RouteTable


class NamingParameterValidator(ParameterValidator):  # type: ignore[misc]  # untyped base
    @staticmethod
    def validate_parameter(
        parameter_type: str, value: Any, param: dict[str, Any], param_name: str | None = None
    ) -> str | None:
        error: str | None = ParameterValidator.validate_parameter(
            parameter_type, value, param, param_name
        )
        if error is None or error.startswith("Missing "):
            return error
        return f"{error.split(chr(10), 1)[0]} - '{param['name']}'"


class StrictJSONBodyValidator(JSONRequestBodyValidator):  # type: ignore[misc]  # untyped base
    """Connexion's JSON body validation, parsing with the mock's one policy
    (linkis_mock.contract.json_policy). Handlers only ever see a body that passed it."""

    async def _parse(self, stream: AsyncGenerator[bytes, None], scope: Scope) -> Any:
        del scope
        body = b"".join([chunk async for chunk in stream])
        if not body:
            return None
        if self._encoding.strip('"').lower().replace("-", "").replace("_", "") != "utf8":
            raise json_policy.JsonPolicyError(
                f"JSON bodies are UTF-8 (RFC 8259), not charset={self._encoding}"
            )
        return json_policy.loads(body)


VALIDATOR_MAP = {
    "parameter": NamingParameterValidator,
    "body": MediaTypeDict({**CONNEXION_VALIDATORS["body"], "*/*json": StrictJSONBodyValidator}),
}


class BodyTypeMiddleware:
    """Refuses, before Connexion reads them, bodies and media types it cannot handle:

    - a body without a Content-Type where the operation takes a body (Connexion validates
      a body by its media type; without one it validates nothing and hands the handler
      raw bytes). Operations without a request body (the VIAS action) keep ignoring
      whatever is sent;
    - a Content-Type that is not ASCII, as media types are (RFC 9110 §8.3): Connexion
      decodes it as UTF-8 for any operation, and a byte like 0x80 was a 500.
    """

    def __init__(self, app: ASGIApp, routes: RouteTable) -> None:
        self.app = app
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = Headers(scope=scope)
            if not readable_media_type(headers):
                raise UnsupportedMediaTypeProblem(
                    detail="Content-Type is not a media type: it must be ASCII (RFC 9110)"
                )
            if _untyped_body(headers):
                operation = self.routes.operation(str(scope["method"]), str(scope["path"]))
                if operation is not None and "requestBody" in operation.spec:
                    raise UnsupportedMediaTypeProblem(
                        detail="The request has a body but no Content-Type; send application/json"
                    )
        await self.app(scope, receive, send)


def readable_media_type(headers: Headers) -> bool:
    """False for a Content-Type Connexion cannot decode (the fast lane asks too)."""
    return headers.get("content-type", "").isascii()


def _untyped_body(headers: Headers) -> bool:
    if "content-type" in headers:
        return False
    length = headers.get("content-length", "0")
    return "transfer-encoding" in headers or (length.isdigit() and int(length) > 0)
