"""Hostile and broken bundles through the real command line.

Each case is generated here, applied with ``aulalocal bundle apply`` in a
subprocess, and must give its exit code and a one-line message, while
``catalog.db`` and ``userdata.db`` stay byte-for-byte as they were.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from aulalocal.bundle import trust
from aulalocal.catalog import userdata
from aulalocal.startup import open_data_folder
from tests.bundle.conftest import SAMPLE, impostor_of, make_bundle, new_publisher
from tests.bundle.test_archive import _raw_bundle
from tests.bundle.zipfactory import (
    DELETE,
    SYMLINK,
    central_records,
    insert_bytes,
    make_zip,
    manifest_dict,
    patch_central,
    patch_local,
    png,
    records_jsonl,
    sha256_hex,
)

PUBLISHER = new_publisher("Ministerio de prueba")
OTHER_CATALOG_PUBLISHER = new_publisher("ONG de otro catálogo")
STRANGER = new_publisher("Desconocido")
# A key pair that claims PUBLISHER's key id, its public key left beside its bundle.
IMPOSTOR = impostor_of(PUBLISHER, "Ministerio de prueba")
CATALOG = "minedu-pe"
CURRENT_SEQUENCE = 3


def op(record_kind="program", id_="p1", **data):
    data.setdefault("title", {"es": "Programa"})
    return {"op": "upsert", "kind": record_kind, "id": id_, "data": data}


GOOD_RECORDS = records_jsonl([op(), op("organization", "o1", kind="ngo")])


def zip_bundle(entries=None, overrides=None, **kw) -> bytes:
    base = {"catalog": CATALOG, "sequence": CURRENT_SEQUENCE + 1}
    base.update(overrides or {})
    entries = {"records/0001.jsonl": GOOD_RECORDS} if entries is None else entries
    return make_zip(entries, base, **kw)


def records_bundle(raw: bytes) -> bytes:
    return zip_bundle({"records/0001.jsonl": raw})


def patched(name: str, **fields) -> bytes:
    data = zip_bundle()
    data = patch_central(data, name, **fields)
    return patch_local(data, name, **fields)


def encrypted() -> bytes:
    data = zip_bundle()
    flags = next(r for r in central_records(data) if r.name == b"records/0001.jsonl").fields["flag_bits"] | 1
    return patched("records/0001.jsonl", flag_bits=flags)


def symlink() -> bytes:
    info = zipfile.ZipInfo("records/link.jsonl")
    info.create_system = 3
    info.external_attr = SYMLINK
    files = {"records/0001.jsonl": GOOD_RECORDS}
    listed = manifest_dict(files)["files"]
    listed["records/link.jsonl"] = {"sha256": sha256_hex(b"/etc/passwd"), "size": 11}
    return zip_bundle(files, {"files": listed}, unlisted=[(info, b"/etc/passwd")])


def listed_with(name: str, content: bytes) -> bytes:
    """An entry with an unsafe name that the manifest lists, so only the name is wrong."""
    files = {"records/0001.jsonl": GOOD_RECORDS}
    listed = manifest_dict(files)["files"]
    listed[name] = {"sha256": sha256_hex(content), "size": len(content)}
    return zip_bundle(files, {"files": listed}, unlisted=[(name, content)])


def size_mismatch() -> bytes:
    files = {"records/0001.jsonl": GOOD_RECORDS}
    listed = manifest_dict(files)["files"]
    listed["records/0001.jsonl"]["size"] += 5
    return zip_bundle(files, {"files": listed})


def hash_mismatch() -> bytes:
    files = {"records/0001.jsonl": GOOD_RECORDS}
    listed = manifest_dict(files)["files"]
    listed["records/0001.jsonl"]["sha256"] = "0" * 64
    return zip_bundle(files, {"files": listed})


def declared_smaller() -> bytes:
    files = {"records/0001.jsonl": GOOD_RECORDS}
    listed = manifest_dict(files)["files"]
    listed["records/0001.jsonl"]["size"] = 40
    data = zip_bundle(files, {"files": listed})
    return patched_bytes(data, "records/0001.jsonl", file_size=40)


def patched_bytes(data: bytes, name: str, **fields) -> bytes:
    return patch_local(patch_central(data, name, **fields), name, **fields)


def too_many_entries() -> bytes:
    # 100,001 entries: one over the spec's limit, each an empty media file.
    import io

    empty = sha256_hex(b"")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("manifest.json", json.dumps(manifest_dict({"records/0001.jsonl": GOOD_RECORDS}, {"catalog": CATALOG, "sequence": 4})))
        zf.writestr("records/0001.jsonl", GOOD_RECORDS)
        for i in range(100_000):
            zf.writestr(f"media/{empty[:-6]}{i:06d}.txt", b"")
    return buf.getvalue()


def overlapping() -> bytes:
    return _raw_bundle("overlap")


def bytes_inserted(where: str) -> bytes:
    """A good bundle with bytes that belong to no entry, every offset made right."""
    data = zip_bundle()
    records = central_records(data)
    at = {"front": 0, "between": records[1].fields["header_offset"], "before-directory": records[0].offset}[where]
    return insert_bytes(data, at, png(8, 8) if where == "front" else b"hidden bytes")


def manifest_raw(text: bytes) -> bytes:
    return zip_bundle(manifest=text)


def manifest_with(**over) -> bytes:
    files = {"records/0001.jsonl": GOOD_RECORDS}
    manifest = manifest_dict(files, {"catalog": CATALOG, "sequence": CURRENT_SEQUENCE + 1, **over})
    return zip_bundle(files, manifest=json.dumps(manifest).encode())


def media(name: str, content: bytes) -> bytes:
    return zip_bundle({"records/0001.jsonl": GOOD_RECORDS, name: content})


def delete_in_full() -> bytes:
    return records_bundle(records_jsonl([op(), {"op": "delete", "kind": "program", "id": "x"}]))


def deep(n: int) -> bytes:
    return b'{"op":"upsert","kind":"program","id":"p","data":{"title":{"es":"x"},"n":' + b"[" * n + b"]" * n + b"}}\n"


# name -> (bundle bytes or None for "reuse a good bundle", signer, exit code, message needle)
CASES = {
    "not-a-zip": (lambda: b"PK\x03\x04 this is not really a zip", PUBLISHER, 4, "bundle"),
    "zero-bytes": (lambda: b"", PUBLISHER, 4, ""),
    "random-bytes": (lambda: os.urandom(4096), PUBLISHER, 4, ""),
    "path-traversal": (lambda: listed_with("records/../../evil.jsonl", GOOD_RECORDS), PUBLISHER, 4, ""),
    "absolute-path": (lambda: listed_with("/etc/evil.jsonl", GOOD_RECORDS), PUBLISHER, 4, ""),
    "backslash-name": (lambda: listed_with("records\\evil.jsonl", GOOD_RECORDS), PUBLISHER, 4, ""),
    "drive-letter": (lambda: listed_with("C:/evil.jsonl", GOOD_RECORDS), PUBLISHER, 4, ""),
    "symlink-entry": (symlink, PUBLISHER, 4, "link"),
    "duplicate-name": (lambda: zip_bundle(unlisted=[("records/0001.jsonl", GOOD_RECORDS)]), PUBLISHER, 4, ""),
    "duplicate-by-case": (lambda: zip_bundle(unlisted=[("RECORDS/0001.jsonl", GOOD_RECORDS)]), PUBLISHER, 4, ""),
    "unlisted-entry": (lambda: zip_bundle(unlisted=[("records/extra.jsonl", GOOD_RECORDS)]), PUBLISHER, 4, "records/extra.jsonl"),
    "listed-but-missing": (
        lambda: zip_bundle({"records/0001.jsonl": GOOD_RECORDS}, {"files": {**manifest_dict({"records/0001.jsonl": GOOD_RECORDS, "records/0002.jsonl": b"x"})["files"]}}),
        PUBLISHER, 4, "records/0002.jsonl",
    ),
    "size-mismatch": (size_mismatch, PUBLISHER, 4, ""),
    "hash-mismatch": (hash_mismatch, PUBLISHER, 4, "SHA-256"),
    "declared-size-smaller": (declared_smaller, PUBLISHER, 4, ""),
    "compression-bomb": (lambda: records_bundle(b" " * (4 * 1024 * 1024)), PUBLISHER, 4, "200"),
    "too-many-entries": (too_many_entries, PUBLISHER, 4, ""),
    "unknown-compression": (lambda: patched("records/0001.jsonl", compress_type=12), PUBLISHER, 4, "compression"),
    "encrypted-entry": (encrypted, PUBLISHER, 4, "encrypted"),
    "overlapping-entries": (overlapping, PUBLISHER, 4, "overlap"),
    "png-zip-polyglot": (lambda: bytes_inserted("front"), PUBLISHER, 4, "belong to none"),
    "bytes-between-entries": (lambda: bytes_inserted("between"), PUBLISHER, 4, "belong to none"),
    "bytes-before-the-central-directory": (lambda: bytes_inserted("before-directory"), PUBLISHER, 4, "belong to none"),
    "bytes-after-the-end-record": (lambda: zip_bundle() + b"trailing bytes", PUBLISHER, 4, "not a valid bundle"),
    "manifest-not-json": (lambda: manifest_raw(b"{not json"), PUBLISHER, 4, "manifest.json"),
    "manifest-duplicate-keys": (lambda: manifest_raw(b'{"format":"aulalocal-bundle","format":"x"}'), PUBLISHER, 4, "manifest.json"),
    "manifest-deep-nesting": (lambda: manifest_raw(b"[" * 40 + b"]" * 40), PUBLISHER, 4, "manifest.json"),
    "manifest-unknown-key": (lambda: manifest_with(signed_by="me"), PUBLISHER, 4, "signed_by"),
    "newer-format-version": (lambda: manifest_with(format_version=2), PUBLISHER, 4, "newer version"),
    "bad-catalog-id": (lambda: manifest_with(catalog="Bad Catalog!"), PUBLISHER, 4, ""),
    "manifest-missing-key": (lambda: manifest_with(publisher=DELETE), PUBLISHER, 4, "publisher"),
    "rollback": (lambda: zip_bundle(overrides={"sequence": 2}), PUBLISHER, 5, "older"),
    "same-sequence-other-content": (lambda: zip_bundle(overrides={"sequence": CURRENT_SEQUENCE}), PUBLISHER, 5, "reuses"),
    "delta-on-wrong-base": (lambda: zip_bundle(overrides={"sequence": 9, "base_sequence": 8}), PUBLISHER, 5, "8"),
    "unknown-record-kind": (lambda: records_bundle(records_jsonl([op("recipe")])), PUBLISHER, 4, "recipe"),
    "missing-required-field": (lambda: records_bundle(records_jsonl([{"op": "upsert", "kind": "program", "id": "p", "data": {"summary": {"es": "x"}}}])), PUBLISHER, 4, "title"),
    "missing-spanish": (lambda: records_bundle(records_jsonl([op(title={"qu": "Suti"})])), PUBLISHER, 4, "title"),
    "wrong-type": (lambda: records_bundle(records_jsonl([op(year_start="2002")])), PUBLISHER, 4, "year_start"),
    "invalid-utf8": (lambda: records_bundle(b'{"op":"upsert","kind":"program","id":"p","data":{"title":{"es":"\xff\xfe"}}}\n'), PUBLISHER, 4, "UTF-8"),
    "over-long-line": (lambda: records_bundle(b'{"op":"upsert","kind":"program","id":"p","data":{"title":{"es":"' + os.urandom(800 * 1024).hex().encode() + b'"}}}\n'), PUBLISHER, 4, "longer"),
    "blank-line": (lambda: records_bundle(GOOD_RECORDS + b"\n" + GOOD_RECORDS), PUBLISHER, 4, "blank"),
    "record-duplicate-keys": (lambda: records_bundle(b'{"op":"upsert","op":"delete","kind":"program","id":"p"}\n'), PUBLISHER, 4, ""),
    "record-deep-nesting": (lambda: records_bundle(deep(40)), PUBLISHER, 4, ""),
    "delete-in-full-bundle": (delete_in_full, PUBLISHER, 4, "full bundle"),
    "bad-media-name": (lambda: media("media/picture.png", b"png"), PUBLISHER, 4, "media/picture.png"),
    "bad-media-hash": (lambda: media("media/" + "a" * 64 + ".png", b"png bytes"), PUBLISHER, 4, ""),
    "bad-media-extension": (lambda: media(f"media/{sha256_hex(b'x')}.exe", b"x"), PUBLISHER, 4, ""),
    # Signature problems: exit 3, the archive is never opened.
    "no-signature": (lambda: zip_bundle(), None, 3, "signature"),
    "untrusted-key": (lambda: zip_bundle(), STRANGER, 3, STRANGER.public.key_id_hex),
    "trusted-key-of-another-catalog": (lambda: zip_bundle(), OTHER_CATALOG_PUBLISHER, 3, CATALOG),
    "impostor-with-a-trusted-key-id": (lambda: zip_bundle(), IMPOSTOR, 3, "different key"),
    "tampered-after-signing": ("tamper", PUBLISHER, 3, "signature"),
    "truncated-after-signing": ("truncate", PUBLISHER, 3, "signature"),
    "garbage-signature-file": ("garbage-sig", PUBLISHER, 3, ""),
}


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A data folder with the shipped catalog, catalog minedu-pe at sequence 3, and a note."""
    base = tmp_path_factory.mktemp("hostile")
    data = base / "data"
    folder = open_data_folder(data)
    trust.add_key(folder.keys_dir, PUBLISHER.public)
    trust.add_key(folder.keys_dir, OTHER_CATALOG_PUBLISHER.public)
    from aulalocal.bundle.importer import import_bundle

    import_bundle(folder, make_bundle(base, PUBLISHER, catalog=CATALOG, sequence=CURRENT_SEQUENCE))
    import_bundle(folder, make_bundle(base, OTHER_CATALOG_PUBLISHER, catalog="otro-catalogo", sequence=1))
    userdata.save_note(folder.userdata, CATALOG, "program", "huascaran", {"es": "Huascarán"}, "mi nota")
    folder.close()
    return data


