"""Requests and bodies the hostile-input tests share."""

from __future__ import annotations

TOKEN = {"Token-Code": "LINKIS-AUTH", "Token-User": "alice"}
VIAS = {"X-Auth-Token": "vias-dev-token"}
SUBMIT = "/api/rest_j/v1/entrance/submit"
CREATE = "/v2/0123456789abcdef0123456789abcdef/services/c-intrusion-detection-cloud/tasks"

BODIES = {
    "invalid UTF-8": b"\xff\xfe{",
    "truncated JSON": b'{"executionContent": {"code": "se',
    "deeply nested arrays": b"[" * 100_000 + b"]" * 100_000,
    "deeply nested objects": b'{"a":' * 5000 + b"1" + b"}" * 5000,
    "a JSON string": b'"just a string"',
    "NUL bytes": b'{"executionContent": {"code": "sel\x00ect"}}',
}
