"""The site in a real browser (Debian's chromium and chromium-driver, through Selenium), with JavaScript on and off.

Home, a section, a search typed into the form, a record, in Spanish and in
Quechua, at 360x640 (a phone) and 1024x600 (a school laptop). Screenshots go
to the test's folder, and to ``$AULALOCAL_SCREENSHOTS`` when it names one
(``make screenshots`` writes them to docs/screenshots/). The browser talks
to 127.0.0.1 only; its own network services are turned off.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
SIZES = ((360, 640), (1024, 600))
RECORD = "record/aulalocal-seed/legal_reference/cp-183-b"


def _browser(profile: Path, javascript: bool):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-default-apps", "--disable-extensions", "--hide-scrollbars", "--lang=es",
                 f"--user-data-dir={profile}", "--window-size=1024,600", "--force-device-scale-factor=1"):
        options.add_argument(flag)
    prefs = {"intl.accept_languages": "es-PE,es"}  # a device set up in Peru
    if not javascript:
        prefs["profile.managed_default_content_settings.javascript"] = 2
    options.add_experimental_option("prefs", prefs)
    return webdriver.Chrome(service=Service(executable_path=DRIVER), options=options)


def _viewport(driver, width: int, height: int) -> None:
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500})


@pytest.fixture(params=[True, False], ids=["javascript", "no-javascript"])
def browser(request, tmp_path):
    driver = _browser(tmp_path / "profile", request.param)
    driver.set_page_load_timeout(30)
    driver.javascript = request.param
    yield driver
    driver.quit()


def _shot(driver, tmp_path: Path, name: str) -> None:
    driver.save_screenshot(str(tmp_path / name))
    folder = os.environ.get("AULALOCAL_SCREENSHOTS")
    if folder and driver.javascript:
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(tmp_path / name, Path(folder) / name)


def _wait_for(driver, part: str) -> None:
    """Until the page the click or the key led to is loaded."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 15).until(
        lambda d: part in d.current_url and d.execute_script("return document.readyState") == "complete"
        if d.javascript else part in d.current_url
    )


def _fits(driver, width: int) -> None:
    """Nothing wider than the screen (no sideways scrolling on a phone)."""
    assert driver.execute_script("return document.documentElement.scrollWidth") <= width


def test_a_student_browses_in_spanish_and_quechua(browser, live, tmp_path, real_translations):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    base = f"http://127.0.0.1:{live.port}"
    browser.get(base + "/")  # the address of the QR code
    assert browser.current_url == base + "/es/"
    assert browser.find_element(By.TAG_NAME, "h1").text == "Catálogo para el aula"
    sections = browser.find_elements(By.CSS_SELECTOR, ".sections a")
    assert len(sections) == 5
    # The language switch, remembered by the device for the QR code's address.
    browser.find_element(By.LINK_TEXT, "Runasimi").click()
    _wait_for(browser, "/qu/")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Aulapaq catálogo"
    browser.get(base + "/")
    assert browser.current_url == base + "/qu/"
    for lang in ("es", "qu"):
        browser.get(f"{base}/{lang}/")
        for width, height in SIZES:
            _viewport(browser, width, height)
            browser.get(f"{base}/{lang}/")
            _shot(browser, tmp_path, f"web-home-{lang}-{width}.png")
            browser.get(f"{base}/{lang}/programs/")
            assert len(browser.find_elements(By.CSS_SELECTOR, ".hits li")) == 50
            _shot(browser, tmp_path, f"web-section-{lang}-{width}.png")
            # Searching with the form, as a student does (Enter in the box).
            box = browser.find_element(By.CSS_SELECTOR, ".top input[name=q]")
            box.clear()
            box.send_keys("internet", Keys.ENTER)
            _wait_for(browser, f"/{lang}/search?q=internet")
            assert browser.find_elements(By.CSS_SELECTOR, ".hits li a")
            assert not browser.find_elements(By.CSS_SELECTOR, ".top input[name=q]")  # one search box here
            _shot(browser, tmp_path, f"web-search-{lang}-{width}.png")
            browser.find_element(By.CSS_SELECTOR, ".hits li a").click()
            _wait_for(browser, "/record/")
            browser.get(f"{base}/{lang}/{RECORD}")
            assert "183-B" in browser.find_element(By.TAG_NAME, "h1").text
            assert browser.find_elements(By.CSS_SELECTOR, ".source p")
            assert browser.find_element(By.CSS_SELECTOR, ".listen audio").is_displayed()  # no script needed
            assert len(browser.find_elements(By.CSS_SELECTOR, ".listen .save a")) == 2
            _shot(browser, tmp_path, f"web-record-{lang}-{width}.png")
            if browser.javascript:
                _fits(browser, width)
        # A filter chosen in the form and sent with its button (no script needed).
        browser.get(f"{base}/{lang}/programs/")
        from selenium.webdriver.support.ui import Select

        Select(browser.find_element(By.NAME, "region")).select_by_value("Cusco")
        browser.find_element(By.CSS_SELECTOR, ".filters button").click()
        _wait_for(browser, "region=Cusco")


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_the_player_loads_the_reading(live, tmp_path, lang):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser = _browser(tmp_path / "profile", javascript=True)
    try:
        browser.get(f"http://127.0.0.1:{live.port}/{lang}/{RECORD}")
        audio = browser.find_element(By.CSS_SELECTOR, ".listen audio")
        assert audio.get_attribute("preload") == "none"  # nothing is made until a parent presses play
        browser.execute_script("arguments[0].load()", audio)
        # The browser picked a source it plays, asked for it (ranges), and read how long it is.
        WebDriverWait(browser, 60).until(
            lambda d: d.execute_script("return arguments[0].error || arguments[0].readyState >= 1", audio))
        assert browser.execute_script("return arguments[0].error", audio) is None
        assert browser.execute_script("return arguments[0].currentSrc", audio).endswith(f"/{lang}/listen/{RECORD[len('record/'):]}.mp3")
        assert browser.execute_script("return arguments[0].duration", audio) > 20  # a law: a minute or more
    finally:
        browser.quit()


def test_the_print_style_leaves_the_page_for_paper(live, tmp_path):
    from selenium.webdriver.common.by import By

    browser = _browser(tmp_path / "profile", javascript=True)
    try:
        _print_page(browser, live, tmp_path)
    finally:
        browser.quit()


def _print_page(browser, live, tmp_path):
    from selenium.webdriver.common.by import By

    browser.get(f"http://127.0.0.1:{live.port}/qu/{RECORD}")
    assert browser.find_element(By.CSS_SELECTOR, ".top").is_displayed()
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    assert not browser.find_element(By.CSS_SELECTOR, ".top").is_displayed()
    assert not browser.find_element(By.CSS_SELECTOR, ".foot").is_displayed()
    assert not browser.find_element(By.CSS_SELECTOR, ".listen").is_displayed()  # a player on paper says nothing
    assert browser.find_element(By.TAG_NAME, "h1").is_displayed()
    pdf = browser.execute_cdp_cmd("Page.printToPDF", {"printBackground": False})
    import base64

    data = base64.b64decode(pdf["data"])
    assert data.startswith(b"%PDF") and len(data) > 5000
    (tmp_path / "record-qu.pdf").write_bytes(data)
