"""Make a smaller ICU data library for the Linux build (31 MB -> about 4 MB).

Qt's Linux wheels link ICU (libicuuc, libicui18n) and ship all of its data in
``libicudata.so.<N>``: collation, names, units, time zones and converters for
every language in CLDR. QtCore uses ICU only for collation, locale-aware case
mapping, time-zone display names and legacy text converters, and AulaLocal
shows es, qu and en. This script keeps, from the same data:

- everything that is not per-language (properties, normalization, Unicode
  names, likely subtags, supplemental data, time-zone rules, resource pools);
- the per-language bundles of KEEP_LOCALES (and their parents up to root), in
  every tree (main, coll, curr, lang, region, unit, zone, rbnf, brkitr);

and leaves out the legacy converter tables (*.cnv; UTF-8/16/32, Latin-1 and
ASCII are built into ICU's code), transliteration rules and the word-break
dictionaries for Chinese, Japanese, Thai, Lao, Khmer and Burmese. A language
that is left out falls back to root, as ICU does for any locale it lacks.

The result is byte-for-byte the same ICU data format (a "CmnD" package) with
fewer items, in a shared library with the same soname and symbol
(``icudt<N>_dat``), linked with binutils (``as`` and ``ld``, which PyInstaller
needs on Linux anyway). It is then loaded next to the wheel's libicuuc and
checked: collation, case mapping, a time-zone name and a converter must work.

    python packaging/icu_subset.py PATH/TO/libicudata.so.73 OUT_DIR

Prints the path of the new library. The spec (packaging/aulalocal.spec) calls
``make_subset`` during the build; set AULALOCAL_FULL_ICU=1 to ship ICU's full
data instead.
"""

from __future__ import annotations

import os
import re
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

# ICU locale ids kept in every tree (with their parents: es_PE -> es_419 -> es -> root).
# en_US_POSIX is ICU's default locale when LANG=C.
KEEP_LOCALES = {
    "root",
    "es", "es_419", "es_PE", "es_ES", "es_US",
    "qu", "qu_PE", "qu_BO", "qu_EC",
    "en", "en_001", "en_US", "en_US_POSIX", "en_GB",
}
DROP_TREES = {"translit"}
DROP_SUFFIXES = {".cnv", ".dict"}
LOCALE_RE = re.compile(r"^[a-z]{2,3}(_[A-Za-z0-9]+)*$")


# --------------------------------------------------------------------------- ELF

def _find_data_symbol(blob: bytes) -> tuple[str, int, int]:
    """(name, file offset, size) of the icudt<N>_dat symbol in an ELF64 little-endian library."""
    if blob[:4] != b"\x7fELF" or blob[4] != 2 or blob[5] != 1:
        raise ValueError("not a 64-bit little-endian ELF file")
    e_shoff, = struct.unpack_from("<Q", blob, 0x28)
    e_shentsize, e_shnum, _e_shstrndx = struct.unpack_from("<HHH", blob, 0x3A)
    sections = []
    for i in range(e_shnum):
        base = e_shoff + i * e_shentsize
        _name, sh_type, _flags, sh_addr, sh_offset, sh_size, sh_link = struct.unpack_from("<IIQQQQI", blob, base)
        sections.append((sh_type, sh_addr, sh_offset, sh_size, sh_link))
    for sh_type, _addr, sym_off, sym_size, link in sections:
        if sh_type != 11:  # SHT_DYNSYM
            continue
        str_off = sections[link][2]
        for pos in range(sym_off, sym_off + sym_size, 24):
            st_name, _info, _other, st_shndx, st_value, st_size = struct.unpack_from("<IBBHQQ", blob, pos)
            end = blob.index(b"\0", str_off + st_name)
            name = blob[str_off + st_name:end].decode()
            if re.fullmatch(r"icudt\d+_dat", name) and st_shndx < len(sections):
                _t, sec_addr, sec_off, _s, _l = sections[st_shndx]
                return name, sec_off + (st_value - sec_addr), st_size
    raise ValueError("no icudt<N>_dat symbol found")


# --------------------------------------------------------------------------- ICU common data

