"""What minisign's files are made of: algorithm tags, sizes, comment lines, strict base64."""

from __future__ import annotations

import base64
import binascii
from typing import Optional

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
MAX_SCRYPT_MEMORY = 128 * 8 * (1 << 20)
MAX_SCRYPT_P = 1

KEYNUM_SK_BYTES = KEY_ID_BYTES + 64 + CHECKSUM_BYTES  # 104
SECRET_KEY_STRUCT_BYTES = 2 + 2 + 2 + SALT_BYTES + 8 + 8 + KEYNUM_SK_BYTES  # 158
PUBLIC_KEY_STRUCT_BYTES = 2 + KEY_ID_BYTES + PUBLIC_KEY_BYTES  # 42
SIG_STRUCT_BYTES = 2 + KEY_ID_BYTES + SIGNATURE_BYTES  # 74


def key_id_hex(key_id: bytes) -> str:
    # minisign prints the key id as le64_load(keynum) with PRIX64; we always
    # pad to 16 digits (minisign 0.11 does not pad, newer versions do), so
    # compare ids as numbers, never as strings, when reading minisign output.
    return "%016X" % int.from_bytes(key_id, "little")


def b64decode_strict(text: str, expected_len: int) -> Optional[bytes]:
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


def b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def check_comment(comment: str, limit: int, what: str) -> bytes:
    """Encode a comment for writing, refusing what minisign could not read back."""
    if "\n" in comment or "\r" in comment or "\x00" in comment:
        raise ValueError(f"the {what} must be a single line")
    raw = comment.encode("utf-8")
    if len(raw) > limit:
        raise ValueError(f"the {what} is longer than {limit} bytes")
    return raw
