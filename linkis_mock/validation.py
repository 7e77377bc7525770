"""Request validation as Connexion does it, with errors that name their parameter.

Connexion reports a bad path or query value with jsonschema's bare message
("'abc' does not match ..."). Body errors already end with the field
(" - 'input.type'"); parameter errors get the same ending here, so that every
API's error format can say which parameter was at fault (VIAS `params`).
"""

from __future__ import annotations

from typing import Any

from connexion.validators import ParameterValidator


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


VALIDATOR_MAP = {"parameter": NamingParameterValidator}
