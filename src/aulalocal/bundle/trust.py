"""Which publisher keys this laptop trusts.

Keys that ship with the app are in ``resources/keys/*.pub`` (public keys only);
keys a teacher or IT helper added live in ``<data folder>/keys/``. Each
catalog is also pinned to the key of its first applied bundle (the ``key_id``
of its row in ``catalogs``), checked in ``bundle.importer``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aulalocal import paths
from aulalocal.bundle.minisign import MAX_KEY_TEXT_SIZE, PublicKey, parse_public_key
from aulalocal.errors import N_, SignatureError, StorageError
from aulalocal.fileio import write_atomically


@dataclass(frozen=True)
class TrustedKey:
    key: PublicKey
    source: str  # "shipped" or "added"
    path: Path

    @property
    def key_id(self) -> str:
        return self.key.key_id_hex


def _read_key(path: Path) -> PublicKey | None:
    try:
        with path.open("rb") as fh:
            text = fh.read(MAX_KEY_TEXT_SIZE + 1).decode("utf-8")
        return parse_public_key(text)
    except (OSError, UnicodeDecodeError, SignatureError):
        return None  # an unreadable key file trusts nothing


def trusted_keys(keys_dir: Path) -> list[TrustedKey]:
    found: dict[str, TrustedKey] = {}
    for source, folder in (("shipped", paths.resources_dir() / "keys"), ("added", keys_dir)):
        for path in sorted(folder.glob("*.pub")):
            key = _read_key(path)
            if key is not None:
                found.setdefault(key.key_id_hex, TrustedKey(key, source, path))
    return list(found.values())


def find_key(keys_dir: Path, key_id: str) -> PublicKey | None:
    for trusted in trusted_keys(keys_dir):
        if trusted.key_id == key_id:
            return trusted.key
    return None


def load_key_argument(value: str) -> PublicKey:
    """``trust add`` takes a .pub file or the key's base64 line."""
    path = Path(value)
    if path.is_file():
        key = _read_key(path)
        if key is None:
            raise SignatureError(N_("{path} is not a minisign public key."), path=value)
        return key
    return parse_public_key(value)


def add_key(keys_dir: Path, key: PublicKey) -> Path:
    try:
        keys_dir.mkdir(parents=True, exist_ok=True)
        target = keys_dir / f"{key.key_id_hex}.pub"
        write_atomically(target, [key.to_text().encode("utf-8")])
    except OSError as exc:
        raise StorageError(
            N_("Cannot save the key in {path}: {reason}."), path=str(keys_dir), reason=exc.strerror
        ) from exc
    return target


def remove_key(keys_dir: Path, key_id: str) -> None:
    key_id = key_id.upper()
    for trusted in trusted_keys(keys_dir):
        if trusted.key_id == key_id:
            if trusted.source == "shipped":
                raise SignatureError(
                    N_("Key {key_id} ships with AulaLocal and cannot be removed here."), key_id=key_id
                )
            trusted.path.unlink()
            return
    raise SignatureError(N_("No trusted key {key_id}."), key_id=key_id)
