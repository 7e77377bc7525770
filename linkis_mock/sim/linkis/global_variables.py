"""Each user's global variables, as the public service keeps them and the web console's
Global Variables page reads and saves them (VariableRestfulApi.java:58-89,
VariableServiceImpl.scala:65-133; docs/reference/linkis-interceptors.md §14). The entrance
merges them into every job's variables, below the job's own.
"""

from __future__ import annotations

from typing import Any

from linkis_mock.api_types import linkis_entrance as api
from linkis_mock.sim.linkis.caller import Caller
from linkis_mock.sim.linkis.errors import PUBLIC_SERVICE, LinkisError, generic_error
from linkis_mock.sim.linkis.interceptors import java
from linkis_mock.sim.linkis.messages import VARIABLE_KEY_OR_VALUE_EMPTY
from linkis_mock.sim.linkis.ok import Ok
from linkis_mock.sim.settings import SimSettings
from linkis_mock.sim.storage.variable_store import VariableStore


class GlobalVariables:
    def __init__(self, settings: SimSettings, store: VariableStore) -> None:
        self._settings = settings
        self._store = store

    def list_global_variables(self, caller: Caller) -> Ok[api.GlobalVariableList]:
        """The caller's variables, in the order their rows were inserted."""
        return Ok(
            {
                "globalVariables": [
                    {
                        "keyID": variable.key_id,
                        "key": variable.key,
                        "valueID": variable.value_id,
                        "value": variable.value,
                    }
                    for variable in self._store.of(caller.user)
                ]
            }
        )

    def save_global_variables(self, body: dict[str, Any], caller: Caller) -> Ok[api.EmptyData]:
        """The caller's whole list: kept names updated, new ones added, the others deleted.
        A blank name or value refuses all of it (the save is one transaction)."""
        items = body.get("globalVariables")
        if items is None:  # treeToValue of a missing member: null, then `.asScala.map`
            raise self._generic("NullPointerException", "")
        saved: list[tuple[str, str]] = []
        for item in items:
            key, value = item.get("key"), item.get("value")
            if java.is_blank(key) or java.is_blank(value):
                raise self._generic("VariableException", VARIABLE_KEY_OR_VALUE_EMPTY)
            saved.append((str(key), str(value)))
        self._store.save(caller.user, saved)
        return Ok({})

    def _generic(self, exception_class: str, text: str) -> LinkisError:
        return generic_error(exception_class, text, self._settings.instance, PUBLIC_SERVICE)
