"""The one registry of the APIs the mock serves: Linkis, VIAS and its own admin API.

Each is declared once, here: its spec, its base path (read from the spec's `servers`),
where its reference docs are served, how strictly requests are validated, its error
format, and which outer layers apply to it (CORS for browser front ends, the request
journal, `X-Request-Id`). Every layer asks the registry, or the request's `Call`, which
API a path belongs to, instead of spelling base paths itself.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from linkis_mock.specs import ADMIN_SPEC, LINKIS_SPEC, VIAS_SPEC, load_spec

ApiName = Literal["linkis", "vias", "admin"]
ProxiedApiName = Literal["linkis", "vias"]  # the APIs proxy mode forwards to real servers
# How failures are answered: the Linkis envelope, Huawei Cloud's error bodies, or
# RFC 7807 problems (linkis_mock.contract.formats).
ErrorStyle = Literal["linkis-envelope", "huawei-cloud", "problem"]
SPEC_JSON = "/openapi.json"


@dataclass(frozen=True, slots=True)
class Api:
    name: ApiName
    spec_file: str
    spec: dict[str, Any]  # as written; Connexion gets a copy of its own
    base_path: str
    docs_path: str  # Swagger UI, under the base path
    strict_validation: bool  # undeclared query parameters are refused
    error_style: ErrorStyle
    cross_origin: bool  # CORS with credentials, for front ends on another origin
    journaled: bool
    request_ids: bool  # every reply carries X-Request-Id, as Huawei Cloud's gateway sends
    # Its security is checked by the pipeline's AdminGuard, not by Connexion: only the
    # guard knows whether a token is set at all (linkis_mock.control.admin_access).
    guarded: bool = False

    @classmethod
    def declare(
        cls,
        name: ApiName,
        spec_file: str,
        *,
        docs_path: str,
        strict_validation: bool,
        error_style: ErrorStyle,
        cross_origin: bool,
        journaled: bool,
        request_ids: bool,
        guarded: bool = False,
        specs: Path | None = None,
    ) -> Api:
        """The API of a spec file (the copy in `specs` if there is one), its base path
        read from the spec's `servers`."""
        spec = load_spec(spec_file, specs)
        return cls(
            name=name,
            spec_file=spec_file,
            spec=spec,
            base_path=str(spec["servers"][0]["url"]).rstrip("/"),
            docs_path=docs_path,
            strict_validation=strict_validation,
            error_style=error_style,
            cross_origin=cross_origin,
            journaled=journaled,
            request_ids=request_ids,
            guarded=guarded,
        )

    def claims(self, path: str) -> bool:
        return path.startswith(self.base_path + "/")

    def serves_itself(self, path: str) -> bool:
        """The mock's own pages under the API's base path (its spec and Swagger UI),
        which a proxy serves instead of forwarding."""
        docs = self.base_path + self.docs_path
        return path == self.base_path + SPEC_JSON or path == docs or path.startswith(docs + "/")


class ApiRegistry:
    """The three APIs, each with its spec parsed once; `specs`: a folder of spec copies
    served instead of the packaged ones (SpecError if one cannot be served)."""

    def __init__(self, specs: Path | None = None) -> None:
        self.linkis = Api.declare(
            "linkis",
            LINKIS_SPEC,
            docs_path="/ui",
            strict_validation=False,
            error_style="linkis-envelope",
            cross_origin=True,
            journaled=True,
            request_ids=False,
            specs=specs,
        )
        self.vias = Api.declare(
            "vias",
            VIAS_SPEC,
            docs_path="/ui",
            strict_validation=False,
            error_style="huawei-cloud",
            cross_origin=True,
            journaled=True,
            request_ids=True,
            specs=specs,
        )
        self.admin = Api.declare(
            "admin",
            ADMIN_SPEC,
            docs_path="/docs",
            strict_validation=True,
            error_style="problem",
            cross_origin=False,  # same-origin only: the dashboard is served beside it
            journaled=False,  # the dashboard polls it
            request_ids=False,
            guarded=True,
            specs=specs,
        )

    def __iter__(self) -> Iterator[Api]:
        return iter((self.linkis, self.vias, self.admin))

    def for_path(self, path: str) -> Api | None:
        """The API a request path belongs to, if any."""
        for api in self:
            if api.claims(path):
                return api
        return None


@functools.cache
def base_paths() -> dict[ApiName, str]:
    """Each API's base path, for clients of the mock (linkis_mock.testing)."""
    return {api.name: api.base_path for api in ApiRegistry()}
