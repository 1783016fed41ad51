"""Listen on the classroom site: the record page's player, the reading's route, its cache, its bounds and errors."""

from __future__ import annotations

import io
import threading
import wave

import pytest

from aulalocal.errors import SpeechError
from tests.web.conftest import CATALOG, call, fetch
from tests.web.test_pages import page

ORG = f"{CATALOG}/organization/org-a"  # "Organización A", "Huñu A": a reading of a second or two


@pytest.fixture
def fake_site(web_dir, tmp_path):
    """The site with a synthesizer that says which reading it was asked for, instantly."""
    from aulalocal.web.listen import Readings
    from aulalocal.web.site import Site

    asked = []

    def synthesize(record, lang, fmt):
        asked.append((record.id, lang, fmt))
        return f"{fmt}:{record.id}:{lang}:".encode() + bytes(range(256)) * 40

    site = Site(web_dir)
    site.readings = Readings(tmp_path / "readings", synthesize=synthesize)
    site.asked = asked
    yield site
    site.close()


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_every_record_page_has_a_player_and_the_download_links(site, lang, real_translations):
    shown = page(site, f"/{lang}/record/{ORG}")
    text = call(site, f"/{lang}/record/{ORG}").text
    assert '<audio controls preload="none">' in text
    mp3, wav = f"/{lang}/listen/{ORG}.mp3", f"/{lang}/listen/{ORG}.wav"
    assert f'<source src="{mp3}" type="audio/mpeg">' in text and f'<source src="{wav}" type="audio/wav">' in text
    assert f"{mp3}?download=1" in shown.links and f"{wav}?download=1" in shown.links
    words = {"es": ("Escuchar", "Guardar para el celular de los padres (MP3)"),
             "qu": ("Uyariy", "Tayta mamapa celularninpaq waqaychay (MP3)")}[lang]
    assert all(word in text for word in words)


def test_the_player_offers_wav_alone_where_the_mp3_encoder_is_missing(site, monkeypatch):
    from aulalocal.web import listen

    monkeypatch.setattr(listen, "find_spec", lambda name: None)
    text = call(site, f"/es/record/{ORG}").text
    assert "audio/wav" in text and "audio/mpeg" not in text
    assert call(site, f"/es/listen/{ORG}.mp3").status == 404


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_a_reading_is_an_mp3_in_the_language_of_the_address(site, lang):
    answer = call(site, f"/{lang}/listen/{ORG}.mp3")
    assert answer.status == 200, answer.body[:300]
    assert answer.headers["content-type"] == "audio/mpeg"
    assert answer.headers["content-disposition"] == f'inline; filename="{"organizacion-a" if lang == "es" else "hunu-a"}-{lang}.mp3"'
    assert answer.headers["accept-ranges"] == "bytes"
    assert int(answer.headers["content-length"]) == len(answer.body) > 2000
    assert answer.body[:2] in (b"\xff\xf3", b"\xff\xfb", b"ID")  # an MPEG audio frame (or its tag)
    assert answer.headers["content-security-policy"] == "default-src 'self'"
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_a_reading_as_wav_for_the_xo_and_as_a_download(site):
    answer = call(site, f"/es/listen/{ORG}.wav", "download=1")
    assert answer.status == 200 and answer.headers["content-type"] == "audio/wav"
    assert answer.headers["content-disposition"] == 'attachment; filename="organizacion-a-es.wav"'
    with wave.open(io.BytesIO(answer.body)) as reading:
        assert reading.getnchannels() == 1 and reading.getnframes() > reading.getframerate() * 0.5  # half a second at least


def test_the_page_s_language_is_read_and_a_text_without_it_falls_back_to_spanish(fake_site):
    from aulalocal.speech.reading import record_reading
    from aulalocal.catalog.queries import get_record

    call(fake_site, f"/qu/listen/{CATALOG}/program/prog-001.mp3")
    assert fake_site.asked == [("prog-001", "qu", "mp3")]
    record = get_record(fake_site.pages.db(), "program", "prog-001", CATALOG)
    # The summary has no Quechua: record_audio reads it with the Spanish voice.
    assert {s.lang for s in record_reading(record, "qu")} == {"qu", "es"}


def test_readings_are_made_once_and_kept_until_the_record_changes(fake_site):
    first = call(fake_site, f"/es/listen/{ORG}.mp3")
    again = call(fake_site, f"/es/listen/{ORG}.mp3")
    assert again.body == first.body and len(fake_site.asked) == 1
    call(fake_site, f"/qu/listen/{ORG}.mp3")
    call(fake_site, f"/es/listen/{ORG}.wav")
    assert fake_site.asked == [("org-a", "es", "mp3"), ("org-a", "qu", "mp3"), ("org-a", "es", "wav")]
    etag = first.headers["etag"]
    assert call(fake_site, f"/es/listen/{ORG}.mp3", HTTP_IF_NONE_MATCH=etag).status == 304
    # Another text of the record is another reading.
    from aulalocal.catalog.queries import Record
    from aulalocal.web.listen import Readings

    record = Record(CATALOG, "organization", "org-a", {"title": {"es": "Organización A"}})
    changed = Record(CATALOG, "organization", "org-a", {"title": {"es": "Organización B"}})
    assert Readings.key(record, "es", "mp3") != Readings.key(changed, "es", "mp3")


