"""Spec copies (`serve --specs DIR`): checked as OpenAPI 3.0 once per text, refused with
the path of the file at fault, and never shared between the apps that read them. And the
JSON copies in the user's cache that spare each start parsing the packaged specs' YAML."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path
from unittest import mock

import pytest
import yaml

from linkis_mock import specs
from linkis_mock.specs import LINKIS_SPEC, YAML_LOADER, SpecError, load_spec, parsed_yaml
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


# ---- the JSON copies of parsed specs ---------------------------------------------------------


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "linkis-mock" / "specs"


def test_a_spec_parsed_once_is_read_from_its_json_copy_after(cache: Path) -> None:
    text = (ROOT / "openapi" / LINKIS_SPEC).read_text(encoding="utf-8")
    expected = yaml.load(text, Loader=YAML_LOADER)
    assert parsed_yaml(text) == expected
    (copy,) = cache.iterdir()
    assert json.loads(copy.read_bytes()) == expected
    with mock.patch("yaml.load") as parse:
        assert parsed_yaml(text) == expected
    parse.assert_not_called()
    # An edited text is another copy; the first stays for the text it was made of.
    assert parsed_yaml(text + "\nx-edited: true\n") == {**expected, "x-edited": True}
    assert len(list(cache.iterdir())) == 2


def test_a_damaged_copy_is_parsed_again_and_replaced(cache: Path) -> None:
    text = "openapi: 3.0.3\npaths: {}\n"
    parsed_yaml(text)
    (copy,) = cache.iterdir()
    copy.write_text('{"openapi": ', encoding="utf-8")
    assert parsed_yaml(text) == {"openapi": "3.0.3", "paths": {}}
    assert json.loads(copy.read_bytes()) == {"openapi": "3.0.3", "paths": {}}


def test_what_json_would_change_is_never_copied(cache: Path) -> None:
    assert parsed_yaml("responses:\n  200: ok\n") == {"responses": {200: "ok"}}
    assert parsed_yaml("day: 2026-12-07\n") == {"day": date(2026, 12, 7)}
    assert not cache.exists() or not any(cache.iterdir())


def test_a_cache_that_cannot_be_written_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A file where the cache's folder would be: no folder can be made there, even by root.
    (tmp_path / "cache").write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert parsed_yaml("a: 1\n") == {"a": 1}
    assert parsed_yaml("a: 1\n") == {"a": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["cache"]


def test_a_copy_another_user_could_have_written_is_not_read(cache: Path) -> None:
    text = "openapi: 3.0.3\npaths: {}\n"
    parsed_yaml(text)
    (copy,) = cache.iterdir()
    copy.write_text('{"openapi": "3.0.3", "paths": {"/planted": {}}}', encoding="utf-8")
    copy.chmod(0o666)
    assert parsed_yaml(text) == {"openapi": "3.0.3", "paths": {}}
    # Replaced by this user's own copy, which only it may write.
    assert json.loads(copy.read_bytes()) == {"openapi": "3.0.3", "paths": {}}
    assert copy.stat().st_mode & 0o777 == 0o600
