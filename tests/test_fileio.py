"""Every file written one way: new, whole, never through a name found where it goes (issue 12).

Each thing an attacker (or bad luck) can leave where AulaLocal writes: a link
to the teacher's notes, a link to nowhere, a folder, a FIFO, a hard link,
and a folder to write into that is a link.
"""

from __future__ import annotations

import os
import signal
import stat
from pathlib import Path

import pytest

from aulalocal import fileio
from aulalocal.errors import StorageError
from aulalocal.fileio import (
    AtomicFiles,
    InTheWay,
    NotAFile,
    append_text,
    copy_file,
    ensure_folder,
    link_or_copy,
    open_lock_file,
    open_regular,
    read_small_file,
    write_atomically,
)

NOTES = b"SQLite format 3\x00 the teacher's notes"


@pytest.fixture
def victim(tmp_path) -> Path:
    """A file that must never change: what a planted link points to."""
    path = tmp_path / "data" / "userdata.db"
    path.parent.mkdir()
    path.write_bytes(NOTES)
    return path


@pytest.fixture(autouse=True)
def never_blocks():
    """Opening a FIFO the ordinary way would wait for ever: fail instead."""
    def stuck(*_args):
        raise AssertionError("blocked")

    old = signal.signal(signal.SIGALRM, stuck)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


def plant(kind: str, path: Path, victim: Path) -> None:
    """Put ``kind`` where AulaLocal will write ``path``."""
    if kind == "link":
        path.symlink_to(victim)
    elif kind == "dangling-link":
        path.symlink_to(victim.with_name("created-through-a-link"))
    elif kind == "folder":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)


IN_THE_WAY = ("link", "dangling-link", "folder", "fifo")


def unchanged(victim: Path) -> None:
    assert victim.read_bytes() == NOTES
    assert not victim.with_name("created-through-a-link").exists()


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".part")]


@pytest.mark.parametrize("kind", IN_THE_WAY)
def test_a_file_is_never_written_through_what_has_its_name(tmp_path, victim, kind):
    target = tmp_path / "out.aulabundle"
    plant(kind, target, victim)
    with pytest.raises(InTheWay) as err:
        write_atomically(target, [b"new content"])
    assert err.value.exit_code == 1 and str(target) in err.value.message()
    unchanged(victim)
    assert leftovers(tmp_path) == []
    assert os.path.lexists(target)  # left as it was, for the user to see


@pytest.mark.parametrize("kind", IN_THE_WAY)
def test_atomic_files_are_never_named_over_what_is_in_the_way(tmp_path, victim, kind):
    target = tmp_path / "media.png"
    plant(kind, target, victim)
    with pytest.raises(InTheWay):
        with AtomicFiles() as files:
            files.write(target, lambda fh: fh.write(b"png"))
            files.wait()
    unchanged(victim)
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("kind", IN_THE_WAY)
def test_links_and_copies_are_never_named_over_what_is_in_the_way(tmp_path, victim, kind):
    source = tmp_path / "staged"
    source.write_bytes(b"bundle")
    target = tmp_path / "kept.aulabundle"
    plant(kind, target, victim)
    with pytest.raises(InTheWay):
        link_or_copy(source, target)
    with pytest.raises(InTheWay):
        copy_file(source, target)
    unchanged(victim)
    assert leftovers(tmp_path) == []


def test_a_link_planted_as_the_temporary_name_is_never_used(tmp_path, victim, monkeypatch):
    """The temporary name is random, and made exclusively: a name someone
    planted (the ``.part`` of old) is neither opened nor replaced."""
    target = tmp_path / "out.minisig"
    (tmp_path / "out.minisig.part").symlink_to(victim)
    planted = tmp_path / "out.minisig.000000000000.part"
    planted.symlink_to(victim)
    names = iter(["000000000000", "000000000000", "a1b2c3d4e5f6"])
    monkeypatch.setattr(fileio.secrets, "token_hex", lambda _n: next(names))
    write_atomically(target, [b"signature"])
    assert target.read_bytes() == b"signature"
    unchanged(victim)
    assert planted.is_symlink() and (tmp_path / "out.minisig.part").is_symlink()


