"""The fast path agrees with the slow path, and the cache never gives a stale answer.

* the LibYAML loader returns the strict loader's data and positions, or hands over;
* the yaml-rs loader (no positions) returns the strict loader's data, or hands over, over
  every fixture, the hostile corpus, generated casebooks and random documents; and a case
  file's diagnostics are the same whichever way it was read;
* jsonschema-rs and jsonschema give the same verdict;
* reports from the cache's slim copies equal reports from the whole records;
* the cache notices an edit that keeps size and mtime, survives corruption, and a parallel
  cold run equals a serial one.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLE, FIXTURES, MODEL_CASE, Book
from lpcli.casebook import cache as cachemod
from lpcli.files import fastyaml, quickyaml
from lpcli.check import schema
from lpcli.files import yamlio

sys.path.insert(0, str(Path(__file__).parent / "benchmarks"))
from casegen import generate  # noqa: E402

AS_OF = dt.date(2026, 11, 20)

TRICKY = [
    "a: no\nb: on\nc: yes\nd: off\n", "a: 0770\nb: 0x1F\nc: 0o17\nd: 1_000\n",
    "a: .inf\nb: -.INF\nc: .nan\nd: 1e3\ne: +1\nf: -.5\ng: 1.\n", "a: 1:20\nb: 12:30:45\n",
    "a: 2026-03-03\nb: 2026-03-03T10:00:00\nc: '2026'\n", "a: ~\nb:\nc: null\nd: Null\n",
    "a: |\n  line one\n  line two\nb: >\n  folded\n  text\n\n  para\n",
    "a: plain\n  continued on\n  more lines\n", "key with spaces: v  # comment\n",
    "a: 'it''s'\nb: \"\\u00e9\\t\\n\"\nc: \"\"\n", "a: [1, {b: c}, [d]]\nb: {c: [1, 2]}\n",
    "1: x\nnull: y\ntrue: z\n1.5: w\n", "a: caf\u00e9 \U0001F600\nb: \u202eRTL\n",
    "a:\n- 1\n- - 2\n  - 3\n-\n  b: c\n", "a: b\n? c\n: d\n", "a: b: c\n", "a: @x\n",
    "a: `x`\n", "- just\n- a list\n", "plain scalar document\n", "a: 1\na: 2\n",
    "a:\n  b: 1\n  b: 2\n", "a: &x 1\n", "a: x\n---\nb: y\n", "%YAML 1.2\n---\na: 1\n",
    "a: !!str 1\n", "a: Tom & Jerry\nb: 5 * 3\nc: A&E\n", "a: \"quoted &x *y !z\"\n",
    "a: <<\n", "\ta: 1\n", "a: 'unterminated\n", "a: [1, 2\n", "{a: 1, b: [x, y]}\n",
    "a: 1\r\nb: 2\r\n", "# only a comment\n", "", "a: |-\n  keep\n\n", "'a': 1\n\"b\": 2\n",
]


def all_texts(tmp_path_factory):
    texts = {}
    for path in [*EXAMPLE.glob("*.yaml"), *(EXAMPLE / "cases").glob("*.yaml"),
                 *FIXTURES.rglob("*.yaml")]:
        texts[str(path)] = path.read_bytes().decode("utf-8", errors="replace")
    root = tmp_path_factory.mktemp("gen") / "book"
    generate(root, 300, invalid=25, seed=7, git=False)
    for path in (root / "cases").glob("*.yaml"):
        texts[str(path)] = path.read_text(encoding="utf-8")
    for i, text in enumerate(TRICKY):
        texts[f"tricky-{i}"] = text
    return texts


@pytest.fixture(scope="module")
def texts(tmp_path_factory):
    return all_texts(tmp_path_factory)


@pytest.fixture(scope="module")
def _parsed_once(texts) -> bytes:
    """Every text read once by each loader, for the four tests below: the strict loader is
    pure Python, and reading the same texts again in each test was most of their time."""
    return pickle.dumps({name: (fastyaml.load(text), yamlio.load_strict(text))
                         for name, text in texts.items()}, protocol=pickle.HIGHEST_PROTOCOL)


@pytest.fixture
def parsed(_parsed_once) -> dict:
    """name -> (fastyaml.load(text), yamlio.load_strict(text)), a fresh copy for each test
    (unpickled), so that nothing a test or lpcli changes in one is seen by another."""
    return pickle.loads(_parsed_once)


def test_fast_loader_agrees_with_strict_loader(texts, parsed):
    handed_over = 0
    for name, text in texts.items():
        fast, strict = parsed[name]
        if fast is None:
            handed_over += 1
            continue
        assert strict.problems == [], name
        assert repr(fast.data) == repr(strict.data), name  # repr: nan != nan
        assert fast.positions == strict.positions, name
    # Most real files take the fast path; the unusual ones are handed over.
    assert handed_over < len(texts) / 4


def test_positions_alone_are_the_fast_loaders(texts, parsed):
    """``fastyaml.positions`` (for locating the findings of a file the quick path read)
    gives exactly ``fastyaml.load``'s positions, and hands over the same files."""
    for name, text in texts.items():
        fast, alone = parsed[name][0], fastyaml.positions(text)
        assert (alone is None) == (fast is None), name
        if fast is not None:
            assert alone.positions == fast.positions and alone.data is None, name


def test_fast_loader_hands_over_everything_the_strict_loader_rejects(texts, parsed):
    for name, text in texts.items():
        fast, strict = parsed[name]
        if strict.problems:
            assert fast is None, name


def test_quick_loader_agrees_with_strict_loader(texts, parsed):
    handed_over = 0
    for name, text in texts.items():
        quick, strict = quickyaml.load(text), parsed[name][1]
        if quick is None:
            handed_over += 1
            continue
        assert strict.problems == [], name  # it hands over everything the strict one rejects
        assert repr(quick.data) == repr(strict.data), name  # repr: nan != nan
        assert quick.positions == {}, name
    # Generated cases, as people write them, take the quick way; the fixtures and the
    # hostile corpus are mostly the unusual files it hands over.
    generated = [n for n in texts if "/gen" in n]
    assert sum(quickyaml.load(texts[n]) is not None for n in generated) > 0.9 * len(generated)
    assert handed_over < len(texts) / 3


_PIECES = ["0", "1", "9", "+", "-", ".", "e", "E", "_", "0x", "0X", "0o", "0O", "0b", "0B",
           "inf", "nan", "Inf", "NaN", ".inf", ".nan", "true", "True", "null", "~", "yes", "no",
           "on", ":", " ", "  ", "2026-03-03", "12:30", "\\t", "'", '"', "#", " #", "\u00e9",
           "\u00a0", "\u2028", "\x85", "a", "x y", "? ", ": ", "|", ">", "\\", "\\n",
           "\\u00e9", "\\x41", "\\N", "\\_", "&a", "*a", "!t", "[", "]", "{", "}", ",",
           "%", "@", "`", "=", "<<", "\r", "1" * 70]


def _random_document(rng) -> str:
    """A small YAML document of random keys, scalars in every style, block scalars, nested
    mappings and sequences: where the two parsers could disagree."""
    def scalar():
        return "".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 4)))

    def value(indent, depth):
        r = rng.random()
        if depth > 2 or r < 0.4:
            s, f = scalar(), rng.random()
            if f < 0.5:
                return f" {s}\n"
            if f < 0.65:
                return " '" + s.replace("'", "''") + "'\n"
            if f < 0.8:
                return ' "' + s.replace('"', '\\"') + '"\n'
            if f < 0.9:
                return f" {s}\n" + " " * (indent + 2) + scalar() + "\n"
            lines = ["" if rng.random() < 0.2 else " " * (indent + 2 + rng.choice([0, 0, 1]))
                     + scalar().replace("\r", "") for _ in range(rng.randint(0, 3))]
            return (" " + rng.choice(["|", "|-", "|+", ">", ">-", ">+", "|2"]) + "\n"
                    + "".join(line + "\n" for line in lines) + "\n" * rng.choice([0, 1]))
        if r < 0.7:
            return "\n" + mapping(indent + 2, depth + 1)
        return "\n" + sequence(indent + rng.choice([0, 2]), depth + 1)

    def mapping(indent, depth):
        return "".join(" " * indent + rng.choice(["a", "b", "key", "'q'", "1", "true", "null",
                                                  scalar().strip() or "k"]) + ":"
                       + value(indent, depth) for _ in range(rng.randint(1, 3)))

    def sequence(indent, depth):
        return "".join(" " * indent + "-" + value(indent, depth)
                       for _ in range(rng.randint(1, 3)))

    return mapping(0, 0)


