"""Minisign keys and signatures, on their own and against the real minisign tool."""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from aulalocal.bundle import minisign
from aulalocal.bundle.minisign import (
    PublicKey,
    Signature,
    generate_keypair,
    load_secret_key,
    parse_public_key,
    parse_signature,
    sign_file,
    verify_file,
)
from aulalocal.bundle.minisign.secret import scrypt_params
from aulalocal.bundle.staging import read_small
from aulalocal.errors import BundleError, Cancelled, SignatureError, StorageError

MINISIGN = shutil.which("minisign")
needs_minisign = pytest.mark.skipif(MINISIGN is None, reason="minisign is not on PATH")

# Cheap scrypt settings (libsodium's "interactive" ones) for tests that only
# need an encrypted key; minisign reads the limits from the file.
FAST = {"opslimit": 524288, "memlimit": 16777216}


def read_signature_file(path) -> Signature:
    """A .minisig as the importer reads it from a drive (``staging.read_small``), parsed."""
    return parse_signature(read_small(Path(path)))


@pytest.fixture(scope="module")
def keys():
    return generate_keypair()


@pytest.fixture
def message(tmp_path):
    path = tmp_path / "bundle.aulabundle"
    path.write_bytes(b"PK fake bundle content\n" * 5000)
    return path


def legacy_signature(path, secret, trusted_comment=b"legacy comment") -> bytes:
    """A legacy ("Ed") minisign signature over the raw file, made by hand."""
    private = Ed25519PrivateKey.from_private_bytes(secret.seed)
    sig = private.sign(path.read_bytes())
    global_sig = private.sign(sig + trusted_comment)
    return Signature(b"Ed", secret.key_id, sig, trusted_comment, global_sig, "legacy").to_bytes()


def run_minisign(*args, input=None, cwd=None):
    return subprocess.run(
        [MINISIGN, *args], input=input, capture_output=True, text=True, cwd=cwd, timeout=120
    )


# --------------------------------------------------------------------------
# Public keys


def test_public_key_text_round_trip(keys):
    pub, _ = keys
    text = pub.to_text()
    assert text.startswith("untrusted comment: minisign public key ")
    assert parse_public_key(text) == pub
    assert parse_public_key(pub.to_base64()).key == pub.key


def test_public_key_accepts_crlf_bom_and_spaces(keys):
    pub, _ = keys
    text = "\ufeff" + pub.to_text().replace("\n", "\r\n") + "\r\n\r\n"
    parsed = parse_public_key(text)
    assert (parsed.key_id, parsed.key) == (pub.key_id, pub.key)
    assert parse_public_key("  " + pub.to_base64() + "  \n").key == pub.key


def test_key_id_hex_is_minisign_little_endian_padded():
    key = PublicKey(key_id=bytes([0x36, 0xBC, 0xC1, 0x61, 0x50, 0xFF, 0xF0, 0x08]), key=bytes(32))
    assert key.key_id_hex == "08F0FF5061C1BC36"
    assert PublicKey(key_id=b"\x01" + bytes(7), key=bytes(32)).key_id_hex == "0000000000000001"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not base64 at all!",
        base64.b64encode(b"Ed" + bytes(39)).decode(),  # one byte short
        base64.b64encode(b"Ed" + bytes(41)).decode(),  # one byte long
        base64.b64encode(b"XX" + bytes(40)).decode(),  # unknown algorithm
        "untrusted comment: x\nAAAA\nAAAA\n",  # three lines
        "a comment without the prefix\n" + base64.b64encode(b"Ed" + bytes(40)).decode(),
        "A" * 100_000,
    ],
)
def test_public_key_garbage_is_a_signature_error(text):
    with pytest.raises(SignatureError):
        parse_public_key(text)


def _bad_key_texts(pub: PublicKey):
    line = pub.to_base64()
    return [
        f"untrusted comment: Ministerio\0de prueba\n{line}\n",  # NUL
        f"untrusted comment: \x1b[2J\x07Ministerio\n{line}\n",  # ESC, BEL
        f"untrusted comment: a\rb\n{line}\n",  # CR inside the comment
        f"untrusted comment: a\u2028b\n{line}\n",  # a Unicode line break
        f"untrusted comment: \u202egnirts\n{line}\n",  # a bidi override
        f"untrusted comment: a\udcffb\n{line}\n",  # an undecodable byte, from argv
        f"untrusted comment: {'x' * 1004}\n{line}\n",  # longer than minisign reads
        f"untrusted comment: x\n{line}\x00\n",  # NUL after the key
        f"untrusted comment: x\n\x0b{line}\n",  # vertical tab before the key
        pub.to_text().replace("\n", "\r"),  # old Mac line ends: one line to minisign
        pub.to_text().encode("utf-8") + b"\xff",  # bytes that are not UTF-8
        b"untrusted comment: Educaci\xf3n\n" + line.encode() + b"\n",  # Latin-1
    ]


