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

The formats live in ``encoding``; public keys in ``keys``; signatures and
their verification in ``signatures``; secret keys and signing in ``secret``.

Everything read here is hostile until verified: sizes are capped, lengths and
base64 are checked strictly, and any doubt is a ``SignatureError``.
"""

from aulalocal.bundle.minisign.encoding import (
    CHUNK_SIZE,
    MAX_KEY_TEXT_SIZE,
    MAX_SIGNATURE_FILE_SIZE,
    MAX_TRUSTED_COMMENT_BYTES,
    MAX_UNTRUSTED_COMMENT_BYTES,
    MEMLIMIT_SENSITIVE,
    OPSLIMIT_SENSITIVE,
)
from aulalocal.bundle.minisign.keys import PublicKey, check_key_comment, fingerprint_of, normalized_fingerprint, parse_public_key
from aulalocal.bundle.minisign.secret import SecretKey, generate_keypair, load_secret_key, needs_passphrase, sign_file
from aulalocal.bundle.minisign.signatures import Signature, not_a_signature_file, parse_signature, verify_file

__all__ = [
    "CHUNK_SIZE",
    "MAX_KEY_TEXT_SIZE",
    "MAX_SIGNATURE_FILE_SIZE",
    "MAX_TRUSTED_COMMENT_BYTES",
    "MAX_UNTRUSTED_COMMENT_BYTES",
    "MEMLIMIT_SENSITIVE",
    "OPSLIMIT_SENSITIVE",
    "PublicKey",
    "SecretKey",
    "Signature",
    "check_key_comment",
    "fingerprint_of",
    "generate_keypair",
    "load_secret_key",
    "needs_passphrase",
    "normalized_fingerprint",
    "not_a_signature_file",
    "parse_public_key",
    "parse_signature",
    "sign_file",
    "verify_file",
]
