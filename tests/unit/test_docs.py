"""The docs hold together: every relative link and `#anchor` in the README and docs/
resolves, every citation of a reference section (`docs/reference/<file>.md §<n>`) in the
code, tests and specs names a section that exists, and nothing cites a path outside the
repository."""

from __future__ import annotations

import re
import subprocess
import unicodedata
from functools import cache
from pathlib import Path

import pytest

from linkis_mock.testing import ROOT

LINK = re.compile(r"(?<!!)\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")
# `docs/reference/linkis-console.md §5.1, §5.3`: a file, then one or more sections.
CITATION = re.compile(r"docs/reference/([\w.-]+\.md)((?:[,;]?\s*(?:and\s+)?§\d+(?:\.\d+)*)+)")
SIBLING = re.compile(r"(?<![\w/.-])([\w-]+\.md)((?:[,;]?\s*(?:and\s+)?§\d+(?:\.\d+)*)+)")
SECTION = re.compile(r"§(\d+(?:\.\d+)*)")
NUMBERED = re.compile(r"^#{2,6}\s+(\d+(?:\.\d+)*)\.?\s")
# Paths that lead outside the repository: the machine's checkout and its sibling folders.
OUTSIDE = re.compile(r"\.\./shared\b|/work/(?:shared|main)\b|/work/\w+/")
CITING = {".py", ".yaml", ".yml", ".md", ".toml", ".sh", ".mts", ".cjs", ".mjs", ".html", ".json"}
NOT_CITATIONS = {
    # a pattern of what a leaked path looks like in a reply, not a citation
    "tests/http/test_no_leaks.py",
    "tests/unit/test_docs.py",
}


@cache
def tracked_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [ROOT / name for name in listed if (ROOT / name).is_file()]


def markdown_files() -> list[Path]:
    return [
        path
        for path in tracked_files()
        if path.suffix == ".md"
        and (path.parent == ROOT or path.relative_to(ROOT).parts[0] == "docs")
    ]


def prose_lines(path: Path) -> list[tuple[int, str]]:
    """(line number, text) of a markdown file outside its fenced code blocks."""
    lines, fenced = [], False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            lines.append((number, line))
    return lines


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, markup and punctuation dropped (letters,
    digits, `-` and `_` kept), spaces as `-`."""
    text = re.sub(r"`|\*\*|__|\[([^\]]*)\]\([^)]*\)", r"\1", heading).lower()
    kept = "".join(
        char for char in text if char in " -_" or unicodedata.category(char)[0] in {"L", "N"}
    )
    return kept.replace(" ", "-")


@cache
def anchors(path: Path) -> frozenset[str]:
    found: dict[str, int] = {}
    result = set()
    for _, line in prose_lines(path):
        match = HEADING.match(line)
        if match is None:
            continue
        base = slug(match[2])
        count = found.get(base, 0)
        found[base] = count + 1
        result.add(base if count == 0 else f"{base}-{count}")
    for _, line in prose_lines(path):  # explicit <a id="..."> / <a name="...">
        result.update(re.findall(r"<a\s+(?:id|name)=\"([^\"]+)\"", line))
    return frozenset(result)


@cache
def sections(path: Path) -> frozenset[str]:
    return frozenset(match[1] for _, line in prose_lines(path) if (match := NUMBERED.match(line)))


def broken_links(path: Path) -> list[str]:
    broken = []
    for number, line in prose_lines(path):
        for target in LINK.findall(line):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto:, ...
                continue
            file_part, _, anchor = target.partition("#")
            resolved = (path.parent / file_part).resolve() if file_part else path
            where = f"{path.relative_to(ROOT)}:{number}: {target}"
            if not resolved.is_relative_to(ROOT):
                broken.append(f"{where} (outside the repository)")
            elif not resolved.exists():
                broken.append(f"{where} (no such file)")
            elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
                broken.append(f"{where} (no such heading)")
    return broken


def test_the_docs_are_there() -> None:
    names = {path.relative_to(ROOT).as_posix() for path in markdown_files()}
    assert {"README.md", "CHANGELOG.md", "CONTRIBUTING.md"} <= names
    assert any(name.startswith("docs/reference/") for name in names)
    license_text = (ROOT / "LICENSE").read_text()
    assert "Apache License" in license_text and "Version 2.0, January 2004" in license_text


@pytest.mark.parametrize("path", markdown_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_and_anchor_resolves(path: Path) -> None:
    assert broken_links(path) == []


def citing_files() -> list[Path]:
    return [
        path
        for path in tracked_files()
        if path.suffix in CITING and path.relative_to(ROOT).as_posix() not in NOT_CITATIONS
    ]


def citations(path: Path) -> list[tuple[re.Match[str], Path]]:
    """The citations in a file, each with the document it names; inside docs/reference/
    the files name each other without the folder (`linkis-entrance.md §1`)."""
    text = path.read_text(encoding="utf-8", errors="replace")
    found = [(match, ROOT / "docs" / "reference" / match[1]) for match in CITATION.finditer(text)]
    if path.parent == ROOT / "docs" / "reference":
        found += [(match, path.parent / match[1]) for match in SIBLING.finditer(text)]
    return found


def test_every_cited_reference_document_exists() -> None:
    missing = []
    for path in citing_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        for name in re.findall(r"docs/reference/([\w.-]+\.md)", text):
            if not (ROOT / "docs" / "reference" / name).is_file():
                missing.append(f"{path.relative_to(ROOT)}: docs/reference/{name}")
    assert missing == []


def test_every_cited_reference_section_exists() -> None:
    missing, count = [], 0
    for path in citing_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        for match, cited in citations(path):
            line = text.count("\n", 0, match.start()) + 1
            where = f"{path.relative_to(ROOT)}:{line}"
            if not cited.is_file():
                missing.append(f"{where}: no file {cited.relative_to(ROOT)}")
                continue
            for section in SECTION.findall(match[2]):
                count += 1
                if section not in sections(cited):
                    missing.append(f"{where}: {cited.relative_to(ROOT)} has no §{section}")
    assert missing == []
    assert count > 20  # the code, tests and specs do cite the reference


def lines_matching(pattern: re.Pattern[str]) -> list[str]:
    """`file:line: text` of each line of the citing files that `pattern` finds in."""
    found = []
    for path in citing_files():
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), start=1):
            if pattern.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:120]}")
    return found


def test_no_path_outside_the_repository_is_cited() -> None:
    assert lines_matching(OUTSIDE) == []


def test_a_bare_reference_section_names_its_document() -> None:
    """`reference §8.1` alone leaves the reader to guess which document it means."""
    assert lines_matching(re.compile(r"(?<![\w/.-])(?:reference|envelope)\s+§\d")) == []
