"""Applying validated record operations to the catalog (spec section 6, steps 3 to 5).

Signature and archive checks (steps 1 and 2) happen before this, in
``bundle.importer``; the seed folder that ships with the app comes straight
here. Everything after the sequence check is one database transaction.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Protocol

from aulalocal.bundle.records import Operation, parse_operation
from aulalocal.bundle.verdict import Verdict, judge, refusal
from aulalocal.catalog import store
from aulalocal.catalog.changes import Changes
from aulalocal.catalog.transaction import storage_error, write_transaction
from aulalocal.bundle.progress import CancelCheck, Progress, check_cancel

# Yields (json line, "file:line") in apply order; called once per pass.
LineSource = Callable[[], Iterable[tuple[bytes, str]]]

# The validation pass keeps its lines for the write pass up to about this many
# bytes; a larger bundle (up to 2 GiB) is read again instead. 40 MiB holds
# about 10,000 records of the seed catalog's size (3.5 kB a line): the second
# read (inflating and hashing every records file again) is then skipped for
# the bundles a school usually gets, while an apply on a 1 GB laptop stays
# within a few tens of MB more than it needs anyway.
KEPT_LINES_BYTES = 40 << 20
# What a kept line costs besides its bytes: its tuple, its "file:line" and
# their list slot, roughly.
_KEPT_LINE_OVERHEAD = 150


class Header(Protocol):
    catalog: str
    sequence: int
    base_sequence: int | None
    publisher: str
    created: str

    @property
    def is_delta(self) -> bool: ...


@dataclass
class ApplyResult:
    catalog: str
    sequence: int
    up_to_date: bool = False
    added: Counter = field(default_factory=Counter)
    changed: Counter = field(default_factory=Counter)
    removed: Counter = field(default_factory=Counter)
    publisher: str | None = None  # from the signed manifest

    @property
    def changes(self) -> Changes:
        """A bundle the laptop already had changed nothing; any other changed the catalog."""
        return Changes(catalog=not self.up_to_date)

    def as_json(self) -> dict:
        return {
            "catalog": self.catalog,
            "sequence": self.sequence,
            "up_to_date": self.up_to_date,
            "added": dict(self.added),
            "changed": dict(self.changed),
            "removed": dict(self.removed),
        }


def check_sequence(
    state: store.CatalogState | None, header: Header, file_sha256: str
) -> bool:
    """Spec section 6 step 3 (``bundle.verdict``). True when the laptop already has this bundle."""
    verdict = judge(state, header, file_sha256)
    error = refusal(verdict, state, header)
    if error is not None:
        raise error
    return verdict is Verdict.APPLIED


def validate_all(
    header: Header, lines: LineSource, progress: Progress | None, cancel: CancelCheck | None
) -> int:
    """Step 4: every record parsed and validated before the database is touched."""
    count = 0
    for line, where in lines():
        parse_operation(line, where, allow_delete=header.is_delta)
        count += 1
        if count % 500 == 0:
            check_cancel(cancel)
            if progress:
                progress("check", count, 0)
    return count


class _KeptLines:
    """The lines of the validation pass, handed to the write pass if they fit the budget.

    The write pass then gets exactly the lines that were validated, and the
    source is not read a second time. Lines are dropped as the write pass
    takes them, so they never stay beside the writer's own batches.
    """

    def __init__(self, source: LineSource, budget: int) -> None:
        self._source = source
        self._budget = budget
        self._lines: list[tuple[bytes, str] | None] | None = None

    def first_pass(self) -> Iterator[tuple[bytes, str]]:
        kept: list[tuple[bytes, str] | None] | None = []
        size = 0
        for item in self._source():
            if kept is not None:
                size += len(item[0]) + _KEPT_LINE_OVERHEAD
                if size > self._budget:
                    kept = None
                else:
                    kept.append(item)
            yield item
        # Only a pass read to its end (every file's hash checked) is kept.
        self._lines = kept

    def second_pass(self) -> Iterable[tuple[bytes, str]]:
        lines, self._lines = self._lines, None
        if lines is None:
            return self._source()
        return _taken(lines)


def _taken(lines: list) -> Iterator:
    for i, item in enumerate(lines):
        lines[i] = None
        yield item


def _operations(lines: LineSource) -> Iterator[Operation]:
    # Second pass over lines already validated by validate_all (so UTF-8:
    # json.loads would first guess the encoding of bytes).
    for line, _where in lines():
        obj = json.loads(line.decode("utf-8"))
        yield Operation(obj["op"], obj["kind"], obj["id"], obj.get("data"))


def apply_operations(
    conn: sqlite3.Connection,
    header: Header,
    lines: LineSource,
    *,
    key_id: str | None,
    file_sha256: str,
    public_key: str | None = None,
    stored_file: str | None = None,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
    before_write: Callable[[int], None] | None = None,
) -> ApplyResult:
    """Steps 3 to 5: sequence, validation, then one transaction.

    ``before_write(records)``: called with the number of records validated,
    before the database is touched; it may raise to refuse (the free space).
    """
    result = ApplyResult(header.catalog, header.sequence, publisher=header.publisher)
    if check_sequence(store.get_state(conn, header.catalog), header, file_sha256):
        result.up_to_date = True
        return result
    kept = _KeptLines(lines, KEPT_LINES_BYTES)
    total = validate_all(header, kept.first_pass, progress, cancel)
    check_cancel(cancel)
    if before_write is not None:
        before_write(total)
    try:
        with write_transaction(conn):
            # Sequence again, inside the write lock: another process may have
            # applied something since the first check. (Nothing is written
            # then: the block commits an empty transaction.)
            if check_sequence(store.get_state(conn, header.catalog), header, file_sha256):
                result.up_to_date = True
                return result
            _write(conn, header, kept.second_pass, total, result, progress, cancel)
            store.record_applied(
                conn,
                store.CatalogState(
                    catalog=header.catalog,
                    sequence=header.sequence,
                    key_id=key_id,
                    public_key=public_key,
                    file_sha256=file_sha256,
                    publisher=header.publisher,
                    created=header.created,
                    applied_at=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                ),
                header.base_sequence,
                stored_file,
            )
            check_cancel(cancel)
    except sqlite3.Error as exc:
        raise storage_error(exc) from exc
    return result


def _write(conn, header, lines, total, result, progress, cancel) -> None:
    # Records are written in batches, by a helper thread while the next batch
    # is read and prepared (store.RecordWriter); leaving the block on an error
    # stops that thread before the caller rolls back.
    with store.RecordWriter(conn, header.catalog) as writer:
        old = dict(writer.hashes)
        seen: set[tuple[str, str]] = set()
        for done, op in enumerate(_operations(lines), start=1):
            key = (op.kind, op.id)
            if op.op == "delete":
                if writer.delete(op.kind, op.id) and key in old:
                    result.removed[op.kind] += 1
                seen.discard(key)
                old.pop(key, None)
            else:
                sha = op.data_sha256
                if key not in seen:
                    if key not in old:
                        result.added[op.kind] += 1
                    elif old[key] != sha:
                        result.changed[op.kind] += 1
                seen.add(key)
                if old.get(key) != sha:
                    writer.write(op.kind, op.id, op.data, op.data_json, sha)
                    old[key] = sha
            if done % 500 == 0:
                check_cancel(cancel)
                if progress:
                    progress("apply", done, total)
        if not header.is_delta:
            # A full bundle leaves exactly its own records in its catalog.
            for kind, id_ in sorted(set(old) - seen):
                writer.delete(kind, id_)
                result.removed[kind] += 1
    if progress:
        progress("apply", total, total)
