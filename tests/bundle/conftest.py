"""Fixtures for bundle tests: publisher keys made in the test, signed bundles, small disks."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from aulalocal.bundle import minisign, trust
from aulalocal.bundle.build import build_bundle
from tests.conftest import title, write_source

SAMPLE = {
    ("program", "huascaran"): {"title": title("Huascarán", "Huascarán programa"), "regions": ["Lima"]},
    ("organization", "minedu"): {"title": title("Ministerio de Educación"), "kind": "government"},
    ("legal_reference", "cp-183-b"): {"title": title("Código Penal, artículo 183-B"), "article": "183-B"},
}


@dataclass
class Publisher:
    public: minisign.PublicKey
    secret: minisign.SecretKey

    def sign(self, path: Path) -> Path:
        sig = path.with_name(path.name + ".minisig")
        sig.write_bytes(minisign.sign_file(path, self.secret, f"file:{path.name}"))
        return sig


def new_publisher(comment: str = "Test publisher") -> Publisher:
    public, secret = minisign.generate_keypair(comment)
    return Publisher(public, secret)


def impostor_of(real: Publisher, comment: str = "Impostor") -> Publisher:
    """Another key pair that claims ``real``'s key id (a key's maker chooses the id freely)."""
    secret = replace(new_publisher(comment).secret, key_id=real.public.key_id)
    return Publisher(secret.public_key(comment), secret)


@pytest.fixture(scope="session")
def publisher() -> Publisher:
    return new_publisher("Ministerio de prueba")


@pytest.fixture
def trusted(empty_folder, publisher):
    """The empty data folder, trusting ``publisher``."""
    trust.add_key(empty_folder.keys_dir, publisher.public)
    return empty_folder


def make_bundle(
    tmp_path: Path,
    publisher: Publisher | None,
    records=None,
    *,
    catalog: str = "minedu-pe",
    sequence: int = 1,
    base: int | None = None,
    base_records=None,
    name: str | None = None,
) -> Path:
    """Build (and sign, unless ``publisher`` is None) a bundle from records."""
    work = tmp_path / f"build-{uuid.uuid4().hex[:8]}"
    source = write_source(work / "new", SAMPLE if records is None else records, catalog=catalog, sequence=sequence)
    base_source = None
    if base is not None:
        base_source = write_source(work / "old", SAMPLE if base_records is None else base_records, catalog=catalog, sequence=base)
    out = tmp_path / (name or f"{catalog}-{sequence}-{uuid.uuid4().hex[:6]}.aulabundle")
    build_bundle(source, out, catalog, sequence, base, base_source)
    if publisher is not None:
        publisher.sign(out)
    return out


@pytest.fixture
def small_disk(tmp_path):
    """A folder on a 2 MiB tmpfs, to fill up for real (needs root, as CI is)."""
    mount = tmp_path / "small-disk"
    mount.mkdir()
    cmd = ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)]
    if os.geteuid() != 0:
        cmd = ["sudo", "-n", *cmd]
    subprocess.run(cmd, check=True)
    yield mount
    subprocess.run(([] if os.geteuid() == 0 else ["sudo", "-n"]) + ["umount", "-l", str(mount)], check=False)


def file_bytes(path: Path) -> bytes:
    return path.read_bytes()


def db_files_unchanged(folder_path: Path):
    """A snapshot of both databases' bytes (after a checkpoint) to compare later."""
    return {name: (folder_path / name).read_bytes() for name in ("catalog.db", "userdata.db")}


def copy_tree(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst
