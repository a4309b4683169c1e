"""The package's shape holds: layers import only downward, no import cycles (function-local
imports counted), click only in the CLI, git only in the git layer, short modules and
functions (or a written reason), and every enum once, agreeing with the schemas.

The layers, lowest first (README 'Development' explains each):
core < files < gitstore < check < casebook < workflow | reports | sync < documents < cli.
Modules in one layer may import each other; workflow, reports and sync stand side by side
and never import one another.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "lpcli"
LAYERS = [("core",), ("files",), ("gitstore",), ("check",), ("casebook",),
          ("workflow", "reports", "sync"), ("documents",), ("cli",)]
RANK = {name: i for i, group in enumerate(LAYERS) for name in group}
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """Every lpcli module ``name`` imports, at any depth (function-local imports too)."""
    found = set()
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1]
                                + ([base] if base else []))
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base
                       for a in node.names]
        else:
            continue
        for t in targets:
            while t and t not in MODULES and "." in t:
                t = t.rsplit(".", 1)[0]
            if t in MODULES and t != name and t != "lpcli":
                found.add(t)
    return found


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _layer(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in RANK else None


def test_every_module_is_in_a_layer():
    loose = [n for n in MODULES if n not in ("lpcli", "lpcli.__main__") and _layer(n) is None]
    assert not loose, f"modules outside the layers: {loose}"


def test_layers_import_only_downward():
    wrong = []
    for name, targets in GRAPH.items():
        mine = _layer(name)
        if mine is None:
            continue
        for t in targets:
            theirs = _layer(t)
            if theirs is None:
                continue
            if RANK[theirs] > RANK[mine] or (RANK[theirs] == RANK[mine] and theirs != mine):
                wrong.append(f"{name} ({mine}) imports {t} ({theirs})")
    assert not wrong, "\n".join(sorted(wrong))


def test_no_import_cycles():
    index, low, on_stack, stack, cycles = {}, {}, set(), [], []
    counter = [0]

    def visit(v):  # Tarjan's strongly connected components
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in GRAPH:
        if v not in index:
            visit(v)
    assert not cycles, f"import cycles: {cycles}"


def _third_party(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("library, home", [("click", "cli"), ("git", "gitstore"),
                                           ("subprocess", "gitstore")])
def test_libraries_live_in_one_layer(library, home):
    outside = [n for n, p in MODULES.items()
               if library in _third_party(p) and _layer(n) != home]
    assert not outside, f"{library} is imported outside lpcli/{home}/: {outside}"


def _reasoned(lines: list[str], marker: str) -> bool:
    return any(marker in ln for ln in lines)


def test_modules_and_functions_are_short_or_say_why():
    long_ones = []
    for name, path in MODULES.items():
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        if len(lines) > MAX_MODULE_LINES and not _reasoned(lines[:40], "Long module:"):
            long_ones.append(f"{name}: {len(lines)} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                size = node.end_lineno - node.lineno + 1
                body = lines[node.lineno - 1:node.end_lineno]
                if size > MAX_FUNCTION_LINES and not _reasoned(body[:12], "Long function:"):
                    long_ones.append(f"{name}.{node.name}: {size} lines")
    assert not long_ones, ("split these, or say why in a 'Long module:' / 'Long function:' "
                           "comment:\n" + "\n".join(long_ones))


# -- every enum once ---------------------------------------------------------------------------

def _schema_enums() -> dict[str, list]:
    from lpcli.core.resources import schemas_dir

    found = {}

    def walk(node, path):
        if isinstance(node, dict):
            if "enum" in node:
                found["/".join(map(str, path))] = node["enum"]
            for k, v in node.items():
                walk(v, path + [k])
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, path + [i])

    for kind in ("case", "practitioners", "settings"):
        walk(json.loads((schemas_dir() / f"{kind}.schema.json").read_text()), [kind])
    return found


def test_every_schema_enum_comes_from_the_vocabulary():
    from lpcli.core import vocabulary

    known = {tuple(v) for v in vocabulary.SCHEMA_ENUMS.values()}
    missing = {path: values for path, values in _schema_enums().items()
               if tuple(values) not in known}
    assert not missing, f"schema enums not in lpcli/core/vocabulary.py: {missing}"
    for path, values in _schema_enums().items():
        key = vocabulary.SCHEMA_ENUM_PATHS.get(path)
        if key is not None:
            assert list(vocabulary.SCHEMA_ENUMS[key]) == values, path


def test_the_cli_takes_its_choices_from_the_vocabulary():
    """No choice list is written in the CLI: each is a vocabulary tuple."""
    import click

    from lpcli.cli import cli
    from lpcli.core import vocabulary

    tuples = {tuple(v) for v in vars(vocabulary).values() if isinstance(v, tuple)}

    def walk(cmd, path):
        for p in cmd.params:
            if isinstance(p.type, click.Choice):
                yield path, p.name, tuple(p.type.choices)
        for name, sub in getattr(cmd, "commands", {}).items():
            yield from walk(sub, path + [name])

    strays = [(" ".join(path), name, choices) for path, name, choices in walk(cli, [])
              if choices not in tuples]
    assert not strays, strays


def test_every_package_is_installed():
    """A subpackage missing from setup.cfg works in a checkout and breaks 'pip install .'."""
    import configparser

    cfg = configparser.ConfigParser()
    cfg.read(PACKAGE.parent / "setup.cfg")
    listed = set(cfg["options"]["packages"].split())
    packages = {".".join(p.parent.relative_to(PACKAGE.parent).parts)
                for p in PACKAGE.rglob("__init__.py")}
    assert packages <= listed, sorted(packages - listed)


def test_the_elements_plain_words_are_the_schemas():
    """'lpcli assess' shows the elements in the vocabulary's words; the schema describes each
    element (for editors) with the same words, and no element is left without them."""
    from lpcli.check.schema import load_schema
    from lpcli.core import vocabulary

    assert tuple(vocabulary.ELEMENT_WORDS) == vocabulary.ELEMENTS
    assert tuple(vocabulary.DOMAIN_WORDS) == vocabulary.DOMAINS
    assert tuple(vocabulary.ASSESSMENT_OUTCOME_WORDS) == vocabulary.ASSESSMENT_OUTCOMES
    domains = load_schema("case")["definitions"]["assessment"]["properties"]["domains"]
    for ref, words in vocabulary.ELEMENT_WORDS.items():
        domain, element = ref.split(".")
        described = domains["properties"][domain]["properties"][element]["description"]
        assert described == words[0].upper() + words[1:] + ".", ref
    for domain, words in vocabulary.DOMAIN_WORDS.items():
        assert domains["properties"][domain]["description"] == words + "."
