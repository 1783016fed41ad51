"""What an apply writes for search: apostrophes folded the way search folds queries."""

import random
import re

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


def _fold_all_kinds_at_once(text: str) -> str:
    """The rule as one substitution per step over every kind of apostrophe."""
    apostrophes = "'\u2019\u02bc\u00b4`"
    in_word = re.compile(rf"[{apostrophes}](?<=\w[{apostrophes}])(?=\w)")
    stray = re.compile(rf"[{apostrophes}](?:(?<!\w[{apostrophes}])|(?!\w))")
    return stray.sub(" ", in_word.sub("\u02bc", text))


def test_apostrophes_folded_one_kind_at_a_time_as_all_at_once():
    rng = random.Random(6)
    alphabet = "'\u2019\u02bc\u00b4`" + "aé_1 \n."
    for _ in range(50_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 10)))
        assert fold_apostrophes(text) == _fold_all_kinds_at_once(text), repr(text)
