"""``aulalocal.log`` in the data folder: the raw details a teacher is spared.

Messages on the screen are translated sentences; what the system said in
English (an SQLite or OS error, a traceback) goes here for the IT helper.
"""

from __future__ import annotations

import time
import traceback
from pathlib import Path

LOG_NAME = "aulalocal.log"


def log_detail(folder: Path, what: str, exc: BaseException | None = None) -> None:
    """Append one entry; a log that cannot be written is no reason to fail."""
    detail = "".join(traceback.format_exception_only(type(exc), exc)).strip() if exc else ""
    from aulalocal.fileio import append_text  # never through a link planted under the log's name

    try:
        append_text(folder / LOG_NAME, f"{time.strftime('%Y-%m-%d %H:%M:%S')} {what}: {detail}\n")
    except OSError:
        pass
