"""The question asked before an update signed by a publisher this laptop does not know is applied."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from aulalocal.i18n import gettext as _

if TYPE_CHECKING:
    from aulalocal.bundle.minisign import PublicKey


def trust_question(parent: QWidget | None, key: PublicKey):
    """The question for a bundle signed by an unknown key found beside it: (box, its yes button).

    Anyone can write any name and choose any key id, so the teacher is asked
    to compare the fingerprint, which only that key has.
    """
    from aulalocal.ui.dialogs import confirm_box

    return confirm_box(
        parent,
        _("This update comes from a publisher this laptop does not know."),
        _("Trust this publisher and update"),
        _("Do not update"),
        informative=_(
            "Publisher: {publisher}\nKey: {key_id}\nFingerprint: {fingerprint}\n\n"
            "Anyone can make an update that looks official, with any name. Before you accept, compare"
            " the fingerprint, all 8 groups, with the one the publisher gave you on paper or read to"
            " you by phone (for example your UGEL or your school network). If one letter or digit"
            " differs, do not update. If you accept, this laptop will trust updates signed with this"
            " key from now on."
        ).format(publisher=key.comment or _("(no name)"), key_id=key.key_id_hex, fingerprint=key.fingerprint),
        title=_("Unknown publisher"),
    )
