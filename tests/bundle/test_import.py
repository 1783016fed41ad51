"""Verify and apply signed bundles end to end: trust, pinning, sequences, media, export, scan."""

from __future__ import annotations

import json
import shutil

import pytest

from aulalocal.bundle import trust
from aulalocal.bundle.export import export_bundles, export_size, key_file_name
from aulalocal.bundle.importer import check_bundle, import_bundle, verify_bundle
from aulalocal.bundle.scan import scan_drive
from aulalocal.catalog import userdata
from aulalocal.catalog.queries import get_record, status
from aulalocal.cli import main
from aulalocal.startup import open_data_folder
from aulalocal.errors import SequenceError, SignatureError, StorageError
from tests.bundle.conftest import SAMPLE, make_bundle, new_publisher
from tests.conftest import title


def counts(folder, catalog="minedu-pe"):
    return {c["catalog"]: c for c in status(folder.catalog)["catalogs"]}[catalog]


def test_apply_then_again_is_up_to_date_and_ledger_has_file_hash(trusted, publisher, tmp_path):
    bundle = make_bundle(tmp_path, publisher)
    result = import_bundle(trusted, bundle)
    assert not result.up_to_date and sum(result.added.values()) == 3
    cat = counts(trusted)
    assert cat["sequence"] == 1 and cat["key_id"] == publisher.public.key_id_hex
    import hashlib

    sha = hashlib.sha256(bundle.read_bytes()).hexdigest()
    assert trusted.catalog.execute("SELECT file_sha256, key_id FROM applied_bundles WHERE catalog='minedu-pe'").fetchall() == [
        (sha, publisher.public.key_id_hex)
    ]
    assert import_bundle(trusted, bundle).up_to_date
    # Only the staged copy was read, and it was removed afterwards.
    assert list(trusted.staging_dir.glob("*")) == []


def test_check_bundle_says_what_verify_prints_and_changes_nothing(trusted, publisher, tmp_path):
    bundle = make_bundle(tmp_path, publisher)
    checked = check_bundle(trusted, bundle)
    assert list(checked.as_json()) == ["catalog", "sequence", "base_sequence", "publisher", "key_id", "fingerprint", "records", "up_to_date"]
    assert (checked.catalog, checked.sequence, checked.records, checked.up_to_date) == ("minedu-pe", 1, 3, False)
    assert (checked.key_id, checked.fingerprint) == (publisher.public.key_id_hex, publisher.public.fingerprint)
    assert "minedu-pe" not in {c["catalog"] for c in status(trusted.catalog)["catalogs"]}
    assert list(trusted.staging_dir.glob("*")) == []
    import_bundle(trusted, bundle)
    assert check_bundle(trusted, bundle).up_to_date
    with pytest.raises(SequenceError):
        check_bundle(trusted, make_bundle(tmp_path, publisher, sequence=3, base=2))


def test_full_then_delta_then_wrong_base(trusted, publisher, tmp_path):
    import_bundle(trusted, make_bundle(tmp_path, publisher, sequence=1))
    v2 = dict(SAMPLE)
    del v2[("organization", "minedu")]
    v2[("program", "nuevo")] = {"title": title("Programa nuevo")}
    delta = make_bundle(tmp_path, publisher, v2, sequence=2, base=1)
    result = import_bundle(trusted, delta)
    assert result.added == {"program": 1} and result.removed == {"organization": 1}
    assert get_record(trusted.catalog, "organization", "minedu") is None
    wrong = make_bundle(tmp_path, publisher, v2, sequence=4, base=3)
    with pytest.raises(SequenceError) as info:
        import_bundle(trusted, wrong)
    assert "sequence 3" in info.value.message() and "sequence 2" in info.value.message()
    # A full bundle applies over any lower sequence.
    assert not import_bundle(trusted, make_bundle(tmp_path, publisher, SAMPLE, sequence=7)).up_to_date
    assert counts(trusted)["sequence"] == 7


def test_untrusted_key_and_pinned_catalog(trusted, publisher, tmp_path):
    stranger = new_publisher("Stranger")
    with pytest.raises(SignatureError, match=stranger.public.key_id_hex):
        import_bundle(trusted, make_bundle(tmp_path, stranger))
    import_bundle(trusted, make_bundle(tmp_path, publisher))
    # Trusted, but for another catalog: the catalog stays with its first key.
    trust.add_key(trusted.keys_dir, stranger.public)
    with pytest.raises(SignatureError, match="minedu-pe"):
        import_bundle(trusted, make_bundle(tmp_path, stranger, sequence=2))
    # The stranger's key is fine for its own catalog.
    import_bundle(trusted, make_bundle(tmp_path, stranger, catalog="ong-andina"))


