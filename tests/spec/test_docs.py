"""`make docs`: a static HTML reference of each spec that opens without a server."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from linkis_mock.specs import YAML_LOADER
from linkis_mock.testing import ROOT

REDOCLY = ROOT / "node_modules" / ".bin" / "redocly"
SPECS = sorted((ROOT / "openapi").glob("*.yaml"))
# Tags that would load something over the network when the page opens.
EXTERNAL_RESOURCE = re.compile(r"<(script|link|img|iframe)\b[^>]*\b(src|href)=\"(https?:)?//", re.I)


@pytest.mark.parametrize("spec", SPECS, ids=lambda path: path.stem)
def test_docs_are_one_self_contained_page(spec: Path, tmp_path: Path) -> None:
    page = tmp_path / f"{spec.stem}.html"
    subprocess.run(
        [
            # The binary `npx --no-install redocly` (make docs) resolves to, without npx's
            # own node process before it.
            str(REDOCLY),
            "build-docs",
            str(spec),
            "--inlineBundle",
            "-o",
            str(page),
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=120,
    )
    html = page.read_text(encoding="utf-8")
    contract = yaml.load(spec.read_text(encoding="utf-8"), Loader=YAML_LOADER)
    assert contract["info"]["title"] in html
    summaries = [
        operation["summary"]
        for path_item in contract["paths"].values()
        for operation in path_item.values()
        if isinstance(operation, dict) and "summary" in operation
    ]
    missing = [summary for summary in summaries if summary not in html]
    assert not missing, f"not prerendered into the page: {missing}"
    assert not EXTERNAL_RESOURCE.search(html), EXTERNAL_RESOURCE.search(html)
