"""Kiwix, the reference: a ZIM of the same records, served by kiwix-serve on 127.0.0.1.

One HTML page per record, titled with its Spanish title and holding its text
in es, qu and en (what AulaLocal indexes), packed by ``zimwriterfs`` (Debian
``zim-tools``) with its full-text index, served by ``kiwix-serve`` (Debian
``kiwix-tools``) bound to 127.0.0.1 only. Its ``/suggest`` (title matches) and
``/search`` (full text, ranked) are queried with urllib, in bounded loops.
"""

from __future__ import annotations

import html
import os
import shutil
import socket
import struct
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from collections.abc import Iterable
from pathlib import Path

from aulalocal.catalog.text import search_rows

ZIM_NAME = "aulalocal_bench"


def available() -> bool:
    return all(shutil.which(tool) for tool in ("zimwriterfs", "kiwix-serve"))


def _png_48() -> bytes:
    """A plain 48x48 PNG (zimwriterfs wants an illustration)."""
    raw = b"".join(b"\x00" + b"\x2a\x6a\xb0" * 48 for _ in range(48))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 48, 48, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def write_pages(records: Iterable[tuple[tuple[str, str], dict]], folder: Path) -> int:
    """One HTML page per record: the texts AulaLocal indexes, in its three languages."""
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "A").mkdir(parents=True)
    (folder / "illustration.png").write_bytes(_png_48())
    links = []
    count = 0
    for n, ((kind, id_), data) in enumerate(records, start=1):
        parts = []
        for _rec, lang, title, body in search_rows(n, kind, data):
            paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in body.split("\n") if p.strip())
            parts.append(f'<section lang="{lang}"><h2>{html.escape(title)}</h2>{paragraphs}</section>')
        title_es = html.escape(data["title"]["es"])
        page = (
            f'<!DOCTYPE html><html lang="es"><head><meta charset="utf-8"><title>{title_es}</title></head>'
            f"<body><h1>{title_es}</h1>{''.join(parts)}</body></html>"
        )
        (folder / "A" / f"{kind}-{id_}.html").write_text(page, encoding="utf-8")
        if n <= 100:
            links.append(f'<li><a href="A/{kind}-{id_}.html">{title_es}</a></li>')
        count = n
    (folder / "index.html").write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Bench corpus</title></head>'
        f"<body><ul>{''.join(links)}</ul></body></html>",
        encoding="utf-8",
    )
    return count


def build_zim(records: Iterable[tuple[tuple[str, str], dict]], work: Path) -> Path:
    pages = work / "zim-pages"
    write_pages(records, pages)
    zim = work / f"{ZIM_NAME}.zim"
    zim.unlink(missing_ok=True)
    subprocess.run(
        [
            "zimwriterfs", "--welcome=index.html", "--illustration=illustration.png", "--language=spa",
            "--title=Bench corpus", "--description=Synthetic catalog records",
            "--creator=AulaLocal", "--publisher=AulaLocal", f"--name={ZIM_NAME}",
            f"--threads={os.cpu_count() or 2}", str(pages), str(zim),
        ],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    shutil.rmtree(pages)
    return zim


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class KiwixServer:
    """``kiwix-serve`` on 127.0.0.1, started and stopped by this object only."""

    def __init__(self, zim: Path, pin: str | None = None) -> None:
        self.zim = zim
        self.pin = pin
        self.port = _free_port()
        self.proc: subprocess.Popen | None = None
        self.book = zim.stem

    def __enter__(self) -> "KiwixServer":
        pin = ["taskset", "-c", self.pin] if self.pin else []
        self.proc = subprocess.Popen(
            [*pin, "kiwix-serve", "-i", "127.0.0.1", "-p", str(self.port), str(self.zim)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                self.get("/suggest", {"content": self.book, "term": "a", "count": "1"})
                return self
            except (urllib.error.URLError, ConnectionError, OSError):
                if self.proc.poll() is not None:
                    raise RuntimeError("kiwix-serve exited") from None
                time.sleep(0.05)
        self.__exit__(None, None, None)
        raise RuntimeError("kiwix-serve did not answer in 30 s")

    def __exit__(self, *exc) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def get(self, path: str, params: dict[str, str]) -> bytes:
        url = f"http://127.0.0.1:{self.port}{path}?{urllib.parse.urlencode(params)}"
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read()

    def suggest(self, text: str, count: int = 10) -> bytes:
        """Title matches, as Kiwix shows them while one types."""
        return self.get("/suggest", {"content": self.book, "term": text, "count": str(count)})

    def search(self, text: str, page_length: int = 25) -> bytes:
        """Full-text results, ranked (Xapian), first page."""
        return self.get("/search", {"content": self.book, "pattern": text, "pageLength": str(page_length)})