def test_a_plain_file_is_replaced_and_a_second_name_keeps_its_bytes(tmp_path, victim):
    target = tmp_path / "kept.aulabundle"
    os.link(victim, target)  # a hard link: the same file under another name
    write_atomically(target, [b"new"])
    assert target.read_bytes() == b"new"
    unchanged(victim)


def test_new_files_are_made_as_open_makes_them_unless_told(tmp_path):
    umask = os.umask(0o022)
    try:
        write_atomically(tmp_path / "shared", [b"x"])
        write_atomically(tmp_path / "secret.key", [b"x"], mode=0o600)
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "shared").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "secret.key").stat().st_mode) == 0o600


@pytest.mark.parametrize("kind", ["link-to-a-folder", "link-to-the-data-folder", "dangling-link", "file"])
def test_a_folder_to_write_into_is_never_a_link_or_a_file(tmp_path, victim, kind):
    folder = tmp_path / "drive" / "AulaLocal"
    folder.parent.mkdir()
    if kind == "link-to-a-folder":
        (tmp_path / "elsewhere").mkdir()
        folder.symlink_to(tmp_path / "elsewhere")
    elif kind == "link-to-the-data-folder":
        folder.symlink_to(victim.parent)
    elif kind == "dangling-link":
        folder.symlink_to(tmp_path / "nowhere")
    else:
        folder.write_bytes(b"")
    with pytest.raises(InTheWay) as err:
        ensure_folder(folder)
    assert "not a folder" in err.value.message()
    assert not (tmp_path / "nowhere").exists()
    assert sorted(p.name for p in victim.parent.iterdir()) == ["userdata.db"]


def test_a_missing_folder_is_made_with_its_parents(tmp_path):
    assert ensure_folder(tmp_path / "a" / "b").is_dir()
    assert ensure_folder(tmp_path / "a" / "b").is_dir()  # and found again


@pytest.mark.parametrize("kind", ["link", "dangling-link", "hard-link", "fifo", "folder"])
def test_a_log_is_never_appended_through_another_name(tmp_path, victim, kind):
    log = tmp_path / "aulalocal.log"
    if kind == "hard-link":
        os.link(victim, log)
    else:
        plant(kind, log, victim)
    with pytest.raises((InTheWay, OSError)):
        append_text(log, "Traceback...\n")
    unchanged(victim)


def test_a_log_is_appended_to(tmp_path):
    log = tmp_path / "aulalocal.log"
    append_text(log, "one\n")
    append_text(log, "two\n")
    assert log.read_text() == "one\ntwo\n"


@pytest.mark.parametrize("kind", ["link", "fifo"])
def test_a_lock_file_is_never_a_link_or_special(tmp_path, victim, kind):
    lock = tmp_path / "import.lock"
    plant(kind, lock, victim)
    with pytest.raises(InTheWay):
        open_lock_file(lock)
    unchanged(victim)


@pytest.mark.parametrize("kind", ["link", "folder", "fifo", "device"])
def test_reading_from_a_drive_takes_regular_files_only(tmp_path, victim, kind):
    path = tmp_path / "x.minisig"
    if kind == "device":
        path = Path("/dev/zero")
    else:
        plant(kind, path, victim)
    with pytest.raises(NotAFile):
        read_small_file(path, 1024)


def test_a_fifo_swapped_in_after_the_check_is_never_waited_on(tmp_path, monkeypatch):
    path = tmp_path / "x.minisig"
    path.write_bytes(b"a signature")
    regular = os.lstat(path)
    path.unlink()
    os.mkfifo(path)
    # The check sees the regular file that was there; the open meets the FIFO.
    monkeypatch.setattr(fileio.os, "lstat", lambda _p: regular)
    with pytest.raises(NotAFile):
        open_regular(path)


def test_a_link_is_followed_only_when_asked(tmp_path):
    real = tmp_path / "real.aulabundle"
    real.write_bytes(b"PK")
    link = tmp_path / "link.aulabundle"
    link.symlink_to(real)
    with pytest.raises(NotAFile):
        open_regular(link)
    with open_regular(link, follow_links=True) as fh:
        assert fh.read() == b"PK"


def test_in_the_way_is_a_storage_error_not_an_os_error():
    # Callers turn OSErrors into "disk full" or "drive pulled": this one keeps its own words.
    assert issubclass(InTheWay, StorageError) and not issubclass(InTheWay, OSError)
