"""Reading bundle archives safely: valid bundles open, hostile ones never do."""

from __future__ import annotations

import io
import json
import os
import zipfile

import pytest

from aulalocal.bundle import archive as archive_mod
from aulalocal.bundle.archive import Limits, open_archive, parse_manifest
from aulalocal.errors import BundleError, Cancelled, StorageError

from .zipfactory import (
    DELETE,
    SYMLINK,
    central_header,
    central_records,
    deflate,
    end_record,
    insert_bytes,
    local_header,
    make_zip,
    manifest_dict,
    media_name,
    patch_central,
    patch_local,
    patch_name,
    png,
    records_jsonl,
    sha256_hex,
    write_bundle,
)

RECORDS = records_jsonl(
    [
        {"op": "upsert", "kind": "program", "id": "a", "data": {"title": {"es": "A"}}},
        {"op": "upsert", "kind": "program", "id": "b", "data": {"title": {"es": "B"}}},
        {"op": "delete", "kind": "program", "id": "c"},
    ]
)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def entries(**extra: bytes) -> dict[str, bytes]:
    out = {"records/0001.jsonl": RECORDS, "records/0002.jsonl": RECORDS[:50] + b"\n",
           media_name(PNG): PNG}
    out.update(extra)
    return out


@pytest.fixture
def bundle(tmp_path):
    """Write bundle bytes to a file and return its path."""
    counter = iter(range(1000))

    def write(data: bytes):
        return write_bundle(tmp_path, data, f"b{next(counter)}.aulabundle")

    return write


def refused(path, limits=Limits()) -> BundleError:
    with pytest.raises(BundleError) as err:
        open_archive(path, limits).close()
    assert err.value.exit_code == 4
    return err.value


# --------------------------------------------------------------------------
# Valid bundles


def test_valid_bundle_opens_with_its_manifest(bundle):
    files = entries()
    with open_archive(bundle(make_zip(files))) as arc:
        m = arc.manifest
        assert m.format == "aulalocal-bundle" and m.format_version == 1
        assert m.catalog == "test-catalog" and m.sequence == 1
        assert m.base_sequence is None and not m.is_delta
        assert m.created == "2026-11-20T10:00:00Z"
        assert m.created_at.year == 2026 and m.created_at.utcoffset().total_seconds() == 0
        assert m.publisher == "Ministerio de Educación del Perú"
        assert m.languages == ("es", "qu")
        assert m.record_files == ["records/0001.jsonl", "records/0002.jsonl"]
        assert m.media_files == [media_name(PNG)]
        assert {n: (e.sha256, e.size) for n, e in m.files.items()} == {
            n: (sha256_hex(d), len(d)) for n, d in files.items()
        }
        assert b"".join(arc.read_entry_chunks(media_name(PNG))) == PNG
        assert arc.read_entry("records/0001.jsonl") == RECORDS
        calls = []
        arc.verify_all(progress=lambda _phase, done, total: calls.append((done, total)))
        total = sum(len(d) for d in files.values())
        assert calls[0] == (0, total) and calls[-1] == (total, total)


def test_manifest_is_read_only(bundle):
    with open_archive(bundle(make_zip())) as arc:
        with pytest.raises(Exception):
            arc.manifest.sequence = 2  # type: ignore[misc]
        with pytest.raises(TypeError):
            arc.manifest.files["records/x.jsonl"] = None  # type: ignore[index]


def test_delta_bundle(bundle):
    with open_archive(bundle(make_zip(None, {"sequence": 8, "base_sequence": 7}))) as arc:
        assert arc.manifest.is_delta and arc.manifest.base_sequence == 7


def test_stored_entries_directory_entries_and_a_comment_are_fine(bundle):
    data = make_zip(entries(), compression=zipfile.ZIP_STORED,
                    unlisted=[("records/", b""), ("media/", b"")])
    buf = io.BytesIO(data)
    with zipfile.ZipFile(buf, "a") as zf:
        zf.comment = b"made by a test"
    with open_archive(bundle(buf.getvalue())) as arc:
        arc.verify_all()


