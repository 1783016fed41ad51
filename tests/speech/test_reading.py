"""What Listen reads: sentences, their place in the text, and the voice of each."""

from __future__ import annotations

from aulalocal.catalog.queries import Record
from aulalocal.speech.reading import record_reading, split_sentences


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


def test_sentences_end_at_periods_question_marks_semicolons_and_lines():
    text = "Primera frase. ¿Segunda? ¡Tercera! Cuarta; quinta.\n• Sexta\n\nSéptima."
    assert sentences(text) == ["Primera frase.", "¿Segunda?", "¡Tercera!", "Cuarta;", "quinta.", "• Sexta", "Séptima."]


def test_periods_that_do_not_end_a_sentence():
    text = (
        "Mejoró de 0.12 a 1.18 en el 1.er grado. Autores: Luis H. Gutierrez R, Luis F. Gamboa N.\n\n"
        "Esta investigación llegó a EE. UU. y al Sr. Pérez. el texto sigue en minúscula."
    )
    assert sentences(text) == [
        "Mejoró de 0.12 a 1.18 en el 1.er grado.",
        "Autores: Luis H. Gutierrez R, Luis F. Gamboa N.",
        "Esta investigación llegó a EE. UU. y al Sr. Pérez. el texto sigue en minúscula.",
    ]


def test_closing_quotes_stay_with_their_sentence():
    assert sentences("Dijo «ya llegó». Luego (otra vez.) Fin") == ["Dijo «ya llegó».", "Luego (otra vez.)", "Fin"]


def test_spans_point_into_the_text():
    text = "  Uno.   Dos.\n\n  Tres  "
    for (a, b), expected in zip(split_sentences(text), ["Uno.", "Dos.", "Tres"]):
        assert text[a:b] == expected


def test_title_summary_body_in_the_language_shown_with_spanish_fallback():
    record = Record(
        "c", "program", "p",
        {
            "title": {"es": "Radio escolar", "qu": "Yachay wasi radio"},
            "summary": {"es": "Un resumen de 2012."},  # no Quechua yet: read in Spanish
            "body": {"es": "Cuerpo.", "qu": "Kay 14 watayuq wawakunapaq. Iskay kaq."},
            "penalty": {"es": "No se lee."},
        },
    )
    read = record_reading(record, "qu")
    assert [(s.field, s.lang, s.text) for s in read] == [
        ("title", "qu", "Yachay wasi radio"),
        ("summary", "es", "Un resumen de 2012."),
        ("body", "qu", "Kay 14 watayuq wawakunapaq."),
        ("body", "qu", "Iskay kaq."),
    ]
    # Each text is normalized in its own language: the Spanish one keeps its digits for the Spanish voice.
    assert read[1].spoken == "Un resumen de 2012."
    assert read[2].spoken == "Kay chunka tawayuq watayuq wawakunapaq."
    body = record.data["body"]["qu"]
    assert all(body[s.start : s.end] == s.text for s in read if s.field == "body")


def test_a_record_with_only_a_title_reads_its_title():
    read = record_reading(Record("c", "organization", "o", {"title": {"es": "MINEDU"}}), "es")
    assert [(s.text, s.spoken) for s in read] == [("MINEDU", "Minedu")]
