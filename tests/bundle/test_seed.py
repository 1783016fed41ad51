"""The shipped seed's catalog.json is checked as a bundle's manifest is (issue 13 point 2)."""

from __future__ import annotations

import json

import pytest

from aulalocal import paths
from aulalocal.catalog.queries import status
from aulalocal.errors import BundleError
from aulalocal.startup import open_data_folder
from tests.conftest import title, write_source

GOOD = {"catalog": "una-semilla", "created": "2026-11-20T10:00:00Z", "languages": ["es", "qu"]}


@pytest.mark.parametrize(
    ("wrong", "said"),
    [
        # The seed: each of its three mistakes is refused; the first one checked is named.
        ({"catalog": "NOT A VALID ID!", "created": "yesterday", "languages": ["not a tag!!"]}, "has an invalid catalog id."),
        ({"catalog": "NOT A VALID ID!"}, "has an invalid catalog id."),
        ({"created": "yesterday"}, "has an invalid created time: it must look like 2026-11-20T10:00:00Z."),
        ({"languages": ["not a tag!!"]}, "has an invalid language tag not a tag!!."),
        ({"sequence": 0}, "has an invalid sequence: it must be a whole number from 1."),
        ({"publisher": "two\nlines"}, "has an invalid publisher name: it must be 1 to 200 characters of text."),
    ],
)
def test_a_seed_with_a_wrong_header_is_refused_with_a_clear_message(tmp_path, monkeypatch, wrong, said):
    seeds = write_source(tmp_path / "seeds", {("program", "uno"): {"title": title("Uno")}})
    info = json.loads((seeds / "catalog.json").read_text())
    (seeds / "catalog.json").write_text(json.dumps({**info, **GOOD, **wrong}))
    monkeypatch.setattr(paths, "seeds_dir", lambda: seeds)
    with pytest.raises(BundleError) as err:
        open_data_folder(tmp_path / "data", use_prebuilt=False)
    assert err.value.message() == f"{seeds / 'catalog.json'} {said}"
    assert err.value.exit_code == 4
    # Nothing of it was applied.
    folder = open_data_folder(tmp_path / "data", load_seed=False)
    try:
        assert status(folder.catalog)["catalogs"] == []
    finally:
        folder.close()


def test_a_seed_with_a_right_header_is_applied(tmp_path, monkeypatch):
    seeds = write_source(tmp_path / "seeds", {("program", "uno"): {"title": title("Uno")}})
    info = json.loads((seeds / "catalog.json").read_text())
    (seeds / "catalog.json").write_text(json.dumps({**info, **GOOD}))
    monkeypatch.setattr(paths, "seeds_dir", lambda: seeds)
    folder = open_data_folder(tmp_path / "data", use_prebuilt=False)
    try:
        (found,) = status(folder.catalog)["catalogs"]
        assert (found["catalog"], found["created"], found["counts"]) == ("una-semilla", GOOD["created"], {"program": 1})
    finally:
        folder.close()
