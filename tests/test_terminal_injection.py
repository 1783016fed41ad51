"""Issue 12, point 5: text from a bundle, a drive or the database cannot drive the terminal.

A signed bundle built here carries control characters, bidi overrides and
forged ``error:`` lines in its titles, bodies, key names and file names; the
real command line (a subprocess, as a teacher runs it) must print them made
visible, keep record text indented under the program's own headings, and keep
every error to exactly one line starting with ``error: ``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from aulalocal.bundle import minisign, trust
from aulalocal.bundle.importer import import_bundle
from aulalocal.startup import open_data_folder
from tests.bundle.conftest import new_publisher
from tests.bundle.zipfactory import make_zip, records_jsonl, write_signed_bundle

PUBLISHER = new_publisher("Ministerio de prueba")
ESCAPES = "\x1b[2J\x1b]0;owned\x07\x1b[31m\r\b\x7f\x9b31m\x85\x00"
BIDI = "\u202eexe.txt\u202c\u2066\u2069\u200f\u2028"
FORGED = "\nerror: forged\n"
TITLE = "Título" + ESCAPES + BIDI + FORGED + "fin"
BODY = (
    "Primer párrafo, legítimo.\n\n"
    "error: forged line\n"
    "== Relacionadas\n"
    "  program/falso  Falso\r\n"
    + " " * 300 + "error: wrapped to the margin" + ESCAPES + BIDI + "\n"
    + "x" * 500
)
# Raw control characters a terminal or a bidi renderer acts on; LF ends lines.
UNSAFE = {chr(c) for c in [*range(0x20), *range(0x7F, 0xA0), 0x061C, 0x200E, 0x200F,
                           0x2028, 0x2029, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]} - {"\n"}
COLUMNS = 60


def hostile_records(sequence_title: str = "") -> bytes:
    return records_jsonl([
        {"op": "upsert", "kind": "program", "id": "hostil", "data": {
            "title": {"es": TITLE + sequence_title},
            "summary": {"es": "Resumen\tcon tabulador" + ESCAPES},
            "body": {"es": BODY},
            "activities": [{"es": "Actividad\nerror: forged activity"}],
            "organization_ids": ["org-hostil"],
        }},
        {"op": "upsert", "kind": "organization", "id": "org-hostil", "data": {
            "title": {"es": "Organización" + ESCAPES + FORGED + BIDI},
            "kind": "ngo",
        }},
    ])


def signed(folder: Path, records: bytes, name: str = "hostil.aulabundle", sequence: int = 1) -> Path:
    data = make_zip({"records/0001.jsonl": records}, {"sequence": sequence})
    return write_signed_bundle(folder, data, PUBLISHER.secret, name, trusted_comment="file:hostil")


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A data folder that trusts PUBLISHER and holds the hostile records."""
    base = tmp_path_factory.mktemp("terminal")
    folder = open_data_folder(base / "data")
    trust.add_key(folder.keys_dir, PUBLISHER.public)
    import_bundle(folder, signed(base / "drive", hostile_records()))
    folder.close()
    return base / "data"


@pytest.fixture
def data(template, tmp_path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(template, target)
    return target


def cli(*args) -> tuple[int, str, str]:
    """The real command line; its output must be valid UTF-8."""
    env = dict(os.environ, LANGUAGE="es", COLUMNS=str(COLUMNS))
    proc = subprocess.run([sys.executable, "-m", "aulalocal", *map(str, args)], capture_output=True, env=env, timeout=120)
    return proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")


def assert_safe(text: str) -> None:
    raw = sorted({f"U+{ord(ch):04X}" for ch in text if ch in UNSAFE or unicodedata.category(ch) == "Cs"})
    assert raw == [], f"raw control characters printed: {raw}\n{text}"
    assert not any(line.startswith("error:") for line in text.splitlines()), text


def assert_one_error_line(err: str) -> None:
    assert err.startswith("error: ") and err.endswith("\n") and err.count("\n") == 1, repr(err)
    assert_safe(err[len("error:"):])
    assert "Traceback" not in err


def test_show_makes_controls_visible_and_keeps_record_text_under_the_headings(data):
    code, out, err = cli("--data-dir", data, "show", "program", "hostil")
    assert code == 0 and err == ""
    assert_safe(out)
    assert "\\x1b[2J" in out and "\\u202e" in out and "\\x9b" in out and "\\x0d" in out
    headings = [row for row in out.splitlines() if row and not row.startswith("  ")]
    # Only the program writes at the margin, and only headings.
    assert all(row.startswith("== ") for row in headings), headings
    assert len(headings) == len({*headings}) and "== Relacionadas" in headings
    assert "  error: forged line" in out.splitlines()
    assert "  == Relacionadas" in out.splitlines()
    for row in out.splitlines():  # the terminal never wraps a row to the margin itself
        assert sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in row) < COLUMNS
    # The title is one line (cut into rows) under the kind's name; a related title too.
    rows = out.splitlines()
    title_rows = rows[1:rows.index("")]
    assert rows[0].startswith("== ") and rows[1].startswith("  Título\\x1b[2J")
    assert "".join(row[2:] for row in title_rows).endswith("\\x0aerror: forged\\x0afin")
    related = rows[rows.index("== Relacionadas") + 1:]
    assert related[0] == "  organization/org-hostil"
    assert "".join(row[2:] for row in related).startswith("organization/org-hostilOrganización\\x1b[2J")


