"""Minisign public keys: a ``.pub`` file's ``untrusted comment:`` line, then base64 of
``"Ed" || key id (8) || Ed25519 public key (32)``."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from aulalocal.bundle.minisign.encoding import (
    PUBLIC_KEY_STRUCT_BYTES,
    COMMENT_PREFIX,
    KEY_ID_BYTES,
    MAX_KEY_TEXT_SIZE,
    MAX_UNTRUSTED_COMMENT_BYTES,
    PUBLIC_KEY_BYTES,
    SIGALG,
    b64decode_strict,
    b64encode,
    check_comment,
    key_id_hex,
)
from aulalocal.errors import N_, AulaLocalError, SignatureError


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
        return key_id_hex(self.key_id)

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
        return b64encode(SIGALG + self.key_id + self.key)

    def to_text(self) -> str:
        """A minisign ``.pub`` file."""
        comment = self.comment or f"minisign public key {self.key_id_hex}"
        check_comment(comment, MAX_UNTRUSTED_COMMENT_BYTES, "public key comment")
        return f"{COMMENT_PREFIX}{comment}\n{self.to_base64()}\n"


def fingerprint_of(key: bytes) -> str:
    """The ``PublicKey.fingerprint`` of 32 key bytes (also of a pinned key read back)."""
    digits = hashlib.sha256(key).hexdigest().upper()[:32]
    return " ".join(digits[i:i + 4] for i in range(0, len(digits), 4))


def normalized_fingerprint(text: str) -> str | None:
    """A fingerprint as a person typed it (any case, spaces or none) in ``fingerprint_of``'s form; None if it is not one."""
    digits = "".join(text.split()).upper()
    if len(digits) != 32 or any(c not in "0123456789ABCDEF" for c in digits):
        return None
    return " ".join(digits[i:i + 4] for i in range(0, 32, 4))


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
    raw = b64decode_strict(lines[0], PUBLIC_KEY_STRUCT_BYTES)
    if raw is None:
        raise _not_a_key()
    if raw[:2] != SIGALG:
        raise SignatureError(N_("This public key uses an algorithm AulaLocal does not support."))
    return PublicKey(key_id=raw[2:10], key=raw[10:], comment=comment)
