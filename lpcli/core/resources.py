"""Where lpcli's own schemas, templates, catalogues and example casebook are.

In an installed wheel they sit inside the package (``lpcli/schemas`` ...), mapped there by
``setup.cfg``; in a source checkout they are the top-level folders beside ``lpcli/``.
"""

from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parent.parent  # lpcli/, from lpcli/core/resources.py


def _find(name: str) -> Path:
    for candidate in (_PKG / name, _PKG.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"lpcli is missing its '{name}' folder; reinstall lpcli")


def schemas_dir() -> Path:
    return _find("schemas")


def templates_dir() -> Path:
    return _find("templates")


def catalogues_dir() -> Path:
    return _find("catalogues")


def example_dir() -> Path:
    # Installed as lpcli/casebook_example (a hyphen is not allowed in a package name).
    for candidate in (_PKG / "casebook_example", _PKG.parent / "casebook-example"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("lpcli is missing its example casebook; reinstall lpcli")
