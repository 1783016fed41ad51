"""Render the application icon from its SVG source.

    python packaging/render_icons.py          # write the PNGs and the .ico
    python packaging/render_icons.py --check  # fail if they differ from the SVG

Source: ``resources/aulalocal.svg``. Output:

- ``resources/icons/hicolor/<n>x<n>/apps/aulalocal.png`` for n in SIZES
  (the freedesktop icon theme layout, installed as is by packaging/linux/install.sh);
- ``resources/icons/aulalocal.ico`` (Windows: executable, installer, shortcuts),
  16 to 128 px as 32-bit BMP entries and 256 px as PNG, Windows' own layout.

Only PySide6 (QtGui and QtSvg, both in PySide6-Essentials) is needed; the .ico
container is written here so that Pillow is not required.
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "resources" / "aulalocal.svg"
ICON_DIR = ROOT / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def png_path(size: int) -> Path:
    return ICON_DIR / "hicolor" / f"{size}x{size}" / "apps" / "aulalocal.png"


def render(renderer, size: int):
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter

    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
    renderer.render(painter)
    painter.end()
    return image.convertToFormat(QImage.Format.Format_ARGB32)


def png_bytes(image) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buf, "PNG"):
        raise RuntimeError("could not encode a PNG")
    buf.close()
    return bytes(data.data())


def dib_bytes(image) -> bytes:
    """An ICO image entry as a 32-bit BMP (BITMAPINFOHEADER, bottom-up BGRA, then the AND mask)."""
    from PySide6.QtGui import QImage

    image = image.convertToFormat(QImage.Format.Format_ARGB32)
    w, h = image.width(), image.height()
    rows = []
    for y in range(h - 1, -1, -1):  # bottom-up
        line = bytearray()
        for x in range(w):
            argb = image.pixel(x, y)
            line += struct.pack("<I", argb)  # little-endian ARGB32 is B, G, R, A in memory
        rows.append(bytes(line))
    mask_row = ((w + 31) // 32) * 4
    mask = b"\0" * (mask_row * h)  # all visible; the alpha channel does the work
    header = struct.pack("<IiiHHIIiiII", 40, w, h * 2, 1, 32, 0, len(rows) * w * 4 + len(mask), 0, 0, 0, 0)
    return header + b"".join(rows) + mask


def ico_bytes(entries: dict[int, bytes]) -> bytes:
    """An ICO file from {size: image data} (BMP entries, or PNG for 256 px)."""
    sizes = sorted(entries)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = 6 + 16 * len(sizes)
    dirs, blobs = [], []
    for size in sizes:
        blob = entries[size]
        dim = 0 if size >= 256 else size  # 0 means 256 in an ICO directory entry
        dirs.append(struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(blob), offset))
        blobs.append(blob)
        offset += len(blob)
    return header + b"".join(dirs) + b"".join(blobs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the files on disk, write nothing")
    args = parser.parse_args(argv)

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication, QImage
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])  # noqa: F841 - keeps Qt alive
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        print(f"error: {SVG} is not a valid SVG", file=sys.stderr)
        return 1

    images = {size: render(renderer, size) for size in sorted(set(SIZES) | set(ICO_SIZES))}
    pngs = {size: png_bytes(images[size]) for size in images}
    # Windows' own layout: BMP images up to 128 px (every reader handles them), PNG at 256 px.
    ico = ico_bytes({size: pngs[size] if size >= 256 else dib_bytes(images[size]) for size in ICO_SIZES})
    ico_path = ICON_DIR / "aulalocal.ico"

    if args.check:
        stale = []
        for size in SIZES:
            on_disk = QImage(str(png_path(size))).convertToFormat(QImage.Format.Format_ARGB32)
            if on_disk.isNull() or on_disk != images[size]:
                stale.append(str(png_path(size).relative_to(ROOT)))
        if not ico_path.is_file() or ico_path.read_bytes() != ico:
            stale.append(str(ico_path.relative_to(ROOT)))
        if stale:
            print("error: icons differ from resources/aulalocal.svg; run python packaging/render_icons.py:", file=sys.stderr)
            for name in stale:
                print(f"  {name}", file=sys.stderr)
            return 1
        print(f"icons up to date ({len(SIZES)} PNGs and aulalocal.ico)")
        return 0

    for size in SIZES:
        path = png_path(size)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pngs[size])
        print(f"wrote {path.relative_to(ROOT)}")
    ico_path.write_bytes(ico)
    print(f"wrote {ico_path.relative_to(ROOT)} ({', '.join(str(s) for s in ICO_SIZES)} px)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
