"""`make docs`: a static HTML reference of each spec that opens without a server. The pages
make test made before pytest are checked; one older than its spec is made here again."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from linkis_mock.specs import parsed_yaml
from linkis_mock.testing import ROOT

REDOCLY = ROOT / "node_modules" / ".bin" / "redocly"
MADE = ROOT / "build" / "docs"  # make docs
SPECS = sorted((ROOT / "openapi").glob("*.yaml"))
# Tags that would load something over the network when the page opens.
EXTERNAL_RESOURCE = re.compile(r"<(script|link|img|iframe)\b[^>]*\b(src|href)=\"(https?:)?//", re.I)


@pytest.mark.parametrize("spec", SPECS, ids=lambda path: path.stem)
def test_docs_are_one_self_contained_page(spec: Path, tmp_path: Path) -> None:
    page = _made_page(spec) or _make_page(spec, tmp_path / f"{spec.stem}.html")
    html = page.read_text(encoding="utf-8")
    contract = parsed_yaml(spec.read_text(encoding="utf-8"))
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


def _made_page(spec: Path) -> Path | None:
    """The page `make docs` made (make test makes it before pytest), if it is newer than
    what it is made of."""
    page = MADE / f"{spec.stem}.html"
    if not page.exists():
        return None
    sources = (spec, ROOT / "redocly.yaml")
    return page if page.stat().st_mtime > max(p.stat().st_mtime for p in sources) else None


def _make_page(spec: Path, page: Path) -> Path:
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
    return page
