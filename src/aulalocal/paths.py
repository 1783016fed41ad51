"""Where things live: the user's data folder and the files that ship with the app."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "AulaLocal"


def data_dir(override: str | os.PathLike | None = None) -> Path:
    """The data folder: ``--data-dir``, then ``AULALOCAL_DATA_DIR``, then the platform's."""
    if override:
        return Path(override)
    env = os.environ.get("AULALOCAL_DATA_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def _shipped(name: str) -> Path:
    # Frozen (PyInstaller) and wheel installs carry the folder inside the
    # package; a source checkout has it at the repository root.
    here = Path(__file__).resolve().parent
    candidates = [here / "data" / name, here.parent.parent / name]
    if getattr(sys, "frozen", False):
        candidates.insert(0, Path(getattr(sys, "_MEIPASS", here)) / name)
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return candidates[-1]


def seeds_dir() -> Path:
    return _shipped("seeds")


def first_start_dir() -> Path:
    """The databases the build made for a first start (``aulalocal.firststart``); ``make`` makes them in build/."""
    here = Path(__file__).resolve().parent
    if getattr(sys, "frozen", False):
        return Path(getattr(sys, "_MEIPASS", here)) / "first-start"
    packaged = here / "data" / "first-start"
    return packaged if packaged.is_dir() else here.parent.parent / "build" / "first-start"


def resources_dir() -> Path:
    return _shipped("resources")


def translations_dir() -> Path:
    return _shipped("translations")