def test_seed_catalog_cannot_be_replaced_by_a_bundle(seeded, publisher, tmp_path):
    trust.add_key(seeded.keys_dir, publisher.public)
    with pytest.raises(SignatureError, match="aulalocal-seed"):
        import_bundle(seeded, make_bundle(tmp_path, publisher, catalog="aulalocal-seed", sequence=99))


def test_unknown_key_beside_the_bundle_is_asked_and_remembered(empty_folder, tmp_path):
    stranger = new_publisher("ONG Yachay")
    bundle = make_bundle(tmp_path, stranger)
    (tmp_path / "ong.pub").write_text(stranger.public.to_text())
    asked = []
    with pytest.raises(SignatureError):
        import_bundle(empty_folder, bundle, trust_unknown_key=lambda key: asked.append((key.key_id_hex, key.comment)) or False)
    assert asked == [(stranger.public.key_id_hex, "ONG Yachay")]
    import_bundle(empty_folder, bundle, trust_unknown_key=lambda key: True)
    assert stranger.public.key_id_hex in {k.key_id for k in trust.trusted_keys(empty_folder.keys_dir)}


def test_media_are_content_addressed(trusted, publisher, tmp_path):
    import hashlib

    from tests.conftest import write_source

    data = b"\x89PNG fake image bytes"
    sha = hashlib.sha256(data).hexdigest()
    records = {("program", "con-imagen"): {"title": title("Con imagen"), "media": [sha]}}
    source = write_source(tmp_path / "src", records, catalog="minedu-pe")
    (source / "media").mkdir()
    (source / "media" / f"{sha}.png").write_bytes(data)
    from aulalocal.bundle.build import build_bundle

    out = tmp_path / "m.aulabundle"
    build_bundle(source, out, "minedu-pe", 1)
    publisher.sign(out)
    import_bundle(trusted, out)
    assert (trusted.media_dir / f"{sha}.png").read_bytes() == data


def test_notes_and_favorites_survive_full_and_delta_bundles(trusted, publisher, tmp_path):
    import_bundle(trusted, make_bundle(tmp_path, publisher, sequence=1))
    t = SAMPLE[("program", "huascaran")]["title"]
    userdata.save_note(trusted.userdata, "minedu-pe", "program", "huascaran", t, "Llevar a la reunión de padres")
    userdata.set_favorite(trusted.userdata, "minedu-pe", "program", "huascaran", t, True)
    userdata.set_setting(trusted.userdata, "language", "qu")
    without = {k: v for k, v in SAMPLE.items() if k != ("program", "huascaran")}
    import_bundle(trusted, make_bundle(tmp_path, publisher, without, sequence=2, base=1))
    import_bundle(trusted, make_bundle(tmp_path, publisher, SAMPLE, sequence=3))
    import_bundle(trusted, make_bundle(tmp_path, publisher, without, sequence=4))
    assert [n.text for n in userdata.notes(trusted.userdata)] == ["Llevar a la reunión de padres"]
    assert [f.id for f in userdata.favorites(trusted.userdata)] == ["huascaran"]
    assert userdata.get_setting(trusted.userdata, "language") == "qu"
    assert userdata.orphaned(userdata.notes(trusted.userdata), trusted.catalog) == {("minedu-pe", "program", "huascaran")}


def test_export_then_another_school_applies(trusted, publisher, tmp_path):
    import_bundle(trusted, make_bundle(tmp_path, publisher, sequence=1))
    v2 = dict(SAMPLE)
    v2[("program", "nuevo")] = {"title": title("Nuevo")}
    import_bundle(trusted, make_bundle(tmp_path, publisher, v2, sequence=2, base=1))
    drive = tmp_path / "drive"
    drive.mkdir()
    assert export_size(trusted) > 0
    written = export_bundles(trusted, drive)
    assert {p.parent.name for p in written} == {"AulaLocal"} and len(written) == 5
    assert not list((drive / "AulaLocal").glob("*.part"))
    # The publisher's key goes beside the bundles (docs/publishing.md section 5).
    key_file = drive / "AulaLocal" / key_file_name(publisher.public)
    assert key_file in written and trust.read_key_file(key_file).same_key(publisher.public)
    other = open_data_folder(tmp_path / "other-school", load_seed=False)
    # The next school does not trust the publisher yet: it is asked the same first-time question.
    found = scan_drive(other, drive)
    assert [b.state for b in found] == ["untrusted", "untrusted"]
    assert {b.fingerprint for b in found} == {publisher.public.fingerprint}
    asked = []
    for b in sorted(found, key=lambda b: b.path.name):
        import_bundle(other, b.path, trust_unknown_key=lambda key: asked.append(key) or True)
    assert [k.fingerprint for k in asked] == [publisher.public.fingerprint]  # asked once, then remembered
    assert asked[0].comment == publisher.public.comment
    assert counts(other)["counts"] == counts(trusted)["counts"]
    assert [b.state for b in scan_drive(other, drive)] == ["older", "applied"]


