"""The normalizer's rules, per language: what eSpeak is given to say."""

from __future__ import annotations

import pytest

from aulalocal.speech.normalize import normalize
from aulalocal.speech.numerals import quechua_digits, quechua_number, roman_value, with_suffix


@pytest.mark.parametrize(
    "n, words",
    [
        (0, "ch'usaq"),
        (1, "huk"),
        (7, "qanchis"),
        (10, "chunka"),
        (11, "chunka hukniyuq"),
        (12, "chunka iskayniyuq"),
        (13, "chunka kimsayuq"),
        (14, "chunka tawayuq"),
        (17, "chunka qanchisniyuq"),
        (18, "chunka pusaqniyuq"),
        (19, "chunka isqunniyuq"),
        (20, "iskay chunka"),
        (23, "iskay chunka kimsayuq"),
        (99, "isqun chunka isqunniyuq"),
        (100, "pachak"),
        (105, "pachak pichqayuq"),
        (183, "pachak pusaq chunka kimsayuq"),
        (550, "pichqa pachak pichqa chunka"),
        (1000, "waranqa"),
        (1500, "waranqa pichqa pachak"),
        (2007, "iskay waranqa qanchisniyuq"),
        (2012, "iskay waranqa chunka iskayniyuq"),
        (30096, "kimsa chunka waranqa isqun chunka suqtayuq"),
        (35000, "kimsa chunka pichqayuq waranqa"),
        (100000, "pachak waranqa"),
        (1000000, "huk hunu"),
        (2500000, "iskay hunu pichqa pachak waranqa"),
    ],
)
def test_quechua_numbers(n, words):
    assert quechua_number(n) == words


def test_quechua_suffixes_take_ni_after_a_consonant():
    assert with_suffix("huk", "yuq") == "hukniyuq"
    assert with_suffix("kimsa", "yuq") == "kimsayuq"
    assert with_suffix("pachak", "m") == "pachakmi"
    assert with_suffix("chunka", "m") == "chunkam"
    assert with_suffix("pachak", "manta") == "pachakmanta"
    assert quechua_digits("05") == "ch'usaq pichqa"


def test_roman_numerals_only_in_their_proper_spelling():
    assert roman_value("XXI") == 21 and roman_value("XIV") == 14 and roman_value("MCMXC") == 1990
    assert roman_value("IIII") is None and roman_value("MIX") == 1009 and roman_value("OLPC") is None


# -- Spanish ---------------------------------------------------------------
@pytest.mark.parametrize(
    "text, spoken",
    [
        # eSpeak reads Peru's thousands comma as a decimal comma: it is taken out.
        ("cerca de 100,000 laptops", "cerca de 100000 laptops"),
        ("1,234,567 niños", "1234567 niños"),
        # The decimal point stays: eSpeak says "cero punto doce", as in Peru.
        ("de 0.12 a 1.18", "de 0.12 a 1.18"),
        ("el 61 % y el 57.5%", "el 61 por ciento y el 57.5 por ciento"),
        ("artículo 183-B", "artículo 183 be"),
        ("artículos 176-A y 179-A", "artículos 176 a y 179 a"),
        ("Ley N.° 30096", "Ley número 30096"),
        ("Ley Nº 29719", "Ley número 29719"),
        ("el Plan (2010-2020)", "el Plan (2010 a 2020)"),
        ("1.er grado, 2.º grado, 3.er grado, 5.º grado", "primer grado, segundo grado, tercer grado, quinto grado"),
        ("la 1.ª fase", "la primera fase"),
        ("Maestros del Siglo XXI", "Maestros del Siglo 21"),
        ("impresión 3D", "impresión 3 de"),
        ("llame al 0800-12345.", "llame al 0 8 0 0, 1 2 3 4 5."),
        ("EE. UU., etc.", "Estados Unidos, etcétera"),
        ("él/ella", "él o ella"),
    ],
)
def test_spanish_rules(text, spoken):
    assert normalize(text, "es") == spoken


