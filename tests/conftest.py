"""Fixtures shared by every test package: source folders and data folders."""

from __future__ import annotations

import gettext
import json
import os
import shutil
from pathlib import Path

import pytest

from aulalocal import i18n
from aulalocal.startup import open_data_folder

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"


def _source_documents() -> Path:
    """The four source documents the seeds are written from, where this machine has them.

    They live outside the repository (``shared/seeds/`` next to the checkout, or next to
    the folder of worktrees); ``AULALOCAL_SOURCE_DOCUMENTS`` names another place.
    """
    if os.environ.get("AULALOCAL_SOURCE_DOCUMENTS"):
        return Path(os.environ["AULALOCAL_SOURCE_DOCUMENTS"])
    for base in (REPO.parent, REPO.parent.parent):
        if (base / "shared" / "seeds").is_dir():
            return base / "shared" / "seeds"
    return REPO.parent / "shared" / "seeds"


SOURCE_DOCUMENTS = _source_documents()


def title(es: str, qu: str | None = None, en: str | None = None) -> dict:
    text = {"es": es}
    if qu:
        text["qu"] = qu
    if en:
        text["en"] = en
    return text


def write_source(
    folder: Path,
    records: dict[tuple[str, str], dict],
    catalog: str = "test-catalog",
    sequence: int = 1,
    publisher: str = "Test publisher",
) -> Path:
    """A seeds/-style source folder holding ``records``."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    (folder / "catalog.json").write_text(
        json.dumps(
            {
                "catalog": catalog,
                "sequence": sequence,
                "publisher": publisher,
                "created": "2026-11-20T10:00:00Z",
                "languages": ["es", "qu", "en"],
            }
        )
    )
    for (kind, id_), data in records.items():
        (folder / kind).mkdir(exist_ok=True)
        (folder / kind / f"{id_}.json").write_text(json.dumps(data, ensure_ascii=False))
    return folder


@pytest.fixture(autouse=True)
def _spanish_and_isolated(monkeypatch, tmp_path):
    """Every test starts in Spanish with its own data folder in the environment.

    Messages show as their ids (English) so tests can name them, while content
    stays Spanish; tests of the translations themselves ask for
    ``real_translations``.
    """
    monkeypatch.setenv("AULALOCAL_DATA_DIR", str(tmp_path / "default-data"))
    monkeypatch.setenv("LANGUAGE", "es")
    for lang in i18n.LANGUAGES:
        monkeypatch.setitem(i18n._translations, lang, gettext.NullTranslations())
    i18n.set_language("es")
    yield
    i18n.set_language("es")


@pytest.fixture
def real_translations():
    """The shipped gettext catalogs instead of message ids."""
    i18n._translations.clear()


@pytest.fixture
def empty_folder(tmp_path):
    """A data folder with no catalog loaded."""
    folder = open_data_folder(tmp_path / "data", load_seed=False)
    yield folder
    folder.close()


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory) -> Path:
    """A data folder with the shipped catalog, built once and copied per test."""
    path = tmp_path_factory.mktemp("seeded")
    folder = open_data_folder(path)
    folder.close()
    return path


@pytest.fixture
def seeded_dir(seeded_template, tmp_path) -> Path:
    target = tmp_path / "seeded"
    shutil.copytree(seeded_template, target)
    return target


@pytest.fixture
def seeded(seeded_dir):
    folder = open_data_folder(seeded_dir)
    yield folder
    folder.close()