def test_quick_loader_agrees_on_random_documents():
    rng = random.Random(int(os.environ.get("LPCLI_FUZZ_SEED", "18")))
    taken = 0
    for _ in range(int(os.environ.get("LPCLI_QUICK_EXAMPLES", "1500"))):
        text = _random_document(rng)
        quick = quickyaml.load(text)
        if quick is None:
            continue
        taken += 1
        strict = yamlio.load_strict(text)
        assert strict.problems == [] and repr(quick.data) == repr(strict.data), text
    assert taken > 50


def test_fast_screen_is_the_regular_expression():
    rng = random.Random(5)
    alphabet = " \t\n\r\x85\u2028&*!<%-.=>|,[{ab_0xB\"'#:"
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert fastyaml.suspect(text) == bool(fastyaml._SUSPECT.search(text)), repr(text)


def test_diagnostics_are_the_same_whichever_loader_read_the_file(texts, monkeypatch):
    from lpcli.casebook.book import Directory
    from lpcli.casebook.scan import analyse

    pr = yamlio.load_strict((EXAMPLE / "practitioners.yaml").read_text())
    directory = Directory(pr.data["practitioners"])
    cases = {n: t for i, (n, t) in enumerate(texts.items())
             if n.endswith(".yaml") and "cases" in n and ("/gen" not in n or i % 4 == 0)}
    quick = {n: analyse(f"cases/{Path(n).name}", t.encode("utf-8"), directory)
             for n, t in cases.items()}
    monkeypatch.setattr(quickyaml, "load", lambda text: None)
    for name, text in cases.items():
        assert analyse(f"cases/{Path(name).name}", text.encode("utf-8"), directory) == \
            quick[name], name


def test_a_file_read_again_for_positions_with_a_problem_is_checked_from_that_reading(
        texts, monkeypatch):
    """The quick path's findings are located by reading the file again; should that reading
    ever find a problem the quick one did not (the tests above say it does not), the file
    is checked from it, problems first, never from the quick data."""
    from lpcli.casebook import scan as scanmod
    from lpcli.files import loader

    name, text = next((n, t) for n, t in texts.items()
                      if "/gen" in n and quickyaml.load(t) is not None)
    cid = Path(name).stem
    text = text.replace(f"id: {cid}", "id: LP-00000-00000", 1)  # a finding: id-mismatch
    assert quickyaml.load(text) is not None  # the quick path reads it
    rel = f"cases/{cid}.yaml"
    quick_slim, quick_diags = scanmod.analyse(rel, text.encode(), None)
    assert quick_slim is not None and "id-mismatch" in [d[5] for d in quick_diags]
    where = yamlio.load_strict(text).locate(("id",))
    assert [tuple(d[1:3]) for d in quick_diags if d[5] == "id-mismatch"] == [where]
    problem = yamlio.YamlProblem("yaml-anchor", "an anchor", 3, 4, ("child",))
    monkeypatch.setattr(fastyaml, "positions", lambda t: None)
    monkeypatch.setattr(loader, "load", lambda t: yamlio.Loaded(problems=[problem],
                                                                fatal=True))
    slim, diags = scanmod.analyse(rel, text.encode(), None)
    assert slim is None and [d[5] for d in diags] == ["yaml-anchor"]


_COMMANDS = (("validate",), ("list",), ("list", "--status", "closed"),
             ("overdue", "--as-of", "2026-11-20"), ("caseload", "--as-of", "2026-11-20"),
             ("report", "--month", "2026-10"))


def test_a_casebook_reads_the_same_without_yaml_rs(generated, tmp_path, monkeypatch):
    """yaml-rs only makes lpcli faster: without it (``quickyaml.yaml_rs`` None, as when it
    is not installed) every command gives the same answers, cold and warm."""
    root = tmp_path / "book"
    shutil.copytree(generated, root, symlinks=True,
                    ignore=shutil.ignore_patterns("cache-*"))
    book = Book(root)

    def answers():
        shutil.rmtree(root / ".git" / "lpcli", ignore_errors=True)
        out = []
        for _ in ("cold", "warm"):
            for args in _COMMANDS:
                result = book.run(*args, "--format", "json")
                assert result.exit_code in (0, 1), (args, result.output)
                out.append((args, result.exit_code, result.output))
        return out

    taken = []
    real = quickyaml.load
    monkeypatch.setattr(quickyaml, "load", lambda text: taken.append(1) or real(text))
    with_rs = answers()
    assert taken  # the quick path was really used
    monkeypatch.setattr(quickyaml, "load", real)
    monkeypatch.setattr(quickyaml, "yaml_rs", None)
    assert not quickyaml.available()
    assert answers() == with_rs


