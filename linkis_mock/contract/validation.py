"""Request validation as Connexion does it, with failures that carry what failed as data.

Connexion reports a bad value with jsonschema's bare message ("'abc' does not match
..."), and only body errors say where (" - 'input.type'"). Here every parameter and
body error is a `FieldProblem`: the same text, with the parameter's name appended as
body errors have it, and the field, the value and the type it should have had as
attributes, for each API's error format (VIAS `params`, Java's NumberFormatException).
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator
from typing import Any

from connexion.datastructures import MediaTypeDict
from connexion.exceptions import BadRequestProblem, UnsupportedMediaTypeProblem
from connexion.json_schema import format_error_with_path
from connexion.utils import is_null, is_nullable
from connexion.validators import VALIDATOR_MAP as CONNEXION_VALIDATORS
from connexion.validators import JSONRequestBodyValidator, ParameterValidator
from jsonschema import Draft4Validator, ValidationError
from starlette.types import ASGIApp, Receive, Scope, Send

from linkis_mock.context import call_of
from linkis_mock.contract import json_policy
from linkis_mock.contract.request_headers import RequestHeaders


class FieldProblem(BadRequestProblem):  # type: ignore[misc]  # untyped base
    """A parameter or body member that does not fit its schema."""

    def __init__(self, detail: str, field: str | None, error: ValidationError) -> None:
        super().__init__(detail=detail)
        self.field = field
        self.value: Any = error.instance
        # The type it should have had, when its type was what was wrong.
        self.wrong_type: Any = error.validator_value if error.validator == "type" else None


class NamingParameterValidator(ParameterValidator):  # type: ignore[misc]  # untyped base
    @staticmethod
    def validate_parameter(
        parameter_type: str, value: Any, param: dict[str, Any], param_name: str | None = None
    ) -> str | None:
        """Connexion's check of one parameter, raising a FieldProblem for a bad value
        (and still returning its "Missing ..." text for an absent required one)."""
        if value is None or (is_nullable(param) and is_null(value)):
            missing: str | None = ParameterValidator.validate_parameter(
                parameter_type, value, param, param_name
            )
            return missing
        schema = param.get("schema", param)
        validator = Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)
        error = next(iter(validator.iter_errors(value)), None)
        if error is None:
            return None
        name = str(param["name"])
        raise FieldProblem(f"{json_worded(error)} - '{name}'", name, error)


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

    def _validate(self, body: Any) -> None:
        """Connexion's check of the body, raising a FieldProblem."""
        if not self._nullable and body is None:
            raise BadRequestProblem("Request body must not be empty")
        error = next(iter(self._validator.iter_errors(body)), None)
        if error is not None:
            detail = f"{json_worded(error)}{format_error_with_path(error)}"
            raise FieldProblem(detail, _where(error), error)


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

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            call = call_of(scope)
            headers = call.headers
            if not readable_media_type(headers):
                raise UnsupportedMediaTypeProblem(
                    detail="Content-Type is not a media type: it must be ASCII (RFC 9110)"
                )
            if _untyped_body(headers):
                operation = call.matched.operation if call.matched else None
                if operation is not None and "requestBody" in operation.spec:
                    raise UnsupportedMediaTypeProblem(
                        detail="The request has a body but no Content-Type; send application/json"
                    )
        await self.app(scope, receive, send)


def json_worded(error: ValidationError) -> str:
    """jsonschema's message, naming a value as JSON writes it: `null is not of type
    'string'`, not Python's `None is not ...` (strings keep jsonschema's quotes)."""
    message = error.message
    value = error.instance
    if isinstance(value, str):
        return message
    python = repr(value)
    if message.startswith(python):
        try:
            return json.dumps(value, ensure_ascii=False) + message[len(python) :]
        except (TypeError, ValueError):
            return message
    return message


def _where(error: ValidationError) -> str | None:
    """The body member at fault: where the error is, or the required member it lacks."""
    if error.path:
        return ".".join(str(part) for part in error.path)
    if error.validator == "required" and isinstance(error.instance, dict):
        required: list[str] = list(error.validator_value)  # type: ignore[arg-type]
        return next((name for name in required if name not in error.instance), None)
    return None


def readable_media_type(headers: RequestHeaders) -> bool:
    """False for a Content-Type Connexion cannot decode (the fast lane asks too)."""
    return headers.get("content-type", "").isascii()


def _untyped_body(headers: RequestHeaders) -> bool:
    if "content-type" in headers:
        return False
    length = headers.get("content-length", "0")
    return "transfer-encoding" in headers or (length.isdigit() and int(length) > 0)
