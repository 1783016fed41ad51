"""``aulalocal bundle ...``: check and apply update bundles, make and sign them, pass them on, see a drive's."""

from __future__ import annotations

import sys
from pathlib import Path

from aulalocal import i18n
from aulalocal.cli import output
from aulalocal.cli.output import open_folder, print_lines
from aulalocal.errors import N_, UsageError
from aulalocal.i18n import gettext as _
from aulalocal.i18n import ngettext
from aulalocal.safetext import fill, one_line, to_json


def cmd_bundle_verify(args) -> int:
    from aulalocal.bundle.importer import check_bundle

    folder = open_folder(args)
    summary = check_bundle(folder, args.path, progress=output.progress_printer(args)).as_json()
    print_lines(to_json(summary) if args.json else verified_line(summary))
    return 0


def verified_line(summary: dict) -> str:
    """A checked bundle's line, from ``CheckedBundle.as_json()``."""
    count = summary["records"]
    text = ngettext(
        "OK: catalog {catalog}, sequence {sequence}, {count} record, signed by {key_id} ({publisher}).",
        "OK: catalog {catalog}, sequence {sequence}, {count} records, signed by {key_id} ({publisher}).",
        count,
    )
    return fill(text, count=i18n.format_number(count), **{k: v for k, v in summary.items() if k != "records"})


def cmd_bundle_apply(args) -> int:
    from aulalocal.bundle.importer import import_bundle

    folder = open_folder(args)
    result = import_bundle(folder, args.path, progress=output.progress_printer(args))
    print_lines(to_json(result.as_json()) if args.json else applied_line(result))
    return 0


def applied_line(result) -> str:
    """An applied bundle's line, from the importer's result."""
    if result.up_to_date:
        return fill(_("Already up to date: catalog {catalog} is at sequence {sequence}."), catalog=result.catalog, sequence=result.sequence)
    added, changed, removed = (sum(counts.values()) for counts in (result.added, result.changed, result.removed))
    return fill(
        _("Applied catalog {catalog} sequence {sequence}: {added}, {changed}, {removed}."),
        catalog=result.catalog,
        sequence=result.sequence,
        # The words of the update dialog's summary (ui/updatedialog.py).
        added=fill(ngettext("{count} new", "{count} new", added), count=i18n.format_number(added)),
        changed=fill(ngettext("{count} changed", "{count} changed", changed), count=i18n.format_number(changed)),
        removed=fill(ngettext("{count} removed", "{count} removed", removed), count=i18n.format_number(removed)),
    )


def _read_passphrase(prompt: str, confirm: bool) -> str:
    """From the terminal without echo, or one line of standard input (as minisign)."""
    import getpass

    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass(_("Passphrase (once more): ")) != first:
        raise UsageError(N_("The two passphrases differ."))
    return first


def cmd_bundle_keygen(args) -> int:
    import os

    from aulalocal.bundle.minisign import check_key_comment, generate_keypair
    from aulalocal.fileio import write_atomically

    if args.comment is not None:
        check_key_comment(args.comment, UsageError)  # before a passphrase is asked for nothing
    pub_path, key_path = Path(args.out + ".pub"), Path(args.out + ".key")
    for path in (pub_path, key_path):
        if os.path.lexists(path) and not args.force:
            raise UsageError(N_("{path} already exists; use --force to overwrite it."), path=str(path))
    passphrase = None if args.no_passphrase else _read_passphrase(_("Passphrase for the new secret key: "), confirm=True)
    public, secret = generate_keypair(args.comment)
    # The secret key readable by its owner only (0600), like minisign's.
    write_atomically(key_path, [secret.to_text(passphrase).encode("utf-8")], mode=0o600)
    write_atomically(pub_path, [public.to_text().encode("utf-8")])
    print_lines(fill(_("Key {key_id}: public key {pub}, secret key {key}. Keep the secret key off school laptops and out of any repository."), key_id=public.key_id_hex, pub=pub_path, key=key_path))
    print_lines(fill(_("Its fingerprint, to read to schools when they add the key: {fingerprint}"), fingerprint=public.fingerprint))
    return 0


def _source(path: Path):
    """A workbook or a folder of CSV files read (every problem at once), else the source folder itself."""
    from aulalocal.sheets.read import is_sheet_source, open_source

    return open_source(path) if path is not None and is_sheet_source(path) else path


def cmd_bundle_build(args) -> int:
    from aulalocal.bundle.build import build_bundle

    manifest = build_bundle(_source(args.source), args.out, args.catalog, args.sequence, args.base, _source(args.base_source))
    count = len(manifest["files"])
    text = ngettext(
        "Built {path}: catalog {catalog}, sequence {sequence}, {count} file. Sign it next.",
        "Built {path}: catalog {catalog}, sequence {sequence}, {count} files. Sign it next.",
        count,
    )
    print_lines(fill(text, path=args.out, catalog=manifest["catalog"], sequence=manifest["sequence"], count=i18n.format_number(count)))
    return 0


