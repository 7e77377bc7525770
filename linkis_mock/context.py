"""What one mock owns, and what one request carries through the layers.

`create_app` builds one `MockContext` per app and hands it to every layer that needs
it; two apps in one process share nothing. The pipeline's first layer attaches a
`Call` to each request (in Connexion's request context, so that handlers and
security functions receive it as an argument named `call`): the app's context, the
API the path belongs to, and the request's own facts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from starlette.datastructures import Headers, QueryParams
from starlette.types import Scope

from linkis_mock.apis import Api, ApiRegistry
from linkis_mock.config import Settings
from linkis_mock.contract import envelope
from linkis_mock.contract.routes import RouteTable
from linkis_mock.control.faults import FaultBook
from linkis_mock.control.journal import Journal
from linkis_mock.sim.linkis.caller import Caller
from linkis_mock.sim.linkis.errors import MethodStyle
from linkis_mock.sim.linkis.ok import Ok
from linkis_mock.sim.simulator import Simulator

if TYPE_CHECKING:
    from linkis_mock.sim.storage.backend import StorageBackend

# Where Connexion keeps what it passes to handlers by name (token_info, user, ...).
CONNEXION_CONTEXT = "connexion_context"
CALL = "call"
D = TypeVar("D")


@dataclass(frozen=True, slots=True)
class MockContext:
    settings: Settings
    apis: ApiRegistry
    routes: RouteTable
    sim: Simulator
    journal: Journal
    faults: FaultBook
    storage: StorageBackend | None = None


@dataclass(slots=True)
class Call:
    """One request, as the layers inside the first one and the handlers see it."""

    mock: MockContext
    scope: Scope
    api: Api | None  # None for paths no API claims
    request_id: str = ""  # the X-Request-Id of APIs that send one
    _headers: Headers | None = field(default=None, repr=False)

    @property
    def path(self) -> str:
        return str(self.scope["path"])

    @property
    def sim(self) -> Simulator:
        return self.mock.sim

    @property
    def headers(self) -> Headers:
        if self._headers is None:
            self._headers = Headers(scope=self.scope)
        return self._headers

    @property
    def query_params(self) -> QueryParams:
        return QueryParams(self.scope.get("query_string", b""))

    def caller(self, token_info: dict[str, Any]) -> Caller:
        """Who is calling, from what Connexion's security layer put in `token_info`."""
        info = token_info.get("tokenCode", token_info)
        user = str(info["sub"])
        users = self.sim.users
        return Caller(
            user=user,
            admin=users.is_admin(user),
            admin_token="token" in info and users.is_admin_token(str(info["token"])),
        )

    def ok(
        self, result: Ok[D], method: MethodStyle = "service"
    ) -> tuple[envelope.OkEnvelope[D], Literal[200]]:
        """A Linkis success reply to this request, in the one envelope."""
        return envelope.ok(result, self.path, self.mock.apis.linkis.base_path, method)


def attach(scope: Scope, call: Call) -> None:
    extensions = scope.setdefault("extensions", {})
    extensions.setdefault(CONNEXION_CONTEXT, {})[CALL] = call


def call_of(scope: Scope) -> Call:
    """The request's Call, attached by the pipeline's first layer."""
    call: Call = scope["extensions"][CONNEXION_CONTEXT][CALL]
    return call