def _read_package(data: bytes) -> tuple[bytes, list[tuple[str, bytes]]]:
    header_size, = struct.unpack_from("<H", data, 0)
    if data[2:4] != b"\xda\x27" or data[12:16] != b"CmnD":
        raise ValueError("not an ICU common data package")
    toc = header_size
    count, = struct.unpack_from("<I", data, toc)
    entries = [struct.unpack_from("<II", data, toc + 4 + 8 * i) for i in range(count)]
    items = []
    for i, (name_off, data_off) in enumerate(entries):
        end_name = data.index(b"\0", toc + name_off)
        name = data[toc + name_off:end_name].decode("ascii")
        data_end = entries[i + 1][1] if i + 1 < count else len(data) - toc
        items.append((name, data[toc + data_off:toc + data_end]))
    return data[:header_size], items


def _write_package(header: bytes, items: list[tuple[str, bytes]]) -> bytes:
    def pad16(n: int) -> int:
        return (n + 15) & ~15

    items = sorted(items, key=lambda item: item[0].encode("ascii"))  # ICU binary-searches the names
    names = b"".join(name.encode("ascii") + b"\0" for name, _ in items)
    toc_size = 4 + 8 * len(items)
    data_start = pad16(toc_size + len(names))
    entries, blobs, name_off, data_off = [], [], toc_size, data_start
    for name, payload in items:
        entries.append(struct.pack("<II", name_off, data_off))
        name_off += len(name) + 1
        padded = payload + b"\0" * (pad16(len(payload)) - len(payload))
        blobs.append(padded)
        data_off += len(padded)
    toc = struct.pack("<I", len(items)) + b"".join(entries) + names
    toc += b"\0" * (data_start - len(toc))
    return header + toc + b"".join(blobs)


def _keep_item(name: str) -> bool:
    parts = name.split("/")[1:]  # drop the "icudt73l" prefix
    tree = parts[0] if len(parts) > 1 else ""
    base = parts[-1]
    stem, suffix = os.path.splitext(base)
    if tree in DROP_TREES or suffix in DROP_SUFFIXES:
        return False
    if suffix == ".res" and LOCALE_RE.match(stem):
        return stem in KEEP_LOCALES
    return True


# --------------------------------------------------------------------------- build and check

def _link(symbol: str, soname: str, package: Path, out: Path) -> None:
    asm = out.with_suffix(".S")
    asm.write_text(
        "\t.section .rodata\n"
        f"\t.globl {symbol}\n"
        f"\t.type {symbol}, @object\n"
        "\t.balign 16\n"
        f"{symbol}:\n"
        f'\t.incbin "{package}"\n'
        f"\t.size {symbol}, . - {symbol}\n"
        '\t.section .note.GNU-stack,"",@progbits\n',
        encoding="ascii",
    )
    obj = out.with_suffix(".o")
    subprocess.run(["as", "--64", "-o", str(obj), str(asm)], check=True)
    subprocess.run(["ld", "-shared", "-soname", soname, "-z", "noexecstack", "-o", str(out), str(obj)], check=True)
    obj.unlink()
    asm.unlink()


