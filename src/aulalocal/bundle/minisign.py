"""Minisign keys and signatures, compatible with the ``minisign`` tool.

Publishers sign bundles with the standard ``minisign`` program (spec section 1),
so this module reads and writes its exact formats:

- public key file: ``untrusted comment:`` line, then base64 of
  ``"Ed" || key id (8) || Ed25519 public key (32)``;
- signature file (``.minisig``): untrusted comment, base64 of
  ``algorithm (2) || key id (8) || signature (64)``, ``trusted comment:`` line,
  base64 of the global signature (64) over ``signature || trusted comment``;
  algorithm ``ED`` signs the BLAKE2b-512 of the file (prehashed, minisign's
  default since 0.8), legacy ``Ed`` signs the file itself;
- secret key file: base64 of ``"Ed" || kdf || "B2" || salt (32) || opslimit (8,
  LE) || memlimit (8, LE) || (key id || seed+pk (64) || checksum (32)) XOR
  scrypt stream``; kdf ``Sc`` is libsodium's crypto_pwhash_scryptsalsa208sha256,
  kdf ``\\0\\0`` an unencrypted key (``minisign -W``).

Everything read here is hostile until verified: sizes are capped, lengths and
base64 are checked strictly, and any doubt is a ``SignatureError``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from dataclasses import dataclass, field
from typing import BinaryIO, Callable, Optional

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from aulalocal.bundle.progress import CancelCheck, Progress, check_cancel
from aulalocal.errors import N_, AulaLocalError, BundleError, SignatureError, StorageError
from aulalocal.fileio import NotAFile, open_regular, read_small_file

__all__ = [
    "PublicKey",
    "SecretKey",
    "check_key_comment",
    "fingerprint_of",
    "Signature",
    "generate_keypair",
    "load_secret_key",
    "needs_passphrase",
    "parse_public_key",
    "parse_signature",
    "read_signature_file",
    "sign_file",
    "verify_file",
]

SIGALG = b"Ed"
SIGALG_HASHED = b"ED"
KDFALG = b"Sc"
KDFNONE = b"\x00\x00"
CHKALG = b"B2"

KEY_ID_BYTES = 8
PUBLIC_KEY_BYTES = 32
SIGNATURE_BYTES = 64
SALT_BYTES = 32
CHECKSUM_BYTES = 32

COMMENT_PREFIX = "untrusted comment: "
TRUSTED_COMMENT_PREFIX = "trusted comment: "

# minisign reads comment lines with fgets() into fixed buffers (1024 and 8192
# bytes, including the prefix, the newline and the NUL); staying inside the
# same bounds keeps every file we accept or write readable by minisign.
MAX_UNTRUSTED_COMMENT_BYTES = 1024 - len(COMMENT_PREFIX) - 2
MAX_TRUSTED_COMMENT_BYTES = 8192 - len(TRUSTED_COMMENT_PREFIX) - 2

# A real .minisig is under 10 KiB; anything bigger is not worth parsing.
MAX_SIGNATURE_FILE_SIZE = 64 * 1024
# Legacy signatures sign the whole file, so verifying one needs it in memory.
MAX_LEGACY_MESSAGE_SIZE = 64 * 1024 * 1024
# Key files are tiny; refuse to even base64-decode anything large.
MAX_KEY_TEXT_SIZE = 16 * 1024

CHUNK_SIZE = 1024 * 1024

# libsodium's crypto_pwhash_scryptsalsa208sha256_*_SENSITIVE, what minisign uses.
OPSLIMIT_SENSITIVE = 33554432
MEMLIMIT_SENSITIVE = 1073741824
# A hostile or corrupt key file could ask scrypt for absurd work; refuse more
# than the sensitive limits need (1 GiB of memory, parallelism 1).
_MAX_SCRYPT_MEMORY = 128 * 8 * (1 << 20)
_MAX_SCRYPT_P = 1

_KEYNUM_SK_BYTES = KEY_ID_BYTES + 64 + CHECKSUM_BYTES  # 104
_SECRET_KEY_STRUCT_BYTES = 2 + 2 + 2 + SALT_BYTES + 8 + 8 + _KEYNUM_SK_BYTES  # 158
_PUBLIC_KEY_STRUCT_BYTES = 2 + KEY_ID_BYTES + PUBLIC_KEY_BYTES  # 42
_SIG_STRUCT_BYTES = 2 + KEY_ID_BYTES + SIGNATURE_BYTES  # 74


def _key_id_hex(key_id: bytes) -> str:
    # minisign prints the key id as le64_load(keynum) with PRIX64; we always
    # pad to 16 digits (minisign 0.11 does not pad, newer versions do), so
    # compare ids as numbers, never as strings, when reading minisign output.
    return "%016X" % int.from_bytes(key_id, "little")


def _b64decode_strict(text: str, expected_len: int) -> Optional[bytes]:
    """Decode canonical standard base64 of exactly ``expected_len`` bytes, or None."""
    if len(text) != 4 * ((expected_len + 2) // 3):
        return None
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return None
    # Re-encoding rules out non-canonical padding bits: one text, one key.
    if len(raw) != expected_len or base64.b64encode(raw).decode("ascii") != text:
        return None
    return raw


def _b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _check_comment(comment: str, limit: int, what: str) -> bytes:
    """Encode a comment for writing, refusing what minisign could not read back."""
    if "\n" in comment or "\r" in comment or "\x00" in comment:
        raise ValueError(f"the {what} must be a single line")
    raw = comment.encode("utf-8")
    if len(raw) > limit:
        raise ValueError(f"the {what} is longer than {limit} bytes")
    return raw


# --------------------------------------------------------------------------
# Public keys


# Characters a key comment may not hold: controls (NUL, ESC, CR...), format
# characters (bidi overrides), surrogates, private use, line and paragraph
# separators. A comment is shown to a teacher as the publisher's name.
_UNPRINTABLE = frozenset(("Cc", "Cf", "Cs", "Co", "Zl", "Zp"))


def check_key_comment(comment: str, error: type[AulaLocalError] = SignatureError) -> None:
    """Raise ``error`` unless ``comment`` can be a public key's comment:
    what minisign reads back, and what can be shown to a teacher as it is."""
    import unicodedata

    try:
        size = len(comment.encode("utf-8"))
    except UnicodeEncodeError:  # a lone surrogate: an undecodable byte from the command line
        size = MAX_UNTRUSTED_COMMENT_BYTES + 1
    if size > MAX_UNTRUSTED_COMMENT_BYTES or any(
        unicodedata.category(c) in _UNPRINTABLE for c in comment
    ):
        raise error(
            N_("A key's comment must be one line of printable text of at most {limit} bytes."),
            limit=MAX_UNTRUSTED_COMMENT_BYTES,
        )


@dataclass(frozen=True)
class PublicKey:
    """A minisign public key: 8-byte key id and 32-byte Ed25519 key.

    The key id is a name its maker chooses freely: two different keys can
    carry the same id. The key is its 32 bytes; compare those (``same_key``),
    and show people the ``fingerprint``.
    """

    key_id: bytes
    key: bytes
    comment: str = ""

    def __post_init__(self) -> None:
        if len(self.key_id) != KEY_ID_BYTES or len(self.key) != PUBLIC_KEY_BYTES:
            raise ValueError("a minisign public key has an 8-byte id and a 32-byte key")

    @property
    def key_id_hex(self) -> str:
        """The key id as minisign shows it: 16 uppercase hex digits."""
        return _key_id_hex(self.key_id)

    @property
    def fingerprint(self) -> str:
        """What a person reads aloud to compare keys: the first 128 bits of
        the SHA-256 of the 32-byte key, as 8 groups of 4 hex digits.

        Finding another key with the same fingerprint takes about 2^128
        tries; anyone can check it with ``sha256sum`` (docs/publishing.md).
        """
        return fingerprint_of(self.key)

    def same_key(self, other: "PublicKey") -> bool:
        return hmac.compare_digest(self.key, other.key)

    def to_base64(self) -> str:
        """The key's base64 line, as ``minisign -P`` takes it."""
        return _b64encode(SIGALG + self.key_id + self.key)

    def to_text(self) -> str:
        """A minisign ``.pub`` file."""
        comment = self.comment or f"minisign public key {self.key_id_hex}"
        _check_comment(comment, MAX_UNTRUSTED_COMMENT_BYTES, "public key comment")
        return f"{COMMENT_PREFIX}{comment}\n{self.to_base64()}\n"