def test_export_to_a_full_drive_fails_cleanly(trusted, publisher, tmp_path, small_disk):
    # A bundle bigger than the 2 MiB disk: random bytes do not compress.
    import os

    from tests.conftest import write_source

    big = os.urandom(3 * 1024 * 1024)
    import hashlib

    source = write_source(tmp_path / "src", SAMPLE, catalog="minedu-pe")
    (source / "media").mkdir()
    (source / "media" / f"{hashlib.sha256(big).hexdigest()}.pdf").write_bytes(big)
    from aulalocal.bundle.build import build_bundle

    out = tmp_path / "big.aulabundle"
    build_bundle(source, out, "minedu-pe", 1)
    publisher.sign(out)
    import_bundle(trusted, out)
    with pytest.raises(StorageError) as info:
        export_bundles(trusted, small_disk)
    assert "MB" in info.value.message()
    assert list((small_disk / "AulaLocal").iterdir()) == []


def test_scan_states(trusted, publisher, tmp_path):
    drive = tmp_path / "usb"
    (drive / "aulalocal").mkdir(parents=True)
    (drive / "deeper" / "AulaLocal").mkdir(parents=True)
    good = make_bundle(tmp_path, publisher, sequence=2)
    shutil.move(good, drive / "aulalocal" / good.name)
    shutil.move(str(good) + ".minisig", drive / "aulalocal" / (good.name + ".minisig"))
    unsigned = make_bundle(tmp_path, None, sequence=3)
    shutil.move(unsigned, drive / unsigned.name)
    stranger = make_bundle(tmp_path, new_publisher("x"), sequence=3, catalog="otro-catalogo")
    shutil.move(stranger, drive / stranger.name)
    shutil.move(str(stranger) + ".minisig", drive / (stranger.name + ".minisig"))
    hidden = make_bundle(tmp_path, publisher, sequence=9)
    shutil.move(hidden, drive / "deeper" / "AulaLocal" / hidden.name)
    (drive / "broken.aulabundle").write_bytes(b"not a zip")
    (drive / "broken.aulabundle.minisig").write_bytes(b"not a signature")
    states = {b.path.name: b.state for b in scan_drive(trusted, drive)}
    assert states == {
        good.name: "new",
        unsigned.name: "unsigned",
        stranger.name: "untrusted",
        "broken.aulabundle": "invalid",
    }
    # Scanning changed nothing.
    assert "minedu-pe" not in {c["catalog"] for c in status(trusted.catalog)["catalogs"]}


