"""Every page of the classroom site in every language: what it shows, its links, its size, its headers."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from aulalocal import i18n
from aulalocal.catalog.db import read_db
from tests.web.conftest import CATALOG, KEY_ID, PDF, PNG, call

LANGS = i18n.LANGUAGES
PAGE_LIMIT = 30 * 1024
SECURITY = {
    "content-security-policy": "default-src 'self'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


class Page(HTMLParser):
    """The links, images, form fields and text of a page, as a browser would read them."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.images: list[str] = []
        self.tags: list[str] = []
        self.fields: list[tuple[str, str]] = []
        self.texts: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if tag == "a" and "href" in attrs:
            self.links.append(attrs["href"])
        if tag == "img":
            self.images.append(attrs.get("src", ""))
        if tag in ("input", "select"):
            self.fields.append((attrs.get("name", ""), attrs.get("value", "")))

    def handle_data(self, data):
        self.texts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.texts).split())


def get(site, path, query="", **env):
    answer = call(site, path, query, **env)
    for name, value in SECURITY.items():
        assert answer.headers.get(name) == value, (path, name)
    return answer


def page(site, path, query="", **env) -> Page:
    answer = get(site, path, query, **env)
    assert answer.status == 200, (path, query, answer.status)
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    assert len(answer.body) <= PAGE_LIMIT, (path, len(answer.body))
    return Page(answer.text)


def record_path(lang, catalog, kind, id_):
    return f"/{lang}/record/{catalog}/{kind}/{id_}"


@pytest.mark.parametrize("lang", LANGS)
def test_home_lists_every_section_with_its_count(site, web_dir, lang):
    home = page(site, f"/{lang}/")
    db = read_db(web_dir / "catalog.db")
    programs = db.execute("SELECT COUNT(*) FROM records WHERE kind = 'program'").fetchone()[0]
    reports = db.execute("SELECT COUNT(*) FROM records WHERE kind IN ('resource', 'legal_reference')").fetchone()[0]
    for key in ("programs", "safety", "years", "organizations", "reports"):
        assert f"/{lang}/{key}/" in home.links
    assert f"{programs} records" in home.text and f"{reports} records" in home.text
    assert "Escuela <Test> & Co" in home.text  # who the catalog came from, escaped
    assert ("q", "") in home.fields  # the search box on every page


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_has_the_language_switch_to_the_same_page(site, lang):
    others = [code for code in LANGS if code != lang]
    for path, query in ((f"/{lang}/", ""), (f"/{lang}/programs/", "region=Cusco&page=2"),
                        (f"/{lang}/search", "q=lectura"), (record_path(lang, CATALOG, "program", "hostile"), "")):
        answer = call(site, path, query)
        links = Page(answer.text).links
        rest = path[len(lang) + 1 :]
        for code in others:
            expected = f"/{code}{rest}" + (f"?{query}" if query else "")
            assert expected in links, (path, expected, links)
    # A page that is not there offers the other languages' home pages.
    missing = Page(call(site, f"/{lang}/nothing-here").text)
    assert {f"/{code}/" for code in others} <= set(missing.links)


def test_the_root_goes_to_the_devices_language(site):
    assert call(site, "/").headers["location"] == "/es/"
    assert call(site, "/", HTTP_ACCEPT_LANGUAGE="qu-PE,qu;q=0.9,es;q=0.5").headers["location"] == "/qu/"
    assert call(site, "/", HTTP_ACCEPT_LANGUAGE="fr, en-GB;q=0.8").headers["location"] == "/en/"
    # The cookie a page set wins over the browser's languages (the device chose).
    answer = call(site, "/qu/")
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith("aulalocal_lang=qu;") and "Path=/" in cookie
    assert call(site, "/", HTTP_COOKIE="aulalocal_lang=qu", HTTP_ACCEPT_LANGUAGE="en").headers["location"] == "/qu/"
    assert call(site, "/", HTTP_COOKIE="aulalocal_lang=xx; other=1").headers["location"] == "/es/"
    assert call(site, "/", HTTP_COOKIE='broken="; aulalocal_lang=en').status == 302
    assert call(site, "/").headers["cache-control"] == "no-store"
    # The same language again: no new cookie.
    assert "set-cookie" not in call(site, "/qu/", HTTP_COOKIE="aulalocal_lang=qu").headers


def test_pages_speak_the_language_of_the_address(site, real_translations):
    import gettext

    spanish = page(site, "/es/").text
    quechua = page(site, "/qu/").text
    english = page(site, "/en/").text
    assert i18n.current_language() == "es"  # the window's language is untouched
    assert gettext.translation  # (real catalogs loaded by the fixture)
    assert "Qhapaq p'anqa" in page(site, "/qu/programs/").text
    assert "Inicio" in page(site, "/es/programs/").text and "Home" in page(site, "/en/programs/").text
    assert len({spanish, quechua, english}) == 3