def test_show_json_is_valid_and_gives_the_text_back_exactly(data):
    code, out, _ = cli("--data-dir", data, "show", "program", "hostil", "--json")
    assert code == 0
    assert_safe(out)
    record = json.loads(out)
    assert record["data"]["title"]["es"] == TITLE
    assert record["data"]["body"]["es"] == BODY


@pytest.mark.parametrize("as_json", [False, True])
def test_search_makes_controls_visible(data, as_json):
    code, out, err = cli("--data-dir", data, "search", "párrafo", *(["--json"] if as_json else []))
    assert code == 0 and err == ""
    assert_safe(out)
    if as_json:
        assert json.loads(out)[0]["title"] == TITLE
    else:
        first = out.splitlines()[0]
        assert first.startswith("program/hostil  Título\\x1b[2J") and first.endswith("\\x0afin")
        assert all(row.startswith("    ") or re.match(r"[a-z_]+/[a-z0-9-]+  ", row) for row in out.splitlines())


def test_catalog_status_escapes_what_a_tampered_database_holds(data):
    with sqlite3.connect(data / "catalog.db") as db:
        db.execute("UPDATE catalogs SET publisher = ?", ("Editor" + ESCAPES + FORGED,))
        db.execute("UPDATE records SET kind = ? WHERE id = 'hostil'", ("program" + FORGED + ESCAPES,))
    db.close()
    code, out, err = cli("--data-dir", data, "catalog", "status")
    assert code == 0 and err == ""
    assert_safe(out)
    assert "Editor\\x1b[2J" in out
    code, out, _ = cli("--data-dir", data, "catalog", "status", "--json")
    assert_safe(out)
    assert any(c["publisher"].startswith("Editor\x1b") for c in json.loads(out)["catalogs"])


def hostile_line(obj: dict | None = None, raw: bytes | None = None) -> bytes:
    return raw if raw is not None else records_jsonl([obj])


FORGING_KEY = "\nerror: forged\x1b[2J\r\u202e"


@pytest.mark.parametrize("records", [
    # an unknown key in a record
    hostile_line({"op": "upsert", "kind": "program", "id": "p", "data": {"title": {"es": "x"}}, FORGING_KEY: 1}),
    # an unknown record kind
    hostile_line({"op": "upsert", "kind": "program" + FORGING_KEY, "id": "p", "data": {"title": {"es": "x"}}}),
    # a key twice in one object (strict JSON)
    hostile_line(raw=b'{"op":"upsert","\\nerror: forged\\u001b[2J":1,"\\nerror: forged\\u001b[2J":2}\n'),
], ids=["unknown-key", "unknown-kind", "duplicate-key"])
@pytest.mark.parametrize("command", ["verify", "apply"])
def test_a_bundle_error_is_one_line_whatever_the_bundle_names(data, tmp_path, records, command):
    bundle = signed(tmp_path / "drive", records, sequence=2)
    code, out, err = cli("--data-dir", data, "bundle", command, bundle)
    assert code == 4 and out == ""
    assert_one_error_line(err)
    assert "forged" in err


