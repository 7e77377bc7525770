"""Edit a copy of a spec in place, the way a user edits the file a mock serves.

libyaml's loader and dumper (as linkis_mock.specs reads the specs): the pure-Python ones
take about a second for the Linkis spec, and the tests that edit it run many times.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from linkis_mock.specs import YAML_LOADER

YAML_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def edit_spec(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    """Read the spec at `path`, let `change` edit it, and write it back."""
    spec: dict[str, Any] = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)
    change(spec)
    path.write_text(
        yaml.dump(spec, Dumper=YAML_DUMPER, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
