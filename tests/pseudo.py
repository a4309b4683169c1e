"""A pseudo-language catalogue, made from lpcli's English one: every letter of every string
is swapped for an accented look-alike (placeholders and bold marks kept), so a document
printed in it still reads, and any English word left in it is a word no catalogue supplied.
"""

from __future__ import annotations

from lpcli.core.resources import catalogues_dir
from lpcli.documents.catalogue import segments
from lpcli.files.loader import load_file

PSEUDO = "qps"
_PLAIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ACCENTED = "áƀçďéƒğĥíĵķĺṁñóṗʠŕšţúṽŵẋýžÁƁÇĎÉƑĞĤÍĴĶĹṀÑÓṖɊŔŠŢÚṼŴẊÝŽ"
_TABLE = str.maketrans(_PLAIN, _ACCENTED)


def pseudo_text(text: str) -> str:
    out = []
    for kind, value in segments(text):
        if kind == "text":
            out.append(value.translate(_TABLE))
        elif kind == "bold":
            out.append("**")
        else:
            out.append("{" + value + "}")
    return "".join(out)


def _walk(node, path=()):
    if isinstance(node, dict):
        return {k: _walk(v, path + (k,)) for k, v in node.items()}
    if isinstance(node, list):
        return [_walk(v, path) for v in node]
    if path[:1] == ("meta",):
        return {"language": "qps-ploc", "name": "Pseudo", "direction": "ltr"}[path[-1]]
    return pseudo_text(node)


def pseudo_catalogue() -> dict:
    return _walk(load_file(catalogues_dir() / "en.yaml").data)


def _yaml(node, indent=0) -> str:
    import json

    pad = "  " * indent
    lines = []
    for key, value in node.items():
        k = json.dumps(key, ensure_ascii=False)
        if isinstance(value, dict):
            lines.append(f"{pad}{k}:")
            lines.append(_yaml(value, indent + 1))
        else:  # JSON strings and lists of strings are YAML flow scalars and sequences
            lines.append(f"{pad}{k}: {json.dumps(value, ensure_ascii=False)}")
    return "\n".join(lines)


def add_pseudo_catalogue(book) -> None:
    """Put the pseudo-language into the casebook's own catalogues/ (as a council would)."""
    folder = book.root / "catalogues"
    folder.mkdir(exist_ok=True)
    (folder / f"{PSEUDO}.yaml").write_text(_yaml(pseudo_catalogue()) + "\n", encoding="utf-8")
