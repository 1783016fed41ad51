"""How large a bundle and its parts may be (spec sections 1 and 2)."""

from __future__ import annotations

from dataclasses import dataclass

KiB = 1024
MiB = 1024 * KiB
GiB = 1024 * MiB


@dataclass(frozen=True)
class Limits:
    """Bundle limits (spec section 2). An importer may lower them, never raise them."""

    max_entries: int = 100_000
    max_total_size: int = 2 * GiB
    max_entry_size: int = 512 * MiB
    max_ratio: int = 200
    ratio_exempt_below: int = 1 * MiB
    max_manifest_size: int = 1 * MiB
    max_line_size: int = 1 * MiB
    # Section 1: the bundle file itself.
    max_archive_size: int = 2 * GiB + 1 * MiB
