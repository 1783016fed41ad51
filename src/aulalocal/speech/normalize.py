"""Text as a listener expects to hear it, before eSpeak reads it.

eSpeak reads Spanish and English numbers well, but not Peru's thousands comma
("100,000" comes out "cien coma cero cero cero"), nor "1.º", nor most of the
capital abbreviations the catalog is full of; its Quechua voice reads digits one
by one ("183" as "huk pusaq kimsa") and spells ``ch'`` as letters. So each
language has a small table here (``LANGUAGES``) and ``normalize`` applies the
same steps with it, in this order:

1. abbreviations with periods (``EE. UU.``, ``N.°``, ``e.g.``);
2. Roman numerals of centuries (``siglo XXI``, ``XXI Century``);
3. ordinals (``1.º``, ``3.er``; Quechua writes ``1 kaq``, read as it stands);
4. article and model numbers (``183-B``, ``3D``): the letter by its name;
5. phone-like numbers with a leading zero, digit by digit;
6. percentages; 7. ranges (``2010-2020``, ``6-18``);
8. numbers: Spanish and English keep their digits without the thousands
   comma (eSpeak says them), Quechua gets words (``numerals``) and keeps the
   suffix written after the number (``800-manta`` is ``pusaq pachakmanta``);
9. capital abbreviations: read as a word (``Minedu``, ``Unicef``) or spelled
   with the language's letter names (``OLPC``: ``o ele pe ce``);
10. ``a/b`` as "a or b"; and for Quechua, ``ch'`` as ``ch``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from aulalocal.speech.numerals import quechua_digits, quechua_number, roman_value, with_suffix

SPANISH_LETTERS = {
    "A": "a", "B": "be", "C": "ce", "D": "de", "E": "e", "F": "efe", "G": "ge", "H": "hache",
    "I": "i", "J": "jota", "K": "ka", "L": "ele", "M": "eme", "N": "ene", "Ñ": "eñe", "O": "o",
    "P": "pe", "Q": "cu", "R": "erre", "S": "ese", "T": "te", "U": "u", "V": "ve", "W": "doble u",
    "X": "equis", "Y": "ye", "Z": "zeta", "Á": "a", "É": "e", "Í": "i", "Ó": "o", "Ú": "u",
}
ENGLISH_LETTERS = {
    "A": "ay", "B": "bee", "C": "see", "D": "dee", "E": "ee", "F": "ef", "G": "jee", "H": "aitch",
    "I": "eye", "J": "jay", "K": "kay", "L": "el", "M": "em", "N": "en", "O": "oh", "P": "pee",
    "Q": "cue", "R": "ar", "S": "ess", "T": "tee", "U": "you", "V": "vee", "W": "double you",
    "X": "ex", "Y": "why", "Z": "zee",
}
# Spanish ordinals 1 to 10; 11 to 19 are "décimo" + these, 20 "vigésimo".
SPANISH_ORDINALS = ("", "primero", "segundo", "tercero", "cuarto", "quinto", "sexto", "séptimo", "octavo", "noveno", "décimo")

# Abbreviations of four letters or fewer are spelled, longer ones read as a word,
# unless one of these says otherwise: what Peruvians say, respelled for eSpeak.
SPANISH_WORDS = {
    "BID": "bid", "IPAE": "ipae", "ONU": "onu", "PEN": "pen", "PLAN": "plan", "STEAM": "estim",
    "TIC": "tic", "UGEL": "ugel", "UNAM": "unam",
}
ENGLISH_WORDS = {
    "IPAE": "ee pa eh", "MINEDU": "mee neh doo", "PEN": "pen", "PLAN": "plan", "STEAM": "steam",
    "TIC": "teek", "UGEL": "oo hel", "UNAM": "oo nam",
}
SPELLED = {"ACNUDH", "ICMEC", "OHCHR"}


@dataclass(frozen=True)
class Language:
    letters: dict[str, str]
    words: dict[str, str]
    # (pattern, spoken): abbreviations with periods and symbols.
    phrases: tuple[tuple[str, str], ...]
    percent: str
    range_word: str  # "2010-2020": "2010 a 2020"
    alternative: str  # "him/her": "him or her"
    number: str = "digits"  # or "quechua": numbers said in Quechua words
    ordinal: str = "spanish"
    century: tuple[str, ...] = field(default=())


SPANISH_PHRASES = (
    (r"\bEE\.\s?UU\.", "Estados Unidos"),
    (r"\bp\.\s?ej\.", "por ejemplo"),
    (r"\betc\.", "etcétera"),
    (r"\b[Nn]\.?\s?[º°]\s?(?=\d)", "número "),
    (r"\b[Nn]ro\.\s?(?=\d)", "número "),
    (r"\bDra\.", "doctora"),
    (r"\bDr\.", "doctor"),
    (r"\bSra\.", "señora"),
    (r"\bSr\.", "señor"),
    (r"&", " y "),
)

LANGUAGES = {
    "es": Language(
        SPANISH_LETTERS, SPANISH_WORDS, SPANISH_PHRASES, percent=" por ciento", range_word="a",
        alternative="o", century=("siglo", "Siglo"),
    ),
    "qu": Language(
        # Quechua text keeps Spanish abbreviations and names; their letters are said the Spanish way.
        SPANISH_LETTERS, SPANISH_WORDS, SPANISH_PHRASES,
        percent=" pachakmanta", range_word="-manta", alternative="utaq", number="quechua",
        ordinal="quechua", century=("siglo", "Siglo"),
    ),
    "en": Language(
        ENGLISH_LETTERS, ENGLISH_WORDS,
        (
            (r"\be\.g\.", "for example"),
            (r"\bi\.e\.", "that is"),
            (r"\betc\.", "et cetera"),
            (r"\bNo\.\s?(?=\d)", "number "),
            (r"\bDr\.", "Doctor"),
            (r"\bMrs\.", "Missus"),
            (r"\bMr\.", "Mister"),
            (r"&", " and "),
        ),
        percent=" percent", range_word="to", alternative="or", ordinal="english",
    ),
}

APOSTROPHES = re.compile("[\u2019\u02bc\u00b4`]")
NUMBER = r"\d{1,3}(?:,\d{3})+(?!\d)|\d+"
DECIMAL = rf"(?:{NUMBER})(?:\.\d+)?"
CAPITALS = "A-ZÁÉÍÓÚÑ"
QUECHUA_SUFFIX = r"(?:-?([a-zñ']+))?"


def _spanish_ordinal(n: int, ending: str) -> str | None:
    if n <= 10:
        word = SPANISH_ORDINALS[n]
    elif n < 20:
        word = "décimo " + SPANISH_ORDINALS[n - 10]
    elif n == 20:
        word = "vigésimo"
    else:
        return None
    if ending in ("ª", "a", "ra", "da", "ta", "va", "na"):
        return word[:-1] + "a"
    if ending in ("er", "r"):  # 1.er, 3.er grado: primer, tercer
        return word[:-1]
    return word


def _english_ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _integer(digits: str) -> int:
    return int(digits.replace(",", ""))


def _spell(letters: str, table: dict[str, str]) -> str:
    return " ".join(table.get(ch, ch) for ch in letters)


def normalize(text: str, lang: str) -> str:
    """``text`` (one sentence or more) as it should be said in ``lang``."""
    rules = LANGUAGES[lang]
    quechua = rules.number == "quechua"
    if quechua:
        text = APOSTROPHES.sub("'", text)
    # 1. abbreviations with periods
    for pattern, spoken in rules.phrases:
        text = re.sub(pattern, spoken, text)
    # 2. centuries in Roman numerals
    if rules.century:
        words = "|".join(rules.century)
        text = re.sub(rf"\b({words}) ([IVXLCDM]+)\b", lambda m: _century(m, str), text)
    if lang == "en":
        text = re.sub(r"\b()([IVXLCDM]+)(?= [Cc]entury\b)", lambda m: _century(m, _english_ordinal), text)
    # 3. ordinals
    if rules.ordinal == "spanish":
        text = re.sub(r"\b(\d{1,2})\.?(º|°|ª|er)(?![\w])", lambda m: _spanish_ordinal(int(m.group(1)), m.group(2)) or m.group(1), text)
    elif rules.ordinal == "quechua":
        text = re.sub(r"\b(\d{1,2})\.?[º°ª](?![\w])", r"\1 kaq", text)
    # 4. article and model numbers: 183-B, 3D
    text = re.sub(rf"\b(\d+)-?([{CAPITALS}])\b", lambda m: f"{m.group(1)} {rules.letters.get(m.group(2), m.group(2))}", text)
    # 5. phone-like numbers: every digit
    text = re.sub(r"(?<![\d.,])(?:0\d+(?:[ -]\d{2,})+|0\d{2,})(?!\d|[.,]\d)", _phone, text)
    # 6. percentages
    if quechua:
        text = re.sub(rf"({DECIMAL})\s?%{QUECHUA_SUFFIX}", lambda m: f"{m.group(1)}{rules.percent}{m.group(2) or ''}", text)
    else:
        text = re.sub(rf"({DECIMAL})\s?%", rf"\1{rules.percent}", text)
    # 7. ranges
    if quechua:
        text = re.sub(rf"({DECIMAL})\s?[-–]\s?({DECIMAL})(?![\d-])", r"\1-manta \2-kama", text)
    else:
        text = re.sub(rf"({DECIMAL})\s?[-–]\s?({DECIMAL})(?![\d-])", rf"\1 {rules.range_word} \2", text)
    # 8. numbers
    if quechua:
        text = re.sub(rf"(?<![\w.,])({NUMBER})(?:\.(\d+))?{QUECHUA_SUFFIX}", _quechua_number, text)
    else:
        text = re.sub(rf"(?<![\d,]){NUMBER}", lambda m: m.group(0).replace(",", ""), text)
    # 9. capital abbreviations, with the suffix written after them (OLPCpa, ICTs, UNICEF's)
    text = re.sub(rf"\b([{CAPITALS}]{{2,}})((?:['\u2019]s|[a-zñ']+)?)\b", lambda m: _abbreviation(m, rules), text)
    # 10. alternatives and eSpeak's Quechua
    text = re.sub(r"(?<=[^\W\d])/(?=[^\W\d])", f" {rules.alternative} ", text)
    if quechua:
        text = re.sub(r"([Cc]h)'", r"\1", text)
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def _phone(match: re.Match) -> str:
    """"0800-12345": "0 8 0 0, 1 2 3 4 5"."""
    return ", ".join(" ".join(group) for group in re.split("[ -]", match.group(0)))


def _century(match: re.Match, say) -> str:
    """"siglo XXI": "siglo 21"; "XXI Century": "21st Century"."""
    word, numeral = match.group(1), match.group(2)
    value = roman_value(numeral)
    if not value:
        return match.group(0)
    return f"{word} {say(value)}" if word else say(value)


def _quechua_number(match: re.Match) -> str:
    integer, fraction, suffix = match.group(1), match.group(2), match.group(3) or ""
    words = quechua_number(_integer(integer))
    if fraction:
        words += " punto " + quechua_digits(fraction)
    return with_suffix(words, suffix)


def _abbreviation(match: re.Match, rules: Language) -> str:
    letters, suffix = match.group(1), match.group(2)
    if letters in rules.words:
        spoken = rules.words[letters]
    elif letters in SPELLED or len(letters) <= 4 or not re.search("[AEIOUÁÉÍÓÚ]", letters):
        spoken = _spell(letters, rules.letters)
    else:
        spoken = letters.capitalize()
    return spoken + suffix