def test_the_readings_kept_stay_within_their_bytes(web_dir, tmp_path):
    from aulalocal.catalog.queries import get_record
    from aulalocal.web.listen import Readings
    from aulalocal.web.site import Site

    readings = Readings(tmp_path / "r", cache_bytes=25_000, synthesize=lambda record, lang, fmt: b"x" * 10_000)
    db = Site(web_dir).pages.db()
    paths = [readings.path(get_record(db, "program", f"prog-00{n}", CATALOG), "es", "mp3") for n in range(4)]
    kept = sorted(p.name for p in (tmp_path / "r").iterdir())
    assert len(kept) == 2 and paths[-1].name in kept and paths[0].name not in kept
    readings.close()
    assert (tmp_path / "r").exists()  # a folder it was given is not removed


def test_ranges_as_a_phone_asks_for_them(fake_site):
    whole = call(fake_site, f"/es/listen/{ORG}.mp3").body
    part = call(fake_site, f"/es/listen/{ORG}.mp3", HTTP_RANGE="bytes=100-199")
    assert part.status == 206 and part.body == whole[100:200]
    assert part.headers["content-range"] == f"bytes 100-199/{len(whole)}"
    tail = call(fake_site, f"/es/listen/{ORG}.mp3", HTTP_RANGE="bytes=-50")
    assert tail.status == 206 and tail.body == whole[-50:]
    refused = call(fake_site, f"/es/listen/{ORG}.mp3", HTTP_RANGE=f"bytes={len(whole) + 10}-")
    assert refused.status == 416 and refused.headers["content-range"] == f"bytes */{len(whole)}"
    assert call(fake_site, f"/es/listen/{ORG}.mp3", method="HEAD").body == b""


def test_ranges_through_the_real_server(live):
    whole = fetch(live.port, f"/es/listen/{ORG}.mp3")
    assert whole.status == 200
    part = fetch(live.port, f"/es/listen/{ORG}.mp3", headers={"Range": "bytes=0-1023"})
    assert part.status == 206 and part.body == whole.body[:1024]
    assert part.headers["content-range"] == f"bytes 0-1023/{len(whole.body)}"


def test_past_the_bound_a_reading_is_a_503_with_retry_after_and_pages_go_on(web_dir, tmp_path):
    from aulalocal.web.listen import Readings
    from aulalocal.web.site import Site

    release, started = threading.Event(), threading.Event()

    def slow(record, lang, fmt):
        started.set()
        release.wait(30)
        return b"audio"

    site = Site(web_dir)
    site.readings = Readings(tmp_path / "r", queue=2, waiters=1, synthesize=slow)
    answers = {}
    waiting = threading.Thread(target=lambda: answers.setdefault("first", call(site, f"/es/listen/{ORG}.mp3")))
    waiting.start()
    assert started.wait(10)
    try:
        # One request waits already: the next one for the same reading is told to come back.
        busy = call(site, f"/es/listen/{ORG}.mp3")
        assert busy.status == 503 and busy.headers["retry-after"] == "10"
        assert "Many devices are asking for readings right now" in busy.text
        # A second reading is queued (the queue holds 2), a third is refused at once.
        assert call(site, f"/es/listen/{CATALOG}/program/prog-001.mp3").status == 503
        third = call(site, f"/es/listen/{CATALOG}/program/prog-002.mp3")
        assert third.status == 503 and third.headers["retry-after"] == "10"
        assert call(site, "/es/programs/").status == 200  # pages do not wait for readings
    finally:
        release.set()
        waiting.join(10)
    assert answers["first"].status == 200 and answers["first"].body == b"audio"
    site.close()


@pytest.mark.parametrize("lang, said", [
    ("es", "Falta la voz en Runasimi en esta instalación (test). Vuelva a instalar AulaLocal."),
    ("qu", "Runasimi kunkaqa manam kay churasqapi kanchu (test). AulaLocalta musuqmanta churay (instalay)."),
])
def test_a_missing_voice_is_a_clean_page_in_the_device_s_language(web_dir, tmp_path, real_translations, lang, said):
    from aulalocal.web.listen import Readings
    from aulalocal.web.site import Site

    def no_voice(record, lang, fmt):  # what eSpeak's use_voice raises when the voice's file is missing
        raise SpeechError("The {language} voice is missing from this installation ({reason}). Reinstall AulaLocal.",
                          language="Runasimi", reason="test")

    site = Site(web_dir)
    site.readings = Readings(tmp_path / "r", synthesize=no_voice)
    answer = call(site, f"/{lang}/listen/{ORG}.mp3")
    assert answer.status == 503 and answer.headers["content-type"] == "text/html; charset=utf-8"
    assert said in answer.text
    assert "Traceback" not in answer.text and "retry-after" not in answer.headers
    assert call(site, f"/{lang}/record/{ORG}").status == 200  # the record page is still there
    site.close()


def test_a_reading_of_a_record_the_catalog_lacks_or_a_bad_address_is_a_404(fake_site):
    assert call(fake_site, f"/es/listen/{CATALOG}/program/nothing-here.mp3").status == 404
    assert call(fake_site, f"/es/listen/{CATALOG}/program/prog-001.ogg").status == 404
    assert call(fake_site, f"/es/listen/{CATALOG}/program/prog-001").status == 404
    assert call(fake_site, "/es/listen/..%2f..%2fuserdata/x/y.mp3").status == 404
    assert fake_site.asked == []


def test_stopping_the_site_removes_its_readings(web_dir):
    from aulalocal.web.listen import Readings
    from aulalocal.web.site import Site

    site = Site(web_dir)
    site.readings = Readings(synthesize=lambda record, lang, fmt: b"audio")
    assert call(site, f"/es/listen/{ORG}.mp3").status == 200
    folder = site.readings.folder()
    assert any(folder.iterdir())
    site.close()
    assert not folder.exists()
