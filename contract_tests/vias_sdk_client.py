"""A VIAS task client on huaweicloudsdkcore, built the way a generated service client is.

There is no `huaweicloudsdkvias` on PyPI (the only official VIAS SDK is Java), so this
module supplies the three pieces a generated client would: a `Client` subclass whose
operations hand an `http_info` dict to the core's `do_http_request`, a response model
the core deserialises into (an opaque `body` plus the `X-Request-Id` header, as in the
Java SDK's `StartStopTaskResponse`), and a credential. The core only signs with AK/SK,
so `TokenCredentials` replaces the signing hook: it sets `X-Auth-Token` and builds the
request URI, which is the other half of the signer's job.

huaweicloudsdkcore has no type hints; everything typed here is a narrow wrapper so the
tests stay `mypy --strict` clean.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from huaweicloudsdkcore.auth.credentials import Credentials
from huaweicloudsdkcore.client import Client, ClientBuilder
from huaweicloudsdkcore.exceptions.exceptions import ServiceResponseException
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkcore.http.http_handler import HttpHandler
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.sdk_response import SdkResponse
from huaweicloudsdkcore.signer.signer import Signer

AUTH_TOKEN_HEADER = "X-Auth-Token"
REQUEST_ID_HEADER = "X-Request-Id"
Command = Literal["start", "stop"]


class TokenCredentials(Credentials):  # type: ignore[misc]
    """An IAM user token bound to a project, sent as `X-Auth-Token` instead of a signature.

    Hooks overridden on `Credentials`:
    - `sign_request` (run by `process_auth_request` for every request): set the token
      header and build `request.uri` (resource path plus query) with the signer's own
      `process_request_uri`; no `Authorization`, `X-Sdk-Date` or `X-Project-Id`.
    - `process_sts`: a no-op. The base class, seeing neither AK nor SK, would otherwise
      fetch temporary keys from the ECS metadata service before each request.
    - `get_update_path_params`: fills `{project_id}` in resource paths, as
      `BasicCredentials` does.
    - `process_auth_params`: a no-op; the project id is given, no IAM lookup.
    """

    def __init__(self, token: str, project_id: str) -> None:
        super().__init__()
        self.token = token
        self.project_id = project_id

    def get_update_path_params(self) -> dict[str, Any]:
        return {"project_id": self.project_id}

    def process_auth_params(self, http_client: Any, region_id: str) -> TokenCredentials:
        return self

    def process_sts(self, http_client: Any) -> None:
        return None

    def sign_request(self, request: SdkRequest) -> SdkRequest:
        request.header_params[AUTH_TOKEN_HEADER] = self.token
        Signer.process_request_uri(request)
        return request


class BasicCredentials(TokenCredentials):
    """The same token credential under the only name `ClientBuilder` accepts.

    `ClientBuilder.build` compares `credentials.__class__.__name__` with
    "BasicCredentials"; a differently named credential gets a TypeError.
    """


class StartStopTaskResponse(SdkResponse):  # type: ignore[misc]
    """The 200 reply: an untyped object, plus the request id from the response header."""

    openapi_types: ClassVar[dict[str, str]] = {"body": "object", "x_request_id": "str"}
    attribute_map: ClassVar[dict[str, str]] = {"body": "body", "x_request_id": REQUEST_ID_HEADER}

    def __init__(self, body: object = None, x_request_id: str | None = None) -> None:
        super().__init__()
        self.body = body
        self.x_request_id = x_request_id


@dataclass(frozen=True)
class Exchange:
    """One request as the HTTP library really sent it, and the reply's status and headers.

    Header names are lower-cased: HTTP treats them case-insensitively, and servers differ.
    """

    method: str
    url: str
    headers: dict[str, str]
    body: bytes | str | None
    status_code: int
    response_headers: dict[str, str]
    response_text: str


@dataclass
class Wire:
    """Exchanges seen by the core's `HttpHandler` response hook, which runs for errors too."""

    exchanges: list[Exchange] = field(default_factory=list)

    @property
    def last(self) -> Exchange:
        assert self.exchanges, "the SDK sent nothing"
        return self.exchanges[-1]

    def record(self, **kwargs: Any) -> None:
        response = kwargs["response"]
        sent = response.request  # the requests.PreparedRequest that went on the wire
        self.exchanges.append(
            Exchange(
                method=str(sent.method),
                url=str(sent.url),
                headers={str(k).lower(): str(v) for k, v in sent.headers.items()},
                body=sent.body,
                status_code=int(response.status_code),
                response_headers={str(k).lower(): str(v) for k, v in response.headers.items()},
                response_text=str(response.text),
            )
        )


class ViasClient(Client):  # type: ignore[misc]
    """The start/stop operation as `huaweicloudsdk<service>` generators emit it."""

    def __init__(self) -> None:
        super().__init__()
        # Generated clients point this at their `model` package; the core looks the
        # response type up in it by name.
        self.model_package = sys.modules[__name__]

    def start_stop_task(self, task_id: str, command: Command) -> StartStopTaskResponse:
        http_info: dict[str, Any] = {
            "method": "PUT",
            "resource_path": "/v2/{project_id}/tasks/{task_id}/action/{command}",
            "request_type": "StartStopTaskRequest",
            "response_type": "StartStopTaskResponse",
            "cname": None,
            "collection_formats": {},
            "path_params": {"task_id": task_id, "command": command},
            "query_params": [],
            "header_params": {"Content-Type": "application/json"},
            "body": None,
            "post_params": {},
            "response_headers": [REQUEST_ID_HEADER],
        }
        reply = self._call_api(**http_info)
        assert isinstance(reply, StartStopTaskResponse), type(reply)
        return reply

    def _call_api(self, **kwargs: Any) -> Any:
        return self.do_http_request(**kwargs)

    def shutdown(self) -> None:
        self.close()
        self.get_http_client().executor.shutdown(wait=True)


def build_client(
    endpoint: str, token: str, project_id: str, *, via_builder: bool = False
) -> tuple[ViasClient, Wire]:
    """A client for `endpoint` (used as given: `http://` stays http), and its wire log."""
    wire = Wire()
    handler = HttpHandler().add_response_handler(wire.record)
    config = HttpConfig.get_default_config()
    config.timeout = (5, 10)
    if via_builder:
        client = (
            ClientBuilder(ViasClient)
            .with_http_config(config)
            .with_credentials(BasicCredentials(token, project_id))
            .with_endpoint(endpoint)
            .with_http_handler(handler)
            .build()
        )
    else:
        # What ClientBuilder.build does, minus its check of the credential's class name.
        client = (
            ViasClient()
            .with_credentials(TokenCredentials(token, project_id))
            .with_config(config)
            .with_http_handler(handler)
            .with_exception_handler(None)
        )
        client.init_http_client()
        client.with_endpoints([endpoint])
    assert isinstance(client, ViasClient)
    return client, wire


@dataclass(frozen=True)
class ServiceError:
    """The typed view of a `ServiceResponseException` the core raised."""

    exception_type: type[BaseException]
    status_code: int
    error_code: str
    error_msg: str
    request_id: str | None


def service_error(action: Callable[[], object]) -> ServiceError:
    """Run `action`, which must fail with the core's service exception, and describe it."""
    try:
        action()
    except ServiceResponseException as exc:
        return ServiceError(
            exception_type=type(exc),
            status_code=int(exc.status_code),
            error_code=str(exc.error_code),
            error_msg=str(exc.error_msg),
            request_id=None if exc.request_id is None else str(exc.request_id),
        )
    raise AssertionError("the SDK call succeeded but an error was expected")
