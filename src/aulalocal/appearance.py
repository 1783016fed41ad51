"""The teacher's look settings: the text sizes and their names, without Qt.

The window (``ui/theme.py``) draws them; the command line offers them to
``--screenshot`` (``--text-size``) before Qt is loaded.
"""

from __future__ import annotations

from aulalocal.errors import N_

# Setting value -> (label msgid, point size).
TEXT_SIZES = {
    "small": (N_("Small"), 9),
    "normal": (N_("Normal"), 10),
    "large": (N_("Large"), 12),
    "xlarge": (N_("Extra large"), 15),
}
DEFAULT_TEXT_SIZE = "normal"
