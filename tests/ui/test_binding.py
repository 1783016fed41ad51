"""The Qt binding in use must not leak references to None (PySide6 6.12.0 on CPython < 3.12 does)."""

import sys


def test_void_calls_keep_the_reference_count_of_none(qapp):
    from PySide6.QtWidgets import QLabel

    label = QLabel()
    before = sys.getrefcount(None)
    for _ in range(1000):
        label.setText("x")
    assert before - sys.getrefcount(None) < 100