def test_manifest_may_come_last(bundle):
    with open_archive(bundle(make_zip(entries(), manifest_first=False))) as arc:
        arc.verify_all()


def test_zip64_end_records_are_read(bundle, monkeypatch):
    # zipfile writes ZIP64 end records past 65,535 entries; pretend we are there.
    monkeypatch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 1)
    data = make_zip(entries())
    monkeypatch.undo()
    assert b"PK\x06\x06" in data and b"PK\x06\x07" in data
    with open_archive(bundle(data)) as arc:
        arc.verify_all()
        assert len(arc.manifest.files) == 3


def test_compression_ratio_under_one_mib_is_exempt(bundle):
    zeros = bytes(512 * 1024)
    with open_archive(bundle(make_zip(entries(**{"records/z.jsonl": zeros})))) as arc:
        arc.verify_all()


# --------------------------------------------------------------------------
# Not a ZIP, or a damaged one


def test_empty_file(bundle):
    assert "empty" in str(refused(bundle(b"")))


@pytest.mark.parametrize("data", [os.urandom(10), os.urandom(5000), b"PK\x05\x06" + bytes(100)])
def test_random_bytes(bundle, data):
    refused(bundle(data))


@pytest.mark.parametrize("keep", [0.5, 0.9, -1, -10, -22])
def test_truncated(bundle, keep):
    data = make_zip(entries())
    cut = int(len(data) * keep) if keep > 0 else len(data) + keep
    refused(bundle(data[:cut]))


def test_junk_before_or_after_the_archive(bundle):
    data = make_zip(entries())
    refused(bundle(b"MZ self-extractor stub" + data))
    refused(bundle(data + b"trailing junk"))


# Every byte of the file is an entry's, the central directory's or the end
# record's (issue 12): with the offsets all made right, zipfile reads each of
# these archives happily.


