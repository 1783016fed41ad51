"""A laptop's first day: the new data folder's databases, made when the app is built.

On a never-used data folder the app would create both databases (every
migration, with sqlite-utils) and apply the shipped catalog through the
bundle code before its window could show: 0.15 s of a first start, on every
new laptop and after every reinstall. So the build (``make``, the wheel, the
PyInstaller build) makes that folder once, the same way, with
``python -m aulalocal.firststart DEST``: ``startup.open_data_folder`` on an
empty folder, the seed path through the same validation and apply code. A first
start copies its two databases into the empty folder and then opens it as
usual (nothing left to migrate or apply), its catalog dated from that moment
as an apply at that moment would be.

The copy is used only when its stamp says it was made from the seeds this app
ships and, where the source is there to read (not in a frozen build, which
makes both together), from this app's code; anything else, and the folder is
built as before. Nothing of a teacher's is involved: the folder is empty.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from aulalocal import paths

DATABASES = ("catalog.db", "userdata.db")
STAMP = "stamp.json"
_PACKAGE = Path(__file__).resolve().parent


def _digest(root: Path, suffix: str) -> str:
    """SHA-256 of the files under ``root`` whose names end in ``suffix``, with their relative names."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != "__pycache__" and not d.startswith(".")]
        prefix = os.path.relpath(folder, root).replace(os.sep, "/")
        found += [(f"{prefix}/{name}", os.path.join(folder, name))
                  for name in files if name.endswith(suffix) and not name.startswith(".")]
    digest = hashlib.sha256()
    for name, path in sorted(found):
        with open(path, "rb") as fh:
            digest.update(name.encode() + b"\0" + fh.read() + b"\0")
    return digest.hexdigest()


def stamp(seeds: Path) -> dict[str, str | None]:
    """What a first-start folder is made from: the seed catalog's files, and the app's code."""
    return {
        "seeds": _digest(seeds, ".json"),
        "code": None if getattr(sys, "frozen", False) else _digest(_PACKAGE, ".py"),
    }


def build(dest: Path, seeds: Path | None = None) -> None:
    """Make the first-start folder in ``dest``: the databases a first start makes, and their stamp."""
    from aulalocal.catalog.db import settle_wal
    from aulalocal.startup import open_data_folder

    seeds = seeds or paths.seeds_dir()
    dest.mkdir(parents=True, exist_ok=True)
    for name in (*DATABASES, STAMP):
        (dest / name).unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="aulalocal-first-start-") as tmp:
        folder = open_data_folder(Path(tmp) / "data", use_prebuilt=False)
        for conn in (folder.catalog, folder.userdata):
            settle_wal(conn)
        folder.close()
        for name in DATABASES:
            shutil.copyfile(Path(tmp) / "data" / name, dest / name)
    (dest / STAMP).write_text(json.dumps(stamp(seeds)), encoding="utf-8")


def current(source: Path, seeds: Path | None = None) -> bool:
    """Whether the first-start folder ``source`` was made from these seeds (and, where it can be read, this code)."""
    try:
        made_from = json.loads((source / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    now = stamp(seeds or paths.seeds_dir())
    return made_from.get("seeds") == now["seeds"] and (now["code"] is None or made_from.get("code") == now["code"])


def install(path: Path, seeds: Path | None = None) -> bool:
    """Put the first-start databases into the empty data folder ``path``; False when there are none for it."""
    source = paths.first_start_dir()
    if not current(source, seeds):
        return False
    copies = []
    try:
        for name in DATABASES:
            part = path / f".{name}.first-start"
            shutil.copyfile(source / name, part)
            copies.append((part, path / name))
        _dated_now(copies[0][0])
        for part, _target in copies:
            with open(part, "rb+") as fh:
                os.fsync(fh.fileno())
        for part, target in copies:
            try:
                os.link(part, target)  # never over a database another start made meanwhile
            except FileExistsError:
                pass
    except OSError:
        return False  # the usual path will say what is wrong with the folder
    finally:
        for part, _target in copies:
            part.unlink(missing_ok=True)
    return True


def _dated_now(catalog: Path) -> None:
    """The shipped catalog applied now, as on a first start that applied it."""
    from aulalocal.catalog.ledger import date_applied

    date_applied(catalog, datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m aulalocal.firststart DEST", file=sys.stderr)
        return 2
    build(Path(args[0]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