def fingerprint_of(key: bytes) -> str:
    """The ``PublicKey.fingerprint`` of 32 key bytes (also of a pinned key read back)."""
    digits = hashlib.sha256(key).hexdigest().upper()[:32]
    return " ".join(digits[i:i + 4] for i in range(0, len(digits), 4))


def _not_a_key() -> SignatureError:
    return SignatureError(N_("This is not a minisign public key."))


def parse_public_key(data: "str | bytes") -> PublicKey:
    """Read a minisign public key: a whole ``.pub`` file, or only its base64 line.

    ``data`` is the text, or the bytes of a file (UTF-8). Lines end in LF or
    CRLF; a byte-order mark, blank lines and spaces around the key are
    allowed, as Windows editors add them. Anything else that is not exactly
    one key, whose comment minisign could read and AulaLocal can write back
    and show, raises ``SignatureError``, never another exception.
    """
    if len(data) > MAX_KEY_TEXT_SIZE:
        raise SignatureError(N_("The key file is too large to be a minisign public key."))
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            raise SignatureError(N_("A public key file is plain UTF-8 text; this one is not.")) from None
    lines = [line.rstrip("\r").strip(" \t") for line in data.lstrip("\ufeff").split("\n")]
    lines = [line for line in lines if line]
    comment = ""
    if len(lines) == 2 and lines[0].startswith(COMMENT_PREFIX.rstrip()):
        comment = lines[0][len(COMMENT_PREFIX.rstrip()):].strip(" \t")
        check_key_comment(comment)
        lines = lines[1:]
    if len(lines) != 1:
        raise _not_a_key()
    raw = _b64decode_strict(lines[0], _PUBLIC_KEY_STRUCT_BYTES)
    if raw is None:
        raise _not_a_key()
    if raw[:2] != SIGALG:
        raise SignatureError(N_("This public key uses an algorithm AulaLocal does not support."))
    return PublicKey(key_id=raw[2:10], key=raw[10:], comment=comment)


