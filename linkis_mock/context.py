"""What one mock owns, and what one request carries through the layers.

`create_app` builds one `MockContext` per app and hands it to every layer that needs
it; two apps in one process share nothing. The pipeline's first layer attaches a
`Call` to each request (in Connexion's request context, so that handlers and
security functions receive it as an argument named `call`): the app's context, the
API the path belongs to, and the request's own facts.
"""

from __future__ import annotations

import inspect
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from starlette.datastructures import QueryParams
from starlette.types import Scope

from linkis_mock.apis import Api, ApiRegistry
from linkis_mock.config import Settings
from linkis_mock.contract import envelope
from linkis_mock.contract.credentials import Credentials
from linkis_mock.contract.request_headers import RequestHeaders
from linkis_mock.contract.routes import RouteMatch, RouteTable
from linkis_mock.control.faults import FaultBook
from linkis_mock.control.journal import Journal
from linkis_mock.control.reloads import ReloadLog
from linkis_mock.proxy.violations import ViolationBook
from linkis_mock.sim.linkis.caller import Caller
from linkis_mock.sim.linkis.errors import MethodStyle
from linkis_mock.sim.linkis.ok import Ok
from linkis_mock.sim.simulator import Simulator

if TYPE_CHECKING:
    from linkis_mock.proxy.recording import Recorder
    from linkis_mock.sim.storage.backend import StorageBackend

# Where Connexion keeps what it passes to handlers by name (token_info, user, ...).
CONNEXION_CONTEXT = "connexion_context"
CALL = "call"
D = TypeVar("D")
P = TypeVar("P")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class MockContext:
    settings: Settings
    apis: ApiRegistry
    routes: RouteTable
    sim: Simulator
    journal: Journal
    faults: FaultBook
    storage: StorageBackend | None = None
    # Proxy mode: what the real servers' traffic broke of the contract, and the recording.
    violations: ViolationBook = field(default_factory=ViolationBook)
    recorder: Recorder | None = None
    # `serve --reload`: what was taken in and refused, shared by the apps a reload builds.
    reloads: ReloadLog = field(default_factory=ReloadLog)
    # X-Request-Id values: ids, not secrets, so seeded from the OS once (at the app's making,
    # in each worker process) where `secrets` would ask it on every request.
    request_ids: random.Random = field(default_factory=random.Random)

    def new_request_id(self) -> str:
        """32 hex digits, as Huawei Cloud's gateway sends."""
        return f"{self.request_ids.getrandbits(128):032x}"


@dataclass(slots=True)
class Call:
    """One request, as the layers inside the first one and the handlers see it."""

    mock: MockContext
    scope: Scope
    api: Api | None  # None for paths no API claims
    request_id: str = ""  # the X-Request-Id of APIs that send one
    forwarded: bool = False  # proxy mode: the real server answers, its reply goes back as is
    # Read once, when a layer first asks, and shared by every layer after it.
    _headers: RequestHeaders | None = field(default=None, repr=False)
    _matched: RouteMatch | bool | None = field(default=False, repr=False)
    _credentials: Credentials | None = field(default=None, repr=False)

    @property
    def path(self) -> str:
        return str(self.scope["path"])

    @property
    def sim(self) -> Simulator:
        return self.mock.sim

    @property
    def headers(self) -> RequestHeaders:
        if self._headers is None:
            self._headers = RequestHeaders(self.scope.get("headers", ()))
        return self._headers

    @property
    def matched(self) -> RouteMatch | None:
        """The request's route, operation and path parameters in the specs, if any."""
        if self._matched is False:
            self._matched = self.mock.routes.match(str(self.scope["method"]), self.path)
        return self._matched if isinstance(self._matched, RouteMatch) else None

    @property
    def credentials(self) -> Credentials:
        """What the request presents as credentials (cookie, token pair, VIAS token)."""
        if self._credentials is None:
            self._credentials = Credentials.of(self.headers)
        return self._credentials

    @property
    def query_params(self) -> QueryParams:
        return QueryParams(self.scope.get("query_string", b""))

    def caller(self, token_info: dict[str, Any]) -> Caller:
        """Who is calling, from what Connexion's security layer put in `token_info`."""
        info = token_info.get("tokenCode", token_info)
        users = self.sim.users
        admin_token = "token" in info and users.is_admin_token(str(info["token"]))
        return users.caller(str(info["sub"]), admin_token=admin_token)

    def ok(
        self, result: Ok[D], method: MethodStyle = "service"
    ) -> tuple[envelope.OkEnvelope[D], Literal[200]]:
        """A Linkis success reply to this request, in the one envelope."""
        return envelope.ok(result, self.path, self.mock.apis.linkis.base_path, method)


def takes_parameters(
    kind: type[P],
) -> Callable[[Callable[[Call, dict[str, Any], P], Awaitable[R]]], Callable[..., Awaitable[R]]]:
    """A handler `(call, token_info, request)` that receives its operation's parameters as
    one simulator request (a dataclass whose fields are the parameters' Python names).

    Connexion passes a handler the arguments its signature names; the returned function's
    signature names the request's fields. (A `**kwargs` handler would instead be given
    every query parameter, declared or not, and Connexion logs an error for each
    undeclared one.)
    """

    def decorate(
        handler: Callable[[Call, dict[str, Any], P], Awaitable[R]],
    ) -> Callable[..., Awaitable[R]]:
        async def bound(call: Call, token_info: dict[str, Any], **given: Any) -> R:
            return await handler(call, token_info, kind(**given))

        keyword = inspect.Parameter.KEYWORD_ONLY
        named = inspect.Parameter.POSITIONAL_OR_KEYWORD
        request_fields = fields(kind)  # type: ignore[arg-type]  # a dataclass type
        bound.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
            [inspect.Parameter("call", named), inspect.Parameter("token_info", named)]
            + [inspect.Parameter(f.name, keyword, default=f.default) for f in request_fields]
        )
        bound.__name__ = handler.__name__
        bound.__qualname__ = handler.__qualname__
        bound.__doc__ = handler.__doc__
        return bound

    return decorate


def attachment(file_name: str) -> dict[str, str]:
    """`Content-Disposition` as the real downloads write it: no quotes, and the name's
    UTF-8 bytes as they are (FsRestfulApi.java:1015-1020)."""
    return {"Content-Disposition": "attachment;filename=" + file_name.encode().decode("latin-1")}


def attach(scope: Scope, call: Call) -> None:
    extensions = scope.setdefault("extensions", {})
    extensions.setdefault(CONNEXION_CONTEXT, {})[CALL] = call


def detach(scope: Scope) -> None:
    """Take the Call off its finished request: the Call holds the scope, and the scope
    holding it back would make each request a reference cycle, garbage only the
    collector frees (a collection every few hundred requests)."""
    scope["extensions"][CONNEXION_CONTEXT].pop(CALL, None)


def call_of(scope: Scope) -> Call:
    """The request's Call, attached by the pipeline's first layer."""
    call: Call = scope["extensions"][CONNEXION_CONTEXT][CALL]
    return call
