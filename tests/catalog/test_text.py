"""What an apply writes for search: apostrophes folded the way search folds queries."""

import pytest

from aulalocal.catalog.text import fold_apostrophes


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("sin apóstrofo", "sin apóstrofo"),
        ("p\u2019unchay", "p\u02bcunchay"),
        ("wasi`kuna", "wasi\u02bckuna"),
        ("rock'n'roll", "rock\u02bcn\u02bcroll"),
        ("'inicio", " inicio"),
        ("fin'", "fin "),
        ("\u00b4", " "),
        ("a''b", "a  b"),
        ("x\u02bc\u02bcy", "x\u02bc\u02bcy"),
        ("a'\u02bcb", "a\u02bc\u02bcb"),
        ("l'été 'x' ñ'a", "l\u02bcété  x  ñ\u02bca"),
    ],
)
def test_apostrophes_inside_words_are_kept_as_one_letter(text, folded):
    assert fold_apostrophes(text) == folded