# --------------------------------------------------------------------------
# Signatures


@dataclass(frozen=True)
class Signature:
    """A parsed ``.minisig`` file. Nothing in it is verified yet."""

    algorithm: bytes  # b"ED" (prehashed BLAKE2b-512) or b"Ed" (legacy)
    key_id: bytes
    signature: bytes
    # The exact bytes the global signature covers: minisign signs raw bytes,
    # which need not be UTF-8 (a Windows file name in the default comment).
    trusted_comment_bytes: bytes
    global_signature: bytes
    untrusted_comment: str = ""

    @property
    def prehashed(self) -> bool:
        return self.algorithm == SIGALG_HASHED

    @property
    def key_id_hex(self) -> str:
        """The signing key's id as minisign shows it: 16 uppercase hex digits."""
        return _key_id_hex(self.key_id)

    @property
    def trusted_comment(self) -> str:
        """The trusted comment for display (only trustworthy after verification)."""
        return self.trusted_comment_bytes.decode("utf-8", errors="replace")

    def to_bytes(self) -> bytes:
        """The ``.minisig`` file content."""
        return b"".join(
            [
                COMMENT_PREFIX.encode("ascii"),
                _check_comment(self.untrusted_comment, MAX_UNTRUSTED_COMMENT_BYTES,
                               "untrusted comment"),
                b"\n",
                _b64encode(self.algorithm + self.key_id + self.signature).encode("ascii"),
                b"\n",
                TRUSTED_COMMENT_PREFIX.encode("ascii"),
                self.trusted_comment_bytes,
                b"\n",
                _b64encode(self.global_signature).encode("ascii"),
                b"\n",
            ]
        )


def _bad_signature_file() -> SignatureError:
    return SignatureError(
        N_("The signature file is damaged or is not a minisign signature.")
    )


