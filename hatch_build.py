"""Wheel builds: the first-start databases (``aulalocal.firststart``), made from seeds/ by the code being packaged."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class FirstStartHook(BuildHookInterface):
    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel" or version == "editable":
            return  # a source checkout uses build/first-start, which make makes
        dest = os.path.join(tempfile.mkdtemp(prefix="aulalocal-wheel-"), "first-start")
        env = dict(os.environ, PYTHONPATH=os.path.join(self.root, "src"))
        subprocess.run([sys.executable, "-m", "aulalocal.firststart", dest], check=True, env=env, cwd=self.root)
        build_data["force_include"][dest] = "aulalocal/data/first-start"