def test_a_manifest_key_cannot_forge_a_line(data, tmp_path):
    payload = make_zip({"records/0001.jsonl": hostile_records()}, {"sequence": 2, FORGING_KEY: "x"})
    bundle = write_signed_bundle(tmp_path / "drive", payload, PUBLISHER.secret, "m.aulabundle")
    code, out, err = cli("--data-dir", data, "bundle", "verify", bundle)
    assert code == 4
    assert_one_error_line(err)


def test_file_names_on_a_drive_are_shown_escaped_by_scan(data, tmp_path):
    drive = tmp_path / "drive"
    drive.mkdir()
    names = ["evil\nerror: forged\x1b[2J\u202e.aulabundle", os.fsdecode(b"raro-\xff.aulabundle")]
    for name in names:
        (drive / name).write_bytes(b"not a bundle")
    signed(drive / "AulaLocal", hostile_records(), "firmado\x1b[31m\n.aulabundle", sequence=2)
    code, out, err = cli("--data-dir", data, "bundle", "scan", drive)
    assert code == 0 and err == ""
    assert_safe(out)
    assert len(out.splitlines()) == 3
    assert "evil\\x0aerror: forged\\x1b[2J\\u202e.aulabundle" in out and "raro-\\udcff" in out
    code, out, err = cli("--data-dir", data, "bundle", "scan", drive, "--json")
    assert code == 0 and err == ""
    assert_safe(out)
    paths = {Path(b["path"]).name for b in json.loads(out)}
    assert set(names) | {"firmado\x1b[31m\n.aulabundle"} == paths


def test_paths_and_arguments_in_errors_stay_one_line(data, tmp_path):
    missing = tmp_path / ("no\nerror: forged\x1b[2J.aulabundle")
    for args in (
        ("bundle", "verify", missing),
        ("show", "program", "x\nerror: forged\x1b[2J"),
        ("show", "program\x1b[2J\nerror: forged", "x"),  # argparse echoes the bad choice
        ("trust", "add", "RW\x1b[2J\nerror: forged"),
        ("trust", "remove", "\x1b[2J\nerror: forged"),
    ):
        code, out, err = cli("--data-dir", data, *args)
        assert code != 0 and out == "", args
        assert_one_error_line(err)


def test_a_key_comment_with_controls_is_refused_in_one_safe_line(data, tmp_path):
    # A key's comment is shown to teachers as the publisher's name: one with
    # control characters is a bad key file (issue 12, point 8), said in one
    # safe line, and nothing of it is kept or listed.
    public, _secret = minisign.generate_keypair("Editor")
    pub = tmp_path / "editor.pub"
    pub.write_text(public.to_text().replace("Editor", "Editor\x1b]0;owned\x07\u202e\x9b2J"), encoding="utf-8")
    code, out, err = cli("--data-dir", data, "trust", "add", pub)
    assert code == 3 and out == ""
    assert_one_error_line(err)
    code, out, err = cli("--data-dir", data, "trust", "list")
    assert code == 0 and err == ""
    assert_safe(out)
    assert "Editor" not in out


def test_doctor_lines_stay_lines(tmp_path):
    folder = tmp_path / "datos\nerror: forged\x1b[2J"
    open_data_folder(folder).close()
    code, out, err = cli("--data-dir", folder, "doctor")
    assert err == ""
    assert_safe(out)
    assert "datos\\x0aerror: forged\\x1b[2J" in out


def test_on_a_terminal_the_error_starts_at_the_margin_after_the_progress(data, tmp_path):
    """Progress is drawn on stderr at a terminal; the error line must not be glued to it."""
    import pty

    bundle = signed(tmp_path / "drive", hostile_line({"op": "upsert", "kind": "program" + FORGING_KEY, "id": "p", "data": {}}), sequence=2)
    master, slave = pty.openpty()
    proc = subprocess.run(
        [sys.executable, "-m", "aulalocal", "--data-dir", str(data), "bundle", "apply", str(bundle)],
        stdout=subprocess.PIPE, stderr=slave, env=dict(os.environ, LANGUAGE="es"), timeout=120,
    )
    os.close(slave)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the terminal's other side is closed
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    assert proc.returncode == 4
    text = shown.decode("utf-8")
    assert "%" in text  # the progress was drawn
    progress, cleared, error = text.rpartition("\r\x1b[K")
    assert cleared
    assert_one_error_line(error.replace("\r\n", "\n"))  # the terminal writes CR LF