def cmd_bundle_template(args) -> int:
    from aulalocal.sheets.export import template

    languages = [lang.strip() for lang in args.languages.replace(";", ",").split(",") if lang.strip()]
    template(args.out, args.catalog, args.publisher, languages, args.force)
    print_lines(fill(_("Wrote {path}: fill in one sheet per kind of record, then 'aulalocal bundle build {path} --sequence N --out FILE.aulabundle'."), path=args.out))
    return 0


def cmd_bundle_sheet(args) -> int:
    from aulalocal.sheets.export import from_catalog, from_source, write_workbook

    if args.catalog:
        folder = open_folder(args)
        head, records = from_catalog(folder.catalog, args.catalog)
    else:
        head, records = from_source(args.source)
    layout = write_workbook(args.out, head, records, args.force)
    count = sum(len(v) for v in records.values())
    text = ngettext("Wrote {path}: {count} record of catalog {catalog}.", "Wrote {path}: {count} records of catalog {catalog}.", count)
    print_lines(fill(text, path=args.out, count=i18n.format_number(count), catalog=head.catalog))
    for kind, id_, field in layout.as_json:
        print_lines(fill(_("{kind} {id}: the field {field} is written as JSON text (column json:{field}); the sheet's columns cannot hold it exactly."), kind=kind, id=id_, field=field))
    return 0


def cmd_bundle_sign(args) -> int:
    import time

    from aulalocal.bundle import minisign

    try:
        text = args.key.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(N_("Cannot read the secret key {path}."), path=str(args.key)) from exc
    passphrase = _read_passphrase(_("Passphrase: "), confirm=False) if minisign.needs_passphrase(text) else None
    secret = minisign.load_secret_key(text, passphrase)
    # A trusted comment is one line (minisign's format): a file name may not be.
    comment = args.comment or f"timestamp:{int(time.time())}\tfile:{one_line(args.path.name)}\thashed"
    signature = minisign.sign_file(args.path, secret, comment)
    target = args.path.with_name(args.path.name + ".minisig")
    from aulalocal.fileio import write_atomically

    write_atomically(target, [signature])
    print_lines(fill(_("Signed: {path}"), path=target))
    return 0


def cmd_bundle_export(args) -> int:
    from aulalocal.bundle.export import export_bundles, export_size

    folder = open_folder(args)
    size = export_size(folder)
    print_lines(fill(_("Copying {size} MB of updates to {path}."), size=i18n.format_number(round(size / 1e6, 1)), path=args.dest / "AulaLocal"))
    written = export_bundles(folder, args.dest, progress=output.progress_printer(args))
    # The words the window's export dialog says (ui/exportdialog.py).
    copied = ngettext("Copied {count} file to {path}.", "Copied {count} files to {path}.", len(written))
    print_lines(fill(copied, count=i18n.format_number(len(written)), path=args.dest / "AulaLocal"))
    return 0


# What a bundle on a drive or another computer is for this laptop (the verdict's states), in words.
SCAN_STATES = {
    "new": N_("new"),
    "applied": N_("applied"),
    "older": N_("older"),
    "needs-sequence": N_("needs an earlier update"),
    "unsigned": N_("unsigned"),
    "untrusted": N_("unknown publisher"),
    "invalid": N_("invalid"),
}


def cmd_bundle_scan(args) -> int:
    from aulalocal.bundle.scan import scan_drive

    folder = open_folder(args)
    found = scan_drive(folder, args.root)
    if args.json:
        print_lines(to_json([{"path": str(b.path), "state": b.state, "catalog": b.catalog, "sequence": b.sequence, "publisher": b.publisher, "key_id": b.key_id, "fingerprint": b.fingerprint, "message": b.message} for b in found], indent=2))
        return 0
    if not found:
        print_lines(_("No update bundles on this drive."))
    for b in found:
        line = fill("{name}: {state} — {message}", name=b.path.name, state=_(SCAN_STATES.get(b.state, b.state)), message=b.message)
        # The key on the bundle's own line: one line per bundle, whatever its name holds.
        print_lines(f"{line} ({key_line(b.key_id, b.fingerprint)})" if b.key_id else line)
    return 0


def key_line(key_id: str, fingerprint: str | None) -> str:
    if fingerprint is None:
        return fill(_("key {key_id}, fingerprint unknown (no key file for it beside the bundle)"), key_id=key_id)
    return fill(_("key {key_id}, fingerprint {fingerprint}"), key_id=key_id, fingerprint=fingerprint)
