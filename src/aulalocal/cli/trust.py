"""``aulalocal trust ...``: the publisher keys this laptop trusts."""

from __future__ import annotations

import sys

from aulalocal.cli.output import open_folder, print_lines
from aulalocal.errors import N_
from aulalocal.i18n import gettext as _
from aulalocal.safetext import fill


def cmd_trust_add(args) -> int:
    from aulalocal.bundle import trust

    folder = open_folder(args)
    key = trust.load_key_argument(args.key)
    trust.add_key(folder.keys_dir, key)
    print_lines(fill(_("Trusted key {key_id} ({comment})."), key_id=key.key_id_hex, comment=key.comment))
    print_lines("    " + fill(_("fingerprint {fingerprint}"), fingerprint=key.fingerprint))
    return 0


# Where a trusted key comes from (bundle/trust.py), in words.
_KEY_SOURCES = {"shipped": N_("ships with AulaLocal"), "added": N_("added on this laptop")}


def cmd_trust_list(args) -> int:
    from aulalocal.bundle import trust

    folder = open_folder(args)
    store = trust.trust_store(folder.keys_dir)
    if not store.keys:
        print_lines(_("This laptop trusts no publisher key yet. Add one with 'aulalocal trust add PUBKEY'."))
    for trusted in store.keys:
        source = _(_KEY_SOURCES.get(trusted.source, trusted.source))
        print_lines(fill("{key_id}  {comment}  [{source}]", key_id=trusted.key_id, comment=trusted.key.comment, source=source))
        print_lines("    " + fill(_("fingerprint {fingerprint}"), fingerprint=trusted.fingerprint))
    for finding in store.findings:
        print("warning: " + finding.message(), file=sys.stderr)  # message() is one line
    return 0


def cmd_trust_remove(args) -> int:
    from aulalocal.bundle import trust

    folder = open_folder(args)
    trust.remove_key(folder.keys_dir, args.key_id)
    print_lines(fill(_("Key {key_id} is no longer trusted."), key_id=args.key_id.upper()))
    return 0