def write_case(case: str, folder: Path) -> Path:
    make, signer, _code, _needle = CASES[case]
    folder.mkdir(parents=True, exist_ok=True)
    bundle = folder / f"{case}.aulabundle"
    if isinstance(make, str):
        bundle.write_bytes(zip_bundle())
        PUBLISHER.sign(bundle)
        data = bytearray(bundle.read_bytes())
        if make == "tamper":
            data[len(data) // 2] ^= 0x01
            bundle.write_bytes(bytes(data))
        elif make == "truncate":
            bundle.write_bytes(bytes(data[: len(data) - 100]))
        elif make == "garbage-sig":
            bundle.with_name(bundle.name + ".minisig").write_bytes(b"untrusted comment: x\nnot base64 at all\n")
        return bundle
    bundle.write_bytes(make())
    if signer is not None:
        signer.sign(bundle)
    if signer is IMPOSTOR:
        (folder / "publisher.pub").write_text(IMPOSTOR.public.to_text())
    return bundle


def test_there_are_at_least_thirty_cases():
    assert len(CASES) >= 30


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_bundle_is_refused_and_changes_nothing(case, template, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(template, data)
    before = {name: (data / name).read_bytes() for name in ("catalog.db", "userdata.db")}
    bundle = write_case(case, tmp_path / "drive")
    proc = subprocess.run(
        [sys.executable, "-m", "aulalocal", "--data-dir", str(data), "bundle", "apply", str(bundle)],
        capture_output=True, text=True, env=dict(os.environ, LANGUAGE="en"), timeout=120,
    )
    _make, _signer, code, needle = CASES[case]
    assert proc.returncode == code, proc.stderr
    assert proc.stderr.startswith("error: ") and proc.stderr.count("\n") == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert needle in proc.stderr
    assert proc.stdout == ""
    after = {name: (data / name).read_bytes() for name in ("catalog.db", "userdata.db")}
    assert after == before
    assert not (data / "catalog.db-wal").exists() or (data / "catalog.db-wal").stat().st_size == 0
    assert list((data / "staging").glob("*")) == []
    # No kept copy of a refused bundle.
    assert sorted(p.name for p in (data / "bundles").iterdir()) == sorted(p.name for p in (template / "bundles").iterdir())


# A .minisig that is not a regular file: a signature problem (exit 3), found
# without ever opening it for long, waiting on it (a FIFO with no writer
# blocks an ordinary open forever) or following it (issue 12).
SIGNATURE_NOT_A_FILE = ("fifo", "folder", "device", "link-to-a-device", "link-to-a-good-signature", "dangling-link")


def make_signature_not_a_file(kind: str, sig: Path, elsewhere: Path) -> None:
    good = sig.read_bytes()
    sig.unlink()
    if kind == "fifo":
        os.mkfifo(sig)
    elif kind == "folder":
        sig.mkdir()
    elif kind == "device":
        try:  # /dev/zero's numbers: endless bytes
            os.mknod(sig, 0o666 | stat.S_IFCHR, os.makedev(1, 5))
        except PermissionError:  # not root: reached through a link (the core test reads /dev/zero itself)
            sig.symlink_to("/dev/zero")
    elif kind == "link-to-a-device":
        sig.symlink_to("/dev/zero")
    elif kind == "link-to-a-good-signature":
        elsewhere.write_bytes(good)
        sig.symlink_to(elsewhere)
    elif kind == "dangling-link":
        sig.symlink_to(elsewhere)


@pytest.mark.parametrize("command", ["verify", "apply"])
@pytest.mark.parametrize("kind", SIGNATURE_NOT_A_FILE)
def test_a_signature_file_that_is_not_a_file_is_a_signature_error(kind, command, template, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(template, data)
    before = {name: (data / name).read_bytes() for name in ("catalog.db", "userdata.db")}
    bundle = tmp_path / "drive" / "update.aulabundle"
    bundle.parent.mkdir()
    bundle.write_bytes(zip_bundle())
    make_signature_not_a_file(kind, PUBLISHER.sign(bundle), tmp_path / "elsewhere.minisig")
    proc = subprocess.run(
        [sys.executable, "-m", "aulalocal", "--data-dir", str(data), "bundle", command, str(bundle)],
        capture_output=True, text=True, env=dict(os.environ, LANGUAGE="en"), timeout=60,
    )
    assert proc.returncode == 3, proc.stderr
    assert proc.stderr.startswith("error: ") and proc.stderr.count("\n") == 1, proc.stderr
    assert "signature" in proc.stderr and proc.stdout == ""
    assert {name: (data / name).read_bytes() for name in ("catalog.db", "userdata.db")} == before
    assert list((data / "staging").glob("*")) == []
    scan = subprocess.run(
        [sys.executable, "-m", "aulalocal", "--data-dir", str(data), "bundle", "scan", str(bundle.parent), "--json"],
        capture_output=True, text=True, env=dict(os.environ, LANGUAGE="en"), timeout=60,
    )
    assert scan.returncode == 0, scan.stderr
    assert [b["state"] for b in json.loads(scan.stdout)] == ["unsigned" if kind == "dangling-link" else "invalid"]


@pytest.mark.parametrize("path", ["/dev/zero", "/dev/null"])
def test_a_device_is_not_read_as_a_signature(path):
    from aulalocal.bundle import staging
    from aulalocal.errors import SignatureError

    with pytest.raises(SignatureError) as err:
        staging.read_small(Path(path))
    assert err.value.exit_code == 3
