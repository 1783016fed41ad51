"""Opening the desktop app from ``aulalocal`` with no subcommand."""

from __future__ import annotations


def launch(args) -> int:
    from aulalocal.ui.app import run_app

    return run_app(args)
