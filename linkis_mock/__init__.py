"""A contract-first mock of the Apache Linkis entrance API and the Huawei Cloud VIAS task API.

    import linkis_mock
    app = linkis_mock.create_app()   # an ASGI app: one mock, owning all its state

`create_app` is imported when first used, so that importing the simulator alone
(`linkis_mock.sim`) loads no web framework.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from linkis_mock.app import create_app

__all__ = ["create_app"]

# Connexion imports Starlette's test client, which warns about httpx as it is imported:
# a line of noise at every server start that says nothing about this project.
warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from linkis_mock.app import create_app  # noqa: PLC0415  # see the module docstring

        return create_app
    raise AttributeError(f"module 'linkis_mock' has no attribute {name!r}")
