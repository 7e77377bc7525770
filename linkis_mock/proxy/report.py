"""The proxy's exit report: the violations as JSON (the admin API's `ViolationReport`,
plus what the recording could not map), and beside it a JUnit XML file with one test
case per operation seen, failed when the operation broke the contract, so that CI
systems show it."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path
from typing import Any

from linkis_mock.api_types import admin as api
from linkis_mock.proxy.violations import ViolationBook

SUITE = "linkis-mock proxy: the real servers against the contract"
UNKNOWN_OPERATION = "(unknown operation)"


def junit_path(report: Path) -> Path:
    """`report.json` -> `report.junit.xml`, in the same folder."""
    return report.with_name(report.stem + ".junit.xml")


def write_report(book: ViolationBook, report: Path, unrecorded: list[str] | None = None) -> Path:
    """Writes the JSON report and its JUnit file; returns the JUnit file's path."""
    summary = book.summary()
    document: dict[str, Any] = {**summary}
    if unrecorded is not None:
        document["unrecorded"] = unrecorded
    report.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    junit = junit_path(report)
    ET.ElementTree(junit_suite(summary)).write(junit, encoding="utf-8", xml_declaration=True)
    return junit


def junit_suite(summary: api.ViolationReport) -> ET.Element:
    by_operation: dict[str, list[api.Violation]] = defaultdict(list)
    for violation in summary["violations"]:
        by_operation[violation["operationId"] or UNKNOWN_OPERATION].append(violation)
    operations = summary["operations"]
    failed = sum(1 for op in operations if by_operation.get(op["operationId"]))
    suite = ET.Element(
        "testsuite",
        name=SUITE,
        tests=str(len(operations)),
        failures=str(failed),
        errors="0",
        skipped="0",
    )
    for operation in operations:
        name = operation["operationId"]
        case = ET.SubElement(suite, "testcase", classname="linkis-mock.proxy", name=name, time="0")
        found = by_operation.get(name)
        if found:
            message = f"{len(found)} kind(s) of violation in {operation['exchanges']} exchange(s)"
            failure = ET.SubElement(case, "failure", message=message, type="ContractViolation")
            failure.text = "\n".join(_line(violation) for violation in found)
    return suite


def _line(violation: api.Violation) -> str:
    return (
        f"{violation['direction']} {violation['pointer']} (HTTP {violation['status']}): "
        f"expected {violation['expected']}, got {violation['actual']} "
        f"({violation['count']}x)"
    )
