"""The ZIP structures a bundle is made of (APPNOTE.TXT 4.3), for every part that reads them by hand.

``zipcheck`` reads them to check an archive's structure; ``earlymedia``
follows the local headers while a bundle is still being copied.
"""

from __future__ import annotations

import struct

EOCD = struct.Struct("<4s4H2LH")  # end of central directory record
EOCD_SIG = b"PK\x05\x06"
ZIP64_LOCATOR = struct.Struct("<4sLQL")
ZIP64_LOCATOR_SIG = b"PK\x06\x07"
ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")
ZIP64_EOCD_SIG = b"PK\x06\x06"
LOCAL = struct.Struct("<4s5H3L2H")  # local file header (4.3.7)
LOCAL_SIG = b"PK\x03\x04"
CENTRAL_RECORD = 46  # the fixed part of a central directory record
CENTRAL_SIG = b"PK\x01\x02"
DESCRIPTOR_SIG = b"PK\x07\x08"
ZIP64_EXTRA = 0x0001  # the ZIP64 extended information extra field's tag
ZIP64_SIZE = 0xFFFFFFFF  # a 4-byte size that says "see the ZIP64 field"
STORED = 0
DEFLATED = 8

# General purpose flag bits (4.4.4).
FLAG_ENCRYPTED = 0x0001
FLAG_DESCRIPTOR = 0x0008  # sizes in a data descriptor after the data
FLAG_PATCHED = 0x0020
FLAG_STRONG_ENCRYPTION = 0x0040
FLAG_MASKED_HEADERS = 0x2000

S_IFMT = 0o170000  # the file type bits of a Unix mode in the external attributes
