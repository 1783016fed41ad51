"""``aulalocal doctor``: what it finds (catalog against the kept updates, media, empty files) and what --repair does."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from aulalocal.bundle import trust
from aulalocal.bundle.build import build_bundle
from aulalocal.bundle.importer import import_bundle
from aulalocal.catalog import userdata
from aulalocal.catalog.queries import status
from aulalocal.cli import main
from aulalocal.startup import open_data_folder
from tests.bundle.conftest import SAMPLE, make_bundle, publisher, trusted  # noqa: F401 (fixtures)
from tests.conftest import title, write_source


def catalog_state(data: Path) -> list[tuple]:
    """(catalog, sequence, counts) of every catalog, read without changing anything."""
    conn = sqlite3.connect(f"file:{data / 'catalog.db'}?mode=ro", uri=True)
    try:
        return conn.execute(
            "SELECT c.catalog, c.sequence, COUNT(r.rowid) FROM catalogs c"
            " LEFT JOIN records r ON r.catalog = c.catalog GROUP BY c.catalog ORDER BY c.catalog"
        ).fetchall()
    finally:
        conn.close()


def applied_folder(tmp_path: Path, publisher, records=None, media: dict[str, bytes] | None = None) -> Path:
    """A data folder with the shipped catalog, minedu-pe 1 (full) and 2 (delta), and a note."""
    data = tmp_path / "data"
    folder = open_data_folder(data)
    trust.add_key(folder.keys_dir, publisher.public)
    records = dict(SAMPLE if records is None else records)
    import_bundle(folder, media_bundle(tmp_path, publisher, records, media or {}, sequence=1))
    v2 = dict(records)
    v2[("program", "nuevo")] = {"title": title("Nuevo")}
    import_bundle(folder, make_bundle(tmp_path, publisher, v2, sequence=2, base=1, base_records=records))
    userdata.save_note(folder.userdata, "minedu-pe", "program", "nuevo", {"es": "Nuevo"}, "nota de la maestra")
    folder.close()
    return data


def media_bundle(tmp_path: Path, publisher, records, media: dict[str, bytes], sequence=1) -> Path:
    """A full bundle of ``records`` carrying ``media`` (file name -> bytes)."""
    source = write_source(tmp_path / f"src-{sequence}-{len(media)}", records, catalog="minedu-pe", sequence=sequence)
    if media:
        (source / "media").mkdir()
        for name, data in media.items():
            (source / "media" / name).write_bytes(data)
    out = tmp_path / f"media-{sequence}-{len(media)}-{os.urandom(3).hex()}.aulabundle"
    build_bundle(source, out, "minedu-pe", sequence)
    publisher.sign(out)
    return out


def doctor(data: Path, *args: str, capsys) -> tuple[int, str]:
    code = main(["--data-dir", str(data), "doctor", *args])
    out, err = capsys.readouterr()
    return code, out + err


def test_a_catalog_that_lacks_the_kept_updates_is_reported_and_repaired(publisher, tmp_path, capsys):
    # What an interrupted repair of old left: the shipped catalog only, the kept bundles still there.
    data = applied_folder(tmp_path, publisher)
    full = catalog_state(data)
    for name in ("catalog.db", "catalog.db-wal", "catalog.db-shm"):
        (data / name).unlink(missing_ok=True)
    shutil.move(data / "bundles", tmp_path / "bundles-away")
    open_data_folder(data).close()  # a new catalog: the shipped one only
    shutil.move(tmp_path / "bundles-away", data / "bundles")
    assert [row[0] for row in catalog_state(data)] == ["aulalocal-seed"]

    code, out = doctor(data, capsys=capsys)
    assert code == 1 and "minedu-pe" in out
    code, out = doctor(data, "--repair", capsys=capsys)
    assert code == 0, out
    assert catalog_state(data) == full
    assert doctor(data, capsys=capsys)[0] == 0
    code, out = doctor(data, "--repair", capsys=capsys)
    assert code == 0 and "nothing to repair" in out.lower()
    folder = open_data_folder(data)
    assert userdata.get_note(folder.userdata, "minedu-pe", "program", "nuevo") == "nota de la maestra"
    folder.close()


def test_an_empty_catalog_with_kept_updates_is_damage_not_a_new_laptop(publisher, tmp_path, capsys):
    data = applied_folder(tmp_path, publisher)
    full = catalog_state(data)
    (data / "catalog.db").write_bytes(b"")
    # Any command, the window's start included, refuses instead of loading the shipped catalog.
    code = main(["--data-dir", str(data), "catalog", "status"])
    _out, err = capsys.readouterr()
    assert code == 1 and err.startswith("error: ") and err.count("\n") == 1 and "doctor --repair" in err
    assert (data / "catalog.db").stat().st_size == 0
    with pytest.raises(Exception, match="doctor --repair"):
        open_data_folder(data)
    assert (data / "catalog.db").stat().st_size == 0

    code, out = doctor(data, capsys=capsys)
    assert code == 1 and "catalog.db" in out
    assert doctor(data, "--repair", capsys=capsys)[0] == 0
    assert catalog_state(data) == full


def test_a_catalog_with_no_schema_or_none_at_all_is_damage_when_updates_were_kept(publisher, tmp_path, capsys):
    data = applied_folder(tmp_path, publisher)
    full = catalog_state(data)
    for name in ("catalog.db", "catalog.db-wal", "catalog.db-shm"):
        (data / name).unlink(missing_ok=True)
    sqlite3.connect(data / "catalog.db").execute("CREATE TABLE t (x)").connection.close()  # schema 0
    assert main(["--data-dir", str(data), "search", "x"]) == 1
    assert "doctor --repair" in capsys.readouterr().err
    (data / "catalog.db").unlink()  # gone altogether, the kept updates still there
    assert main(["--data-dir", str(data), "search", "x"]) == 1
    assert "doctor --repair" in capsys.readouterr().err
    assert not (data / "catalog.db").exists()
    assert doctor(data, capsys=capsys)[0] == 1
    assert doctor(data, "--repair", capsys=capsys)[0] == 0
    assert catalog_state(data) == full


def test_a_new_laptop_still_starts_with_the_shipped_catalog(tmp_path):
    folder = open_data_folder(tmp_path / "new")
    assert "aulalocal-seed" in {c["catalog"] for c in status(folder.catalog)["catalogs"]}
    folder.close()
    assert sorted(p.name for p in (tmp_path / "new").iterdir() if p.name.endswith(".tmp")) == []


def test_an_empty_userdata_is_never_overwritten(tmp_path, capsys):
    data = tmp_path / "data"
    folder = open_data_folder(data)
    userdata.save_note(folder.userdata, "aulalocal-seed", "program", "x", {"es": "X"}, "nota")
    folder.close()
    backup = data / "userdata.db.v1.bak"
    shutil.copy(data / "userdata.db", backup)
    for name in ("userdata.db-wal", "userdata.db-shm"):
        (data / name).unlink(missing_ok=True)
    (data / "userdata.db").write_bytes(b"")
    code = main(["--data-dir", str(data), "catalog", "status"])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("error: ") and err.count("\n") == 1 and "userdata.db" in err
    assert (data / "userdata.db").stat().st_size == 0 and backup.exists()
    code, out = doctor(data, capsys=capsys)
    assert code == 1 and "userdata.db" in out
    # --repair keeps the empty file aside and puts the newest backup back.
    assert doctor(data, "--repair", capsys=capsys)[0] == 0
    assert backup.exists() and list(data.glob("userdata.db.damaged-*"))
    folder = open_data_folder(data)
    assert userdata.get_note(folder.userdata, "aulalocal-seed", "program", "x") == "nota"
    folder.close()


def media_pair() -> dict[str, bytes]:
    """A small media file (copied after the checks) and a large stored one (copied while staging)."""
    small = b"\x89PNG small image " + os.urandom(64)
    large = os.urandom(300 * 1024)  # random: stored, over earlymedia.MIN_SIZE
    return {f"{hashlib.sha256(small).hexdigest()}.png": small, f"{hashlib.sha256(large).hexdigest()}.pdf": large}


def damage(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def test_an_import_replaces_a_damaged_local_copy_of_a_media_file(trusted, publisher, tmp_path):
    from aulalocal.bundle import earlymedia

    media = media_pair()
    import_bundle(trusted, media_bundle(tmp_path, publisher, SAMPLE, media, sequence=1))
    for name in media:
        damage(trusted.media_dir / name)
    early_copies = []
    real_take = earlymedia.EarlyMedia.take

    def take(self, name):
        early_copies.append(name)
        return real_take(self, name)

    earlymedia.EarlyMedia.take = take
    try:
        import_bundle(trusted, media_bundle(tmp_path, publisher, SAMPLE, media, sequence=2))
    finally:
        earlymedia.EarlyMedia.take = real_take
    for name, data in media.items():
        assert (trusted.media_dir / name).read_bytes() == data
    # Both ways a media file is written were used: copied while staging, and after the checks.
    assert len(early_copies) == 1 and early_copies[0].endswith(".pdf")
    assert sorted(p.name for p in trusted.media_dir.iterdir()) == sorted(media)


def test_doctor_finds_damaged_media_and_repair_restores_them_from_the_kept_bundles(publisher, tmp_path, capsys):
    media = media_pair()
    data = applied_folder(tmp_path, publisher, media=media)
    assert doctor(data, capsys=capsys)[0] == 0
    small, large = sorted(media, key=lambda n: len(media[n]))
    damage(data / "media" / small)
    (data / "media" / large).write_bytes(b"")
    stray = hashlib.sha256(b"x").hexdigest() + ".png"
    (data / "media" / stray).write_bytes(b"not what its name says")  # no kept bundle has it
    code, out = doctor(data, capsys=capsys)
    assert code == 1 and small in out and large in out and stray in out
    code, out = doctor(data, "--repair", capsys=capsys)
    assert code == 0, out
    for name, content in media.items():
        assert (data / "media" / name).read_bytes() == content
    assert not (data / "media" / stray).exists()
    assert doctor(data, capsys=capsys)[0] == 0


def fingerprint(data: Path) -> tuple:
    """Integrity, the catalogs' states and a digest of every record, read only."""
    conn = sqlite3.connect(f"file:{data / 'catalog.db'}?mode=ro", uri=True)
    try:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        digest = hashlib.sha256()
        for row in conn.execute("SELECT catalog, kind, id, data_sha256 FROM records ORDER BY catalog, kind, id"):
            digest.update(repr(row).encode())
        states = conn.execute("SELECT catalog, sequence, file_sha256 FROM catalogs ORDER BY catalog").fetchall()
        indexed = conn.execute("SELECT COUNT(*) FROM search_text").fetchone()[0]
        return integrity, tuple(states), digest.hexdigest(), indexed
    finally:
        conn.close()


