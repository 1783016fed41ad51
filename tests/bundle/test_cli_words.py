"""The bundle commands' output in Spanish and Quechua: every verdict word
translated, every count in its plural form (issue 14)."""

from __future__ import annotations

import re
import shutil

import pytest

from aulalocal.bundle.importer import import_bundle
from aulalocal.cli import main
from tests.bundle.conftest import SAMPLE, make_bundle, new_publisher
from tests.conftest import title, write_source


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# English words a Spanish or Quechua line must not hold: scan's states and
# the words of its messages.
ENGLISH = re.compile(
    r"\b(new|applied|older|needs|sequence|unsigned|untrusted|invalid|signature|signed|trusted|trust|key|"
    r"fingerprint|unknown|publisher|bundle|update|updates|the|and|of|to|with|this|that|not|is|are|"
    r"file|files|laptop|first|already)\b",
    re.IGNORECASE,
)


def plain(line: str, keep_out: list[str]) -> str:
    """A line without the names and codes it holds (file names, key ids, fingerprints, catalog ids)."""
    for value in keep_out:
        line = line.replace(value, " ")
    return re.sub(r"\S+\.aulabundle(\.minisig)?|'aulalocal [a-z -]+'", " ", line)


@pytest.fixture
def drive(trusted, publisher, tmp_path):
    """A drive with a bundle in each of scan's states, for a laptop at sequence 2 of minedu-pe."""
    applied = make_bundle(tmp_path, publisher, sequence=2, name="b2.aulabundle")
    import_bundle(trusted, applied)
    root = tmp_path / "usb"
    folder = root / "AulaLocal"
    folder.mkdir(parents=True)
    for path in (applied, applied.with_name(applied.name + ".minisig")):
        shutil.copy(path, folder / path.name)
    bundles = {
        "older": make_bundle(tmp_path, publisher, sequence=1, name="b1.aulabundle"),
        "new": make_bundle(tmp_path, publisher, sequence=3, name="b3.aulabundle"),
        "needs-sequence": make_bundle(tmp_path, publisher, sequence=5, base=4, name="b5.aulabundle"),
        "unsigned": make_bundle(tmp_path, None, sequence=6, name="b6.aulabundle"),
    }
    stranger = new_publisher("Red Rural")
    bundles["untrusted"] = make_bundle(tmp_path, stranger, catalog="red-rural", name="r1.aulabundle")
    (folder / "red-rural.pub").write_text(stranger.public.to_text(), encoding="utf-8")
    for bundle in bundles.values():
        for path in (bundle, bundle.with_name(bundle.name + ".minisig")):
            if path.exists():
                shutil.move(path, folder / path.name)
    (folder / "b9.aulabundle").write_bytes(b"not a zip")
    (folder / "b9.aulabundle.minisig").write_bytes(b"not a signature")
    names = {"applied": "b2", "older": "b1", "new": "b3", "needs-sequence": "b5", "unsigned": "b6", "untrusted": "r1", "invalid": "b9"}
    keys = [publisher.public.key_id_hex, stranger.public.key_id_hex, publisher.public.fingerprint, stranger.public.fingerprint]
    return root, names, keys


STATE_WORDS = {
    "es": {"applied": "aplicada", "older": "más antigua", "new": "nueva", "needs-sequence": "falta una actualización anterior",
           "unsigned": "sin firma", "untrusted": "editor desconocido", "invalid": "no válida"},
    "qu": {"applied": "churasqa", "older": "aswan mawk'a", "new": "musuq", "needs-sequence": "ñawpaq musuqchaytam muchun",
           "unsigned": "mana firmasqa", "untrusted": "mana riqsisqa riqsichiq", "invalid": "mana allin"},
}


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_bundle_scan_has_no_english_words(capsys, trusted, drive, real_translations, lang):
    root, names, keys = drive
    code, out, err = run(capsys, "--data-dir", str(trusted.path), "--lang", lang, "bundle", "scan", str(root))
    assert code == 0 and err == ""
    lines = {line.split(".aulabundle")[0]: line for line in out.splitlines()}
    assert set(lines) == set(names.values())
    for state, name in names.items():
        line = lines[name]
        assert f": {STATE_WORDS[lang][state]} — " in line, line
        assert not ENGLISH.search(plain(line, keys)), line


def test_bundle_scan_json_keeps_the_state_names(capsys, trusted, drive, real_translations):
    import json

    root, names, _keys = drive
    code, out, _err = run(capsys, "--data-dir", str(trusted.path), "--lang", "qu", "bundle", "scan", str(root), "--json")
    states = {item["path"].rsplit("/", 1)[1].split(".")[0]: item["state"] for item in json.loads(out)}
    assert states == {name: state for state, name in names.items()}


# --------------------------------------------------------------------------
# Counts in their plural forms


def with_media(source, count):
    """``count`` media files in a source folder, named by their SHA-256."""
    import hashlib

    (source / "media").mkdir()
    for n in range(count):
        data = f"hoja {n}".encode()
        (source / "media" / f"{hashlib.sha256(data).hexdigest()}.txt").write_bytes(data)
    return source


@pytest.mark.parametrize(
    "lang, one, two",
    [
        ("es", "1 archivo. Ahora fírmelo.", "2 archivos. Ahora fírmelo."),
        ("qu", "1 willañiqi. Kunanqa firmay.", "2 willañiqi. Kunanqa firmay."),
        ("en", "1 file. Sign it next.", "2 files. Sign it next."),
    ],
)
def test_build_counts_files_in_the_plural_form(capsys, tmp_path, real_translations, lang, one, two):
    # One records file, and a media file more.
    single = write_source(tmp_path / "one", SAMPLE, catalog="minedu-pe")
    double = with_media(write_source(tmp_path / "two", SAMPLE, catalog="minedu-pe"), 1)
    for source, expected in ((single, one), (double, two)):
        out_file = tmp_path / f"{source.name}.aulabundle"
        code, out, _err = run(
            capsys, "--lang", lang, "bundle", "build", str(source), "--catalog", "minedu-pe", "--sequence", "1", "--out", str(out_file)
        )
        assert code == 0 and out.rstrip().endswith(expected), out


def test_verify_apply_and_export_count_in_the_plural_form(capsys, trusted, publisher, tmp_path, real_translations):
    data = ["--data-dir", str(trusted.path), "--lang", "es"]
    one = make_bundle(tmp_path, publisher, {("program", "solo"): {"title": title("Solo")}}, sequence=1)
    code, out, _err = run(capsys, *data, "bundle", "verify", str(one))
    assert code == 0 and ", 1 ficha, firmado" in out
    code, out, _err = run(capsys, *data, "bundle", "apply", str(one))
    assert code == 0 and out.rstrip().endswith(": 1 nueva, 0 cambiadas, 0 eliminadas."), out
    three = make_bundle(tmp_path, publisher, sequence=2)
    code, out, _err = run(capsys, *data, "bundle", "verify", str(three))
    assert code == 0 and ", 3 fichas, firmado" in out
    code, out, _err = run(capsys, *data, "bundle", "apply", str(three))
    assert code == 0 and out.rstrip().endswith(": 3 nuevas, 0 cambiadas, 1 eliminada."), out
    code, out, _err = run(capsys, *data, "bundle", "export", str(tmp_path / "usb"))
    copied = re.search(r"Se (copió|copiaron) (\d+) (archivo|archivos) a ", out)
    assert code == 0 and copied, out
    verb, count, noun = copied.groups()
    assert (verb, noun) == (("copió", "archivo") if count == "1" else ("copiaron", "archivos"))