def test_lpcli_starts_without_yaml_rs_installed():
    code = ("import sys; sys.modules['yaml_rs'] = None\n"  # 'import yaml_rs' now fails
            "from lpcli.files import quickyaml\n"
            "assert not quickyaml.available() and quickyaml.load('a: 1\\n') is None\n"
            "print('ok')")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True).stdout.strip()
    assert out == "ok"

def _mutations(data, rng):
    """Variants of a valid case with one value changed to something else."""
    paths = []

    def walk(node, path):
        if isinstance(node, dict):
            for k, v in node.items():
                paths.append(path + (k,))
                walk(v, path + (k,))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                paths.append(path + (i,))
                walk(v, path + (i,))

    walk(data, ())
    for path in rng.sample(paths, min(12, len(paths))):
        for replacement in (None, 7, "x", "2026-02-30", [], {"z": 1}, True):
            copy = json.loads(json.dumps(data))
            node = copy
            for part in path[:-1]:
                node = node[part]
            node[path[-1]] = replacement
            yield copy


def test_fast_validator_agrees_with_jsonschema(texts, parsed):
    fast = schema.fast_validator("case")
    slow = schema.validator("case")
    assert fast is not None, "jsonschema-rs is a dependency of lpcli"
    rng = random.Random(3)
    checked = 0
    for n, (name, text) in enumerate(texts.items()):
        loaded = parsed[name][1]  # yamlio.load_strict(text)
        if loaded.fatal or not isinstance(loaded.data, dict):
            continue
        # Every file as it is, and mutated variants of every eighth case (thousands of
        # checks; the reference validator is the slow part).
        mutate = "cases" in name and n % 8 == 0
        for data in [loaded.data, *(_mutations(loaded.data, rng) if mutate else ())]:
            assert fast.is_valid(data) == slow.is_valid(data), name
            checked += 1
    assert checked > 1000


def test_verdicts_are_the_same_on_both_paths(texts, parsed):
    from lpcli.casebook.book import Directory
    from lpcli.check.gate import check_loaded

    pr = yamlio.load_strict((EXAMPLE / "practitioners.yaml").read_text())
    directory = Directory(pr.data["practitioners"])
    for name, text in texts.items():
        fast, strict = parsed[name]
        if fast is None:
            continue
        cid = Path(name).stem if name.endswith(".yaml") else None
        assert check_loaded("f.yaml", "case", fast, directory, cid) == \
            check_loaded("f.yaml", "case", strict, directory, cid), name


def _full_cases(cb):
    """Every case that passes the gate (YAML and schema), read by the strict loader."""
    from lpcli.casebook.checker import check

    for cid in cb.case_ids():
        loaded = yamlio.load_strict(cb.case_path(cid).read_text(encoding="utf-8"))
        data = check(f"cases/{cid}.yaml", "case", loaded).data
        if data is not None:
            yield cid, data


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    root = tmp_path_factory.mktemp("gen2") / "book"
    generate(root, 250, invalid=10, seed=11)
    return root


def _unavailable(book):
    """The example with what issue 14's kinds read: a lead who left, a lead away a long time
    and one planned, consent withdrawn (and a step-up after it), a lead with no plan."""
    today = {"LPCLI_TODAY": "2026-11-20"}
    for args in (["practitioner", "leave", "ed-marsh", "--date", "2026-11-18"],
                 ["practitioner", "away", "hv-jones", "--from", "2026-11-16", "--to",
                  "2026-12-31"],
                 ["practitioner", "away", "ed-quinn", "--from", "2026-12-01", "--to",
                  "2027-02-01"],
                 ["consent", "withdraw", "LP-QE74Y-3GRJR", "--by", "mum"],
                 ["team", "add", MODEL_CASE, "sw-adeyemi"],
                 ["consent", "withdraw", MODEL_CASE, "--by", "mum"],
                 ["handover", MODEL_CASE, "sw-adeyemi", "--transition", "step_up", "--reason",
                  "x", "--statutory-status", "child_protection_plan", "--family-informed",
                  "--without-consent", "--safeguarding-ground", "significant_harm",
                  "--safeguarding-reason", "x", "--authorised-by", "M", "--family-told"],
                 ["nominate", "LP-TX681-MBQS9", "fs-ahmed", "--meeting-date", "2026-11-16",
                  "--family-agreed", "--manager-agreed", "--present", "--rationale", "x"]):
        result = book.run(*args, env=today)
        assert result.exit_code == 0, (args, result.output)


