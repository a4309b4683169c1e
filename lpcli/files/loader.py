"""Reading a casebook file for checking: safely from disk, then the fast path when it is
certain, else the strict loader (``fastyaml``, ``yamlio``)."""

from __future__ import annotations

from pathlib import Path

from lpcli.files import fastyaml, yamlio
from lpcli.files.safeio import read_text_safely


def load(text: str) -> yamlio.Loaded:
    """Read a file's text: the fast path when it is certain, else the strict loader."""
    return fastyaml.load(text) or yamlio.load_strict(text)


def load_file(path: Path) -> yamlio.Loaded:
    """Read a file from disk (no symlinks, size limit, UTF-8), then as ``load``."""
    text, problem = read_text_safely(path)
    if problem is not None:
        return yamlio.Loaded(problems=[problem], fatal=True)
    return load(text)