def test_malformed_key_text_is_a_signature_error(keys):
    for text in _bad_key_texts(keys[0]):
        with pytest.raises(SignatureError):
            parse_public_key(text)


def test_key_text_read_back_is_the_key_written(keys):
    pub, _ = keys
    named = PublicKey(pub.key_id, pub.key, "Ministerio de Educación del Perú — UGEL Cusco")
    assert parse_public_key(named.to_text()) == named
    assert parse_public_key(named.to_text().encode("utf-8")) == named
    assert parse_public_key(named.to_text().replace("\n", "\r\n")) == named


def _mutations(rng, seed_texts):
    """Generated bad inputs: each a small, random damage to a good key text."""
    odd = ["\0", "\x1b", "\x07", "\b", "\r", "\n", "\r\n", "\x0b", "\x0c", "\x1c", "\x85",
           "\u2028", "\u202e", "\ufeff", "\udcff", "\t", " ", "=", "+", "/", "A", "é", "\U0001f600", ":"]
    for _ in range(3000):
        text = rng.choice(seed_texts)
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(text) + 1)
            action = rng.randrange(6)
            if action == 0:
                text = text[:at] + rng.choice(odd) + text[at:]
            elif action == 1:
                text = text[:at] + text[at + rng.randint(1, 8):]
            elif action == 2 and text:
                text = text[:at] + chr(rng.randrange(0x20, 0x7F)) + text[at + 1:]
            elif action == 3:
                text = text[:at]
            elif action == 4:
                lines = text.split("\n")
                rng.shuffle(lines)
                text = "\n".join(lines + lines[: rng.randint(0, 1)])
            else:
                text = text * rng.randint(1, 3)
        if rng.random() < 0.3:
            raw = text.encode("utf-8", "surrogatepass")
            at = rng.randrange(len(raw) + 1)
            yield raw[:at] + bytes([rng.randrange(256)]) + raw[at:]
        else:
            yield text
    for size in (0, 1, 41, 56, 57, 1023, 16 * 1024, 16 * 1024 + 1, 1 << 20):
        yield bytes(rng.randrange(256) for _ in range(min(size, 4096))) * max(1, size // 4096)


def test_fuzzed_key_texts_are_keys_or_signature_errors(keys):
    """No other exception escapes, and a text that is accepted can be written back."""
    import random

    pub, _ = keys
    named = PublicKey(pub.key_id, pub.key, "Ministerio de Educación")
    seeds = [named.to_text(), pub.to_base64() + "\n", "\ufeff" + named.to_text().replace("\n", "\r\n")]
    accepted = 0
    for text in _mutations(random.Random(20260512), seeds):
        try:
            key = parse_public_key(text)
        except SignatureError as exc:
            assert exc.exit_code == 3 and "\n" not in exc.message()
            continue
        accepted += 1
        written = key.to_text()
        assert written.count("\n") == 2 and written.endswith("\n")
        assert not [c for c in written if c != "\n" and unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp")]
        again = parse_public_key(written)
        assert (again.key_id, again.key) == (key.key_id, key.key)
        assert again.comment == (key.comment or f"minisign public key {key.key_id_hex}")
    assert accepted > 0  # the mutations also leave some keys intact (a changed comment letter)


def test_non_canonical_base64_is_refused(good_sig_bytes):
    # 64 bytes -> 88 chars ending "==": the last data char carries 4 unused
    # bits that a lax decoder ignores. One signature must have one spelling.
    lines = _lines(good_sig_bytes)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    line = lines[3]
    assert line.endswith("==")
    tweaked = line[:-3] + alphabet[alphabet.index(line[-3]) ^ 0b0001] + "=="
    assert base64.b64decode(tweaked) == base64.b64decode(line)
    with pytest.raises(SignatureError):
        parse_signature(_join([lines[0], lines[1], lines[2], tweaked]))


# --------------------------------------------------------------------------
# Signing and verifying without the tool


def test_sign_and_verify_round_trip(keys, message):
    pub, secret = keys
    data = sign_file(message, secret, "timestamp:1\tfile:bundle.aulabundle")
    sig = parse_signature(data)
    assert sig.algorithm == b"ED" and sig.prehashed
    assert sig.key_id == pub.key_id
    assert sig.trusted_comment == "timestamp:1\tfile:bundle.aulabundle"
    assert sig.untrusted_comment == "signature from aulalocal secret key"
    verify_file(message, sig, pub)


def test_prehashed_signature_signs_blake2b_512_of_the_file(keys, message):
    pub, secret = keys
    sig = parse_signature(sign_file(message, secret, "tc"))
    digest = hashlib.blake2b(message.read_bytes(), digest_size=64).digest()
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    Ed25519PublicKey.from_public_bytes(pub.key).verify(sig.signature, digest)


def test_progress_reports_bytes_read(keys, tmp_path):
    pub, secret = keys
    path = tmp_path / "big.bin"
    path.write_bytes(b"x" * (3 * minisign.CHUNK_SIZE + 10))
    sig = parse_signature(sign_file(path, secret, "tc"))
    calls = []
    verify_file(path, sig, pub, progress=lambda _phase, done, total: calls.append((done, total)))
    size = path.stat().st_size
    assert calls[0] == (0, size) and calls[-1] == (size, size)
    assert len(calls) >= 4


def test_changed_file_fails(keys, message):
    pub, secret = keys
    sig = parse_signature(sign_file(message, secret, "tc"))
    data = bytearray(message.read_bytes())
    data[1000] ^= 1
    message.write_bytes(bytes(data))
    with pytest.raises(SignatureError) as err:
        verify_file(message, sig, pub)
    assert err.value.exit_code == 3


def test_changed_trusted_comment_fails(keys, message):
    pub, secret = keys
    data = sign_file(message, secret, "timestamp:1\tfile:a")
    forged = data.replace(b"file:a", b"file:b")
    assert forged != data
    with pytest.raises(SignatureError) as err:
        verify_file(message, parse_signature(forged), pub)
    assert "comment" in str(err.value)


def test_other_key_id_fails(keys, message):
    pub, secret = keys
    other_pub, _ = generate_keypair()
    sig = parse_signature(sign_file(message, secret, "tc"))
    with pytest.raises(SignatureError) as err:
        verify_file(message, sig, other_pub)
    assert pub.key_id_hex in str(err.value) and other_pub.key_id_hex in str(err.value)


def test_other_key_with_same_id_fails(keys, message):
    pub, secret = keys
    other_pub, _ = generate_keypair()
    impostor = PublicKey(key_id=pub.key_id, key=other_pub.key)
    sig = parse_signature(sign_file(message, secret, "tc"))
    with pytest.raises(SignatureError):
        verify_file(message, sig, impostor)


def test_legacy_signature_verifies(keys, message):
    pub, secret = keys
    sig = parse_signature(legacy_signature(message, secret))
    assert sig.algorithm == b"Ed" and not sig.prehashed
    verify_file(message, sig, pub)


def test_legacy_signature_of_changed_file_fails(keys, message):
    pub, secret = keys
    sig = parse_signature(legacy_signature(message, secret))
    message.write_bytes(message.read_bytes() + b"!")
    with pytest.raises(SignatureError):
        verify_file(message, sig, pub)


def test_legacy_signature_over_size_cap_is_refused(keys, message):
    pub, secret = keys
    sig = parse_signature(legacy_signature(message, secret))
    with pytest.raises(SignatureError) as err:
        verify_file(message, sig, pub, max_legacy_size=1000)
    assert "legacy" in str(err.value)


def test_cancel_stops_verification(keys, tmp_path):
    pub, secret = keys
    path = tmp_path / "big.bin"
    path.write_bytes(b"y" * (2 * minisign.CHUNK_SIZE + 1))
    sig = parse_signature(sign_file(path, secret, "tc"))
    calls = []

    def cancel():
        calls.append(1)
        return len(calls) > 1

    with pytest.raises(Cancelled):
        verify_file(path, sig, pub, cancel=cancel)


def test_missing_file_is_a_storage_error(keys, message, tmp_path):
    pub, secret = keys
    sig = parse_signature(sign_file(message, secret, "tc"))
    with pytest.raises(StorageError):
        verify_file(tmp_path / "gone.aulabundle", sig, pub)


def test_fifo_is_refused_without_blocking(keys, message, tmp_path):
    pub, secret = keys
    sig = parse_signature(sign_file(message, secret, "tc"))
    fifo = tmp_path / "pipe.aulabundle"
    os.mkfifo(fifo)
    with pytest.raises(BundleError):
        verify_file(fifo, sig, pub)


def test_sign_refuses_multiline_comments(keys, message):
    _, secret = keys
    with pytest.raises(ValueError):
        sign_file(message, secret, "two\nlines")
    with pytest.raises(ValueError):
        sign_file(message, secret, "x" * (minisign.MAX_TRUSTED_COMMENT_BYTES + 1))


# --------------------------------------------------------------------------
# Hostile .minisig files


@pytest.fixture(scope="module")
def good_sig_bytes(keys, tmp_path_factory):
    _, secret = keys
    path = tmp_path_factory.mktemp("sig") / "f"
    path.write_bytes(b"content")
    return sign_file(path, secret, "timestamp:1\tfile:f")


def _lines(data):
    return data.decode().split("\n")


def _join(lines):
    return "\n".join(lines).encode()


def test_signature_round_trip_and_crlf(good_sig_bytes):
    sig = parse_signature(good_sig_bytes)
    assert sig.to_bytes() == good_sig_bytes
    assert parse_signature(good_sig_bytes.replace(b"\n", b"\r\n")) == sig
    assert parse_signature(good_sig_bytes.rstrip(b"\n")) == sig


def _sig_struct_line(alg: bytes, length: int = 74) -> str:
    return base64.b64encode(alg + bytes(length - 2)).decode()


@pytest.mark.parametrize(
    "mutate",
    [
        lambda ls: ls[:3],  # global signature missing
        lambda ls: ls[:2],  # trusted comment missing
        lambda ls: ls[1:],  # untrusted comment missing
        lambda ls: ["comment without prefix"] + ls[1:],
        lambda ls: [ls[0], ls[1], "no trusted prefix", ls[3]],
        lambda ls: [ls[0], ls[1][:-4], ls[2], ls[3]],  # short signature
        lambda ls: [ls[0], ls[1] + "AAAA", ls[2], ls[3]],  # long signature
        lambda ls: [ls[0], ls[1][:-1] + "*", ls[2], ls[3]],  # not base64
        lambda ls: [ls[0], ls[1], ls[2], ls[3][:-4]],  # short global signature
        lambda ls: [ls[0], _sig_struct_line(b"EX"), ls[2], ls[3]],  # unknown algorithm
        lambda ls: [ls[0], _sig_struct_line(b"ed"), ls[2], ls[3]],
        lambda ls: ls[:4] + ["extra line"],
        lambda ls: [ls[0], ls[1], ls[2] + "\rhidden", ls[3]],
        lambda ls: [ls[0] + "x" * 2000, ls[1], ls[2], ls[3]],
        lambda ls: [ls[0], ls[1], ls[2] + "x" * 9000, ls[3]],
    ],
)
def test_malformed_signature_files_are_refused(good_sig_bytes, mutate):
    with pytest.raises(SignatureError) as err:
        parse_signature(_join(mutate(_lines(good_sig_bytes))))
    assert err.value.exit_code == 3


@pytest.mark.parametrize("data", [b"", b"\x00" * 100, b"\xff\xfe" * 200, b"PK\x03\x04" * 50])
def test_binary_junk_is_not_a_signature(data):
    with pytest.raises(SignatureError):
        parse_signature(data)


def test_oversized_signature_file_is_refused_without_reading_it_all(good_sig_bytes, tmp_path):
    path = tmp_path / "x.minisig"
    path.write_bytes(good_sig_bytes + b"\n" * (10 * 1024 * 1024))
    with pytest.raises(SignatureError) as err:
        read_signature_file(path)
    assert "too large" in str(err.value)
    with pytest.raises(StorageError):
        read_signature_file(tmp_path / "missing.minisig")


# --------------------------------------------------------------------------
# Secret keys


def test_scrypt_parameters_match_libsodium():
    # libsodium documents these: sensitive = N 2^20, r 8, p 1; interactive = N 2^14.
    assert scrypt_params(33554432, 1073741824) == (1 << 20, 8, 1)
    assert scrypt_params(524288, 16777216) == (1 << 14, 8, 1)
    # opslimit below memlimit/32 takes the other branch: N from opslimit.
    assert scrypt_params(32768, 1073741824) == (1 << 10, 8, 1)


def test_unencrypted_secret_key_round_trip(keys, message):
    pub, secret = keys
    text = secret.to_text(None)
    loaded = load_secret_key(text, None)
    assert loaded == secret
    assert load_secret_key(text, "ignored for an unencrypted key") == secret
    verify_file(message, parse_signature(sign_file(message, loaded, "tc")), pub)


def test_encrypted_secret_key_round_trip_and_wrong_passphrase(keys):
    _, secret = keys
    text = secret.to_text("correct horse ñ", **FAST)
    raw = base64.b64decode(text.splitlines()[1])
    assert raw[2:4] == b"Sc" and raw[4:6] == b"B2"
    assert int.from_bytes(raw[38:46], "little") == FAST["opslimit"]
    assert load_secret_key(text, "correct horse ñ") == secret
    assert minisign.needs_passphrase(text)
    assert not minisign.needs_passphrase(secret.to_text(None))
    with pytest.raises(SignatureError) as err:
        load_secret_key(text, "wrong")
    assert "Wrong passphrase" in str(err.value)
    with pytest.raises(SignatureError):
        load_secret_key(text, None)


def test_secret_key_repr_hides_the_seed(keys):
    _, secret = keys
    assert secret.seed.hex() not in repr(secret)


@pytest.mark.parametrize("offset", [60, 100, 150])
def test_damaged_unencrypted_secret_key_is_refused(keys, offset):
    _, secret = keys
    comment, line = secret.to_text(None).splitlines()
    raw = bytearray(base64.b64decode(line))
    raw[offset] ^= 0x40
    with pytest.raises(SignatureError):
        load_secret_key(comment + "\n" + base64.b64encode(bytes(raw)).decode() + "\n", None)


def test_secret_key_with_absurd_kdf_limits_is_refused(keys):
    _, secret = keys
    comment, line = secret.to_text("pw", **FAST).splitlines()
    raw = bytearray(base64.b64decode(line))
    raw[46:54] = (1 << 40).to_bytes(8, "little")  # memlimit 1 TiB
    raw[38:46] = (1 << 45).to_bytes(8, "little")
    with pytest.raises(SignatureError):
        load_secret_key(comment + "\n" + base64.b64encode(bytes(raw)).decode(), "pw")


@pytest.mark.parametrize("text", ["", "untrusted comment: x\n", "x\nAAAA\n", "a\nb\nc\n"])
def test_secret_key_garbage_is_refused(text):
    with pytest.raises(SignatureError):
        load_secret_key(text, None)
    with pytest.raises(SignatureError):
        minisign.needs_passphrase(text)


# --------------------------------------------------------------------------
# Against the real minisign


@needs_minisign
def test_minisign_keys_and_signatures_verify_here(tmp_path, message):
    result = run_minisign("-G", "-p", "p.pub", "-s", "s.key", "-W", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    pub = parse_public_key((tmp_path / "p.pub").read_text())
    assert not minisign.needs_passphrase((tmp_path / "s.key").read_text())
    secret = load_secret_key((tmp_path / "s.key").read_text(), None)
    assert secret.key_id == pub.key_id and secret.public == pub.key
    # minisign prints the id in the .pub comment (0.11 without zero padding).
    printed = pub.comment.rsplit(" ", 1)[-1]
    assert int(printed, 16) == int(pub.key_id_hex, 16)
    assert len(pub.key_id_hex) == 16 and pub.key_id_hex == pub.key_id_hex.upper()

    # Default: prehashed "ED".
    result = run_minisign("-S", "-s", "s.key", "-m", str(message), "-t", "trusted ñ", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    sig = read_signature_file(str(message) + ".minisig")
    assert sig.algorithm == b"ED"
    assert sig.trusted_comment == "trusted ñ"
    verify_file(message, sig, pub)

    # Legacy "Ed" with minisign's default trusted comment.
    legacy = tmp_path / "legacy.minisig"
    result = run_minisign("-S", "-l", "-s", "s.key", "-m", str(message), "-x", str(legacy),
                          cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    sig = read_signature_file(legacy)
    assert sig.algorithm == b"Ed"
    assert sig.trusted_comment.startswith("timestamp:")
    verify_file(message, sig, pub)

    # And a changed file fails here as it does there.
    message.write_bytes(message.read_bytes() + b"x")
    with pytest.raises(SignatureError):
        verify_file(message, sig, pub)
    assert run_minisign("-V", "-p", "p.pub", "-m", str(message), "-x", str(legacy),
                        cwd=tmp_path).returncode != 0


@needs_minisign
def test_minisign_reports_the_same_key_id_on_mismatch(tmp_path, message):
    pub, secret = generate_keypair()
    other, _ = generate_keypair()
    (tmp_path / "other.pub").write_text(other.to_text())
    (tmp_path / "sig").write_bytes(sign_file(message, secret, "tc"))
    result = run_minisign("-V", "-p", "other.pub", "-m", str(message), "-x", "sig", cwd=tmp_path)
    assert result.returncode != 0
    # "Signature key id in sig is <ID>\nbut the key id in the public key is <ID>"
    words = result.stderr.split()
    assert int(words[words.index("is") + 1], 16) == int(pub.key_id_hex, 16)
    assert int(words[-1], 16) == int(other.key_id_hex, 16)


@needs_minisign
def test_our_signatures_and_keys_work_in_minisign(tmp_path, message):
    pub, secret = generate_keypair("aulalocal test publisher")
    (tmp_path / "ours.pub").write_text(pub.to_text())
    (message.parent / (message.name + ".minisig")).write_bytes(
        sign_file(message, secret, "timestamp:1700000000\tfile:bundle.aulabundle")
    )
    result = run_minisign("-V", "-p", "ours.pub", "-m", str(message), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "timestamp:1700000000\tfile:bundle.aulabundle" in result.stdout
    # -P takes the bare base64 line.
    result = run_minisign("-V", "-P", pub.to_base64(), "-m", str(message), cwd=tmp_path)
    assert result.returncode == 0, result.stderr

    # Our unencrypted key file signs in minisign; we verify its output.
    (tmp_path / "plain.key").write_text(secret.to_text(None))
    result = run_minisign("-S", "-s", "plain.key", "-m", str(message), "-x", "a.minisig",
                          cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    verify_file(message, read_signature_file(tmp_path / "a.minisig"), pub)

    # Our encrypted key file (cheap limits) opens in minisign with the passphrase.
    (tmp_path / "enc.key").write_text(secret.to_text("s3cret pass", **FAST))
    result = run_minisign("-S", "-s", "enc.key", "-m", str(message), "-x", "b.minisig",
                          input="s3cret pass\n", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    verify_file(message, read_signature_file(tmp_path / "b.minisig"), pub)
    result = run_minisign("-S", "-s", "enc.key", "-m", str(message), "-x", "c.minisig",
                          input="wrong\n", cwd=tmp_path)
    assert result.returncode != 0


@needs_minisign
def test_minisign_password_key_loads_here(tmp_path, message):
    """Slow (about 10 s): minisign's real 1 GiB scrypt, both ways."""
    result = run_minisign("-G", "-p", "p.pub", "-s", "s.key", input="pa55 word\npa55 word\n",
                          cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    pub = parse_public_key((tmp_path / "p.pub").read_text())
    assert minisign.needs_passphrase((tmp_path / "s.key").read_text())
    secret = load_secret_key((tmp_path / "s.key").read_text(), "pa55 word")
    assert secret.key_id == pub.key_id and secret.public == pub.key
    verify_file(message, parse_signature(sign_file(message, secret, "tc")), pub)


@needs_minisign
def test_our_default_password_key_opens_in_minisign(tmp_path, message):
    """Slow (about 10 s): our key with minisign's sensitive scrypt limits."""
    pub, secret = generate_keypair()
    text = secret.to_text("pa55 word")
    raw = base64.b64decode(text.splitlines()[1])
    assert int.from_bytes(raw[38:46], "little") == minisign.OPSLIMIT_SENSITIVE
    assert int.from_bytes(raw[46:54], "little") == minisign.MEMLIMIT_SENSITIVE
    (tmp_path / "s.key").write_text(text)
    result = run_minisign("-S", "-s", "s.key", "-m", str(message), "-x", "s.minisig",
                          input="pa55 word\n", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    verify_file(message, read_signature_file(tmp_path / "s.minisig"), pub)
