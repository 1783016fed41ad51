"""Updates passed laptop to laptop over the school network (docs/network-updates.md).

``index``: the list of updates a laptop offers (``/updates/index.json``), made
and read; ``client``: HTTP to another laptop, with every limit; ``discover``:
finding AulaLocal laptops by mDNS; ``take``: what another laptop offers,
judged for this one, and the take (download to staging, then the USB
drive's way). The offer itself is served by the classroom site
(``web.updates``).
"""
