"""``aulalocal peers`` and ``aulalocal bundle fetch``: updates from another computer on the network (docs/network-updates.md)."""

from __future__ import annotations

from aulalocal import i18n
from aulalocal.cli import output
from aulalocal.cli.bundles import SCAN_STATES, applied_line, key_line, verified_line
from aulalocal.cli.output import open_folder, print_lines
from aulalocal.errors import N_, UsageError
from aulalocal.i18n import gettext as _
from aulalocal.i18n import ngettext
from aulalocal.safetext import fill, to_json


def _update_json(update) -> dict:
    offered = update.offered
    return {
        "catalog": offered.catalog, "sequence": offered.sequence, "base_sequence": offered.base_sequence,
        "size": offered.bundle.size, "sha256": offered.bundle.sha256, "state": update.state,
        "message": update.message, "key_id": offered.key_id, "fingerprint": offered.fingerprint,
    }


def _update_line(update) -> str:
    offered = update.offered
    line = fill(
        "  {catalog} {sequence}: {state} — {message}", catalog=offered.catalog, sequence=offered.sequence,
        state=_(SCAN_STATES.get(update.state, update.state)), message=update.message,
    )
    return f"{line} ({key_line(offered.key_id, offered.fingerprint)})"


def cmd_peers(args) -> int:
    from aulalocal.peers.client import parse_address
    from aulalocal.peers.take import look

    if not 0 <= args.seconds <= 60:
        raise UsageError(N_("--seconds takes a number from 0 to 60."))
    typed = [parse_address(text) for text in args.address]
    folder = open_folder(args)
    looked = look(folder, typed, seconds=args.seconds)
    if args.json:
        out = [{"name": o.name, "address": str(o.address), "updates": [_update_json(u) for u in o.updates]} for o in looked.offers]
        out += [{"name": f.name, "address": str(f.address), "updates": [], "error": f.reason} for f in looked.failures]
        print_lines(to_json(out, indent=2))
        return 0
    if not looked.offers and not looked.failures:
        print_lines(_("No other AulaLocal computer found on this network. If one is sharing in class, type its address: 'aulalocal peers 192.168.1.20:8080'."))
    for offer in looked.offers:
        count = len(offer.wanted)
        print_lines(fill("{peer}: {count}", peer=offer.label, count=fill(
            ngettext("{count} update new for this laptop", "{count} updates new for this laptop", count), count=i18n.format_number(count))))
        for update in offer.updates:
            print_lines(_update_line(update))
    for failed in looked.failures:
        print_lines(fill("{peer}: {reason}", peer=failed.label, reason=failed.reason))
    return 0


def cmd_bundle_fetch(args) -> int:
    from aulalocal.bundle.minisign import normalized_fingerprint
    from aulalocal.bundle.verdict import Verdict
    from aulalocal.errors import SequenceError, SignatureError
    from aulalocal.peers.client import parse_address
    from aulalocal.peers.take import read_offer, take

    address = parse_address(args.address)
    wanted_fingerprint = normalized_fingerprint(args.trust) if args.trust else None
    if args.trust and wanted_fingerprint is None:
        raise UsageError(N_("--trust takes a key's fingerprint: 32 hex digits, as 'trust list' prints them."))
    folder = open_folder(args)
    offer = read_offer(folder, address)
    if not offer.wanted:
        stuck = next((u for u in offer.updates if not u.verdict.nothing_to_do), None)
        if stuck is not None:
            # What a drive's bundle with this verdict gets from 'bundle apply'.
            error = SequenceError if stuck.verdict in (Verdict.NEEDS_SEQUENCE, Verdict.REUSED_SEQUENCE) else SignatureError
            raise error(N_("{peer} has no update this laptop can take: {catalog} {sequence}: {reason}"),
                        peer=offer.label, catalog=stuck.offered.catalog, sequence=stuck.offered.sequence, reason=stuck.message)
        print_lines(to_json([]) if args.json else fill(_("Already up to date: {peer} has no update this laptop lacks."), peer=offer.label))
        return 0

    def trust_question(key) -> bool:
        return wanted_fingerprint is not None and key.fingerprint == wanted_fingerprint

    taken = take(folder, offer, progress=output.progress_printer(args), trust_unknown_key=trust_question, verify_only=args.verify_only)
    if args.json:
        print_lines(to_json([t.result.as_json() for t in taken]))
        return 0
    for item in taken:
        print_lines(verified_line(item.result.as_json()) if args.verify_only else applied_line(item.result))
    return 0