def _unaccounted(bundle, data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.read("records/0001.jsonl") == RECORDS  # a lenient reader sees a good bundle
    assert "belong to none of its entries" in str(refused(bundle(data)))


def test_png_in_front_with_offsets_that_count_it(bundle):
    _unaccounted(bundle, insert_bytes(make_zip(entries()), 0, png(16, 16)))


def test_bytes_between_two_entries(bundle):
    data = make_zip(entries())
    second = sorted(r.fields["header_offset"] for r in central_records(data))[1]
    _unaccounted(bundle, insert_bytes(data, second, b"\x00" * 100))


def test_bytes_between_the_last_entry_and_the_central_directory(bundle):
    data = make_zip(entries())
    _unaccounted(bundle, insert_bytes(data, central_records(data)[0].offset, b"hidden bytes"))


def test_a_central_record_that_reaches_into_the_end_record(bundle):
    data = make_zip(entries())
    last = central_records(data)[-1]
    data = patch_central(data, last.name.decode(), comment_len=10)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert len(zf.infolist()) == 4  # zipfile reads the record cut short
    refused(bundle(data))


def test_a_local_header_that_hides_an_entry_in_another_ones_data(bundle):
    """A streaming reader that trusts the local sizes would see another file."""
    data = make_zip(entries(), compression=zipfile.ZIP_STORED)
    assert "disagree" in str(refused(bundle(patch_local(data, "records/0001.jsonl", compress_size=0))))


class _Unseekable(io.RawIOBase):
    """A pipe, to zipfile: it then writes every entry's sizes after its data."""

    def __init__(self) -> None:
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:
        self.data += b
        return len(b)


@pytest.mark.parametrize("zip64", [False, True])
def test_entries_with_data_descriptors_are_fine(bundle, zip64):
    files = entries()
    out = _Unseekable()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in {"manifest.json": json.dumps(manifest_dict(files)).encode(), **files}.items():
            with zf.open(name, "w", force_zip64=zip64) as fh:
                fh.write(content)
    data = bytes(out.data)
    assert all(r.fields["flag_bits"] & 0x08 for r in central_records(data))
    with open_archive(bundle(data)) as arc:
        arc.verify_all()


def test_a_data_descriptor_that_does_not_match_its_entry(bundle):
    files = entries()
    out = _Unseekable()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in {"manifest.json": json.dumps(manifest_dict(files)).encode(), **files}.items():
            zf.writestr(name, content)
    data = bytearray(out.data)
    descriptor = data.index(b"PK\x07\x08")
    data[descriptor + 8] ^= 1  # its compressed size
    refused(bundle(bytes(data)))


def test_entry_count_that_disagrees_with_the_directory(bundle):
    data = make_zip(entries())
    pos = data.rfind(b"PK\x05\x06")
    lying = bytearray(data)
    lying[pos + 8: pos + 12] = (2).to_bytes(2, "little") * 2
    refused(bundle(bytes(lying)))


def test_not_a_regular_file(tmp_path):
    refused(tmp_path)
    fifo = tmp_path / "pipe.aulabundle"
    os.mkfifo(fifo)
    refused(fifo)  # must not block waiting for a writer


def test_missing_file_is_a_storage_error(tmp_path):
    with pytest.raises(StorageError):
        open_archive(tmp_path / "gone.aulabundle")


def test_archive_over_the_file_size_limit(bundle):
    data = make_zip(entries())
    refused(bundle(data), Limits(max_archive_size=len(data) - 1))


# --------------------------------------------------------------------------
# Entry names


@pytest.mark.parametrize(
    "name",
    [
        "../evil.jsonl",
        "records/../../evil.jsonl",
        "/records/abs.jsonl",
        "records\\win.jsonl",
        "C:/records/a.jsonl",
        "c:records.jsonl",
        "records//a.jsonl",
        "records/./a.jsonl",
    ],
)
def test_unsafe_paths(bundle, name):
    data = make_zip(entries(), unlisted=[(zipfile.ZipInfo(name), b"{}\n")])
    assert any(r.name == name.encode() for r in central_records(data))
    assert "unsafe" in str(refused(bundle(data)))


@pytest.mark.parametrize(
    "name",
    [
        "records/A.jsonl",
        "records/a.json",
        "records/a.jsonl.exe",
        "records/sub/a.jsonl",
        "records/" + "a" * 65 + ".jsonl",
        "records/.jsonl",
        "records/a b.jsonl",
        "media/" + "a" * 64 + ".exe",
        "media/" + "A" * 64 + ".png",
        "media/" + "a" * 63 + ".png",
        "media/" + "a" * 64 + ".PNG",
        "other.txt",
        "Manifest.json",
        "other/",
        "records/sub/",
        "media.png",
    ],
)
def test_names_outside_the_allowed_set(bundle, name):
    data = make_zip(entries(), unlisted=[(zipfile.ZipInfo(name), b"")])
    assert "not allowed" in str(refused(bundle(data)))


def test_non_ascii_name(bundle):
    info = zipfile.ZipInfo("records/ñ.jsonl")  # zipfile sets the UTF-8 flag
    refused(bundle(make_zip(entries(), unlisted=[(info, b"{}\n")])))


def test_nul_in_name_is_not_hidden_by_zipfile(bundle):
    data = make_zip(entries(**{"records/abcd.jsonl": RECORDS}))
    # zipfile would cut "records/ab\0d.jsonl" at the NUL; we see the whole name.
    data = data.replace(b"records/abcd.jsonl", b"records/ab\x00d.jsonl")
    refused(bundle(data))


def test_duplicate_entries(bundle):
    data = make_zip(entries(), unlisted=[("records/0001.jsonl", RECORDS)])
    assert "twice" in str(refused(bundle(data)))


def test_duplicate_entries_after_lowercasing(bundle):
    data = make_zip(entries(), unlisted=[("RECORDS/0001.jsonl", RECORDS)])
    refused(bundle(data))
    data = make_zip(entries(), unlisted=[("manifest.json", b"{}")])
    assert "twice" in str(refused(bundle(data)))


def test_symlink(bundle):
    info = zipfile.ZipInfo("records/link.jsonl")
    info.create_system = 3
    info.external_attr = SYMLINK
    files = entries()
    data = make_zip(files, {"files": {**manifest_dict(files)["files"],
                                      "records/link.jsonl": {"sha256": sha256_hex(b"/etc/passwd"),
                                                             "size": 11}}},
                    unlisted=[(info, b"/etc/passwd")])
    assert "symbolic link" in str(refused(bundle(data)))


def test_device_node_mode(bundle):
    data = make_zip(entries())
    data = patch_central(data, "records/0001.jsonl", external_attr=0o020644 << 16)
    assert "regular file" in str(refused(bundle(data)))


def test_directory_entry_with_data(bundle):
    data = make_zip(entries(), unlisted=[("records/", b"surprise")])
    refused(bundle(data))


# --------------------------------------------------------------------------
# Header flags and methods


def test_encrypted_flag(bundle):
    data = make_zip(entries())
    record = next(r for r in central_records(data) if r.name == b"records/0001.jsonl")
    flags = record.fields["flag_bits"] | 0x1
    data = patch_central(data, "records/0001.jsonl", flag_bits=flags)
    data = patch_local(data, "records/0001.jsonl", flag_bits=flags)
    assert "encrypted" in str(refused(bundle(data)))


@pytest.mark.parametrize("method", [12, 14, 9, 99])
def test_unknown_compression_method(bundle, method):
    data = make_zip(entries())
    data = patch_central(data, "records/0001.jsonl", compress_type=method)
    data = patch_local(data, "records/0001.jsonl", compress_type=method)
    assert "compression method" in str(refused(bundle(data)))


def test_headers_that_disagree(bundle):
    data = make_zip(entries())
    data = patch_local(data, "records/0001.jsonl", compress_type=0)
    assert "disagree" in str(refused(bundle(data)))


# --------------------------------------------------------------------------
# Limits


def test_compression_bomb_ratio(bundle):
    zeros = bytes(2 * 1024 * 1024)  # deflates about 1000:1
    data = make_zip(entries(**{"records/zeros.jsonl": zeros}))
    assert "200 to 1" in str(refused(bundle(data)))


def test_compression_ratio_with_lowered_limits(bundle):
    data = make_zip(entries(**{"records/zeros.jsonl": bytes(100_000)}))
    refused(bundle(data), Limits(ratio_exempt_below=10_000))


def test_too_many_entries(bundle):
    data = make_zip(entries())  # manifest + 3 files
    with open_archive(bundle(data), Limits(max_entries=4)) as arc:
        assert len(arc.manifest.files) == 3
    assert "more than 3 entries" in str(refused(bundle(data), Limits(max_entries=3)))


def test_entry_over_the_size_limit(bundle):
    data = make_zip(entries())
    message = str(refused(bundle(data), Limits(max_entry_size=1000)))  # PNG is 1032
    assert f"{media_name(PNG)} is larger than the limit of 1000 bytes" in message


def test_total_over_the_size_limit(bundle):
    data = make_zip(entries())
    total = sum(len(d) for d in entries().values())
    refused(bundle(data), Limits(max_total_size=total - 1))


def test_manifest_over_its_size_limit(bundle):
    assert "manifest.json is larger" in str(
        refused(bundle(make_zip(entries())), Limits(max_manifest_size=100))
    )


# --------------------------------------------------------------------------
# Files against the manifest


def test_unlisted_entry(bundle):
    data = make_zip(entries(), unlisted=[("records/extra.jsonl", RECORDS)])
    assert "not listed" in str(refused(bundle(data)))


def test_listed_file_missing(bundle):
    files = entries()
    listed = manifest_dict({**files, "records/0003.jsonl": RECORDS})["files"]
    data = make_zip(files, {"files": listed})
    assert "does not contain" in str(refused(bundle(data)))


def test_size_mismatch(bundle):
    files = entries()
    listed = manifest_dict(files)["files"]
    size = listed["records/0001.jsonl"]["size"]
    listed["records/0001.jsonl"]["size"] += 1
    said = str(refused(bundle(make_zip(files, {"files": listed}))))
    assert f"has the wrong size: {size} in the archive, {size + 1} in manifest.json" in said


def test_hash_mismatch_is_found_when_streaming(bundle):
    files = entries()
    listed = manifest_dict(files)["files"]
    listed["records/0001.jsonl"]["sha256"] = sha256_hex(b"something else")
    with open_archive(bundle(make_zip(files, {"files": listed}))) as arc:
        with pytest.raises(BundleError) as err:
            arc.verify_all()
        assert "SHA-256" in str(err.value)
        with pytest.raises(BundleError):
            list(arc.iter_record_lines("records/0001.jsonl"))


def test_media_not_named_after_its_hash(bundle):
    files = {"records/0001.jsonl": RECORDS, "media/" + "0" * 64 + ".png": PNG}
    assert "named after" in str(refused(bundle(make_zip(files))))


def test_declared_size_smaller_than_the_data(bundle):
    # Headers and manifest all claim 40 bytes; the deflated data holds more.
    files = entries()
    listed = manifest_dict(files)["files"]
    listed["records/0001.jsonl"]["size"] = 40
    data = make_zip(files, {"files": listed})
    data = patch_central(data, "records/0001.jsonl", file_size=40)
    data = patch_local(data, "records/0001.jsonl", file_size=40)
    with open_archive(bundle(data)) as arc:
        with pytest.raises(BundleError):
            arc.verify_all()


def test_declared_size_smaller_in_the_headers_only(bundle):
    data = make_zip(entries())
    data = patch_central(data, "records/0001.jsonl", file_size=10)
    data = patch_local(data, "records/0001.jsonl", file_size=10)
    refused(bundle(data))


def test_declared_size_larger_than_the_data(bundle):
    files = entries()
    listed = manifest_dict(files)["files"]
    listed["records/0001.jsonl"]["size"] = len(RECORDS) + 100
    data = make_zip(files, {"files": listed})
    data = patch_central(data, "records/0001.jsonl", file_size=len(RECORDS) + 100)
    with open_archive(bundle(data)) as arc:
        with pytest.raises(BundleError):
            arc.verify_all()


def test_stream_stops_as_soon_as_more_bytes_come_than_expected():
    stream = io.BytesIO(b"x" * 10_000_000)
    chunks = archive_mod._bounded_chunks(stream, 1000, "records/a.jsonl", None)
    with pytest.raises(BundleError) as err:
        list(chunks)
    assert "larger than manifest.json says" in str(err.value)
    assert stream.tell() <= 1001


def test_compressed_size_reaching_into_the_central_directory(bundle):
    data = make_zip(entries())
    data = patch_central(data, "records/0001.jsonl", compress_size=len(data))
    refused(bundle(data))


# --------------------------------------------------------------------------
# Overlapping entries


def _raw_bundle(layout: str) -> bytes:
    """Hand-assembled bundle; with "overlap", records/a.jsonl's stored data
    quotes records/b.jsonl's local header and data, so both entries share bytes."""
    rec_b = RECORDS
    lh_b = local_header(b"records/b.jsonl", rec_b, rec_b)
    content_a = lh_b + rec_b if layout == "overlap" else b"not json, but listed\n"
    files = {"records/a.jsonl": content_a, "records/b.jsonl": rec_b}
    manifest = json.dumps(manifest_dict(files)).encode()
    out = local_header(b"manifest.json", manifest, manifest) + manifest
    off_a = len(out)
    lh_a = local_header(b"records/a.jsonl", content_a, content_a)
    out += lh_a + content_a
    if layout == "overlap":
        off_b = off_a + len(lh_a)
    else:
        off_b = len(out)
        out += lh_b + rec_b
    cd = (central_header(b"manifest.json", manifest, manifest, 0)
          + central_header(b"records/a.jsonl", content_a, content_a, off_a)
          + central_header(b"records/b.jsonl", rec_b, rec_b, off_b))
    return out + cd + end_record(3, len(cd), len(out))


def test_raw_builder_makes_valid_bundles(bundle):
    with open_archive(bundle(_raw_bundle("separate"))) as arc:
        arc.verify_all()


def test_overlapping_entries(bundle):
    data = _raw_bundle("overlap")
    # Each entry on its own reads fine with zipfile: only the layout is wrong.
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.read("records/b.jsonl") == RECORDS
    assert "overlap" in str(refused(bundle(data)))


def test_two_entries_at_the_same_offset(bundle):
    data = make_zip(entries())
    first = next(r for r in central_records(data) if r.name == b"records/0002.jsonl")
    data = patch_central(data, "records/0001.jsonl", header_offset=first.fields["header_offset"])
    refused(bundle(data))


def test_local_name_differs_from_central_name(bundle):
    data = make_zip(entries())
    offset = next(r for r in central_records(data)
                  if r.name == b"records/0001.jsonl").fields["header_offset"]
    patched = bytearray(data)
    start = offset + 30
    assert patched[start:start + 18] == b"records/0001.jsonl"
    patched[start:start + 18] = b"records/0009.jsonl"
    assert "disagree" in str(refused(bundle(bytes(patched))))


# --------------------------------------------------------------------------
# manifest.json


def manifest_refused(bundle, manifest=None, overrides=None) -> str:
    return str(refused(bundle(make_zip(entries(), overrides, manifest=manifest))))


@pytest.mark.parametrize("raw", [b"not json", b"", b"[]", b'"aulalocal-bundle"', b"\xff{}"])
def test_manifest_not_a_json_object(bundle, raw):
    manifest_refused(bundle, raw)


def test_manifest_duplicate_keys(bundle):
    raw = json.dumps(manifest_dict(entries())).encode()
    raw = raw[:-1] + b', "sequence": 2}'
    assert "twice" in manifest_refused(bundle, raw)


def test_manifest_deep_nesting(bundle):
    m = manifest_dict(entries())
    raw = json.dumps(m).encode()[:-1] + b', "x": ' + b"[" * 40 + b"]" * 40 + b"}"
    assert "deeper" in manifest_refused(bundle, raw)


def test_manifest_unknown_key(bundle):
    assert "unknown field" in manifest_refused(bundle, overrides={"signature": "x"})


@pytest.mark.parametrize("key", ["format", "catalog", "sequence", "base_sequence", "created",
                                 "publisher", "languages", "files", "format_version"])
def test_manifest_missing_key(bundle, key):
    manifest_refused(bundle, overrides={key: DELETE})


def test_newer_format_version(bundle):
    message = manifest_refused(bundle, overrides={"format_version": 2, "new_field": 1})
    assert "newer version of AulaLocal" in message


@pytest.mark.parametrize("value", [0, -1, "1", True, 1.0, None])
def test_invalid_format_version(bundle, value):
    assert "newer" not in manifest_refused(bundle, overrides={"format_version": value})


@pytest.mark.parametrize("value", ["aulalocal-bundle2", "AulaLocal-bundle", "", None])
def test_wrong_format(bundle, value):
    manifest_refused(bundle, overrides={"format": value})


@pytest.mark.parametrize(
    "catalog",
    ["ab", "AB-cd", "-abc", "abc_d", "a" * 65, "minedu pe", "minédu", 7, None, "abc\n"],
)
def test_bad_catalog_id(bundle, catalog):
    assert "catalog" in manifest_refused(bundle, overrides={"catalog": catalog})


@pytest.mark.parametrize("catalog", ["abc", "minedu-pe", "0" * 64, "a--"])
def test_good_catalog_id(bundle, catalog):
    with open_archive(bundle(make_zip(entries(), {"catalog": catalog}))) as arc:
        assert arc.manifest.catalog == catalog


@pytest.mark.parametrize(
    "overrides",
    [
        {"sequence": 0},
        {"sequence": -3},
        {"sequence": True},
        {"sequence": "7"},
        {"sequence": 7.0},
        {"sequence": 2**63},
        {"sequence": 5, "base_sequence": 5},
        {"sequence": 5, "base_sequence": 6},
        {"sequence": 5, "base_sequence": 0},
        {"sequence": 5, "base_sequence": True},
        {"sequence": 5, "base_sequence": "4"},
    ],
)
def test_bad_sequences(bundle, overrides):
    manifest_refused(bundle, overrides=overrides)


@pytest.mark.parametrize(
    "created",
    ["2026-11-20 10:00:00Z", "2026-11-20T10:00:00", "2026-11-20T10:00:00+00:00",
     "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-20T25:00:00Z",
     "2026-11-20", 1700000000, "2026-11-20T10:00:00.Z", "２０２６-11-20T10:00:00Z"],
)
def test_bad_created(bundle, created):
    assert "created" in manifest_refused(bundle, overrides={"created": created})


def test_created_with_fraction(bundle):
    with open_archive(bundle(make_zip(entries(), {"created": "2026-11-20T10:00:00.123456789Z"}))) as arc:
        assert arc.manifest.created_at.microsecond == 123456


@pytest.mark.parametrize("publisher", ["", " ", "x" * 201, "a\nb", "a\x00b", 5, None])
def test_bad_publisher(bundle, publisher):
    assert "publisher" in manifest_refused(bundle, overrides={"publisher": publisher})


def test_publisher_of_200_characters(bundle):
    with open_archive(bundle(make_zip(entries(), {"publisher": "ñ" * 200}))) as arc:
        assert len(arc.manifest.publisher) == 200


@pytest.mark.parametrize(
    "languages",
    [["español"], ["e"], ["es", "es"], ["es", "ES"], [3], "es", None, ["es_PE"], ["-es"], ["es-"]],
)
def test_bad_languages(bundle, languages):
    assert "language" in manifest_refused(bundle, overrides={"languages": languages})


def test_good_language_tags(bundle):
    tags = ["es", "qu", "en", "es-PE", "es-419", "zh-Hant-TW", "quz", "ay", "x-aula", "sl-rozaj-biske"]
    with open_archive(bundle(make_zip(entries(), {"languages": tags}))) as arc:
        assert arc.manifest.languages == tuple(tags)


def _files_with(name: str, value) -> dict:
    files = manifest_dict(entries())["files"]
    files[name] = value
    return files


@pytest.mark.parametrize(
    "value",
    [
        {"sha256": "A" * 64, "size": 1},
        {"sha256": "a" * 63, "size": 1},
        {"sha256": "a" * 64, "size": -1},
        {"sha256": "a" * 64, "size": True},
        {"sha256": "a" * 64, "size": 1.5},
        {"sha256": "a" * 64},
        {"sha256": "a" * 64, "size": 1, "mtime": 0},
        ["a" * 64, 1],
    ],
)
def test_bad_file_entries(bundle, value):
    files = _files_with("records/0001.jsonl", value)
    manifest_refused(bundle, overrides={"files": files})


@pytest.mark.parametrize("name", ["manifest.json", "../x.jsonl", "records/", "records/X.jsonl",
                                  "media/x.png"])
def test_files_that_cannot_be_listed(bundle, name):
    files = _files_with(name, {"sha256": "a" * 64, "size": 1})
    manifest_refused(bundle, overrides={"files": files})


def test_no_records_file(bundle):
    data = make_zip({media_name(PNG): PNG})
    assert "no records" in str(refused(bundle(data)))


def test_parse_manifest_directly():
    raw = json.dumps(manifest_dict({"records/a.jsonl": b"x\n"})).encode()
    assert parse_manifest(raw).files["records/a.jsonl"].size == 2


# --------------------------------------------------------------------------
# Records lines


def lines_of(bundle, content: bytes, limits=Limits(), name="records/0001.jsonl"):
    with open_archive(bundle(make_zip({name: content})), limits) as arc:
        return list(arc.iter_record_lines(name))


def test_record_lines_are_numbered(bundle):
    assert lines_of(bundle, b'{"a":1}\n{"b":2}\n') == [(1, b'{"a":1}'), (2, b'{"b":2}')]


def test_final_line_without_newline_and_crlf(bundle):
    assert lines_of(bundle, b'{"a":1}\r\n{"b":2}') == [(1, b'{"a":1}'), (2, b'{"b":2}')]


def test_empty_records_file_has_no_lines(bundle):
    assert lines_of(bundle, b"") == []


@pytest.mark.parametrize("content,line", [(b'{"a":1}\n\n{"b":2}\n', 2), (b"\n", 1),
                                          (b'{"a":1}\n  \t\n', 2), (b'{"a":1}\n\r\n', 2)])
def test_blank_lines_are_refused(bundle, content, line):
    with pytest.raises(BundleError) as err:
        lines_of(bundle, content)
    assert f"line {line} is blank" in str(err.value)


def test_line_over_the_limit(bundle):
    ok = b"x" * 100
    assert lines_of(bundle, ok + b"\n", Limits(max_line_size=100)) == [(1, ok)]
    assert lines_of(bundle, ok + b"\r\n", Limits(max_line_size=100)) == [(1, ok)]
    with pytest.raises(BundleError) as err:
        lines_of(bundle, b"{}\n" + ok + b"x\n", Limits(max_line_size=100))
    assert "line 2 is longer than 100 bytes" in str(err.value)


def test_long_line_across_chunks_is_refused_without_buffering_it(bundle, monkeypatch):
    monkeypatch.setattr(archive_mod, "CHUNK_SIZE", 64)
    seen = []
    content = b'{"a":1}\n' + b"y" * 100_000  # no newline ever comes
    path = bundle(make_zip({"records/0001.jsonl": content}))
    with open_archive(path, Limits(max_line_size=1000)) as arc:
        lines = arc.iter_record_lines("records/0001.jsonl",
                                      progress=lambda _phase, done, total: seen.append(done))
        assert next(lines) == (1, b'{"a":1}')
        with pytest.raises(BundleError) as err:
            next(lines)
    assert "line 2 is longer than 1000 bytes" in str(err.value)
    assert max(seen) <= 8 + 1000 + 2 * 64


def test_lines_of_a_file_with_a_wrong_hash_end_in_an_error(bundle):
    files = {"records/0001.jsonl": RECORDS}
    listed = manifest_dict(files)["files"]
    listed["records/0001.jsonl"]["sha256"] = "0" * 64
    with open_archive(bundle(make_zip(files, {"files": listed}))) as arc:
        with pytest.raises(BundleError):
            for _ in arc.iter_record_lines("records/0001.jsonl"):
                pass


def test_only_listed_entries_can_be_read(bundle):
    with open_archive(bundle(make_zip(entries()))) as arc:
        with pytest.raises(KeyError):
            arc.read_entry_chunks("manifest.json")
        with pytest.raises(KeyError):
            arc.iter_record_lines(media_name(PNG))


# --------------------------------------------------------------------------
# Cancel and read errors


def test_cancel_during_verify_all(bundle):
    with open_archive(bundle(make_zip(entries()))) as arc:
        with pytest.raises(Cancelled):
            arc.verify_all(cancel=lambda: True)


def test_read_error_mid_stream_is_a_storage_error(bundle):
    class PulledDrive(io.RawIOBase):
        def seek(self, *args):
            raise OSError(5, "Input/output error")

        def read(self, *args):
            raise OSError(5, "Input/output error")

        def tell(self):
            return 0

    with open_archive(bundle(make_zip(entries()))) as arc:
        arc._zip.fp = PulledDrive()
        with pytest.raises(StorageError):
            arc.verify_all()


def test_deflate_stream_that_is_garbage(bundle):
    data = bytearray(make_zip(entries(**{"records/big.jsonl": RECORDS * 50})))
    offset = next(r for r in central_records(bytes(data))
                  if r.name == b"records/big.jsonl").fields["header_offset"]
    start = offset + 30 + len("records/big.jsonl")
    data[start:start + 20] = b"\xff" * 20
    with open_archive(bundle(bytes(data))) as arc:
        with pytest.raises(BundleError) as err:
            arc.verify_all()
    assert "damaged" in str(err.value) or "SHA-256" in str(err.value)


def test_deflate_helper_round_trips():
    import zlib

    assert zlib.decompress(deflate(RECORDS), -15) == RECORDS
    assert patch_name(b"xaby", "ab", "cd") == b"xcdy"
