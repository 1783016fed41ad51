"""Numbers in Southern Quechua words, and Roman numerals as numbers.

Quechua counts in tens like Spanish: ``chunka`` 10, ``pachak`` 100, ``waranqa``
1,000, ``hunu`` 1,000,000 (translations/glossary-qu.md says why ``hunu``).
The last unit of a compound number takes ``-yuq`` ("having"), ``-niyuq`` after a
consonant: 11 ``chunka hukniyuq``, 23 ``iskay chunka kimsayuq``, 2007 ``iskay
waranqa qanchisniyuq``. A round ten, hundred or thousand takes nothing (550
``pichqa pachak pichqa chunka``); 100 and 1,000 stand alone (``pachak``,
``waranqa``, as Spanish "cien", "mil"), a million is ``huk hunu`` ("un millón").
"""

from __future__ import annotations

UNITS = ("", "huk", "iskay", "kimsa", "tawa", "pichqa", "suqta", "qanchis", "pusaq", "isqun")
ZERO = "ch'usaq"
VOWELS = "aeiou"
# (value, word, whether a count of one is said: "huk hunu" but "waranqa", "pachak")
ORDERS = ((10**6, "hunu", True), (1000, "waranqa", False), (100, "pachak", False))
ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def with_suffix(word: str, suffix: str) -> str:
    """``word`` + a Quechua suffix, with the ``-ni-`` a consonant asks for
    before ``-yuq``, ``-n`` and ``-m`` (``hukniyuq``, ``kimsayuq``)."""
    if not word or not suffix:
        return word + suffix
    ends_in_consonant = word[-1].lower() not in VOWELS
    if ends_in_consonant and suffix.startswith("yuq"):
        return word + "ni" + suffix
    if ends_in_consonant and suffix in ("n", "m"):
        return word + ("nin" if suffix == "n" else "mi")
    return word + suffix


def quechua_number(n: int) -> str:
    """``n`` (0 or more) in Quechua words."""
    if n < 0:
        raise ValueError(n)
    if n == 0:
        return ZERO
    parts: list[str] = []
    for value, word, say_one in ORDERS:
        count, n = divmod(n, value)
        if count:
            parts.append(f"{quechua_number(count)} {word}" if count > 1 or say_one else word)
    tens, units = divmod(n, 10)
    if tens:
        parts.append("chunka" if tens == 1 else f"{UNITS[tens]} chunka")
    if units:
        parts.append(with_suffix(UNITS[units], "yuq") if parts else UNITS[units])
    return " ".join(parts)


def quechua_digits(digits: str) -> str:
    """A string of digits read as a Quechua number, keeping its leading zeros
    (``05`` after a decimal point is ``ch'usaq pichqa``)."""
    zeros = len(digits) - len(digits.lstrip("0"))
    rest = digits[zeros:]
    words = [ZERO] * zeros + ([quechua_number(int(rest))] if rest else [])
    return " ".join(words)


def roman_value(text: str) -> int | None:
    """The value of a Roman numeral (``XXI`` is 21), or None if ``text`` is not one."""
    if not text or any(ch not in ROMAN for ch in text):
        return None
    total = 0
    for ch, following in zip(text, text[1:] + " "):
        value = ROMAN[ch]
        total += -value if following != " " and ROMAN[following] > value else value
    # Only the canonical spelling (not "IIII" or "VX"), so words are not taken for numbers.
    return total if to_roman(total) == text else None


def to_roman(n: int) -> str:
    out = []
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                           (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        count, n = divmod(n, value)
        out.append(letters * count)
    return "".join(out)