@pytest.mark.parametrize("lang", LANGS)
def test_a_section_pages_through_its_records_with_its_filters(site, lang):
    first = page(site, f"/{lang}/programs/")
    records = [link for link in first.links if "/record/" in link]
    assert len(records) == 50
    assert f"/{lang}/programs/?page=2" in first.links
    assert "page 1 of" in first.text
    names = [field for field, _v in first.fields]
    assert {"region", "level", "setting"} <= set(names)
    third = page(site, f"/{lang}/programs/", "page=3")
    assert not set(records) & {link for link in third.links if "/record/" in link}
    assert f"/{lang}/programs/?page=2" in third.links
    cusco = page(site, f"/{lang}/programs/", "region=Cusco")
    assert record_path(lang, CATALOG, "program", "prog-000") in cusco.links
    assert record_path(lang, CATALOG, "program", "prog-001") not in cusco.links
    assert "page 1 of 2" in cusco.text
    assert f"/{lang}/programs/?region=Cusco&page=2" in cusco.links  # the filter stays on every page
    # A value no record has, a facet the section lacks, a page past the end: the section as it is.
    last = page(site, f"/{lang}/programs/", "region=Nowhere&audience=x&page=999999")
    shown, pages = re.search(r"page (\d+) of (\d+)", last.text).groups()
    assert shown == pages
    assert len([link for link in last.links if "/record/" in link]) >= 1
    assert page(site, f"/{lang}/reports/").text  # two kinds in one section


def test_facet_values_are_named_in_the_language(site):
    years = page(site, "/en/years/")
    assert "Year 3" in years.text
    rural = page(site, "/en/programs/")
    assert "rural" in rural.text and "All regions" in rural.text


@pytest.mark.parametrize("lang", LANGS)
def test_search_finds_as_the_app_does(site, lang):
    hits = page(site, f"/{lang}/search", "q=007")
    assert record_path(lang, CATALOG, "program", "prog-007") in hits.links
    assert page(site, f"/{lang}/search", "q=").text  # the empty form
    assert record_path("es", CATALOG, "program", "prog-007") in page(site, "/es/search", "q=numero+007").links  # no accent
    marked = call(site, f"/{lang}/search", "q=lectura").text
    assert "<b>" in marked and "\u0002" not in marked and "\u0003" not in marked
    narrowed = page(site, f"/{lang}/search", "q=lectura&in=organizations")
    assert not [link for link in narrowed.links if "/record/" in link and "/program/" in link]


def test_quechua_apostrophes_in_search_are_one_letter(site):
    for typed in ("p'unchaw", "p\u2019unchaw", "p\u00b4unchaw"):
        hits = page(site, "/qu/search", "q=" + typed.replace("'", "%27"))
        assert record_path("qu", CATALOG, "program", "hostile") in hits.links, typed


def test_a_record_page_has_every_section_related_records_and_its_source(site):
    html = call(site, record_path("es", CATALOG, "program", "hostile")).text
    shown = Page(html)
    # Text is text: never markup, wherever it comes from.
    assert "<script>" not in html and "<img src=x" not in html and "<u>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Feria &amp; &lt;b&gt;ciencia&lt;/b&gt;" in html
    assert "<script>alert('x')</script> Feria & <b>ciencia</b>" in shown.text
    assert shown.tags.count("script") == 0
    # Paragraphs split on blank lines; single line breaks kept.
    assert re.search(r"<p>Primer párrafo\.</p>\s*<p>Segundo &lt;img", html)
    assert "párrafo.<br>Otra línea." in html
    # Links are shown as text, never as links (there is no internet).
    assert "http://example.org/&lt;x&gt;?a=1&amp;b=2" in html
    assert not [link for link in shown.links if "example.org" in link or link.startswith("javascript")]
    # Related, both ways; a record not in the catalog said so.
    assert record_path("es", CATALOG, "organization", "org-a") in shown.links
    assert record_path("es", CATALOG, "year_focus", "year-3") in shown.links
    assert "org-gone" in shown.text and "(not available)" in shown.text
    # Who published it, signed with which key, and when.
    assert "Escuela <Test> & Co" in shown.text and KEY_ID in shown.text
    assert "30 de noviembre de 2026" in shown.text
    assert "Details" in shown.text and "Cusco" in shown.text


def test_a_record_falls_back_to_spanish_and_says_so(site):
    shown = page(site, record_path("qu", CATALOG, "organization", "org-a"))
    assert "Huñu A" in shown.text
    english = page(site, record_path("en", CATALOG, "organization", "org-a"))
    assert "Organización A" in english.text and "(in Spanish)" in english.text


