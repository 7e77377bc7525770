"""A request body's schema, checked as Connexion checks it, for the fast lane.

Checking a submit's body with jsonschema took a third of a submit's time: the schema is
deep ($refs, `oneOf`, OpenAPI's `nullable`), and jsonschema walks all of it each time.
Yet most of a body repeats from one request to the next: a scheduler sends the same
labels, params and source with each job, and only the code changes.

So where the schema is a plain object schema (a type and properties, nothing that
relates one member to another: no `required`, `additionalProperties` or the like), a
value is valid exactly when it is an object and each member the schema names is valid
against that member's schema, checked the same way in turn. A schema that is not plain
is checked whole, by a validator of its own, and its verdict kept by the value's JSON
text (orjson, keys sorted: equal texts are equal values), so that a repeated value costs
one encoding and one lookup.
"""

from __future__ import annotations

from typing import Any

import orjson
from connexion.json_schema import Draft4RequestValidator
from jsonschema import Draft4Validator

# Keywords of a schema that constrain nothing but its type and its members one by one.
PLAIN_OBJECT_KEYWORDS = frozenset({"type", "properties", "description", "title", "example"})
KEPT_VERDICTS = 4096  # per member: cleared when full
KEPT_TEXT = 2048  # longer members are checked each time, so that what is kept stays small


def validator_of(schema: dict[str, Any], components: dict[str, Any]) -> Draft4Validator:
    """`schema` checked as Connexion's body validator checks it (OpenAPI's `nullable`,
    Draft 4's formats), its $refs resolved in `components`."""
    rooted = {**schema, "components": components}
    validator: Draft4Validator = Draft4RequestValidator(
        rooted, format_checker=Draft4Validator.FORMAT_CHECKER
    )
    return validator


class KeptCheck:
    """A schema checked whole, with its verdicts on the texts it has seen."""

    def __init__(self, validator: Draft4Validator) -> None:
        self._validator = validator
        self._verdicts: dict[bytes, bool] = {}

    def is_valid(self, value: Any) -> bool:
        try:
            text = orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
        except TypeError:  # nothing JSON holds: the schema says
            return bool(self._validator.is_valid(value))
        if len(text) > KEPT_TEXT:
            return bool(self._validator.is_valid(value))
        verdict = self._verdicts.get(text)
        if verdict is None:
            verdict = bool(self._validator.is_valid(value))
            if len(self._verdicts) >= KEPT_VERDICTS:
                self._verdicts.clear()
            self._verdicts[text] = verdict
        return verdict


class ObjectCheck:
    """A plain object schema: an object whose named members are each valid."""

    def __init__(self, members: dict[str, Check]) -> None:
        self._members = members

    def is_valid(self, value: Any) -> bool:
        if not isinstance(value, dict):
            return False
        members = self._members
        for name, member_value in value.items():
            member = members.get(name)
            if member is not None and not member.is_valid(member_value):
                return False
        return True


Check = KeptCheck | ObjectCheck


def body_check(schema: dict[str, Any], components: dict[str, Any]) -> Check:
    """Whether a parsed JSON body is valid against `schema`, its $refs in `components`:
    plain object schemas member by member (down to the members that are not), the rest
    whole."""
    schema = _dereferenced(schema, components)
    if schema.get("type") == "object" and schema.keys() <= PLAIN_OBJECT_KEYWORDS:
        return ObjectCheck(
            {
                name: body_check(member, components)
                for name, member in schema.get("properties", {}).items()
            }
        )
    return KeptCheck(validator_of(schema, components))


def _dereferenced(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    """The schema a top-level `#/components/...` $ref names, or `schema` itself."""
    while set(schema) == {"$ref"} and str(schema["$ref"]).startswith("#/components/"):
        found: Any = components
        for part in str(schema["$ref"]).removeprefix("#/components/").split("/"):
            found = found[part.replace("~1", "/").replace("~0", "~")]
        schema = found
    return schema
