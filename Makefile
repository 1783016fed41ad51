# AulaLocal: `make run` opens the app, `make test` runs every test.
# Both set up what they need on a fresh machine (the .venv, and for tests the
# Debian packages minisign, xvfb and xdotool).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
LANGS := es qu en
POT := translations/aulalocal.pot
FIRST_START := build/first-start/stamp.json
MO_FILES := $(foreach l,$(LANGS),translations/$(l)/LC_MESSAGES/aulalocal.mo)
# Qt's own file dialog in Latin American Spanish and Quechua (translations/qt/).
QM_FILES := translations/qt/es.qm translations/qt/qu.qm
CLDR_TABLES := translations/cldr.pickle
SYSTEM_PACKAGES := minisign xvfb xdotool libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libxcb-cursor0 fonts-dejavu-core chromium chromium-driver
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test i18n i18n-extract i18n-update mo qu-spelling system-deps bench clean screenshots \
	package package-test package-deps package-start-time icons

run: $(INSTALLED) mo $(FIRST_START)
	$(BIN)/aulalocal

# pytest exits 5 when it collected nothing: a failure, said in plain words.
test: system-deps $(INSTALLED) mo $(FIRST_START)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q; status=$$?; \
	if [ $$status -eq 5 ]; then echo "error: no tests were collected" >&2; fi; exit $$status

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	# PySide6 compiles its signature helpers from a zip inside its library at
	# every start; unpacked once (shiboken's SBK_EMBED=0 switch) they load from
	# cached bytecode: about 15 ms less at each start (docs/benchmarks.md).
	SBK_EMBED=0 $(BIN)/python -c "import shiboken6"
	touch $@

# A laptop's first day without the work of a first start: the new data
# folder's databases, made from seeds/ by the app's own code (aulalocal.firststart);
# remade whenever a seed or the code changes. The wheel and the PyInstaller
# build make their own the same way.
$(FIRST_START): $(shell find seeds -name '*.json') $(shell find src/aulalocal -name '*.py' -not -path '*/__pycache__/*') | $(INSTALLED)
	$(BIN)/python -m aulalocal.firststart build/first-start

# Debian packages the tests need; installed only when one is missing.
system-deps:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

# Translations: extract messages, update the .po files, compile the .mo files.
i18n: i18n-extract i18n-update mo

i18n-extract: $(INSTALLED)
	$(BIN)/pybabel extract --no-location --sort-output -F translations/babel.cfg -k N_ -k Nn_:1,2 -k ngettext:1,2 \
	  --project=AulaLocal --copyright-holder="AulaLocal" -o $(POT) src/aulalocal

i18n-update: $(INSTALLED)
	for l in $(LANGS); do \
	  if [ -f translations/$$l/LC_MESSAGES/aulalocal.po ]; then \
	    $(BIN)/pybabel update --no-fuzzy-matching -N -i $(POT) -d translations -D aulalocal -l $$l; \
	  else \
	    $(BIN)/pybabel init -i $(POT) -d translations -D aulalocal -l $$l; \
	  fi; \
	done

mo: $(MO_FILES) $(QM_FILES) $(CLDR_TABLES)

# The CLDR tables the window and the classroom site format with, so that
# babel's whole data is not loaded (aulalocal.cldr); remade when babel changes.
$(CLDR_TABLES): src/aulalocal/cldr.py $(INSTALLED)
	$(BIN)/python -m aulalocal.cldr $@

# Quechua texts (seeds and qu.po) rewritten with the glossary's spelling rules
# (translations/glossary-qu.md); tests/test_quechua.py checks what is left.
qu-spelling: $(INSTALLED)
	$(BIN)/python -m tests.quechua_rules

translations/%/LC_MESSAGES/aulalocal.mo: translations/%/LC_MESSAGES/aulalocal.po | $(INSTALLED)
	$(BIN)/pybabel compile --use-fuzzy -d translations -D aulalocal -l $*

# Qt's lrelease (in PySide6) reads the .po files we own and writes Qt's .qm.
translations/qt/%.qm: translations/qt/%.po | $(INSTALLED)
	$(BIN)/pyside6-lrelease -silent $< -qm $@

# Benchmarks (not part of `make test`): Kiwix desktop, kiwix-serve and
# zimwriterfs are the comparison points (docs/benchmarks.md).
BENCH_PACKAGES := kiwix kiwix-tools zim-tools curl

BENCH_TOOLS := $(VENV)/.installed-bench

$(BENCH_TOOLS): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	touch $@

bench: system-deps $(INSTALLED) $(BENCH_TOOLS) mo $(FIRST_START)
	@missing=$$(for p in $(BENCH_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi
	$(BIN)/python -m bench

# Packaged app for school laptops (docs/packaging.md).
PACKAGE_DEPS := binutils libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0 libxcb-randr0 libxcb-xkb1 libxkbcommon-x11-0 nsis
PACKAGE_TOOLS := $(VENV)/.installed-package

package-deps:
	@missing=$$(for p in $(PACKAGE_DEPS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

$(PACKAGE_TOOLS): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev,package]'
	touch $@

package: package-deps $(INSTALLED) $(PACKAGE_TOOLS) mo
	rm -rf build/aulalocal dist/aulalocal
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build packaging/aulalocal.spec
	packaging/linux/make-tarball.sh dist/aulalocal

package-test: package
	packaging/smoke.sh dist/aulalocal
	packaging/windows/check-nsis.sh

package-start-time: package system-deps
	$(BIN)/python packaging/measure_start.py

# The classroom site in Chromium at 360x640 and 1024x600, es and qu (docs/screenshots/web-*.png).
screenshots: system-deps $(INSTALLED) mo
	AULALOCAL_SCREENSHOTS=docs/screenshots QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q tests/web/test_browser.py

icons: $(INSTALLED)
	QT_QPA_PLATFORM=offscreen $(BIN)/python packaging/render_icons.py

clean:
	rm -rf $(VENV) build dist translations/*/LC_MESSAGES/*.mo translations/qt/*.qm $(CLDR_TABLES)