@pytest.mark.parametrize("which", ["example", "generated", "unavailable"])
def test_reports_from_slim_copies_equal_reports_from_records(which, generated, book):
    from lpcli.reports import caseload
    from lpcli.reports import ical
    from lpcli.reports import overdue
    from lpcli.reports import retention
    from lpcli.casebook.book import Casebook
    from lpcli.reports.listing import child_name, summarise

    if which == "unavailable":
        _unavailable(book)
    cb = Casebook(generated if which == "generated" else book.root)
    full = dict(_full_cases(cb))
    slim = {cid: cachemod.slim(data) for cid, data in full.items()}
    assert dict(cb.cases()) == slim
    for cid in full:
        assert summarise(full[cid], cb.settings) == summarise(slim[cid], cb.settings)
        assert child_name(full[cid]) == child_name(slim[cid])
    for as_of in (AS_OF, AS_OF + dt.timedelta(days=400)):
        found = overdue.find(cb, as_of, within=30, cases=full.items(), names=True)
        assert found == overdue.find(cb, as_of, within=30, cases=slim.items(), names=True)
        if which == "unavailable" and as_of == AS_OF:  # the new kinds are really there
            assert {i.kind for i in found} >= {"lead", "plan", "consent_withdrawn"}
        for owner in ("ed-marsh", "yw-santos"):
            assert overdue.find(cb, as_of, owner=owner, cases=full.items()) == \
                overdue.find(cb, as_of, owner=owner, cases=slim.items())
        assert [r.as_dict() for r in caseload.caseloads(cb, as_of, cases=full.items())] == \
            [r.as_dict() for r in caseload.caseloads(cb, as_of, cases=slim.items())]
        assert ical.events(cb, as_of, actions=True, names=True, cases=full.items()) == \
            ical.events(cb, as_of, actions=True, names=True, cases=slim.items())
    from lpcli.reports import find as fd
    from lpcli.workflow.intake import already_known

    for q in ("Hart", "amelia", "Millie", "RV1", "rv1 4qt", "2018-02-14", "14/02/2018",
              "Brookside", "Hillcrest Academy", "Oscar Smith", "O'Brien", "Emelia", "Dav"):
        query = fd.parse(q)
        assert [f.as_dict() for f in fd.search(full.items(), query)] == \
            [f.as_dict() for f in fd.search(slim.items(), query)], q
    for cid, data in list(full.items())[:40]:
        child = data["child"]
        born = child.get("date_of_birth") or child.get("expected_date")
        ask = {"given": child["given_name"], "family": child["family_name"],
               "dob": dt.date.fromisoformat(born),
               "postcode": (child.get("address") or {}).get("postcode")}
        assert already_known(full.items(), **ask) == already_known(slim.items(), **ask)
        assert cid in [k.case_id for k in already_known(slim.items(), **ask)]
    for rule in ({"years_after_closure": 1}, {"until_age": 18}, {"until_age": 3},
                 {"years_after_closure": 6, "until_age": 25}):
        settings = {**cb.settings, "retention": rule}
        for as_of in (AS_OF, dt.date(2040, 1, 1), dt.date(2100, 1, 1)):
            assert retention.find(full.items(), settings, as_of) == \
                retention.find(slim.items(), settings, as_of)


def _cache_files(book):
    return list((book.root / ".git" / "lpcli").glob("cache-*.sqlite3"))


