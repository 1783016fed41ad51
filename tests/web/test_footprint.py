"""What the site's process holds: only what serving needs (the figures are in docs/benchmarks-web.md)."""

from __future__ import annotations

import json
import subprocess
import sys

# The site announces and serves; taking updates from another laptop, and
# checking signatures, are another process's work. These cost the site's
# process about 3 MB and 70 ms of start-up.
NOT_LOADED = ("cryptography", "email", "http.client", "aulalocal.bundle", "aulalocal.peers.client", "aulalocal.peers.index")


def test_the_sites_process_loads_neither_bundles_nor_signatures_nor_an_http_client():
    code = (
        "import json, sys\n"
        "import aulalocal.cli, aulalocal.cli.serve\n"
        "import aulalocal.web.server, aulalocal.web.site, aulalocal.web.updates, aulalocal.web.announce\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    loaded = json.loads(out.stdout)
    assert "aulalocal.web.updates" in loaded and "aulalocal.peers.discover" in loaded
    assert [m for m in loaded if m.startswith(NOT_LOADED)] == []


def test_updates_are_still_offered_when_another_laptop_asks(web_dir):
    from aulalocal.web.updates import UpdatesOffer
    from tests.web.conftest import call

    answer = call(UpdatesOffer(web_dir), "/updates/index.json")
    assert answer.status == 200 and json.loads(answer.body)["format"] == "aulalocal-updates"
