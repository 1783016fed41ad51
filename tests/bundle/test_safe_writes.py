"""Nothing planted on a drive or in the data folder makes AulaLocal write through it (issue 12).

``bundle export`` to a drive whose ``AulaLocal`` folder holds links (to the
laptop's ``userdata.db``), folders or FIFOs where the bundles go, or is a
link itself; the kept copies and signatures of an import; ``bundle sign``,
``keygen`` and ``build``; the crash log. The databases stay byte for byte
as they were, and each refusal is one clear line.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from aulalocal.bundle import trust
from aulalocal.bundle.export import export_bundles, files_to_export, key_file_name
from aulalocal.bundle.importer import import_bundle
from aulalocal.catalog import userdata
from aulalocal.startup import open_data_folder
from aulalocal.errors import StorageError
from aulalocal.fileio import InTheWay
from tests.bundle.conftest import make_bundle, new_publisher

PUBLISHER = new_publisher("Ministerio de prueba")
DATABASES = ("catalog.db", "userdata.db")


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A data folder with the shipped catalog, one applied bundle and a note."""
    base = tmp_path_factory.mktemp("exporting")
    folder = open_data_folder(base / "data")
    trust.add_key(folder.keys_dir, PUBLISHER.public)
    import_bundle(folder, make_bundle(base, PUBLISHER, catalog="minedu-pe", sequence=1))
    userdata.save_note(folder.userdata, "minedu-pe", "program", "huascaran", {"es": "Huascarán"}, "mi nota")
    folder.close()
    return base / "data"


@pytest.fixture
def data(template, tmp_path) -> Path:
    path = tmp_path / "data"
    shutil.copytree(template, path)
    return path


def databases(data: Path) -> dict[str, bytes]:
    return {name: (data / name).read_bytes() for name in DATABASES}


def kept_names(data: Path) -> list[str]:
    folder = open_data_folder(data)
    try:
        return [path.name for path, _sha in files_to_export(folder)]
    finally:
        folder.close()


def run(*args: str, data: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "aulalocal", "--data-dir", str(data), *args],
        capture_output=True, text=True, env=dict(os.environ, LANGUAGE="en"), timeout=60,
    )


# What a hostile drive holds in its AulaLocal folder, and whether export can
# still do its job around it (the names it writes are its own) or must refuse.
def _links_as_temporary_names(drive: Path, data: Path, names: list[str]) -> None:
    for name, victim in zip(names, DATABASES):
        (drive / "AulaLocal" / f"{name}.part").symlink_to(data / victim)


def _link_to_notes_as_a_bundle(drive, data, names):
    (drive / "AulaLocal" / names[1]).symlink_to(data / "userdata.db")


def _dangling_link_as_a_bundle(drive, data, names):
    (drive / "AulaLocal" / names[1]).symlink_to(data / "planted-by-the-drive")


def _link_to_notes_as_the_key(drive, data, names):
    (drive / "AulaLocal" / key_file_name(PUBLISHER.public)).symlink_to(data / "userdata.db")


def _folder_as_a_bundle(drive, data, names):
    (drive / "AulaLocal" / names[0]).mkdir()


def _fifo_as_a_bundle(drive, data, names):
    os.mkfifo(drive / "AulaLocal" / names[1])


def _hard_link_to_notes_as_a_bundle(drive, data, names):
    os.link(data / "userdata.db", drive / "AulaLocal" / names[1])  # a plain file: replaced, never written


def _folder_is_a_link_to_the_data_folder(drive, data, names):
    (drive / "AulaLocal").rmdir()
    (drive / "AulaLocal").symlink_to(data)


def _folder_is_a_link_out_of_the_drive(drive, data, names):
    (drive / "AulaLocal").rmdir()
    elsewhere = drive.parent / "elsewhere"
    elsewhere.mkdir()
    (drive / "AulaLocal").symlink_to(elsewhere)


def _folder_is_a_file(drive, data, names):
    (drive / "AulaLocal").rmdir()
    (drive / "AulaLocal").write_bytes(b"")


