"""Notices USB drives with bundles: QStorageInfo polled every 2 s, only new volumes scanned.

Polling costs one ``mountedVolumes()`` call; a volume seen before is not looked
at again until it is removed and plugged in again. Scanning (which checks the
signatures on the drive) runs in a ``worker.CatalogOp``, with its own database connections.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QStorageInfo, QTimer, Signal

from aulalocal.ui import worker

POLL_MS = 2000
# File systems that are never a teacher's drive.
IGNORED_FS = {
    "tmpfs", "devtmpfs", "proc", "sysfs", "overlay", "squashfs", "cgroup", "cgroup2", "devpts",
    "securityfs", "pstore", "debugfs", "tracefs", "configfs", "fusectl", "mqueue", "hugetlbfs",
    "autofs", "binfmt_misc", "bpf", "efivarfs", "nsfs", "ramfs", "rpc_pipefs", "nfsd", "fuse.portal",
    "fuse.gvfsd-fuse", "fuse.snapfuse",
}


def default_volumes() -> list[str]:
    """Root paths of mounted, ready volumes that might be a drive with updates."""
    roots = []
    for volume in QStorageInfo.mountedVolumes():
        if not volume.isValid() or not volume.isReady() or volume.isRoot():
            continue
        fs = bytes(volume.fileSystemType()).decode("ascii", "replace").lower()
        if fs in IGNORED_FS:
            continue
        root = volume.rootPath()
        if root.startswith(("/proc", "/sys", "/dev", "/run/user", "/snap", "/boot")):
            continue
        roots.append(root)
    return roots


def own_disk_root(folder_path) -> str | None:
    """The root of the volume the data folder is on: never a drive to look at or copy to."""
    own_disk = QStorageInfo(str(folder_path))
    return own_disk.rootPath() if own_disk.isValid() else None


def plugged_in(folder_path, volumes: Callable[[], list[str]] = default_volumes) -> list[Path]:
    """The drives plugged in now (not the disk the data folder is on), for a dialog to offer first."""
    own = own_disk_root(folder_path)
    try:
        return [Path(r) for r in volumes() if r != own]
    except Exception:  # a broken mount offers no drive, and stops nothing
        return []


def _scan(folder, root: str, *, progress=None, cancel=None) -> list:
    """On a worker thread, with its own data folder (``worker.CatalogOp``); changes nothing."""
    from aulalocal.bundle.scan import scan_drive

    return scan_drive(folder, Path(root))


class DriveWatcher(QObject):
    bundlesFound = Signal(str, object)  # root path, list[DriveBundle]
    driveRemoved = Signal(str)

    def __init__(
        self,
        state,
        parent: QObject | None = None,
        *,
        interval_ms: int = POLL_MS,
        volumes: Callable[[], list[str]] = default_volumes,
        scan: Callable | None = None,
    ) -> None:
        super().__init__(parent)
        self.state = state
        self.volumes = volumes
        self.scan = scan or _scan
        self.known: set[str] = set()
        self.found: dict[str, list] = {}
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.poll)
        self._own_root = own_disk_root(state.folder.path)

    def start(self) -> None:
        self.poll()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def poll(self) -> None:
        try:
            roots = {r for r in self.volumes() if r != self._own_root}
        except Exception:  # a broken mount must not stop the app
            return
        for root in sorted(self.known - roots):
            self.found.pop(root, None)
            self.driveRemoved.emit(root)
        new = sorted(roots - self.known)
        self.known = roots
        for root in new:
            worker.CatalogOp(self.state, self.scan, root, owner=self).success(
                lambda bundles, root=root: self._scanned(root, bundles)
            ).failure(lambda _exc: None).run()

    def rescan(self, root: str) -> None:
        """Look at a drive again (after an update was applied from it)."""
        self.known.discard(root)
        self.poll()

    def _scanned(self, root: str, bundles: list) -> None:
        if root not in self.known or not bundles:
            return
        self.found[root] = bundles
        self.bundlesFound.emit(root, bundles)
