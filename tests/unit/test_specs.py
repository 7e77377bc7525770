"""Spec copies (`serve --specs DIR`): checked as OpenAPI 3.0 once per text, refused with
the path of the file at fault, and never shared between the apps that read them."""

from __future__ import annotations

import shutil
from pathlib import Path
from unittest import mock

import pytest

from linkis_mock import specs
from linkis_mock.specs import LINKIS_SPEC, SpecError, load_spec
from linkis_mock.testing import ROOT


def _copy_of_the_specs(folder: Path) -> Path:
    shutil.copytree(ROOT / "openapi", folder)
    return folder


def test_the_same_text_is_checked_once_and_each_reader_gets_its_own_copy(tmp_path: Path) -> None:
    first = _copy_of_the_specs(tmp_path / "first")
    second = _copy_of_the_specs(tmp_path / "second")
    with mock.patch("openapi_spec_validator.validate") as validate:
        specs._checked_text.cache_clear()
        one = load_spec(LINKIS_SPEC, first)
        one["info"]["title"] = "changed by its reader"
        other = load_spec(LINKIS_SPEC, second)
    assert validate.call_count == 1
    assert other["info"]["title"] == "Apache Linkis entrance API (mock)"


def test_a_changed_text_is_checked_again(tmp_path: Path) -> None:
    folder = _copy_of_the_specs(tmp_path / "specs")
    load_spec(LINKIS_SPEC, folder)
    copy = folder / LINKIS_SPEC
    copy.write_text(copy.read_text(encoding="utf-8").replace("openapi: 3.0.3", "openapi: 2.0"))
    with pytest.raises(SpecError) as refused:
        load_spec(LINKIS_SPEC, folder)
    assert str(refused.value) == f"{copy}: not an OpenAPI 3.0 document"


def test_a_refusal_names_the_file_it_read_each_time(tmp_path: Path) -> None:
    """The same bad text at two paths: each refusal names its own file."""
    for where in ("first", "second"):
        folder = tmp_path / where
        folder.mkdir()
        (folder / LINKIS_SPEC).write_text(
            "openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths: {}\n", encoding="utf-8"
        )
        with pytest.raises(SpecError) as refused:
            load_spec(LINKIS_SPEC, folder)
        assert str(refused.value) == (
            f"{folder / LINKIS_SPEC}: servers[0].url is missing (it gives the base path)"
        )