def parse_signature(data: bytes) -> Signature:
    """Parse the content of a ``.minisig`` file, strictly.

    Raises ``SignatureError`` for an oversized file, missing lines, bad base64,
    wrong lengths or an unknown algorithm. Verification is ``verify_file``'s job.
    """
    if len(data) > MAX_SIGNATURE_FILE_SIZE:
        raise SignatureError(N_("The signature file is too large to be a minisign signature."))
    lines = data.split(b"\n")
    # A final newline (or a few blank lines an editor added) is fine; any
    # other content after the four lines is not.
    while lines and lines[-1].strip(b"\r\t ") == b"":
        lines.pop()
    if len(lines) != 4:
        raise _bad_signature_file()
    # CRLF files are accepted the way minisign's trim() accepts them; a CR
    # anywhere else would make us and minisign disagree on the signed bytes.
    lines = [line[:-1] if line.endswith(b"\r") else line for line in lines]
    if any(b"\r" in line or b"\x00" in line for line in lines):
        raise _bad_signature_file()
    untrusted, sig_line, trusted, global_line = lines

    prefix = COMMENT_PREFIX.encode("ascii")
    if not untrusted.startswith(prefix):
        raise _bad_signature_file()
    untrusted_comment = untrusted[len(prefix):]
    if len(untrusted_comment) > MAX_UNTRUSTED_COMMENT_BYTES:
        raise _bad_signature_file()

    tprefix = TRUSTED_COMMENT_PREFIX.encode("ascii")
    if not trusted.startswith(tprefix):
        raise _bad_signature_file()
    trusted_comment = trusted[len(tprefix):]
    if len(trusted_comment) > MAX_TRUSTED_COMMENT_BYTES:
        raise _bad_signature_file()

    try:
        sig_text = sig_line.decode("ascii").strip()
        global_text = global_line.decode("ascii").strip()
    except UnicodeDecodeError:
        raise _bad_signature_file() from None
    sig_raw = _b64decode_strict(sig_text, _SIG_STRUCT_BYTES)
    global_sig = _b64decode_strict(global_text, SIGNATURE_BYTES)
    if sig_raw is None or global_sig is None:
        raise _bad_signature_file()
    algorithm = sig_raw[:2]
    if algorithm not in (SIGALG, SIGALG_HASHED):
        raise SignatureError(
            N_("The signature uses an algorithm AulaLocal does not support.")
        )
    return Signature(
        algorithm=algorithm,
        key_id=sig_raw[2:10],
        signature=sig_raw[10:],
        trusted_comment_bytes=trusted_comment,
        global_signature=global_sig,
        untrusted_comment=untrusted_comment.decode("utf-8", errors="replace"),
    )


def not_a_signature_file(path: "os.PathLike[str] | str") -> SignatureError:
    """The error for a ``.minisig`` that is a FIFO, a folder, a device or a link."""
    return SignatureError(
        N_("{path} is not a signature file: it is a link, a folder or a special file."
           " Copy the bundle and its .minisig file to the drive again."),
        path=os.fspath(path),
    )


def read_signature_file(path: "os.PathLike[str] | str") -> Signature:
    """Read and parse a ``.minisig`` file, never reading more than the size cap."""
    try:
        data = read_small_file(path, MAX_SIGNATURE_FILE_SIZE)
    except NotAFile:
        raise not_a_signature_file(path) from None
    except OSError:
        raise StorageError(
            N_("Could not read {path}. Check that the drive is still connected, then try again."),
            path=os.fspath(path),
        ) from None
    return parse_signature(data)


def _read_stream(
    fh: BinaryIO,
    total: int,
    phase: str,
    progress: Optional[Progress],
    cancel: Optional[CancelCheck],
    sink: Callable[[bytes], None],
    limit: Optional[int] = None,
) -> int:
    """Feed ``fh`` to ``sink`` in chunks, reporting ``progress(phase, ...)``; return the byte count.

    With ``limit``, raises ``_TooLarge`` as soon as more bytes come than that,
    before they reach ``sink`` (the file may have grown since it was measured).
    """
    done = 0
    if progress is not None:
        progress(phase, 0, total)
    while True:
        check_cancel(cancel)
        chunk = fh.read(CHUNK_SIZE)
        if not chunk:
            return done
        done += len(chunk)
        if limit is not None and done > limit:
            raise _TooLarge()
        sink(chunk)
        if progress is not None:
            progress(phase, done, total)


class _TooLarge(Exception):
    pass