def doctor_says_fine(data: Path) -> bool:
    from aulalocal.doctor import check

    return all(ok for _line, ok in check(data))


@pytest.fixture(scope="module")
def damaged_template(tmp_path_factory, publisher):
    """A data folder whose catalog.db is damaged, with three kept updates of two catalogs; and its whole fingerprint."""
    from tests.bundle.test_faults import many_records

    tmp_path = tmp_path_factory.mktemp("damaged")
    data = tmp_path / "data"
    folder = open_data_folder(data)
    trust.add_key(folder.keys_dir, publisher.public)
    first = many_records(1200, "uno")
    import_bundle(folder, make_bundle(tmp_path, publisher, first, sequence=1))
    second = {**first, **many_records(200, "dos")}  # 200 records changed
    import_bundle(folder, make_bundle(tmp_path, publisher, second, sequence=2, base=1, base_records=first))
    import_bundle(folder, make_bundle(tmp_path, publisher, SAMPLE, catalog="ong-andina"))
    userdata.save_note(folder.userdata, "minedu-pe", "program", "p-00001", {"es": "P"}, "nota")
    folder.close()
    full = fingerprint(data)
    (data / "catalog.db").write_bytes(b"SQLite format 3\0" + b"\xff" * 8192)
    return data, full


@pytest.fixture
def damaged_with_kept_updates(damaged_template, tmp_path):
    template, full = damaged_template
    data = tmp_path / "data"
    shutil.copytree(template, data)
    return data, full


