"""``aulalocal serve``: the classroom web site of the catalog."""

from __future__ import annotations

import sys

from aulalocal import i18n
from aulalocal.cli.output import open_folder, print_lines
from aulalocal.errors import N_, UsageError
from aulalocal.i18n import gettext as _
from aulalocal.safetext import fill, to_json

STATUS_INTERVAL_S = 3.0  # --json: how often a status line (devices lately, addresses) is written


def cmd_serve(args) -> int:
    import signal
    import threading

    from aulalocal import cldr
    from aulalocal.web.server import DEFAULT_PORT, serve_folder

    cldr.install()  # the site's dates, numbers and country names without babel's whole data (6.5 MB)
    if args.port is not None and not 0 <= args.port <= 65535:
        raise UsageError(N_("--port takes a number from 0 to 65535."))
    folder = open_folder(args)
    folder.close()  # the site reads the catalog through its own read-only connections
    port = DEFAULT_PORT if args.port is None else args.port
    server = serve_folder(
        folder.path, args.address, port, announce=not args.no_announce,
        default_lang=i18n.current_language(),
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_a: stop.set())
    try:
        if args.json:
            _serve_json(server, port, stop)
        else:
            _serve_text(server, port, stop)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    if not args.json:
        print_lines(_("Stopped sharing."))
    return 0


def _serve_text(server, port: int, stop) -> None:
    from aulalocal.web.network import url

    if server.fell_back:
        print_lines(fill(_("Port {port} was busy, so it uses port {used}."), port=port, used=server.port))
    print_lines(_("Sharing the catalog in class. On a phone, tablet or XO in the same network, open:"))
    addresses = server.addresses()
    for network in addresses:
        print_lines(fill("  {url}  ({name})" if network.name else "  {url}", url=url(network.address, server.port), name=network.name))
    if not addresses:
        print_lines(_("  (this laptop is on no network yet: turn on its Wi-Fi hotspot or join the school's network)"))
    if server.announced:
        print_lines(fill(_("Devices that find sites by name also see it as “{name}”."), name=server.announcer.instance))
    print_lines(_("Press Ctrl+C to stop."))
    while not stop.wait(0.5):
        pass


def _serve_json(server, port: int, stop) -> None:
    """For scripts (the package's smoke test, benchmarks): a line when serving, then one every few seconds; stop when stdin closes."""
    import threading

    def status() -> dict:
        networks = [{"name": n.name, "address": n.address} for n in server.addresses()]
        return {"networks": networks, "visitors": server.app.visitors.count()}

    def send(obj: dict) -> None:
        sys.stdout.write(to_json(obj) + "\n")
        sys.stdout.flush()

    def watch_stdin() -> None:
        sys.stdin.buffer.read()  # until the app closes the pipe, or ends
        stop.set()

    threading.Thread(target=watch_stdin, daemon=True).start()
    name = server.announcer.instance if server.announced else ""
    send({"port": server.port, "requested_port": port, "fell_back": server.fell_back, "name": name, **status()})
    while not stop.wait(STATUS_INTERVAL_S):
        send(status())
