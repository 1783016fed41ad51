"""Minisign secret keys and signing (the publisher's side).

A secret key file is base64 of ``"Ed" || kdf || "B2" || salt (32) ||
opslimit (8, LE) || memlimit (8, LE) || (key id || seed+pk (64) || checksum
(32)) XOR scrypt stream``; kdf ``Sc`` is libsodium's
crypto_pwhash_scryptsalsa208sha256, kdf ``\\0\\0`` an unencrypted key
(``minisign -W``).
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass, field
from typing import Optional

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from aulalocal.bundle.minisign.encoding import (
    KEYNUM_SK_BYTES,
    MAX_SCRYPT_MEMORY,
    MAX_SCRYPT_P,
    SECRET_KEY_STRUCT_BYTES,
    CHECKSUM_BYTES,
    CHKALG,
    COMMENT_PREFIX,
    KDFALG,
    KDFNONE,
    KEY_ID_BYTES,
    MAX_KEY_TEXT_SIZE,
    MAX_TRUSTED_COMMENT_BYTES,
    MAX_UNTRUSTED_COMMENT_BYTES,
    MEMLIMIT_SENSITIVE,
    OPSLIMIT_SENSITIVE,
    PUBLIC_KEY_BYTES,
    SALT_BYTES,
    SIGALG,
    SIGALG_HASHED,
    b64decode_strict,
    b64encode,
    check_comment,
    key_id_hex,
)
from aulalocal.bundle.minisign.keys import PublicKey
from aulalocal.bundle.minisign.signatures import Signature, read_stream
from aulalocal.bundle.progress import CancelCheck, Progress
from aulalocal.errors import N_, SignatureError, StorageError

def scrypt_params(opslimit: int, memlimit: int) -> tuple[int, int, int]:
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
    n, r, p = scrypt_params(opslimit, memlimit)
    memory = 128 * r * n
    if p < 1 or p > MAX_SCRYPT_P or memory > MAX_SCRYPT_MEMORY:
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
            dklen=KEYNUM_SK_BYTES,
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
        return key_id_hex(self.key_id)

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
        assert len(raw) == SECRET_KEY_STRUCT_BYTES
        check_comment(self.comment, MAX_UNTRUSTED_COMMENT_BYTES, "secret key comment")
        return f"{COMMENT_PREFIX}{self.comment}\n{b64encode(raw)}\n"


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
    raw = b64decode_strict(lines[1], SECRET_KEY_STRUCT_BYTES)
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
    tc = check_comment(trusted_comment, MAX_TRUSTED_COMMENT_BYTES, "trusted comment")
    check_comment(untrusted_comment, MAX_UNTRUSTED_COMMENT_BYTES, "untrusted comment")
    hasher = hashlib.blake2b(digest_size=64)
    try:
        with open(path, "rb") as fh:
            total = os.fstat(fh.fileno()).st_size
            read_stream(fh, total, "sign", progress, cancel, hasher.update)
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
