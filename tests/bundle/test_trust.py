"""Which keys a laptop trusts: whole keys, never ids alone; fingerprints; safe key folders; pins.

A key id is 8 bytes its maker chooses freely, so it only names a key: every
check here compares the key's 32 bytes, and a person compares its
fingerprint. Impostor keys are made in the test with a trusted key's id.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil

import pytest

from aulalocal.bundle import trust
from aulalocal.bundle.importer import import_bundle
from aulalocal.bundle.scan import scan_drive
from aulalocal.catalog.queries import status
from aulalocal.cli import main
from aulalocal.startup import open_data_folder
from aulalocal.errors import SignatureError
from tests.bundle.conftest import impostor_of, make_bundle, new_publisher


def fingerprint(public) -> str:
    """What a person reads aloud: SHA-256 of the 32-byte key, first 32 hex digits in groups of four."""
    digits = hashlib.sha256(public.key).hexdigest().upper()[:32]
    return " ".join(digits[i:i + 4] for i in range(0, 32, 4))


def write_pub(path, key):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(key.to_text(), encoding="utf-8")
    return path


def run(capsys, *args):
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def catalogs(folder):
    return {c["catalog"]: c["sequence"] for c in status(folder.catalog)["catalogs"]}


def pinned_key(folder, catalog="minedu-pe"):
    return folder.catalog.execute("SELECT public_key FROM catalogs WHERE catalog = ?", (catalog,)).fetchone()[0]


def on_drive(tmp_path, bundle, *keys):
    """A drive holding ``bundle``, its signature and the given public keys beside it."""
    drive = tmp_path / f"drive-{bundle.stem}"
    folder = drive / "AulaLocal"
    folder.mkdir(parents=True)
    for path in (bundle, bundle.with_name(bundle.name + ".minisig")):
        shutil.move(path, folder / path.name)
    for n, key in enumerate(keys):
        write_pub(folder / f"publisher-{n}.pub", key)
    return drive, folder / bundle.name


# --------------------------------------------------------------------------
# A key id never stands for the key


def test_trust_add_refuses_another_key_with_a_trusted_id(tmp_path, capsys, publisher):
    data = str(tmp_path / "data")
    impostor = impostor_of(publisher)
    real = write_pub(tmp_path / "real.pub", publisher.public)
    fake = write_pub(tmp_path / "fake.pub", impostor.public)
    assert run(capsys, "--data-dir", data, "trust", "add", str(real))[0] == 0

    code, out, err = run(capsys, "--data-dir", data, "trust", "add", str(fake))
    assert code == 3 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1
    assert publisher.public.key_id_hex in err and "trust remove" in err
    assert fingerprint(publisher.public) in err and fingerprint(impostor.public) in err
    folder = open_data_folder(data)
    assert trust.find_key(folder.keys_dir, publisher.public.key_id_hex).key == publisher.public.key
    folder.close()

    # Trusting the other key is possible, on purpose: remove the old one first.
    assert run(capsys, "--data-dir", data, "trust", "remove", publisher.public.key_id_hex)[0] == 0
    assert run(capsys, "--data-dir", data, "trust", "add", str(fake))[0] == 0
    folder = open_data_folder(data)
    assert trust.find_key(folder.keys_dir, publisher.public.key_id_hex).key == impostor.public.key
    folder.close()


def test_adding_the_same_key_again_is_fine(tmp_path, capsys, publisher):
    data = str(tmp_path / "data")
    pub = write_pub(tmp_path / "real.pub", publisher.public)
    assert run(capsys, "--data-dir", data, "trust", "add", str(pub))[0] == 0
    assert run(capsys, "--data-dir", data, "trust", "add", publisher.public.to_base64())[0] == 0
    folder = open_data_folder(data)
    assert [k.key for k in trust.trusted_keys(folder.keys_dir)] == [publisher.public]
    folder.close()


def test_a_catalog_is_pinned_to_the_whole_key(trusted, publisher, tmp_path):
    import_bundle(trusted, make_bundle(tmp_path, publisher, sequence=1))
    assert pinned_key(trusted) == publisher.public.key.hex()
    # Someone was talked into replacing the key: the catalog still knows its own.
    impostor = impostor_of(publisher)
    trust.remove_key(trusted.keys_dir, publisher.public.key_id_hex)
    trust.add_key(trusted.keys_dir, impostor.public)
    before = trusted.catalog.execute("SELECT * FROM catalogs").fetchall()
    with pytest.raises(SignatureError) as err:
        import_bundle(trusted, make_bundle(tmp_path, impostor, sequence=2))
    assert err.value.exit_code == 3
    assert fingerprint(publisher.public) in err.value.message()
    assert fingerprint(impostor.public) in err.value.message()
    assert trusted.catalog.execute("SELECT * FROM catalogs").fetchall() == before
    # A drive scan says the same, before anything is applied.
    drive, _bundle = on_drive(tmp_path, make_bundle(tmp_path, impostor, sequence=3))
    (found,) = scan_drive(trusted, drive)
    assert found.state == "invalid" and not found.can_apply


def test_two_key_files_with_one_id_trust_neither(trusted, publisher, tmp_path, capsys):
    impostor = impostor_of(publisher)
    planted = write_pub(trusted.keys_dir / "0-planted.pub", impostor.public)
    key_id = publisher.public.key_id_hex
    assert trust.find_key(trusted.keys_dir, key_id) is None
    assert key_id not in {k.key_id for k in trust.trusted_keys(trusted.keys_dir)}
    (problem,) = [p.message() for p in trust.key_findings(trusted.keys_dir)]
    assert planted.name in problem and key_id in problem
    for signer in (impostor, publisher):
        with pytest.raises(SignatureError):
            import_bundle(trusted, make_bundle(tmp_path, signer))
    assert "minedu-pe" not in catalogs(trusted)

    code, out, err = run(capsys, "--data-dir", str(trusted.path), "trust", "list")
    assert code == 0 and key_id not in out
    assert err.startswith("warning: ") and planted.name in err

    # Resolved on purpose: remove every file with that id, add the right key.
    trust.remove_key(trusted.keys_dir, key_id)
    trust.add_key(trusted.keys_dir, publisher.public)
    assert trust.find_key(trusted.keys_dir, key_id).key == publisher.public.key
    assert trust.key_findings(trusted.keys_dir) == []


def test_an_impostor_bundle_is_refused_even_with_its_key_on_the_drive(tmp_path, capsys, publisher):
    data = tmp_path / "data"
    folder = open_data_folder(data)
    trust.add_key(folder.keys_dir, publisher.public)
    import_bundle(folder, make_bundle(tmp_path, publisher, sequence=1))
    impostor = impostor_of(publisher, "Ministerio de prueba")
    before = catalogs(folder)
    for catalog, sequence in (("minedu-pe", 2), ("catalogo-nuevo", 1)):
        drive, bundle = on_drive(tmp_path, make_bundle(tmp_path, impostor, catalog=catalog, sequence=sequence), impostor.public)
        # The command line: exit 3.
        code, _out, err = run(capsys, "--data-dir", str(data), "bundle", "apply", str(bundle))
        assert code == 3 and err.startswith("error: ")
        # The window, where a key beside the bundle may be offered: never asked, refused.
        asked = []
        with pytest.raises(SignatureError) as exc:
            import_bundle(folder, bundle, trust_unknown_key=lambda key: asked.append(key) or True)
        assert asked == []
        assert fingerprint(impostor.public) in exc.value.message() and "different key" in exc.value.message()
        (found,) = scan_drive(folder, drive)
        assert found.state == "invalid"
    assert catalogs(folder) == before
    assert trust.find_key(folder.keys_dir, publisher.public.key_id_hex).key == publisher.public.key
    folder.close()


# --------------------------------------------------------------------------
# Pins written before whole keys were pinned


def old_laptop(tmp_path, publisher, *, key_kept: bool):
    """A data folder whose catalog was applied before whole keys were pinned
    (what the migration leaves: key ids only), with or without the key trusted."""
    data = tmp_path / "data"
    folder = open_data_folder(data)
    trust.add_key(folder.keys_dir, publisher.public)
    import_bundle(folder, make_bundle(tmp_path, publisher, sequence=1))
    folder.catalog.execute("UPDATE catalogs SET public_key = NULL")
    if not key_kept:
        trust.remove_key(folder.keys_dir, publisher.public.key_id_hex)
    folder.close()
    return data


def test_an_old_pin_is_upgraded_from_the_one_trusted_key_with_its_id(tmp_path, publisher):
    folder = open_data_folder(old_laptop(tmp_path, publisher, key_kept=True))
    assert pinned_key(folder) == publisher.public.key.hex()
    impostor = impostor_of(publisher)
    trust.remove_key(folder.keys_dir, publisher.public.key_id_hex)
    trust.add_key(folder.keys_dir, impostor.public)
    with pytest.raises(SignatureError):
        import_bundle(folder, make_bundle(tmp_path, impostor, sequence=2))
    folder.close()


def test_an_old_pin_without_one_trusted_key_waits_and_is_reported(tmp_path, publisher):
    data = old_laptop(tmp_path, publisher, key_kept=False)
    folder = open_data_folder(data)
    assert pinned_key(folder) is None
    (finding,) = [f.message() for f in trust.pin_findings(folder.catalog)]
    assert "minedu-pe" in finding and publisher.public.key_id_hex in finding
    # Its bundles cannot be checked meanwhile (no trusted key has the id).
    with pytest.raises(SignatureError):
        import_bundle(folder, make_bundle(tmp_path, publisher, sequence=2))
    trust.add_key(folder.keys_dir, publisher.public)
    folder.close()
    folder = open_data_folder(data)
    assert pinned_key(folder) == publisher.public.key.hex()
    assert trust.pin_findings(folder.catalog) == []
    folder.close()


# --------------------------------------------------------------------------
# Fingerprints a person can read aloud


def test_fingerprint_is_the_sha256_of_the_key_in_groups_of_four(publisher):
    assert publisher.public.fingerprint == fingerprint(publisher.public)
    assert [len(group) for group in publisher.public.fingerprint.split(" ")] == [4] * 8
    assert impostor_of(publisher).public.fingerprint != publisher.public.fingerprint


def test_trust_list_and_keygen_show_the_fingerprint(tmp_path, capsys, monkeypatch, publisher):
    data = str(tmp_path / "data")
    assert run(capsys, "--data-dir", data, "trust", "add", publisher.public.to_base64())[0] == 0
    code, out, err = run(capsys, "--data-dir", data, "trust", "list")
    assert code == 0 and err == ""
    assert publisher.public.key_id_hex in out and fingerprint(publisher.public) in out
    monkeypatch.chdir(tmp_path)
    code, out, _err = run(capsys, "bundle", "keygen", "--out", "nueva", "--no-passphrase")
    made = trust.read_key_file(tmp_path / "nueva.pub")
    assert code == 0 and fingerprint(made) in out


def test_bundle_scan_shows_the_fingerprint(trusted, publisher, tmp_path, capsys):
    stranger = new_publisher("Red Rural")
    drive = tmp_path / "drive"
    for name, signer in (("trusted", publisher), ("stranger", stranger)):
        _drive, bundle = on_drive(tmp_path / name, make_bundle(tmp_path, signer, catalog=f"{name}-catalogo"), signer.public)
        shutil.copytree(bundle.parent, drive / "AulaLocal", dirs_exist_ok=True)
    code, out, _err = run(capsys, "--data-dir", str(trusted.path), "bundle", "scan", str(drive), "--json")
    assert code == 0
    found = {b["catalog"] or b["key_id"]: b for b in json.loads(out)}
    assert found["trusted-catalogo"]["fingerprint"] == fingerprint(publisher.public)
    assert found[stranger.public.key_id_hex]["state"] == "untrusted"
    assert found[stranger.public.key_id_hex]["fingerprint"] == fingerprint(stranger.public)
    code, out, _err = run(capsys, "--data-dir", str(trusted.path), "bundle", "scan", str(drive))
    assert fingerprint(publisher.public) in out and fingerprint(stranger.public) in out


# --------------------------------------------------------------------------
# Key folders other users can change are not trusted


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
@pytest.mark.parametrize("what", ["folder", "file"])
def test_a_world_writable_key_folder_or_file_is_not_trusted(trusted, publisher, tmp_path, what):
    (path,) = trusted.keys_dir.glob("*.pub")
    target = trusted.keys_dir if what == "folder" else path
    mode = target.stat().st_mode
    target.chmod(mode | 0o002)
    try:
        assert trust.find_key(trusted.keys_dir, publisher.public.key_id_hex) is None
        (finding,) = [f.message() for f in trust.key_findings(trusted.keys_dir)]
        assert str(target) in finding and "every user" in finding
        with pytest.raises(SignatureError):
            import_bundle(trusted, make_bundle(tmp_path, publisher))
        if what == "folder":  # and no key is saved where it would not be trusted
            with pytest.raises(SignatureError, match="every user"):
                trust.add_key(trusted.keys_dir, new_publisher().public)
    finally:
        target.chmod(mode)
    assert trust.find_key(trusted.keys_dir, publisher.public.key_id_hex).key == publisher.public.key


@pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0, reason="changing a file's owner needs root")
def test_a_key_file_of_another_user_is_not_trusted(trusted, publisher):
    (path,) = trusted.keys_dir.glob("*.pub")
    os.chown(path, 4242, 4242)
    assert trust.find_key(trusted.keys_dir, publisher.public.key_id_hex) is None
    (finding,) = [f.message() for f in trust.key_findings(trusted.keys_dir)]
    assert str(path) in finding and "another user" in finding
    os.chown(path, 0, 0)
    assert trust.find_key(trusted.keys_dir, publisher.public.key_id_hex) is not None


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_doctor_reports_an_unsafe_key_folder_in_the_teachers_language(tmp_path, capsys, publisher, real_translations):
    data = tmp_path / "data"
    folder = open_data_folder(data)
    trust.add_key(folder.keys_dir, publisher.public)
    write_pub(folder.keys_dir / "roto.pub", publisher.public).write_bytes(b"untrusted comment: a\0b\nAAAA\n")
    folder.close()
    (data / "keys").chmod(0o777)
    code, out, _err = run(capsys, "--data-dir", str(data), "--lang", "es", "doctor")
    assert code == 1
    assert str(data / "keys") in out and "cualquier usuario" in out
    (data / "keys").chmod(0o755)
    code, out, _err = run(capsys, "--data-dir", str(data), "--lang", "es", "doctor")
    assert code == 1 and "roto.pub" in out and "no se puede usar" in out


# --------------------------------------------------------------------------
# A bad key file is a bad key file, wherever it is


def bad_key_files(public) -> dict[str, bytes]:
    good = public.to_text().encode("utf-8")
    line = public.to_base64().encode("ascii")
    return {
        "nul-in-comment": b"untrusted comment: Ministerio\0de prueba\n" + line + b"\n",
        "escape-in-comment": b"untrusted comment: \x1b[31mMinisterio\n" + line + b"\n",
        "comment-too-long": b"untrusted comment: " + b"x" * 2000 + b"\n" + line + b"\n",
        "not-utf8": b"untrusted comment: Ministerio de Educaci\xf3n\n" + line + b"\n",
        "bad-base64": good.replace(line, line[:-4] + b"!!!!"),
        "wrong-length": b"untrusted comment: x\n" + line[:-4] + b"\n",
        "wrong-algorithm": good.replace(line, __import__("base64").b64encode(b"Xx" + public.key_id + public.key)),
        "huge": good + b"#" * (1 << 20),
        "lone-cr": good.replace(b"\n", b"\r"),
        "empty": b"",
    }


@pytest.mark.parametrize("case", sorted(bad_key_files(new_publisher().public)))
def test_trust_add_of_a_bad_key_file_is_a_clear_error(tmp_path, capsys, publisher, case):
    path = tmp_path / f"{case}.pub"
    path.write_bytes(bad_key_files(publisher.public)[case])
    code, out, err = run(capsys, "--data-dir", str(tmp_path / "data"), "trust", "add", str(path))
    assert code == 3 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1 and str(path) in err
    assert "unexpected" not in err
    assert not list((tmp_path / "data" / "keys").glob("*")) if (tmp_path / "data" / "keys").exists() else True


def test_a_bad_key_file_in_the_key_folder_trusts_nothing_and_is_reported(trusted, publisher, tmp_path):
    stranger = new_publisher("Red Rural")
    (trusted.keys_dir / "roto.pub").write_bytes(bad_key_files(stranger.public)["nul-in-comment"])
    assert trust.find_key(trusted.keys_dir, stranger.public.key_id_hex) is None
    assert trust.find_key(trusted.keys_dir, publisher.public.key_id_hex) is not None
    (finding,) = [f.message() for f in trust.key_findings(trusted.keys_dir)]
    assert "roto.pub" in finding and "cannot be used" in finding


def test_a_bad_key_file_on_the_drive_is_a_clear_error(empty_folder, tmp_path):
    stranger = new_publisher("Red Rural")
    drive, bundle = on_drive(tmp_path, make_bundle(tmp_path, stranger, catalog="red-rural"))
    (bundle.parent / "red-rural.pub").write_bytes(bad_key_files(stranger.public)["nul-in-comment"])
    asked = []
    with pytest.raises(SignatureError) as err:
        import_bundle(empty_folder, bundle, trust_unknown_key=lambda key: asked.append(key) or True)
    assert asked == [] and "red-rural.pub" in err.value.message() and "cannot be used" in err.value.message()
    assert trust.trusted_keys(empty_folder.keys_dir) == []
    assert "red-rural" not in catalogs(empty_folder)
    (found,) = scan_drive(empty_folder, drive)
    assert found.state == "untrusted" and found.fingerprint is None


def test_keygen_with_a_comment_minisign_cannot_read_is_a_usage_error(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for comment in ("dos\nlíneas", "nul\0", "x" * 2000):
        code, _out, err = run(capsys, "bundle", "keygen", "--out", "k", "--no-passphrase", "--comment", comment)
        assert code == 2 and err.startswith("error: ") and err.count("\n") == 1
    assert not (tmp_path / "k.key").exists() and not (tmp_path / "k.pub").exists()