def test_cache_is_used_and_never_stale(book):
    first = book.run("validate", "--format", "json")
    assert first.exit_code == 0 and _cache_files(book)
    path = book.case(MODEL_CASE)
    st = os.stat(path)
    text = path.read_text()
    # Same size, same mtime (to the nanosecond): only the content says it changed.
    edited = text.replace("owner: ho-brennan", "owner: ho-brennaX", 1)
    assert len(edited) == len(text) and edited != text
    path.write_text(edited)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert os.stat(path).st_size == st.st_size and os.stat(path).st_mtime_ns == st.st_mtime_ns
    second = book.run("validate", "--format", "json")
    assert second.exit_code == 1
    assert any(d["rule"] == "unknown-action-owner" for d in json.loads(second.output))
    # And reports see it too: the action's status changes, same size, same mtime (trailing
    # spaces keep the size; the file stays valid, so the case is not left out by the gate).
    status_edit = edited.replace("status: in_progress", "status: done       ", 1)
    path.write_text(status_edit)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    rows = json.loads(book.run("overdue", "--as-of", "2027-06-01", "--format", "json").output)
    actions = {(r["case"], r["item"]) for r in rows if r["kind"] == "action"}
    assert (MODEL_CASE, "A3") not in actions and (MODEL_CASE, "A4") in actions


def test_warm_run_equals_cold_run(book):
    cold = book.run("validate", "--format", "json").output
    assert book.run("validate", "--format", "json").output == cold
    overdue_cold = book.run("overdue", "--as-of", "2026-11-20", "--format", "json").output
    shutil.rmtree(book.root / ".git" / "lpcli")
    assert book.run("overdue", "--as-of", "2026-11-20", "--format", "json").output == overdue_cold


def test_practitioner_change_invalidates_cached_diagnostics(book):
    assert book.run("validate").exit_code == 0
    pr = book.root / "practitioners.yaml"
    pr.write_text(pr.read_text().replace("id: ho-brennan", "id: ho-brennan-old"))
    result = book.run("validate", "--format", "json")
    assert any(d["rule"] == "unknown-practitioner" and d["file"] == f"cases/{MODEL_CASE}.yaml"
               for d in json.loads(result.output))


@pytest.mark.parametrize("damage", ["garbage", "truncated", "wrong shape", "directory"])
def test_corrupt_or_unwritable_cache_falls_back_to_a_full_run(book, damage):
    expected = book.run("validate", "--format", "json").output
    (cache_file,) = _cache_files(book)
    if damage == "garbage":
        cache_file.write_bytes(os.urandom(4096))
    elif damage == "truncated":
        cache_file.write_bytes(cache_file.read_bytes()[:1000])
    elif damage == "wrong shape":
        import marshal
        import sqlite3

        db = sqlite3.connect(cache_file)
        db.execute("UPDATE meta SET v = ? WHERE k = 'index'", (marshal.dumps([1, 2]),))
        db.commit()
        db.close()
    else:
        cache_file.unlink()
        cache_file.mkdir()  # cannot be read or replaced
    for _ in range(2):
        result = book.run("validate", "--format", "json")
        assert result.output == expected and result.exit_code == 0
    assert book.run("list").exit_code == 0


def test_cache_is_private_and_not_in_the_work_tree(book):
    book.run("validate")
    (cache_file,) = _cache_files(book)
    assert oct(cache_file.stat().st_mode & 0o777) == "0o600"
    assert book.status() == ""


def test_parallel_cold_run_equals_serial(generated, monkeypatch):
    from lpcli.casebook.book import Casebook
    from lpcli.casebook.checker import Checker

    def run_cold(parallel_min):
        shutil.rmtree(generated / ".git" / "lpcli", ignore_errors=True)
        monkeypatch.setattr(cachemod, "PARALLEL_MIN", parallel_min)
        return Checker(Casebook(generated)).run().diagnostics

    assert run_cold(1) == run_cold(10 ** 9)


def test_version_and_help_do_not_load_heavy_libraries():
    code = ("import sys; from click.testing import CliRunner; from lpcli.cli import cli; "
            "r1 = CliRunner().invoke(cli, ['--version']); "
            "r2 = CliRunner().invoke(cli, ['--help']); "
            "heavy = {'jinja2', 'jsonschema', 'git', 'ruamel', 'yaml', 'jsonschema_rs', "
            "'weasyprint'}; print(sorted({m.split('.')[0] for m in sys.modules} & heavy))")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True).stdout.strip()
    assert out == "[]"