def test_records_the_catalog_lacks_are_a_404_page(site):
    for path in (record_path("es", CATALOG, "program", "nope"), record_path("es", "no-such-catalog", "program", "hostile"),
                 record_path("es", CATALOG, "PROGRAM", "hostile"), "/es/record/x", "/es/record/a/b/c/d"):
        answer = get(site, path)
        assert answer.status == 404, path
        assert "text/html" in answer.headers["content-type"] and "Go to the home page" in answer.text


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_of_the_shipped_catalog_is_at_most_30_kb(site, web_dir, lang):
    db = read_db(web_dir / "catalog.db")
    for catalog, kind, id_ in db.execute("SELECT catalog, kind, id FROM records WHERE catalog = 'aulalocal-seed'"):
        page(site, record_path(lang, catalog, kind, id_))
    for key in ("programs", "safety", "years", "organizations", "reports"):
        page(site, f"/{lang}/{key}/")
    for word in ("a", "de", "educación", "yachay", "internet"):
        page(site, f"/{lang}/search", f"q={word}")


def test_media_a_record_names_are_served_with_their_type(site, media):
    png = get(site, f"/media/{media.png}.png")
    assert png.status == 200 and png.body == PNG and png.headers["content-type"] == "image/png"
    pdf = get(site, f"/media/{media.pdf}.pdf")
    assert pdf.body == PDF and pdf.headers["content-type"] == "application/pdf"
    svg = get(site, f"/media/{media.svg}.svg")
    assert svg.headers["content-type"] == "image/svg+xml"
    # An SVG opened on its own runs none of the scripts it may hold: a second, stricter policy.
    policies = [v for k, v in svg.all_headers if k.lower() == "content-security-policy"]
    assert policies == ["default-src 'self'", "script-src 'none'; sandbox"]
    assert get(site, f"/media/{media.png}.png", HTTP_IF_NONE_MATCH=f'"{media.png}"').status == 304
    shown = Page(call(site, record_path("es", CATALOG, "program", "hostile")).text)
    assert f"/media/{media.png}.png" in shown.images and f"/media/{media.pdf}.pdf" in shown.links
    assert not [src for src in shown.images + shown.links if media.link in src or media.missing in src]


def test_head_answers_the_headers_without_the_body(site, media):
    head = get(site, "/es/", method="HEAD")
    full = get(site, "/es/")
    assert head.status == 200 and head.body == b"" and head.headers["content-length"] == str(len(full.body))
    image = get(site, f"/media/{media.png}.png", method="HEAD")
    assert image.body == b"" and image.headers["content-length"] == str(len(PNG))


def test_the_stylesheet_and_the_icon(site):
    css = get(site, "/static/style.css")
    assert css.status == 200 and css.headers["content-type"] == "text/css; charset=utf-8"
    assert b"@media print" in css.body and b"max-width" in css.body
    assert get(site, "/static/style.css", HTTP_IF_NONE_MATCH=css.headers["etag"]).status == 304
    assert get(site, "/favicon.ico").body.startswith(b"\x89PNG")
    assert get(site, "/static/").status == 404


def test_pages_load_nothing_from_outside_the_laptop(site):
    for path in ("/es/", "/es/programs/", record_path("es", CATALOG, "program", "hostile")):
        html = call(site, path).text
        assert not re.search(r"""(src|href|action)=["']?(https?:)?//""", html), path
        assert "<script" not in html and " style=" not in html


def test_visitors_are_counted_by_device_for_the_last_minutes():
    from aulalocal.web.site import Visitors

    now = [1000.0]
    visitors = Visitors(clock=lambda: now[0])
    for address in ("10.0.0.2", "10.0.0.3", "10.0.0.2"):
        visitors.seen(address)
    assert visitors.count() == 2
    now[0] += 9 * 60
    visitors.seen("10.0.0.4")
    assert visitors.count(10 * 60) == 3
    now[0] += 2 * 60
    assert visitors.count(10 * 60) == 1  # the first two opened nothing for 11 minutes


def test_a_page_counts_its_device(web_dir):
    from aulalocal.web.site import Site

    site = Site(web_dir)
    call(site, "/es/", REMOTE_ADDR="10.1.1.1")
    call(site, "/qu/programs/", REMOTE_ADDR="10.1.1.2")
    call(site, "/static/style.css", REMOTE_ADDR="10.1.1.3")  # not a page
    assert site.visitors.count() == 2


def test_an_update_is_shown_without_restarting_the_site(seeded_template, tmp_path):
    from aulalocal.bundle import source
    from aulalocal.bundle.apply import apply_operations
    from aulalocal.startup import open_data_folder
    from aulalocal.web.site import Site
    from tests.conftest import title, write_source

    data = tmp_path / "data"
    import shutil

    shutil.copytree(seeded_template, data)
    site = Site(data)
    assert "Nuevo programa" not in call(site, "/es/programs/").text
    folder = open_data_folder(data)
    src = write_source(tmp_path / "src", {("program", "nuevo"): {"title": title("Nuevo programa")}}, catalog="otra")
    apply_operations(folder.catalog, source.read_info(src), lambda: source.upsert_lines(src), key_id=None,
                     file_sha256=source.content_sha256(src))
    folder.close()
    assert "Nuevo programa" in call(site, "/es/programs/").text
