"""The fast lane's body check gives jsonschema's verdict (as Connexion's body validator
reads the spec), member by member and from the verdicts it kept alike."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from linkis_mock.apis import ApiRegistry
from linkis_mock.contract.body_check import KEPT_TEXT, body_check, validator_of
from linkis_mock.contract.routes import RouteTable

ROUTES = RouteTable({api.base_path: api.spec for api in ApiRegistry(None)})
LANE_BODIES = [("POST", "submit"), ("POST", "execute")]  # the lane's operations with a body


def body_schema(method: str, operation_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    _, operation = ROUTES.find(method, operation_id)
    content = operation.resolve(operation.spec["requestBody"])["content"]
    return content["application/json"]["schema"], operation.document.get("components", {})


SCHEMAS = [body_schema(*operation) for operation in LANE_BODIES]
CHECKS = [body_check(schema, components) for schema, components in SCHEMAS]
# The names the bodies' schemas use, so that generated objects hit their members.
NAMES = [
    "executionContent", "code", "runType", "labels", "engineType", "userCreator", "params",
    "variable", "configuration", "startup", "runtime", "source", "scriptPath", "executeUser",
    "executionCode", "executeApplicationName", "requestApplicationName", "formatCode",
    "x",
]  # fmt: skip
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(["", "sql", "spark-2.4.3", "alice-IDE", "start", "stop", "1"])
    | st.text(max_size=8)
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(NAMES) | st.text(max_size=4), inner, max_size=4)
    ),
    max_leaves=16,
)


@settings(max_examples=300)
@given(st.sampled_from(range(len(SCHEMAS))), json_values, st.booleans())
def test_the_check_gives_jsonschemas_verdict(which: int, body: Any, twice: bool) -> None:
    schema, components = SCHEMAS[which]
    check = CHECKS[which]
    expected = validator_of(schema, components).is_valid(body)
    assert check.is_valid(body) == expected
    if twice:  # now from what it kept
        assert check.is_valid(body) == expected


def test_a_submits_repeated_members_are_not_checked_again() -> None:
    schema, components = SCHEMAS[0]
    check = body_check(schema, components)
    labels = {"engineType": "spark-2.4.3", "userCreator": "alice-IDE"}
    assert check.is_valid({"executionContent": {"code": "select 1"}, "labels": labels})
    bad_labels = {"engineType": 1}
    assert not check.is_valid({"labels": bad_labels})
    assert not check.is_valid({"labels": bad_labels})  # a kept refusal is a refusal
    assert not check.is_valid(["not", "an", "object"])


def test_a_long_member_is_checked_without_being_kept() -> None:
    schema, components = SCHEMAS[0]
    check = body_check(schema, components)
    long_code = "x" * (KEPT_TEXT + 1)
    assert check.is_valid({"executionContent": {"code": long_code}})
    assert not check.is_valid({"executionContent": {"code": 5}})