# name -> (plant it, exit status, words in the error)
DRIVES = {
    "links-as-temporary-names": (_links_as_temporary_names, 0, ""),
    "hard-link-to-the-notes-as-a-bundle": (_hard_link_to_notes_as_a_bundle, 0, ""),
    "link-to-the-notes-as-a-bundle": (_link_to_notes_as_a_bundle, 1, "in its place"),
    "dangling-link-as-a-bundle": (_dangling_link_as_a_bundle, 1, "in its place"),
    "link-to-the-notes-as-the-publishers-key": (_link_to_notes_as_the_key, 1, "in its place"),
    "folder-as-a-bundle": (_folder_as_a_bundle, 1, "in its place"),
    "fifo-as-a-bundle": (_fifo_as_a_bundle, 1, "in its place"),
    "aulalocal-links-to-the-data-folder": (_folder_is_a_link_to_the_data_folder, 1, "not a folder"),
    "aulalocal-links-out-of-the-drive": (_folder_is_a_link_out_of_the_drive, 1, "not a folder"),
    "aulalocal-is-a-file": (_folder_is_a_file, 1, "not a folder"),
}


def hostile_drive(case: str, tmp_path: Path, data: Path) -> Path:
    drive = tmp_path / "drive"
    (drive / "AulaLocal").mkdir(parents=True)
    DRIVES[case][0](drive, data, kept_names(data))
    return drive


def check_nothing_written_through(tmp_path: Path, data: Path, before: dict, listing: list[str]) -> None:
    assert databases(data) == before
    assert sorted(os.listdir(data)) == listing  # nothing new in the data folder
    assert not (data / "planted-by-the-drive").exists()
    elsewhere = tmp_path / "elsewhere"
    assert not elsewhere.exists() or list(elsewhere.iterdir()) == []


def check_exported(drive: Path, data: Path) -> None:
    for name in kept_names(data):
        assert (drive / "AulaLocal" / name).read_bytes() == (data / "bundles" / name).read_bytes()


@pytest.mark.parametrize("case", sorted(DRIVES))
def test_bundle_export_never_writes_through_what_a_drive_holds(case, data, tmp_path):
    drive = hostile_drive(case, tmp_path, data)
    before, listing = databases(data), sorted(os.listdir(data))
    proc = run("bundle", "export", str(drive), data=data)
    _plant, code, needle = DRIVES[case]
    assert proc.returncode == code, proc.stderr
    check_nothing_written_through(tmp_path, data, before, listing)
    if code:
        assert proc.stderr.startswith("error: ") and proc.stderr.count("\n") == 1, proc.stderr
        assert needle in proc.stderr and "Traceback" not in proc.stderr
    else:
        check_exported(drive, data)
    # Every command still works afterwards, with the note where it was.
    status = run("catalog", "status", "--json", data=data)
    assert status.returncode == 0, status.stderr
    folder = open_data_folder(data)
    assert userdata.get_note(folder.userdata, "minedu-pe", "program", "huascaran") == "mi nota"
    folder.close()


@pytest.mark.parametrize("case", sorted(DRIVES))
def test_export_bundles_never_writes_through_what_a_drive_holds(case, data, tmp_path):
    drive = hostile_drive(case, tmp_path, data)
    before, listing = databases(data), sorted(os.listdir(data))
    folder = open_data_folder(data)
    try:
        if DRIVES[case][1]:
            with pytest.raises(InTheWay) as err:
                export_bundles(folder, drive)
            assert DRIVES[case][2] in err.value.message()
        else:
            export_bundles(folder, drive)
    finally:
        folder.close()
    check_nothing_written_through(tmp_path, data, before, listing)
    if not DRIVES[case][1]:
        check_exported(drive, data)


# --------------------------------------------------------------------------
# What an import writes in the data folder