def test_cli_publisher_workflow(tmp_path, capsys, monkeypatch):
    """keygen, build, sign, trust add, verify, apply, already up to date, export."""
    from tests.conftest import write_source

    monkeypatch.chdir(tmp_path)
    assert main(["bundle", "keygen", "--out", "editor", "--no-passphrase", "--comment", "Editor de prueba"]) == 0
    assert (tmp_path / "editor.key").stat().st_mode & 0o777 == 0o600
    source = write_source(tmp_path / "src", SAMPLE, catalog="minedu-pe")
    assert main(["bundle", "build", str(source), "--catalog", "minedu-pe", "--sequence", "1", "--out", "b.aulabundle"]) == 0
    assert main(["bundle", "sign", "b.aulabundle", "--key", "editor.key"]) == 0
    data = str(tmp_path / "data")
    assert main(["--data-dir", data, "trust", "add", "editor.pub"]) == 0
    capsys.readouterr()
    assert main(["--data-dir", data, "trust", "list"]) == 0
    assert "Editor de prueba" in capsys.readouterr().out
    assert main(["--data-dir", data, "bundle", "verify", "b.aulabundle", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["records"] == 3
    assert main(["--data-dir", data, "bundle", "apply", "b.aulabundle", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["added"] == {"program": 1, "organization": 1, "legal_reference": 1}
    assert main(["--data-dir", data, "bundle", "apply", "b.aulabundle", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["up_to_date"] is True
    assert main(["--data-dir", data, "bundle", "export", str(tmp_path / "usb")]) == 0
    assert len(list((tmp_path / "usb" / "AulaLocal").glob("*.aulabundle*"))) == 2
    capsys.readouterr()
    assert main(["--data-dir", data, "catalog", "status", "--json"]) == 0
    catalogs = {c["catalog"]: c for c in json.loads(capsys.readouterr().out)["catalogs"]}
    from aulalocal.bundle.minisign import parse_public_key

    assert catalogs["minedu-pe"]["key_id"] == parse_public_key((tmp_path / "editor.pub").read_text()).key_id_hex


def test_cli_keys_and_signatures_interoperate_with_minisign(tmp_path):
    """Keys made by `aulalocal bundle keygen` (with a passphrase) sign in minisign, and back."""
    import os
    import subprocess
    import sys

    from tests.conftest import write_source

    env = dict(os.environ, LANGUAGE="en")

    def aulalocal(*args, stdin=""):
        return subprocess.run([sys.executable, "-m", "aulalocal", *args], input=stdin, capture_output=True, text=True, cwd=tmp_path, env=env)

    made = aulalocal("bundle", "keygen", "--out", "ours", "--comment", "Nuestra clave", stdin="clave secreta\n")
    assert made.returncode == 0, made.stderr
    source = write_source(tmp_path / "src", SAMPLE, catalog="minedu-pe")
    assert aulalocal("bundle", "build", str(source), "--catalog", "minedu-pe", "--sequence", "1", "--out", "a.aulabundle").returncode == 0
    # Our encrypted key, used by minisign.
    signed = subprocess.run(["minisign", "-S", "-s", "ours.key", "-m", "a.aulabundle"], input="clave secreta\n", capture_output=True, text=True, cwd=tmp_path)
    assert signed.returncode == 0, signed.stderr
    data = str(tmp_path / "data")
    assert aulalocal("--data-dir", data, "trust", "add", "ours.pub").returncode == 0
    applied = aulalocal("--data-dir", data, "bundle", "apply", "a.aulabundle")
    assert applied.returncode == 0, applied.stderr
    # A minisign key, used by `aulalocal bundle sign`; minisign verifies the result.
    subprocess.run(["minisign", "-G", "-W", "-p", "theirs.pub", "-s", "theirs.key"], check=True, capture_output=True, cwd=tmp_path)
    assert aulalocal("bundle", "build", str(source), "--catalog", "ong-andina", "--sequence", "1", "--out", "b.aulabundle").returncode == 0
    assert aulalocal("bundle", "sign", "b.aulabundle", "--key", "theirs.key").returncode == 0
    verified = subprocess.run(["minisign", "-V", "-p", "theirs.pub", "-m", "b.aulabundle"], capture_output=True, text=True, cwd=tmp_path)
    assert verified.returncode == 0, verified.stderr
    assert aulalocal("--data-dir", data, "trust", "add", "theirs.pub").returncode == 0
    assert aulalocal("--data-dir", data, "bundle", "apply", "b.aulabundle").returncode == 0
    # A wrong passphrase is one clear line, exit 3.
    wrong = aulalocal("bundle", "sign", "a.aulabundle", "--key", "ours.key", stdin="otra\n")
    assert wrong.returncode == 3 and wrong.stderr.startswith("error: ") and "passphrase" in wrong.stderr


def test_export_never_passes_on_a_damaged_kept_copy(trusted, publisher, tmp_path):
    import_bundle(trusted, make_bundle(tmp_path, publisher, sequence=1))
    (kept,) = trusted.bundles_dir.glob("*.aulabundle")
    data = bytearray(kept.read_bytes())
    data[100] ^= 0xFF
    kept.write_bytes(bytes(data))
    drive = tmp_path / "drive"
    drive.mkdir()
    with pytest.raises(StorageError, match="damaged"):
        export_bundles(trusted, drive)
    assert list((drive / "AulaLocal").iterdir()) == []


def test_doctor_repair_rebuilds_a_damaged_catalog_and_keeps_notes(publisher, tmp_path, capsys):
    data = tmp_path / "data"
    folder = open_data_folder(data)
    trust.add_key(folder.keys_dir, publisher.public)
    import_bundle(folder, make_bundle(tmp_path, publisher, sequence=1))
    v2 = dict(SAMPLE)
    v2[("program", "nuevo")] = {"title": title("Nuevo")}
    import_bundle(folder, make_bundle(tmp_path, publisher, v2, sequence=2, base=1))
    userdata.save_note(folder.userdata, "minedu-pe", "program", "nuevo", {"es": "Nuevo"}, "nota")
    expected = status(folder.catalog)
    folder.close()
    (data / "catalog.db").write_bytes(b"SQLite format 3\0" + b"\xff" * 8192)
    assert main(["--data-dir", str(data), "doctor"]) == 1
    assert main(["--data-dir", str(data), "doctor", "--repair"]) == 0
    assert "rebuilt" in capsys.readouterr().out
    assert list(data.glob("catalog.db.damaged-*"))
    folder = open_data_folder(data)
    rebuilt = status(folder.catalog)
    assert [(c["catalog"], c["sequence"], c["counts"]) for c in rebuilt["catalogs"]] == [
        (c["catalog"], c["sequence"], c["counts"]) for c in expected["catalogs"]
    ]
    assert userdata.get_note(folder.userdata, "minedu-pe", "program", "nuevo") == "nota"
    assert main(["--data-dir", str(data), "doctor"]) == 0