@pytest.mark.parametrize(
    "text, spoken",
    [
        ("OLPC", "o ele pe ce"),  # four letters or fewer: spelled
        ("la OEA y el MIT", "la o e a y el eme i te"),
        ("MINEDU", "Minedu"),  # longer: read as a word
        ("UNICEF y UNESCO", "Unicef y Unesco"),
        ("la UGEL", "la ugel"),  # what Peruvians say
        ("las TIC del BID", "las tic del bid"),
        ("GFLJD", "ge efe ele jota de"),  # no vowel: spelled
        ("ICMEC", "i ce eme e ce"),
        ("Educa SM TV", "Educa ese eme te ve"),
        ("laptops XO", "laptops equis o"),
    ],
)
def test_spanish_abbreviations(text, spoken):
    assert normalize(text, "es") == spoken


# -- Quechua ---------------------------------------------------------------
@pytest.mark.parametrize(
    "text, spoken",
    [
        ("14 wata manaraq", "chunka tawayuq wata manaraq"),
        ("Ley 30096 (2013)", "Ley kimsa chunka waranqa isqun chunka suqtayuq (iskay waranqa chunka kimsayuq)"),
        # The suffix written after the number goes on its last word.
        ("800-manta aswan", "pusaq pachakmanta aswan"),
        ("1,500-manta aswan", "waranqa pichqa pachakmanta aswan"),
        ("2013qa", "iskay waranqa chunka kimsayuqqa"),
        ("yaqa 100,000 antawakunata", "yaqa pachak waranqa antawakunata"),
        ("0.12-manta 1.18-kama", "chusaq punto chunka iskayniyuqmanta huk punto chunka pusaqniyuqkama"),
        ("36% wiñarqan", "kimsa chunka suqtayuq pachakmanta wiñarqan"),
        ("26%-lla", "iskay chunka suqtayuq pachakmantalla"),
        ("(99.9%-taq)", "(isqun chunka isqunniyuq punto isqun pachakmantataq)"),
        ("(2008-2012)", "(iskay waranqa pusaqniyuqmanta iskay waranqa chunka iskayniyuqkama)"),
        ("5-manta 10-kama", "pichqamanta chunkakama"),
        ("1 kaq wata", "huk kaq wata"),
        ("articulo 183-B", "articulo pachak pusaq chunka kimsayuq be"),
    ],
)
def test_quechua_numbers_in_text(text, spoken):
    assert normalize(text, "qu") == spoken


@pytest.mark.parametrize(
    "text, spoken",
    [
        # eSpeak's Quechua voice says "ch'" as two letter names; the others it says well.
        ("ch'usaq, Ch'aska, k'anchay, p'anqa", "chusaq, Chaska, k'anchay, p'anqa"),
        ("ch’ipachiy", "chipachiy"),  # typed apostrophes are the same letter
        ("OLPCwan", "o ele pe cewan"),
        ("TICta", "ticta"),
        ("UNICEFwan", "Unicefwan"),
        ("OEApi", "o e api"),
        ("Maestros del Siglo XXI", "Maestros del Siglo iskay chunka hukniyuq"),
        ("N.° 30096", "número kimsa chunka waranqa isqun chunka suqtayuq"),
    ],
)
def test_quechua_letters_and_abbreviations(text, spoken):
    assert normalize(text, "qu") == spoken


# -- English ---------------------------------------------------------------
@pytest.mark.parametrize(
    "text, spoken",
    [
        ("Article 183-B", "Article 183 bee"),
        ("100,000 laptops", "100000 laptops"),
        ("aged 6-18", "aged 6 to 18"),
        ("57.5%", "57.5 percent"),
        ("ICTs and NGOs", "eye see tees and en jee ohs"),
        ("INHOPE's members", "Inhope's members"),
        ("MINEDU", "mee neh doo"),
        ("the OLPC program", "the oh el pee see program"),
        ("the XXI Century", "the 21st Century"),
        ("Law No. 30096, e.g. him/her", "Law number 30096, for example him or her"),
    ],
)
def test_english_rules(text, spoken):
    assert normalize(text, "en") == spoken


def test_text_without_numbers_or_abbreviations_is_left_alone():
    for lang in ("es", "qu", "en"):
        assert normalize("Internet, wawakuna: yachay.", lang) == "Internet, wawakuna: yachay."
