"""What an operation changed in the data folder (Anki's ``OpChanges``).

A core function that changes something returns it (or a result with a
``changes`` property); the window's operations announce it, and every view
that shows what changed refreshes itself.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Changes:
    catalog: bool = False  # records, or the catalogs they came from (catalog.db)
    userdata: bool = False  # the teacher's favorites or notes (userdata.db)


NOTHING = Changes()
CATALOG = Changes(catalog=True)
USERDATA = Changes(userdata=True)
