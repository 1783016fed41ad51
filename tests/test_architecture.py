"""The parts of the package import only what docs/architecture.md allows them.

Every module is parsed (nothing is imported) and every import in it counts,
also one inside a function, a relative one, and ``importlib.import_module("...")``.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = "aulalocal"
QT = {"PySide6", "shiboken6"}

# Plain helpers any part may import; they import only the standard library
# (errors also i18n, at call time, and safetext; fileio errors, for the one
# message of something in the way of a file).
BASE = {"errors", "safetext", "paths", "fileio", "logfile"}
# Core part -> the parts of aulalocal it may import (standard library and
# third-party packages are free, Qt is not).
ALLOWED: dict[str, set[str]] = {
    "__main__": {"cli"},
    "errors": {"i18n", "safetext"},  # message() translates, at call time
    "safetext": set(),
    "paths": set(),
    "fileio": {"errors"},  # InTheWay, a StorageError
    "logfile": {"fileio"},
    "i18n": {"paths", "quechua_dates"},
    "quechua_dates": set(),
    "kinds": {"errors"},
    "catalog": BASE | {"kinds", "i18n"},
    "datafolder": BASE | {"catalog", "kinds", "i18n", "firststart"},
    # A first start's databases: built through startup (at call time), copied in by datafolder.
    "firststart": BASE | {"startup", "catalog"},
    "bundle": BASE | {"datafolder", "catalog", "kinds", "i18n"},
    # The data folder as the faces open it: datafolder, then the seed through bundle.
    "startup": BASE | {"datafolder", "catalog", "bundle"},
    "doctor": BASE | {"bundle", "datafolder", "catalog", "kinds", "i18n"},
    "recordtext": BASE | {"catalog", "kinds", "i18n"},
    "translation_coverage": BASE | {"i18n", "kinds", "catalog"},
    "sheets": BASE | {"bundle", "catalog", "kinds", "i18n", "recordtext", "translation_coverage"},
    # Updates laptop to laptop: the bundle's way, over HTTP; served by web, taken by cli and ui.
    "peers": BASE | {"bundle", "datafolder", "catalog", "kinds", "i18n"},
}
# The faces import the core, not one another, except: the CLI starts the
# window through the launcher, which imports the window.
FACES = {"ui", "cli", "web", "launcher"}
# The window and ``aulalocal serve`` start the classroom site: they may import web
# (never the other way round).
FACE_BRIDGES = {"cli": {"launcher", "web"}, "launcher": {"ui"}, "ui": {"web"}}
QT_ALLOWED = {"ui"}


def may_import(part: str, target: str) -> bool:
    """Whether ``part`` may import ``target`` (a part, or "PySide6")."""
    if target == "PySide6":
        return part in QT_ALLOWED
    if part in ALLOWED:
        return target in ALLOWED[part]
    if part in FACES:
        return target not in FACES or target in FACE_BRIDGES.get(part, set())
    return target not in FACES  # a new core part: the core, never a face


# Imports that break the rules today, each with the issue that removes it.
# When it is gone, this test fails until its line here goes too.
KNOWN_EXCEPTIONS: set[tuple[str, str]] = set()


def imported_names(tree: ast.AST, module: str, is_package: bool) -> set[str]:
    """Dotted names of every module ``tree`` (of ``module``) imports, wherever in it."""
    package = module if is_package else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")
                parent = parent[: len(parent) - (node.level - 1)]
                base = ".".join([*parent, base] if base else parent)
            # "from aulalocal import kinds" imports the module aulalocal.kinds;
            # "from aulalocal.catalog.search import title_sql", aulalocal.catalog.search.
            for alias in node.names:
                name = f"{base}.{alias.name}"
                names.add(name if _is_module(name) else base)
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if called in ("import_module", "__import__") and isinstance(node.args[0].value, str):
                names.add(node.args[0].value)
    return names


def _is_module(name: str) -> bool:
    path = SRC.joinpath(*name.split("."))
    return path.is_dir() or path.with_suffix(".py").exists()


def part_of(name: str) -> str | None:
    """The part of aulalocal a dotted name belongs to, "PySide6" for Qt, None for anything else."""
    top, _, rest = name.partition(".")
    if top in QT:
        return "PySide6"
    if top != PACKAGE:
        return None
    first = rest.partition(".")[0]
    if not first or not _is_module(f"{PACKAGE}.{first}"):
        return "__init__"  # the package itself, or a name defined in it (__version__)
    return first


def modules() -> list[tuple[str, Path]]:
    """(dotted name, path) of every module of the package."""
    found = []
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found.append((".".join(parts), path))
    return found


def module_part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


@functools.cache
def breaches() -> frozenset[tuple[str, str]]:
    """(module, imported name) of every import its part may not make."""
    found = set()
    for module, path in modules():
        part = module_part(module)
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for name in imported_names(tree, module, path.name == "__init__.py"):
            target = part_of(name)
            if target not in (None, part, "__init__") and not may_import(part, target):
                found.add((module, name))
    return frozenset(found)


def test_every_part_imports_only_what_it_may():
    unexpected = sorted(breaches() - KNOWN_EXCEPTIONS)
    assert unexpected == [], "imports the architecture forbids (docs/architecture.md): " + ", ".join(
        f"{module} imports {name}" for module, name in unexpected
    )


def test_every_known_exception_still_happens():
    gone = sorted(KNOWN_EXCEPTIONS - breaches())
    assert gone == [], f"fixed, remove from KNOWN_EXCEPTIONS: {gone}"


def test_the_rules_name_real_parts():
    parts = {module_part(m) for m, _ in modules()}
    named = set(ALLOWED) | {p for allowed in ALLOWED.values() for p in allowed} | FACES
    assert named <= parts


def _names(source: str, module: str = "aulalocal.catalog.example") -> set[str]:
    return imported_names(ast.parse(source), module, is_package=False)


def test_the_checker_sees_imports_inside_functions_relative_ones_and_import_module():
    source = '''
import importlib

def later():
    from aulalocal.ui.app import run_app
    import PySide6.QtWidgets

class Lazy:
    def load(self):
        return importlib.import_module("aulalocal.bundle.apply")

def relative():
    from ..bundle import records
    from . import text
    __import__("aulalocal.cli")
'''
    names = _names(source)
    assert {"aulalocal.ui.app", "PySide6.QtWidgets", "aulalocal.bundle.apply", "aulalocal.bundle.records",
            "aulalocal.catalog.text", "aulalocal.cli"} <= names
    assert {part_of(n) for n in names} >= {"ui", "PySide6", "bundle", "cli", "catalog"}


@pytest.mark.parametrize(
    ("part", "name"),
    [
        ("catalog", "aulalocal.bundle.records"),
        ("catalog", "aulalocal.ui.worker"),
        ("bundle", "aulalocal.cli"),
        ("bundle", "PySide6.QtCore"),
        ("i18n", "aulalocal.ui"),
        ("kinds", "aulalocal.catalog.text"),
        ("kinds", "aulalocal.bundle"),
        ("web", "aulalocal.ui.models"),
        ("web", "PySide6.QtCore"),
        ("ui", "aulalocal.cli"),
        ("web", "aulalocal.cli"),
        ("catalog", "aulalocal.web.site"),
        ("speech", "PySide6.QtMultimedia"),  # a part not named in the rules is core: no Qt,
        ("speech", "aulalocal.ui"),  # no face
    ],
)
def test_the_rules_forbid_what_the_architecture_forbids(part, name):
    assert not may_import(part, part_of(name))


@pytest.mark.parametrize(
    ("part", "name"),
    [
        ("ui", "PySide6.QtWidgets"),
        ("ui", "aulalocal.bundle.importer"),
        ("web", "aulalocal.catalog.search"),
        ("cli", "aulalocal.launcher"),
        ("cli", "aulalocal.web.server"),
        ("ui", "aulalocal.web.network"),
        ("bundle", "aulalocal.catalog.store"),
        ("kinds", "aulalocal.errors"),
        ("speech", "aulalocal.i18n"),
    ],
)
def test_the_rules_allow_what_the_architecture_allows(part, name):
    assert may_import(part, part_of(name))


# --------------------------------------------------------------------------
# SQL stays in catalog/

SQL_CALLS = {"execute", "executemany", "executescript"}
# Modules outside catalog/ that still run SQL, each with the work that removes it.
KNOWN_SQL: set[str] = set()


def sql_calls(tree: ast.AST) -> list[int]:
    """Lines of every ``.execute(SQL...)``, ``.executemany(`` and ``.executescript(`` call in ``tree``.

    SQLite's take the SQL as their first argument: an ``execute()`` without
    one is another library's (waitress' tasks).
    """
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        and node.func.attr in SQL_CALLS and node.args
    ]


@functools.cache
def modules_with_sql() -> dict[str, list[int]]:
    found = {}
    for module, path in modules():
        if module_part(module) != "catalog":
            lines = sorted(sql_calls(ast.parse(path.read_text(encoding="utf-8"), str(path))))
            if lines:
                found[module] = lines
    return found


def test_sql_is_run_only_in_catalog():
    unexpected = {m: lines for m, lines in modules_with_sql().items() if m not in KNOWN_SQL}
    assert unexpected == {}, "SQL outside catalog/ (give catalog a function and call it): " + ", ".join(
        f"{module} line {', '.join(map(str, lines))}" for module, lines in sorted(unexpected.items())
    )


def test_every_known_sql_module_still_has_sql():
    gone = sorted(KNOWN_SQL - set(modules_with_sql()))
    assert gone == [], f"fixed, remove from KNOWN_SQL: {gone}"


def test_the_sql_check_sees_every_way_of_running_sql():
    source = '''
def f(conn, db):
    conn.execute("SELECT 1")
    db.conn.executemany("INSERT INTO t VALUES (?)", [(1,)])
    with conn:
        conn.executescript("DELETE FROM t")
    self.op._execute()  # a method of another name: not SQL
    super().execute()  # nor a task's, which takes no SQL
    sql = "SELECT 2"
    conn.execute(sql)
'''
    assert sorted(sql_calls(ast.parse(source))) == [3, 4, 6, 10]