def verify_file(
    path: "os.PathLike[str] | str",
    signature: Signature,
    key: PublicKey,
    progress: Optional[Progress] = None,
    cancel: Optional[CancelCheck] = None,
    *,
    max_legacy_size: int = MAX_LEGACY_MESSAGE_SIZE,
    blake2b_digest: Optional[bytes] = None,
) -> None:
    """Check that ``signature`` by ``key`` covers the file at ``path``.

    ``blake2b_digest``, the BLAKE2b-512 of the file computed while it was
    copied, spares reading it again for a prehashed signature.

    Verifies the file signature (``ED``: over the streamed BLAKE2b-512 of the
    file; legacy ``Ed``: over the file itself, which must then be at most
    ``max_legacy_size`` bytes) and the global signature over the trusted
    comment. Returns only if both hold; raises ``SignatureError`` otherwise,
    ``StorageError`` if the file cannot be read, ``Cancelled`` if ``cancel()``
    returns True, ``BundleError`` if ``path`` is not a regular file.
    ``progress("verify", done_bytes, total_bytes)`` follows the reading.
    """
    if not hmac.compare_digest(signature.key_id, key.key_id):
        raise SignatureError(
            N_("The signature was made with key {signature_key_id}, not with key {key_id}."),
            signature_key_id=signature.key_id_hex,
            key_id=key.key_id_hex,
        )
    try:
        public = Ed25519PublicKey.from_public_bytes(key.key)
    except ValueError:
        raise SignatureError(N_("This is not a minisign public key.")) from None

    if signature.prehashed and blake2b_digest is not None:
        _verify_message(public, signature, blake2b_digest)
        return
    try:
        # Never opened as a FIFO or a device (which could block for ever).
        try:
            fh = open_regular(path, follow_links=True)
        except NotAFile:
            raise BundleError(N_("The bundle is not a regular file.")) from None
        with fh:
            total = os.fstat(fh.fileno()).st_size
            if signature.prehashed:
                hasher = hashlib.blake2b(digest_size=64)
                _read_stream(fh, total, "verify", progress, cancel, hasher.update)
                message = hasher.digest()
            else:
                if total > max_legacy_size:
                    raise _TooLarge()
                parts: list[bytes] = []
                _read_stream(fh, total, "verify", progress, cancel, parts.append, limit=max_legacy_size)
                message = b"".join(parts)
    except _TooLarge:
        raise SignatureError(
            N_("The file is too large for its legacy signature. "
               "Ask the publisher to sign it again with a current minisign.")
        ) from None
    except OSError:
        raise StorageError(
            N_("Could not read {path}. Check that the drive is still connected, then try again."),
            path=os.fspath(path),
        ) from None
    _verify_message(public, signature, message)


def _verify_message(public: Ed25519PublicKey, signature: Signature, message: bytes) -> None:
    """The file signature over ``message``, then the global one over the trusted comment."""
    try:
        public.verify(signature.signature, message)
    except InvalidSignature:
        raise SignatureError(
            N_("The signature does not match the file: it is damaged or was changed. "
               "Copy it again from the publisher.")
        ) from None
    try:
        public.verify(
            signature.global_signature,
            signature.signature + signature.trusted_comment_bytes,
        )
    except InvalidSignature:
        raise SignatureError(
            N_("The signature's trusted comment was changed. Copy the bundle again from the publisher.")
        ) from None


# --------------------------------------------------------------------------
# Secret keys and signing (publisher side)


