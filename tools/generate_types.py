"""Generate the Python types of every spec in openapi/ into linkis_mock/api_types/.

    python tools/generate_types.py           # regenerate (`make types`)
    python tools/generate_types.py vias-task # regenerate one spec's module
    python tools/generate_types.py --check   # fail if the committed types are stale (a
                                             # pass is kept for the same inputs)

The types are TypedDicts (datamodel-code-generator): the simulator's replies and
the handlers are annotated with them, so a schema change the code does not
follow fails `mypy --strict`.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import os
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "openapi"
TYPES = ROOT / "linkis_mock" / "api_types"
BIN = Path(sys.executable).parent
PASSED = ROOT / "build" / "types-checked"  # the inputs of the last check that passed
OPTIONS = [
    "--input-file-type", "openapi",
    "--output-model-type", "typing.TypedDict",
    "--target-python-version", "3.11",
    "--use-standard-collections",
    "--use-union-operator",
    "--strict-nullable",
    "--disable-timestamp",
    # mypy does not support PEP 728 closed TypedDicts yet; it still refuses extra keys.
    "--no-use-closed-typed-dict",
    "--formatters", "ruff-check", "ruff-format",
]


def module_name(spec: Path) -> str:
    return spec.stem.replace("-", "_") + ".py"


def generate(target: Path, names: list[str] | None = None) -> None:
    """The modules of the specs `names` (stems: linkis-entrance), or of every spec."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    for spec in sorted(SPECS.glob("*.yaml")):
        if names and spec.stem not in names:
            continue
        subprocess.run(
            [str(BIN / "datamodel-codegen"), *OPTIONS,
             "--input", str(spec), "--output", str(target / module_name(spec))],
            check=True, env=env,
        )


def stale_modules() -> list[str]:
    with tempfile.TemporaryDirectory() as scratch:
        fresh = Path(scratch)
        generate(fresh)
        problems: list[str] = []
        for new in sorted(fresh.glob("*.py")):
            old = TYPES / new.name
            old_text = old.read_text() if old.exists() else ""
            if old_text != new.read_text():
                diff = difflib.unified_diff(
                    old_text.splitlines(), new.read_text().splitlines(),
                    str(old.relative_to(ROOT)), "regenerated", lineterm="", n=1,
                )
                problems.append("\n".join(list(diff)[:40]))
        return problems


def inputs_digest() -> str:
    """What a check's outcome depends on: the specs, the committed types, this script and
    the versions of the generator and of the formatter it runs."""
    digest = hashlib.sha256()
    for path in [*sorted(SPECS.glob("*.yaml")), *sorted(TYPES.glob("*.py")), Path(__file__)]:
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    for package in ("datamodel-code-generator", "ruff"):
        digest.update(f"{package}=={metadata.version(package)}".encode())
    return digest.hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check the committed types")
    parser.add_argument("specs", nargs="*", help="regenerate only these (linkis-entrance ...)")
    args = parser.parse_args()
    unknown = set(args.specs) - {spec.stem for spec in SPECS.glob("*.yaml")}
    if unknown or (args.check and args.specs):
        parser.error(f"no such spec: {sorted(unknown)}" if unknown else "--check checks all")
    if args.check:
        # A check that passed on these very inputs passes again: make lint checks before
        # pytest does (tests/spec/test_types_follow_the_spec.py), and generating is seconds.
        digest = inputs_digest()
        if PASSED.exists() and PASSED.read_text() == digest:
            return 0
        problems = stale_modules()
        for problem in problems:
            print(problem)
        if problems:
            print("The types in linkis_mock/api_types are stale: run `make types`.")
            return 1
        PASSED.parent.mkdir(parents=True, exist_ok=True)
        PASSED.write_text(digest)
        return 0
    # Generated outside the repo, so that formatting never depends on where it ran.
    with tempfile.TemporaryDirectory() as scratch:
        generate(Path(scratch), args.specs)
        for module in Path(scratch).glob("*.py"):
            (TYPES / module.name).write_text(module.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