def test_repair_killed_at_random_points_leaves_the_damaged_catalog_or_the_whole_one(damaged_with_kept_updates, tmp_path):
    import random
    import signal
    import time

    data, full = damaged_with_kept_updates
    damaged = (data / "catalog.db").read_bytes()
    notes = (data / "userdata.db").read_bytes()
    template = tmp_path / "template"
    shutil.copytree(data, template)

    def repair() -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "aulalocal", "--data-dir", str(data), "doctor", "--repair"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ, LANGUAGE="es"),
        )

    start = time.monotonic()
    proc = repair()
    assert proc.wait(120) == 0, proc.stderr.read()
    duration = time.monotonic() - start
    assert fingerprint(data) == full and doctor_says_fine(data)

    rng = random.Random(4321)
    seen = {"damaged": 0, "whole": 0}
    kills = 0
    shutil.rmtree(data)
    shutil.copytree(template, data)
    while kills < 15:
        proc = repair()
        time.sleep(rng.uniform(0, duration * 1.1))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
        # Never the shipped catalog alone, never a catalog doctor calls fine that is not whole.
        if (data / "catalog.db").read_bytes() == damaged:
            seen["damaged"] += 1
            assert not doctor_says_fine(data), f"doctor calls a damaged catalog fine after kill {kills}"
        else:
            assert fingerprint(data) == full, f"a partial catalog after kill {kills}"
            assert doctor_says_fine(data)
            seen["whole"] += 1
            shutil.rmtree(data)
            shutil.copytree(template, data)
        assert (data / "userdata.db").read_bytes() == notes
    assert seen["damaged"] > 0
    # After the kills a repair still runs to its end, leaving no temporary file behind.
    proc = repair()
    assert proc.wait(120) == 0, proc.stderr.read()
    assert fingerprint(data) == full and doctor_says_fine(data)
    assert [p.name for p in data.iterdir() if p.name.startswith(".")] == []


