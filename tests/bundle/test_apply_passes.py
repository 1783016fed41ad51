"""A records file that changes on disk between the validation pass and the write pass."""

from __future__ import annotations

import random
import zipfile

import pytest

from aulalocal.bundle import apply
from aulalocal.bundle.importer import import_bundle
from aulalocal.catalog.queries import get_record
from aulalocal.errors import BundleError
from tests.bundle.conftest import make_bundle
from tests.conftest import title


def wordy_records(n: int) -> dict:
    """Records whose text hardly compresses: the records entry spans many reads."""
    rng = random.Random(n)
    words = ["".join(rng.choice("aeiouchklmnpqrstwy") for _ in range(7)) for _ in range(2000)]
    return {
        ("program", f"p-{i:04d}"): {
            "title": title(f"Programa {i}"),
            "body": title(" ".join(rng.choice(words) for _ in range(80))),
        }
        for i in range(n)
    }


@pytest.fixture
def changed_after_validation(trusted, monkeypatch):
    """Once every record is validated, bytes in the middle of the staged records entry change."""
    validate_all = apply.validate_all

    def validate_then_change(*args):
        count = validate_all(*args)
        (staged,) = trusted.staging_dir.glob("*/bundle.part")  # the import's own staging folder
        with zipfile.ZipFile(staged) as zf:
            info = zf.getinfo("records/0001.jsonl")
        with open(staged, "r+b") as fh:
            fh.seek(info.header_offset + 26)
            name_and_extra = int.from_bytes(fh.read(2), "little") + int.from_bytes(fh.read(2), "little")
            middle = info.header_offset + 30 + name_and_extra + info.compress_size // 2
            fh.seek(middle)
            fh.write(bytes(b ^ 0xFF for b in fh.read(64)))
            fh.seek(middle)
        return count

    monkeypatch.setattr(apply, "validate_all", validate_then_change)
    return trusted


def test_kept_lines_apply_what_was_validated(changed_after_validation, publisher, tmp_path):
    records = wordy_records(400)
    import_bundle(changed_after_validation, make_bundle(tmp_path, publisher, records))
    assert get_record(changed_after_validation.catalog, "program", "p-0200").data == records[("program", "p-0200")]


def test_read_again_a_changed_records_file_is_caught(changed_after_validation, publisher, tmp_path, monkeypatch):
    monkeypatch.setattr(apply, "KEPT_LINES_BYTES", 0)
    bundle = make_bundle(tmp_path, publisher, wordy_records(400))
    with pytest.raises(BundleError):
        import_bundle(changed_after_validation, bundle)
    db = changed_after_validation.catalog
    assert db.execute("SELECT COUNT(*) FROM records WHERE catalog = 'minedu-pe'").fetchone()[0] == 0
    assert db.execute("SELECT COUNT(*) FROM applied_bundles").fetchone()[0] == 0