CHECK = r"""
import ctypes, sys
new, libdir, ver = sys.argv[1], sys.argv[2], sys.argv[3]
ctypes.CDLL(new, mode=ctypes.RTLD_GLOBAL)  # same soname: libicuuc binds to this one
uc = ctypes.CDLL(libdir + "/libicuuc.so." + ver, mode=ctypes.RTLD_GLOBAL)
i18n = ctypes.CDLL(libdir + "/libicui18n.so." + ver)
err = ctypes.c_int(0)
P = ctypes.c_void_p

def fn(lib, name, restype, *argtypes):
    func = getattr(lib, name + "_" + ver)
    func.restype, func.argtypes = restype, list(argtypes)
    return func

def ustr(text):
    return (ctypes.c_uint16 * (len(text) + 1))(*map(ord, text), 0)

def ok(what):
    if err.value > 0:  # negative values are warnings (e.g. a fallback to a parent locale)
        sys.exit(f"ICU subset check failed: {what}: error {err.value}")
    err.value = 0

ucol_open = fn(i18n, "ucol_open", P, ctypes.c_char_p, P)
ucol_strcoll = fn(i18n, "ucol_strcoll", ctypes.c_int, P, P, ctypes.c_int, P, ctypes.c_int)
ucol_close = fn(i18n, "ucol_close", None, P)
for loc in (b"es_PE", b"qu_PE", b"en", b"de_DE"):
    coll = ucol_open(loc, ctypes.byref(err)); ok(f"ucol_open {loc}")
    for a, b in (("n", "ñ"), ("ñ", "o"), ("arbol", "árbol"), ("Árbol", "casa")):
        if ucol_strcoll(coll, ustr(a), -1, ustr(b), -1) >= 0:
            sys.exit(f"ICU subset check failed: {loc}: {a} should sort before {b}")
    ucol_close(coll)
to_upper = fn(uc, "u_strToUpper", ctypes.c_int, P, ctypes.c_int, P, ctypes.c_int, ctypes.c_char_p, P)
out = (ctypes.c_uint16 * 64)()
n = to_upper(out, 64, ustr("ñandú"), -1, b"es", ctypes.byref(err)); ok("u_strToUpper")
if "".join(map(chr, out[:n])) != "ÑANDÚ":
    sys.exit("ICU subset check failed: case mapping")
ucnv_open = fn(uc, "ucnv_open", P, ctypes.c_char_p, P)
ucnv_close = fn(uc, "ucnv_close", None, P)
ucnv_close(ucnv_open(b"UTF-8", ctypes.byref(err))); ok("ucnv_open UTF-8")
ucal_open = fn(i18n, "ucal_open", P, P, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, P)
tz_name = fn(i18n, "ucal_getTimeZoneDisplayName", ctypes.c_int, P, ctypes.c_int, ctypes.c_char_p, P, ctypes.c_int, P)
cal = ucal_open(ustr("America/Lima"), -1, b"es_PE", 0, ctypes.byref(err)); ok("ucal_open")
name = (ctypes.c_uint16 * 64)()
n = tz_name(cal, 0, b"es_PE", name, 64, ctypes.byref(err)); ok("time-zone name")
if not n:
    sys.exit("ICU subset check failed: empty time-zone name")
print("ICU subset check: collation, case mapping, a converter and time-zone names work "
      f"(America/Lima in es_PE: {''.join(map(chr, name[:n]))})")
"""


def check(new_lib: Path, icu_lib_dir: Path, version: str) -> str:
    """Load new_lib with the wheel's libicuuc/libicui18n and use it; raises RuntimeError if it fails."""
    result = subprocess.run(
        [sys.executable, "-c", CHECK, str(new_lib), str(icu_lib_dir), version], capture_output=True, text=True
    )
    if result.returncode != 0:
        raise RuntimeError((result.stderr or result.stdout).strip().splitlines()[-1])
    return result.stdout.strip()


def make_subset(lib: str | os.PathLike, out_dir: str | os.PathLike) -> Path:
    """Write the smaller library to out_dir (same file name) and return its path."""
    lib, out_dir = Path(lib), Path(out_dir)
    blob = lib.read_bytes()
    symbol, offset, size = _find_data_symbol(blob)
    header, items = _read_package(blob[offset:offset + size])
    kept = [item for item in items if _keep_item(item[0])]
    package = _write_package(header, kept)
    # Round trip: the new package must read back to exactly the kept items.
    if _read_package(package)[1] != sorted(kept, key=lambda item: item[0].encode("ascii")):
        raise RuntimeError("ICU package round trip failed")
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / lib.name
    with tempfile.TemporaryDirectory() as tmp:
        dat = Path(tmp) / (symbol[:-4] + "l.dat")
        dat.write_bytes(package)
        _link(symbol, lib.name, dat, out)
    version = re.search(r"\.so\.(\d+)", lib.name).group(1)
    print(check(out, lib.parent, version))
    print(
        f"ICU data: kept {len(kept)} of {len(items)} items, "
        f"{size / 1e6:.1f} MB -> {len(package) / 1e6:.1f} MB ({out})"
    )
    return out


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    print(make_subset(sys.argv[1], sys.argv[2]))