def test_repair_stopped_at_each_step_of_the_swap_leaves_one_or_the_other(damaged_with_kept_updates, tmp_path, monkeypatch):
    """A crash between any two file operations of the swap: simulated by stopping at each one."""
    from aulalocal.doctor import repair

    rebuild = pytest.importorskip("aulalocal.bundle.rebuild")  # the module that does the swap

    data, full = damaged_with_kept_updates
    # A WAL beside the damaged file, as a killed process leaves it: it must never be played into the new one.
    (data / "catalog.db-wal").write_bytes(b"left by a process that died" * 100)
    template = tmp_path / "template"
    shutil.copytree(data, template)
    damaged = (data / "catalog.db").read_bytes()

    class Crash(BaseException):
        pass

    step = 1
    while True:
        calls = {"n": 0}

        def counted(real):
            def op(*args, **kwargs):
                calls["n"] += 1
                if calls["n"] == step:
                    raise Crash
                return real(*args, **kwargs)
            return op

        monkeypatch.setattr(rebuild.os, "replace", counted(os.replace))
        monkeypatch.setattr(rebuild.os, "link", counted(os.link))
        monkeypatch.setattr(rebuild, "_sync_folder", counted(rebuild._sync_folder))
        try:
            lines = list(repair(data))
            crashed = False
        except Crash:
            crashed = True
        monkeypatch.undo()
        if (data / "catalog.db").read_bytes() == damaged:
            assert crashed and not doctor_says_fine(data)
        else:
            assert fingerprint(data) == full and doctor_says_fine(data)
        if not crashed:
            assert all(ok for _line, ok in lines)
            break
        # The next repair, after the crash, ends with the whole catalog.
        assert all(ok for _line, ok in repair(data))
        assert fingerprint(data) == full and doctor_says_fine(data)
        shutil.rmtree(data)
        shutil.copytree(template, data)
        step += 1
    assert step > 3  # link, the WAL aside, the replace, the folder synced


def test_a_full_disk_during_repair_leaves_the_damaged_catalog_and_says_so(damaged_with_kept_updates, tmp_path, monkeypatch, capsys):
    import importlib.util

    data, full = damaged_with_kept_updates
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=40m", "tmpfs", str(mount)], check=True)
    try:
        small = mount / "data"
        shutil.copytree(data, small)
        used = sum(p.stat().st_size for p in small.rglob("*") if p.is_file())
        free = shutil.disk_usage(mount).free
        # Room for a part of the rebuilt catalog only; the check before is told there is plenty.
        filler = free - 2_500_000
        assert filler > 0, (used, free)
        (mount / "filler").write_bytes(b"\0" * filler)
        if importlib.util.find_spec("aulalocal.bundle.space"):  # (the check before the build)
            monkeypatch.setattr("aulalocal.bundle.space.check_free", lambda *a, **k: None)
        before = (small / "catalog.db").read_bytes()
        code, out = doctor(small, "--repair", capsys=capsys)
        assert code == 1 and "full" in out, out
        assert (small / "catalog.db").read_bytes() == before
        assert [p.name for p in small.iterdir() if p.name.startswith(".")] == []
        assert doctor(small, capsys=capsys)[0] == 1
        monkeypatch.undo()
        # With the space back, the repair that follows needs nothing else.
        (mount / "filler").unlink()
        code, out = doctor(small, "--repair", capsys=capsys)
        assert code == 0, out
        assert fingerprint(small) == full
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


# What SQLite and the system say, in English: never on a teacher's screen (only in aulalocal.log).
ENGLISH_FROM_EXCEPTIONS = (
    "database", "malformed", "disk image", "not a ", "unable to", "No such file", "denied",
    "Errno", "Error", "locked", "Page ", "wrong # of", "missing from index", "I/O",
)


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_every_doctor_line_is_in_the_teachers_language(lang, publisher, tmp_path, capsys, real_translations):
    media = media_pair()
    data = applied_folder(tmp_path, publisher, media=media)
    (data / "catalog.db").write_bytes(b"SQLite format 3\0" + b"\xff" * 8192)
    (data / "userdata.db").write_bytes(b"this was the teacher's file" * 50)
    damage(data / "media" / sorted(media)[0])
    outputs = []
    for args in (["doctor"], ["doctor", "--repair"], ["doctor"]):
        code = main(["--lang", lang, "--data-dir", str(data), *args])
        out, err = capsys.readouterr()
        outputs.append((code, out + err))
    assert outputs[0][0] == 1 and outputs[2][0] == 1  # the teacher's damaged file stays, for the IT helper
    for _code, text in outputs:
        for line in text.splitlines():
            found = [w for w in ENGLISH_FROM_EXCEPTIONS if w in line]
            assert not found, f"{lang}: {line!r}"
    # The raw detail is kept for the IT helper.
    assert "not a database" in (data / "aulalocal.log").read_text() or "malformed" in (data / "aulalocal.log").read_text()