def test_a_link_where_an_import_keeps_its_signature_is_never_written_through(data, tmp_path):
    bundle = make_bundle(tmp_path, PUBLISHER, catalog="minedu-pe", sequence=2)
    sha = hashlib.sha256(bundle.read_bytes()).hexdigest()
    (data / "bundles" / f"minedu-pe-000002-{sha[:12]}.aulabundle.minisig").symlink_to(data / "userdata.db")
    before = databases(data)
    proc = run("bundle", "apply", str(bundle), data=data)
    assert proc.returncode == 1 and "in its place" in proc.stderr, proc.stderr
    assert proc.stderr.count("\n") == 1
    assert databases(data) == before


def test_kept_bundles_are_never_written_into_a_linked_folder(data, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    shutil.move(data / "bundles", elsewhere)
    (data / "bundles").symlink_to(elsewhere)
    listing = sorted(os.listdir(elsewhere))
    before = databases(data)
    folder = open_data_folder(data)
    with pytest.raises(StorageError, match="not a folder"):
        import_bundle(folder, make_bundle(tmp_path, PUBLISHER, catalog="minedu-pe", sequence=2))
    folder.close()
    assert databases(data) == before
    assert sorted(os.listdir(elsewhere)) == listing


def test_a_trusted_key_is_never_written_through_a_link(data):
    other = new_publisher("Otro")
    target = data / "keys" / f"{other.public.key_id_hex}.pub"
    target.symlink_to(data / "userdata.db")
    before = databases(data)
    with pytest.raises(InTheWay):
        trust.add_key(data / "keys", other.public)
    assert databases(data) == before


# --------------------------------------------------------------------------
# The publisher's commands and the crash log


def test_bundle_sign_never_writes_through_a_link(data, tmp_path):
    bundle = make_bundle(tmp_path, None, catalog="minedu-pe", sequence=2)
    secret = tmp_path / "publisher.key"
    secret.write_text(PUBLISHER.secret.to_text(None))
    (tmp_path / (bundle.name + ".minisig")).symlink_to(data / "userdata.db")
    before = databases(data)
    proc = run("bundle", "sign", str(bundle), "--key", str(secret), data=data)
    assert proc.returncode == 1 and "in its place" in proc.stderr, proc.stderr
    assert databases(data) == before


def test_bundle_keygen_never_writes_through_a_link(data, tmp_path):
    (tmp_path / "pub.pub").symlink_to(data / "userdata.db")
    (tmp_path / "pub.key").symlink_to(data / "catalog.db")
    before = databases(data)
    proc = run("bundle", "keygen", "--out", str(tmp_path / "pub"), "--no-passphrase", data=data)
    assert proc.returncode == 2 and "already exists" in proc.stderr, proc.stderr
    proc = run("bundle", "keygen", "--out", str(tmp_path / "pub"), "--no-passphrase", "--force", data=data)
    assert proc.returncode == 1 and "in its place" in proc.stderr, proc.stderr
    assert databases(data) == before


def test_bundle_build_never_writes_through_a_link(data, tmp_path):
    from tests.bundle.conftest import SAMPLE
    from tests.conftest import write_source

    source = write_source(tmp_path / "src", SAMPLE, catalog="minedu-pe")
    out = tmp_path / "new.aulabundle"
    (tmp_path / "new.aulabundle.part").symlink_to(data / "userdata.db")
    before = databases(data)
    proc = run("bundle", "build", str(source), "--catalog", "minedu-pe", "--sequence", "2", "--out", str(out), data=data)
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes().startswith(b"PK\x03\x04")
    out.unlink()
    out.symlink_to(data / "catalog.db")
    proc = run("bundle", "build", str(source), "--catalog", "minedu-pe", "--sequence", "2", "--out", str(out), data=data)
    assert proc.returncode == 1 and "in its place" in proc.stderr, proc.stderr
    assert databases(data) == before


@pytest.mark.parametrize("link", ["symbolic", "hard"])
def test_the_crash_log_is_never_written_through_a_link(data, link):
    from aulalocal import cli

    log = data / "aulalocal.log"
    if link == "symbolic":
        log.symlink_to(data / "userdata.db")
    else:
        os.link(data / "userdata.db", log)
    before = databases(data)
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        assert cli._log_crash(["--data-dir", str(data), "search", "x"]) == "(no log)"
    assert databases(data) == before