def _scrypt_params(opslimit: int, memlimit: int) -> tuple[int, int, int]:
    """(N, r, p) exactly as libsodium's crypto_pwhash_scryptsalsa208sha256 picks them."""
    if opslimit < 32768:
        opslimit = 32768
    r = 8
    if opslimit < memlimit // 32:
        p = 1
        max_n = opslimit // (r * 4)
        n_log2 = 1
        while n_log2 < 63 and not (1 << n_log2) > max_n // 2:
            n_log2 += 1
    else:
        max_n = memlimit // (r * 128)
        n_log2 = 1
        while n_log2 < 63 and not (1 << n_log2) > max_n // 2:
            n_log2 += 1
        max_rp = (opslimit // 4) // (1 << n_log2)
        if max_rp > 0x3FFFFFFF:
            max_rp = 0x3FFFFFFF
        p = max_rp // r
    return 1 << n_log2, r, p


def _kdf_stream(passphrase: str, salt: bytes, opslimit: int, memlimit: int) -> bytes:
    n, r, p = _scrypt_params(opslimit, memlimit)
    memory = 128 * r * n
    if p < 1 or p > _MAX_SCRYPT_P or memory > _MAX_SCRYPT_MEMORY:
        raise SignatureError(
            N_("The secret key uses key derivation settings AulaLocal does not support.")
        )
    try:
        return hashlib.scrypt(
            passphrase.encode("utf-8"),
            salt=salt,
            n=n,
            r=r,
            p=p,
            # OpenSSL wants room for V (128*r*N) plus B and XY; the default
            # 32 MiB cap would refuse minisign's 1 GiB "sensitive" setting.
            maxmem=memory + 128 * r * (p + 2) + 1024 * 1024,
            dklen=_KEYNUM_SK_BYTES,
        )
    except (ValueError, MemoryError):
        raise StorageError(
            N_("Not enough memory to unlock the secret key. Close other programs and try again.")
        ) from None


def _checksum(key_id: bytes, secret: bytes) -> bytes:
    # minisign's seckey_compute_chk: BLAKE2b-256 of sig_alg || key id || sk.
    return hashlib.blake2b(SIGALG + key_id + secret, digest_size=CHECKSUM_BYTES).digest()


def _xor(a: bytes, b: bytes) -> bytes:
    return bytes(x ^ y for x, y in zip(a, b))


@dataclass(frozen=True)
class SecretKey:
    """A minisign secret key: key id, Ed25519 seed and public key."""

    key_id: bytes
    seed: bytes = field(repr=False)
    public: bytes
    comment: str = "minisign encrypted secret key"

    def __post_init__(self) -> None:
        if (len(self.key_id) != KEY_ID_BYTES or len(self.seed) != 32
                or len(self.public) != PUBLIC_KEY_BYTES):
            raise ValueError("a minisign secret key has an 8-byte id, a 32-byte seed and key")

    @property
    def key_id_hex(self) -> str:
        return _key_id_hex(self.key_id)

    def public_key(self, comment: str = "") -> PublicKey:
        return PublicKey(key_id=self.key_id, key=self.public, comment=comment)

    def _private(self) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(self.seed)

    def to_text(
        self,
        passphrase: Optional[str],
        *,
        opslimit: int = OPSLIMIT_SENSITIVE,
        memlimit: int = MEMLIMIT_SENSITIVE,
    ) -> str:
        """A minisign secret key file, encrypted with ``passphrase`` (scrypt) or,
        with ``None``, unencrypted like ``minisign -G -W``.

        The limits default to minisign's; lower ones are for tests and are still
        read correctly by minisign, which takes them from the file.
        """
        secret = self.seed + self.public
        chk = _checksum(self.key_id, secret)
        keynum_sk = self.key_id + secret + chk
        if passphrase is None:
            kdf, salt, ops, mem = KDFNONE, bytes(SALT_BYTES), 0, 0
        else:
            kdf, salt, ops, mem = KDFALG, os.urandom(SALT_BYTES), opslimit, memlimit
            keynum_sk = _xor(keynum_sk, _kdf_stream(passphrase, salt, ops, mem))
        raw = (SIGALG + kdf + CHKALG + salt + ops.to_bytes(8, "little")
               + mem.to_bytes(8, "little") + keynum_sk)
        assert len(raw) == _SECRET_KEY_STRUCT_BYTES
        _check_comment(self.comment, MAX_UNTRUSTED_COMMENT_BYTES, "secret key comment")
        return f"{COMMENT_PREFIX}{self.comment}\n{_b64encode(raw)}\n"


def generate_keypair(comment: Optional[str] = None) -> tuple[PublicKey, SecretKey]:
    """A new key pair with a random key id, like ``minisign -G``.

    ``comment`` becomes the public key's untrusted comment (default:
    ``minisign public key <ID>``).
    """
    private = Ed25519PrivateKey.generate()
    # The *_raw() forms: cryptography's serialization module costs 20 ms to import.
    seed = private.private_bytes_raw()
    public = private.public_key().public_bytes_raw()
    secret = SecretKey(key_id=os.urandom(KEY_ID_BYTES), seed=seed, public=public)
    pub = secret.public_key(comment or f"minisign public key {secret.key_id_hex}")
    return pub, secret


def _secret_key_struct(text: str) -> tuple[str, bytes]:
    """(comment, decoded key struct) of a secret key file, checked for shape."""
    if len(text) > MAX_KEY_TEXT_SIZE:
        raise SignatureError(N_("This is not a minisign secret key."))
    lines = [line.strip() for line in text.lstrip("\ufeff").splitlines()]
    lines = [line for line in lines if line]
    if len(lines) != 2:
        raise SignatureError(N_("This is not a minisign secret key."))
    comment = lines[0]
    if comment.startswith(COMMENT_PREFIX):
        comment = comment[len(COMMENT_PREFIX):]
    raw = _b64decode_strict(lines[1], _SECRET_KEY_STRUCT_BYTES)
    if raw is None:
        raise SignatureError(N_("This is not a minisign secret key."))
    if raw[0:2] != SIGALG or raw[4:6] != CHKALG or raw[2:4] not in (KDFALG, KDFNONE):
        raise SignatureError(
            N_("This secret key uses an algorithm AulaLocal does not support.")
        )
    return comment, raw


def needs_passphrase(text: str) -> bool:
    """Whether the secret key file ``text`` is encrypted (``SignatureError`` if not a key)."""
    return _secret_key_struct(text)[1][2:4] == KDFALG


def load_secret_key(text: str, passphrase: Optional[str]) -> SecretKey:
    """Read a minisign secret key file (as written by ``minisign -G`` or ``to_text``).

    A wrong passphrase is detected by the key's checksum and raises
    ``SignatureError``; so does an encrypted key without a passphrase or a
    damaged file. The passphrase is ignored for an unencrypted key.
    """
    comment, raw = _secret_key_struct(text)
    kdf = raw[2:4]
    salt = raw[6:38]
    opslimit = int.from_bytes(raw[38:46], "little")
    memlimit = int.from_bytes(raw[46:54], "little")
    keynum_sk = raw[54:]
    encrypted = kdf == KDFALG
    if encrypted:
        if passphrase is None:
            raise SignatureError(
                N_("This secret key is protected by a passphrase. Enter its passphrase.")
            )
        keynum_sk = _xor(keynum_sk, _kdf_stream(passphrase, salt, opslimit, memlimit))
    key_id, secret, chk = keynum_sk[:8], keynum_sk[8:72], keynum_sk[72:]
    expected = _checksum(key_id, secret)
    # minisign -G -W leaves the checksum of an unencrypted key all zeros.
    checksum_ok = hmac.compare_digest(chk, expected) or (
        not encrypted and chk == bytes(CHECKSUM_BYTES)
    )
    if not checksum_ok:
        if encrypted:
            raise SignatureError(N_("Wrong passphrase for the secret key."))
        raise SignatureError(N_("The secret key file is damaged."))
    seed, public = secret[:32], secret[32:]
    derived = Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes_raw()
    if not hmac.compare_digest(derived, public):
        raise SignatureError(N_("The secret key file is damaged."))
    return SecretKey(key_id=key_id, seed=seed, public=public, comment=comment)


def sign_file(
    path: "os.PathLike[str] | str",
    secret: SecretKey,
    trusted_comment: str,
    untrusted_comment: str = "signature from aulalocal secret key",
    progress: Optional[Progress] = None,
    cancel: Optional[CancelCheck] = None,
) -> bytes:
    """Sign a file like ``minisign -S`` (prehashed ``ED``); return the .minisig content.

    The file is streamed, so its size does not matter. Comments must be single
    lines within minisign's limits (``ValueError`` otherwise).
    """
    tc = _check_comment(trusted_comment, MAX_TRUSTED_COMMENT_BYTES, "trusted comment")
    _check_comment(untrusted_comment, MAX_UNTRUSTED_COMMENT_BYTES, "untrusted comment")
    hasher = hashlib.blake2b(digest_size=64)
    try:
        with open(path, "rb") as fh:
            total = os.fstat(fh.fileno()).st_size
            _read_stream(fh, total, "sign", progress, cancel, hasher.update)
    except OSError:
        raise StorageError(
            N_("Could not read {path}. Check that the drive is still connected, then try again."),
            path=os.fspath(path),
        ) from None
    private = secret._private()
    # Like minisign, refuse to hand out a signature the public key would reject.
    if private.public_key().public_bytes_raw() != secret.public:
        raise SignatureError(N_("The secret key file is damaged."))
    sig = private.sign(hasher.digest())
    global_sig = private.sign(sig + tc)
    return Signature(
        algorithm=SIGALG_HASHED,
        key_id=secret.key_id,
        signature=sig,
        trusted_comment_bytes=tc,
        global_signature=global_sig,
        untrusted_comment=untrusted_comment,
    ).to_bytes()
