"""Minisign signatures (``.minisig``): parsed strictly, then verified over a file.

Untrusted comment, base64 of ``algorithm (2) || key id (8) || signature
(64)``, ``trusted comment:`` line, base64 of the global signature (64) over
``signature || trusted comment``; algorithm ``ED`` signs the BLAKE2b-512 of
the file (prehashed, minisign's default since 0.8), legacy ``Ed`` the file
itself.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass
from typing import BinaryIO, Callable, Optional

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from aulalocal.bundle.minisign.encoding import (
    SIG_STRUCT_BYTES,
    CHUNK_SIZE,
    COMMENT_PREFIX,
    MAX_LEGACY_MESSAGE_SIZE,
    MAX_SIGNATURE_FILE_SIZE,
    MAX_TRUSTED_COMMENT_BYTES,
    MAX_UNTRUSTED_COMMENT_BYTES,
    SIGALG,
    SIGALG_HASHED,
    SIGNATURE_BYTES,
    TRUSTED_COMMENT_PREFIX,
    b64decode_strict,
    b64encode,
    check_comment,
    key_id_hex,
)
from aulalocal.bundle.minisign.keys import PublicKey
from aulalocal.bundle.progress import CancelCheck, Progress, check_cancel
from aulalocal.errors import N_, BundleError, SignatureError, StorageError
from aulalocal.fileio import NotAFile, open_regular

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
        return key_id_hex(self.key_id)

    @property
    def trusted_comment(self) -> str:
        """The trusted comment for display (only trustworthy after verification)."""
        return self.trusted_comment_bytes.decode("utf-8", errors="replace")

    def to_bytes(self) -> bytes:
        """The ``.minisig`` file content."""
        return b"".join(
            [
                COMMENT_PREFIX.encode("ascii"),
                check_comment(self.untrusted_comment, MAX_UNTRUSTED_COMMENT_BYTES,
                               "untrusted comment"),
                b"\n",
                b64encode(self.algorithm + self.key_id + self.signature).encode("ascii"),
                b"\n",
                TRUSTED_COMMENT_PREFIX.encode("ascii"),
                self.trusted_comment_bytes,
                b"\n",
                b64encode(self.global_signature).encode("ascii"),
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
    sig_raw = b64decode_strict(sig_text, SIG_STRUCT_BYTES)
    global_sig = b64decode_strict(global_text, SIGNATURE_BYTES)
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



def read_stream(
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
                read_stream(fh, total, "verify", progress, cancel, hasher.update)
                message = hasher.digest()
            else:
                if total > max_legacy_size:
                    raise _TooLarge()
                parts: list[bytes] = []
                read_stream(fh, total, "verify", progress, cancel, parts.append, limit=max_legacy_size)
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
