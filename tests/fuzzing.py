"""A seeded mutator of casebooks and a harness that runs lpcli on each mutated casebook
(issue 11: no input can crash lpcli or reach outside the casebook).

Shared by ``tests/test_fuzz.py`` (a bounded run in the test suite) and
``tests/benchmarks/fuzz.py`` (a large run that groups the crashes it finds by site).

A *mutation* is a pure function of ``(seed, index)``: ``Mutator.mutation(seed, index)`` gives
the same bytes and the same description on every machine, so any failure is reproduced from
the two numbers alone. It changes one file of the example casebook (a case file most often,
else ``lpcli.yaml`` or ``practitioners.yaml``) in one to three steps:

- on the parsed file (PyYAML, dumped again): a value replaced by another type (list,
  mapping, int, huge int, float ``.inf``/``.nan``, bool, null, long or odd string, a date
  such as 9999-12-31 or 0001-01-01, an ID of another kind), a key deleted, two values
  swapped, a list item duplicated (duplicate IDs), an unknown key added, a setting or a
  practitioner's field set to an extreme;
- on the bytes (the original file, comments and all, or the dumped one): a key line
  duplicated, the file truncated, non-UTF-8 bytes or raw control characters inserted, an
  integer literal beyond Python's digit limit, a file over lpcli's size limit, an empty file,
  a document that is not a mapping.

Descriptions name files, key paths, line numbers and the *kind* of value written, never a
value read from a file: they are printed in test failures and in the benchmark's summary.

``FuzzCasebook`` is a real casebook (the example, via ``lpcli demo``, with a retention rule
added) in a temporary git repository, built once; each mutation is written and committed
(writes refuse uncommitted files), every reading command and one write are run in-process
with click's CliRunner, and ``git reset --hard`` puts the base back.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import os
import random
import re
import signal
import subprocess
import threading
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from click.testing import CliRunner

import lpcli
from lpcli.cli import cli

TODAY = "2026-11-20"  # the example casebook is written against this date
LPCLI_DIR = Path(lpcli.__file__).resolve().parent
SETTINGS = "lpcli.yaml"
PRACTITIONERS = "practitioners.yaml"
RETENTION_RULE = "retention:\n  years_after_closure: 6\n  until_age: 18\n"
HANG_SECONDS = 20.0  # CPU seconds one command may take before it counts as a hang
IDENTITY = ("Fuzz Tester", "fuzz@example.invalid")

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


# -- values -------------------------------------------------------------------------------------

_CONTROL = "a\x00b\x07c\x1b[31md\x7fe\x85f\u2028g\ufeff"

# (label, value or function of the old value). Labels describe; they never quote a file.
VALUES: list[tuple[str, object]] = [
    ("a list holding the old value", lambda old: [old]),
    ("an empty list", lambda old: []),
    ("a list of lists", lambda old: [[old], []]),
    ("a mapping holding the old value", lambda old: {"x": old}),
    ("an empty mapping", lambda old: {}),
    ("a mapping with an id key", lambda old: {"id": old, "date": dt.date(2026, 1, 1)}),
    ("int 0", 0), ("int -1", -1), ("int 7", 7), ("int 2**31", 2 ** 31),
    ("int 2**63", 2 ** 63), ("int -2**63-1", -(2 ** 63) - 1), ("int 10**100", 10 ** 100),
    ("an int of 4000 digits", 10 ** 3999),
    ("float .inf", math.inf), ("float -.inf", -math.inf), ("float .nan", math.nan),
    ("float 1e308", 1e308), ("float -0.0", -0.0), ("float 0.5", 0.5),
    ("true", True), ("false", False), ("null", None),
    ("an empty string", ""), ("a blank string", "   "),
    ("a 10,000-character string", "x" * 10_000),
    ("a 100,000-character string", "y" * 100_000),
    ("the impossible date string 2026-02-30", "2026-02-30"),
    ("a date-time string", "2026-11-20T10:00:00"), ("a word where a date belongs", "soon"),
    ("date 9999-12-31", dt.date(9999, 12, 31)), ("date 0001-01-01", dt.date(1, 1, 1)),
    ("date 2026-11-20 (today)", dt.date(2026, 11, 20)), ("date 2100-01-01", dt.date(2100, 1, 1)),
    ("date 2026-02-28", dt.date(2026, 2, 28)),
    ("a timestamp", dt.datetime(2026, 11, 20, 10, 30, 0)),
    ("a string of control characters", _CONTROL),
    ("a right-to-left override string", "\u202eabc\u202c"),
    ("a path-like string", "../../../etc/passwd"),
    ("a template-like string", "{{ 7 * 7 }}{% for x in range(10**9) %}{% endfor %}"),
    ("an HTML/Markdown string", "<script>alert(1)</script> *[x](javascript:alert(1))*"),
    ("a case ID", "LP-4F7QK-9M2XA"), ("a malformed case ID", "LP-../..-X"),
    ("ID A1", "A1"), ("ID O1", "O1"), ("ID M1", "M1"), ("ID H1", "H1"), ("ID mum", "mum"),
    ("ID child", "child"), ("practitioner ed-okafor", "ed-okafor"),
    ("practitioner sw-adeyemi", "sw-adeyemi"), ("an unknown ID", "nobody"),
]

# For settings and numeric fields: extremes first.
NUMBERS: list[tuple[str, object]] = [
    ("int 0", 0), ("int -1", -1), ("int -100", -100), ("int 1", 1), ("int 10**6", 10 ** 6),
    ("int 2**31", 2 ** 31), ("int 2**63", 2 ** 63), ("int 10**30", 10 ** 30),
    ("an int of 4000 digits", 10 ** 3999), ("float .inf", math.inf),
    ("float -.inf", -math.inf), ("float .nan", math.nan), ("float 1.5", 1.5),
    ("float -0.5", -0.5), ("true", True), ("null", None), ("a list of ints", [1, 2]),
    ("a mapping", {"weeks": 6}), ("a numeric string", "6"), ("an empty string", ""),
]

SETTINGS_STRINGS: list[tuple[str, object]] = [
    ("zone Europe/London", "Europe/London"), ("an unknown zone", "Mars/Olympus_Mons"),
    ("a path-like zone", "../../../../etc/localtime"), ("zone UTC", "UTC"),
    ("a prefix too long", "ABCDEFGHIJKLMNOP"), ("a lower-case prefix", "lp"),
    ("a prefix with a slash", "L/P"), ("a prefix with a hyphen", "LP-X"),
    ("an empty string", ""), ("a remote name", "upstream"), ("a remote URL", "/nonexistent/x.git"),
]

SETTINGS_PATHS = [
    ("agency",), ("case_id_prefix",), ("review_interval_weeks",), ("first_review_weeks",),
    ("nomination_grace_days",), ("consent_review_months",), ("timezone",), ("language",),
    ("retention",), ("retention", "years_after_closure"), ("retention", "until_age"),
    ("sync",), ("sync", "remote"), ("sync", "auto_push"),
]

PRACTITIONER_FIELDS = ["id", "name", "agency", "agency_type", "role", "capacity",
                       "statutory_roles", "lp_trained", "active", "line_manager", "email",
                       "phone"]

# Keys whose values the rules and reports lean on: chosen more often.
INTERESTING = {
    "id", "owner", "meeting", "outcome", "practitioner", "date", "due", "next_review",
    "since", "agreed", "opened", "status", "reviews", "plan", "actions", "outcomes", "team",
    "child", "school", "date_of_birth", "expected_date", "closure", "reason",
    "lead_professional", "lead_professional_history", "family", "consent", "assessment",
    "statutory", "meetings", "handovers", "review_interval_weeks", "events", "attendees",
    "share_with", "do_not_share_with", "withdrawn", "outcome_progress", "first_review",
    "unresolved_nomination", "reopenings", "predominant_needs", "agencies_needed", "to",
    "from", "given_by", "history", "family_wishes", "preferred_lead", "capacity",
}


# -- paths in a parsed document ------------------------------------------------------------------

def describe_path(path: tuple) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + _safe_key(part)
    return out or "(the whole document)"


def _safe_key(key) -> str:
    """A mapping key for a description: schema keys are plain words; anything else (a key
    someone typed) is named by its kind only."""
    if isinstance(key, str) and re.fullmatch(r"[a-z_][a-z0-9_]{0,40}", key):
        return key
    return f"<{type(key).__name__} key>"


def nodes(tree, path=()):
    yield path
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield from nodes(value, path + (key,))
    elif isinstance(tree, list):
        for i, value in enumerate(tree):
            yield from nodes(value, path + (i,))


def get(tree, path):
    for part in path:
        tree = tree[part]
    return tree


def put(tree, path, value):
    get(tree, path[:-1])[path[-1]] = value


def _kind(value) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, dt.datetime):
        return "timestamp"
    if isinstance(value, dt.date):
        return "date"
    return {dict: "mapping", list: "list", str: "string", int: "int", float: "float",
            type(None): "null"}.get(type(value), type(value).__name__)


def dump(tree) -> bytes:
    return yaml.dump(tree, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     width=4096).encode("utf-8")


# -- mutations -------------------------------------------------------------------------------------

@dataclass
class Mutation:
    seed: int
    index: int
    target: str            # file changed, relative to the casebook
    steps: list[str]       # what was done, without any value from the file
    data: bytes            # the file's new bytes (never printed)
    case: str              # the case the case commands run on
    to: str                # a practitioner for 'render handover --to'
    write: list[str]       # the one write command
    reads: list[list[str]] = field(default_factory=list)  # the reading commands to run

    def describe(self) -> str:
        return f"seed {self.seed} #{self.index}: {self.target}: " + "; ".join(self.steps)


class Mutator:
    """Deterministic mutations of a casebook's files, from ``(seed, index)``."""

    def __init__(self, files: dict[str, bytes]):
        self.files = files
        self.cases = sorted(f for f in files if f.startswith("cases/"))
        self.trees = {name: yaml.load(data, Loader=_Loader) for name, data in files.items()}
        self.practitioner_ids = [p["id"] for p in self.trees[PRACTITIONERS]["practitioners"]]

    # The pieces --------------------------------------------------------------------------

    def _value(self, rng, old, pool=VALUES):
        label, value = rng.choice(pool)
        if callable(value):
            value = value(copy.deepcopy(old))
        return label, value

    def _pick_node(self, rng, tree, want=lambda path, value: True):
        candidates, weights = [], []
        for path in nodes(tree):
            if not path:
                continue
            value = get(tree, path)
            if not want(path, value):
                continue
            key = next((p for p in reversed(path) if isinstance(p, str)), None)
            weight = 4 if len(path) == 1 else 3 if key in INTERESTING else 1
            candidates.append(path)
            weights.append(weight)
        if not candidates:
            return None
        return rng.choices(candidates, weights)[0]

    def _replace(self, rng, tree, target):
        path = self._pick_node(rng, tree)
        if path is None:
            return None
        old = get(tree, path)
        label, value = self._value(rng, old)
        put(tree, path, value)
        return f"{describe_path(path)} ({_kind(old)}) replaced by {label}"

    def _delete(self, rng, tree, target):
        path = self._pick_node(rng, tree, lambda p, v: isinstance(p[-1], str))
        if path is None:
            return None
        del get(tree, path[:-1])[path[-1]]
        return f"key {describe_path(path)} deleted"

    def _swap(self, rng, tree, target):
        first = self._pick_node(rng, tree)
        if first is None:
            return None
        parent = get(tree, first[:-1])
        if isinstance(parent, dict) and len(parent) > 1 and rng.random() < 0.6:
            other = rng.choice([k for k in parent if k != first[-1]])
            second = first[:-1] + (other,)
        else:
            second = self._pick_node(rng, tree, lambda p, v: p[:len(first)] != first
                                     and first[:len(p)] != p)
            if second is None:
                return None
        a, b = get(tree, first), get(tree, second)
        put(tree, first, copy.deepcopy(b))
        put(tree, second, copy.deepcopy(a))
        return f"values of {describe_path(first)} and {describe_path(second)} swapped"

    def _duplicate_item(self, rng, tree, target):
        path = self._pick_node(rng, tree, lambda p, v: isinstance(v, list) and v)
        if path is None:
            return None
        items = get(tree, path)
        i = rng.randrange(len(items))
        items.insert(rng.randrange(len(items) + 1), copy.deepcopy(items[i]))
        return f"item {i} of {describe_path(path)} duplicated"

    def _add_key(self, rng, tree, target):
        path = self._pick_node(rng, tree, lambda p, v: isinstance(v, dict))
        container = tree if path is None or rng.random() < 0.3 else get(tree, path)
        if not isinstance(container, dict):
            return None
        label, value = self._value(rng, None)
        container["unexpected_key"] = value
        where = describe_path(path) if container is not tree else "the top level"
        return f"unknown key added at {where}, holding {label}"

    def _setting(self, rng, tree, target):
        if target != SETTINGS or not isinstance(tree, dict):
            return None
        path = rng.choice(SETTINGS_PATHS)
        parent = tree
        for part in path[:-1]:
            if not isinstance(parent.get(part), dict):
                parent[part] = {}
            parent = parent[part]
        pool = rng.choice([NUMBERS, NUMBERS, SETTINGS_STRINGS, VALUES])
        label, value = self._value(rng, parent.get(path[-1]), pool)
        parent[path[-1]] = value
        return f"setting {describe_path(path)} set to {label}"

    def _practitioner(self, rng, tree, target):
        if target != PRACTITIONERS or not isinstance(tree, dict):
            return None
        people = tree.get("practitioners")
        if not isinstance(people, list) or not people:
            return None
        i = rng.randrange(len(people))
        if not isinstance(people[i], dict):
            return None
        key = rng.choice(PRACTITIONER_FIELDS)
        pool = NUMBERS if key == "capacity" or rng.random() < 0.3 else VALUES
        label, value = self._value(rng, people[i].get(key), pool)
        people[i][key] = value
        return f"practitioners[{i}].{key} set to {label}"

    STRUCTURAL = [(_replace, 50), (_delete, 14), (_swap, 10), (_duplicate_item, 8),
                  (_add_key, 4), (_setting, 8), (_practitioner, 8)]

    # On bytes ---------------------------------------------------------------------------------

    _KEY_LINE = re.compile(rb"^( *(?:- )?)([A-Za-z_][A-Za-z0-9_]*):(?: (.*))?$")

    def _key_lines(self, lines):
        return [i for i, line in enumerate(lines) if self._KEY_LINE.match(line)]

    def _dup_key_line(self, rng, data):
        lines = data.split(b"\n")
        keyed = self._key_lines(lines)
        if not keyed:
            return None
        i = rng.choice(keyed)
        m = self._KEY_LINE.match(lines[i])
        copy_line = lines[i]
        if m.group(1).endswith(b"- "):  # the copy is a key of the same item, not a new item
            copy_line = b" " * len(m.group(1)) + copy_line[len(m.group(1)):]
        lines.insert(i + 1, copy_line)
        return b"\n".join(lines), f"key line {i + 1} ({_safe_key(m.group(2).decode())}) " \
                                  "written twice"

    def _truncate(self, rng, data):
        if not data:
            return None
        at = rng.randrange(len(data))
        return data[:at], f"truncated at byte {at} of {len(data)}"

    def _bad_bytes(self, rng, data):
        choices = [(b"\xff\xfe", "bytes FF FE"), (b"\xc3", "a lone UTF-8 lead byte"),
                   (b"\xe9", "a Latin-1 e-acute"), (b"\xed\xa0\x80", "an encoded surrogate"),
                   (b"\xc0\xaf", "an overlong UTF-8 slash")]
        raw, label = rng.choice(choices)
        at = rng.randrange(len(data) + 1)
        return data[:at] + raw + data[at:], f"{label} inserted at byte {at}"

    def _control_chars(self, rng, data):
        choices = [(b"\x00", "NUL"), (b"\x07", "BEL"), (b"\x1b[2J", "an ANSI escape"),
                   (b"\x7f", "DEL"), (b"\r", "a lone CR"), (b"\t", "a tab"),
                   (b"\xc2\x85", "NEL (U+0085)"), (b"\xe2\x80\xa8", "U+2028"),
                   (b"\xef\xbb\xbf", "a byte-order mark"), (b"\x0c", "a form feed")]
        raw, label = rng.choice(choices)
        lines = data.split(b"\n")
        keyed = self._key_lines(lines)
        if keyed and rng.random() < 0.7:  # inside a value, where it is most likely to pass
            i = rng.choice(keyed)
            lines[i] = lines[i] + raw + b"z"
            return b"\n".join(lines), f"{label} added at the end of line {i + 1}"
        at = rng.randrange(len(data) + 1)
        return data[:at] + raw + data[at:], f"{label} inserted at byte {at}"

    def _literal(self, rng, data):
        """A scalar replaced in the text, for literals a dumper would not write."""
        lines = data.split(b"\n")
        keyed = [i for i in self._key_lines(lines) if self._KEY_LINE.match(lines[i]).group(3)]
        if not keyed:
            return None
        i = rng.choice(keyed)
        m = self._KEY_LINE.match(lines[i])
        label, literal = rng.choice([
            ("an int of 5000 digits", b"9" * 5000), ("a negative int of 5000 digits",
                                                      b"-" + b"1" * 5000),
            ("hex int 0x7FFFFFFFFFFFFFFFFF", b"0x7FFFFFFFFFFFFFFFFF"), ("octal int 0o17", b"0o17"),
            ("float 1e999", b"1e999"), ("float .NaN", b".NaN"), ("float -.Inf", b"-.Inf"),
            ("YAML 1.1 bool yes", b"yes"), ("YAML 1.1 bool off", b"off"),
            ("a date 2026-13-45", b"2026-13-45"), ("a date 99999-01-01", b"99999-01-01"),
            ("a date 0000-00-00", b"0000-00-00"), ("a timestamp with zone",
                                                   b"2026-11-20T10:00:00+14:00"),
            ("an anchor and alias", b"&a [1] "), ("a tag", b"!!binary aGk="),
            ("a flow mapping", b"{a: 1, b: [2, {c: 3}]}"), ("a quoted empty string", b"''"),
            ("a tilde", b"~"), ("a sexagesimal", b"1:30:00"),
        ])
        lines[i] = m.group(1) + m.group(2) + b": " + literal
        return b"\n".join(lines), f"value of key line {i + 1} " \
                                  f"({_safe_key(m.group(2).decode())}) written as {label}"

    def _whole(self, rng, data):
        label, new = rng.choice([
            ("an empty file", b""), ("a file holding null", b"null\n"),
            ("a file holding a list", b"- 1\n- 2\n"), ("a file holding a string", b"text\n"),
            ("a file holding an int", b"42\n"), ("a file of blank lines", b"\n\n\n"),
            ("a file over the 512 KiB limit", data + b"# " + b"x" * (520 * 1024) + b"\n"),
            ("a file of 20,000 short keys", b"".join(b"k%d: %d\n" % (i, i)
                                                    for i in range(20000))),
            ("a second document appended", data + b"\n---\nid: X\n"),
        ])
        return new, f"replaced by {label}"

    TEXTUAL = [(_dup_key_line, 8), (_truncate, 6), (_bad_bytes, 4), (_control_chars, 6),
               (_literal, 8), (_whole, 3)]

    # The whole mutation ---------------------------------------------------------------------

    def mutation(self, seed: int, index: int, all_variants: bool = False) -> Mutation:
        """Mutation ``index`` of the run ``seed``. Every reading command runs on it, each in
        one of its variants (format, options) chosen by the same seed, or in all of them."""
        rng = random.Random(f"lpcli-fuzz:{seed}:{index}")
        roll = rng.random()
        target = (SETTINGS if roll < 0.12 else PRACTITIONERS if roll < 0.24
                  else rng.choice(self.cases))
        case = target[len("cases/"):-len(".yaml")] if target in self.cases \
            else rng.choice(self.cases)[len("cases/"):-len(".yaml")]
        tree = copy.deepcopy(self.trees[target])
        data = self.files[target]
        steps: list[str] = []
        count = rng.choices([1, 2, 3], [70, 20, 10])[0]
        structural = [op for op, _ in self.STRUCTURAL]
        struct_weights = [w for _, w in self.STRUCTURAL]
        textual = [op for op, _ in self.TEXTUAL]
        text_weights = [w for _, w in self.TEXTUAL]
        changed_tree = False
        text_ops = []
        for _ in range(count):
            if rng.random() < 0.3:
                text_ops.append(rng.choices(textual, text_weights)[0])
                continue
            for _attempt in range(5):
                op = rng.choices(structural, struct_weights)[0]
                done = op(self, rng, tree, target)
                if done:
                    steps.append(done)
                    changed_tree = True
                    break
        if changed_tree:
            data = dump(tree)
        for op in text_ops:
            done = op(self, rng, data)
            if done:
                data, what = done
                steps.append(what)
        if not steps:
            data, what = self._truncate(rng, data)
            steps.append(what)
        to = rng.choice(self.practitioner_ids)
        write = self._write(rng, case)
        reads = [variant for variants in reading_commands(case, to)
                 for variant in (variants if all_variants else [rng.choice(variants)])]
        return Mutation(seed, index, target, steps, data, case, to, write, reads)

    def _write(self, rng, case: str) -> list[str]:
        """One write on the case, with arguments that would succeed on the unmutated case
        where they can (so that a refusal is the mutation's doing)."""
        original = self.trees[f"cases/{case}.yaml"]
        owners = ["child"]
        for key, item_key in (("team", "practitioner"), ("family", "id")):
            for item in original.get(key) or []:
                owners.append(item[item_key])
        actions = [a["id"] for a in (original.get("plan") or {}).get("actions") or []
                   if a.get("status") in ("open", "in_progress")] or ["A1"]
        return rng.choice([
            ["action", "add", case, "--owner", rng.choice(owners), "--due", "2026-12-31",
             "Fuzz action"],
            ["review", case, "--no-input", "--date", TODAY, "--progress", "Fuzz review"],
            ["outcome", "add", case, "Fuzz outcome"],
            ["action", "update", case, rng.choice(actions), "--status",
             rng.choice(["in_progress", "done", "dropped"])],
        ])


# -- the commands ---------------------------------------------------------------------------------

def reading_commands(case: str, to: str) -> list[list[list[str]]]:
    """Every reading command, each as its variants (output formats, options)."""
    return [
        [["validate"], ["validate", "--format", "json"]],
        [["list", "--status", "all", "--format", "json"], ["list", "--status", "all"]],
        [["show", case], ["show", case, "--format", "json"]],
        [["history", case], ["history", case, "--format", "json"]],
        [["overdue"], ["overdue", "--format", "json"],
         ["overdue", "--within", "30", "--format", "csv"]],
        [["caseload", "--format", "json"], ["caseload", "--format", "csv"]],
        [["calendar", "--actions"]],
        [["retention", "--format", "json"], ["retention", "--exact-dates"]],
        [["render", "plan", case, "--format", "md"], ["render", "plan", case]],
        [["render", "handover", case, "--format", "md"],
         ["render", "handover", case, "--to", to]],
        [["nominate", case, "--suggest", "--format", "json"]],
        [["find", "a", "--format", "json"], ["find", "RV1"]],
    ]


def is_json(args: list[str]) -> bool:
    return any(a == "--format" and b == "json" for a, b in zip(args, args[1:]))


# -- problems ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    kind: str          # exception, hang, exit-code, traceback, json, write-*, outside
    command: str
    exc_type: str = ""
    site: str = ""     # innermost lpcli frame: lpcli/rules.py:123 (function)

    def key(self) -> tuple:
        return (self.kind, self.exc_type, self.site.split(" ")[0])

    def __str__(self) -> str:
        what = f"{self.exc_type} at {self.site}" if self.exc_type else self.kind
        return f"{what} [{self.kind}] in 'lpcli {self.command}'"


class FuzzHang(BaseException):
    """Raised by the CPU-time guard inside a command that spins (never caught by lpcli)."""


def crash_site(tb) -> str:
    site = "outside lpcli"
    for frame, lineno in traceback.walk_tb(tb):
        try:
            rel = Path(frame.f_code.co_filename).resolve().relative_to(LPCLI_DIR)
        except ValueError:
            continue
        site = f"lpcli/{rel.as_posix()}:{lineno} ({frame.f_code.co_name})"
    return site


_INTERNAL = re.compile(r"internal error: (\w+) in (\S+:\d+)(?: \((\w+)\))?")


def _runner() -> CliRunner:
    try:
        return CliRunner(mix_stderr=False)  # click 8.1
    except TypeError:
        return CliRunner()  # click 8.2 and later keep stderr apart anyway


def _cpu_guard(seconds: float):
    """Arm a CPU-time alarm (ITIMER_PROF: lpcli's own template limit uses ITIMER_REAL)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal,
                                                                                  "setitimer"):
        return lambda: None

    def fire(signum, frame):
        raise FuzzHang(seconds)

    old = signal.signal(signal.SIGPROF, fire)
    signal.setitimer(signal.ITIMER_PROF, seconds)

    def disarm():
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, old)
    return disarm


# -- the casebook ------------------------------------------------------------------------------------

def git_env(home: Path) -> dict[str, str]:
    """Environment for a hermetic git: an identity, no system or user configuration."""
    home.mkdir(parents=True, exist_ok=True)
    cfg = home / ".gitconfig"
    cfg.write_text(f"[user]\n\tname = {IDENTITY[0]}\n\temail = {IDENTITY[1]}\n"
                   "[init]\n\tdefaultBranch = main\n")
    return {"HOME": str(home), "GIT_CONFIG_GLOBAL": str(cfg), "GIT_CONFIG_NOSYSTEM": "1"}


@dataclass
class Outcome:
    problems: list[Problem] = field(default_factory=list)
    commands: int = 0
    exit_codes: Counter = field(default_factory=Counter)


class FuzzCasebook:
    """The example casebook in a git repository, mutated and put back example by example.

    The commands run with the current directory set to ``outside`` (an empty folder beside
    the casebook): after each example, nothing may have appeared there or beside the
    casebook."""

    ENV = {"LPCLI_TODAY": TODAY, "LPCLI_CASEBOOK": None, "LPCLI_DEBUG": None,
           "LPCLI_TEST_CRASH": None, "NO_COLOR": "1"}

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.root = workdir / "casebook"
        self.outside = workdir / "outside"
        self.runner = _runner()
        self.files: dict[str, bytes] = {}
        self.base = ""

    @classmethod
    def build(cls, workdir: Path) -> "FuzzCasebook":
        self = cls(workdir)
        self.outside.mkdir(parents=True)
        made = self.runner.invoke(cli, ["demo", str(self.root)])
        assert made.exit_code == 0 and made.exception is None, made.output
        settings = self.root / SETTINGS
        settings.write_bytes(settings.read_bytes() + RETENTION_RULE.encode())
        self.git("commit", "-q", "-a", "-m", "settings: retention rule for the fuzz run")
        # Durability is test_faults' business: here, fsync would only slow every commit.
        self.git("config", "core.fsync", "none")
        self.base = self.head()
        self.files = self.snapshot()
        warm = self.invoke(["validate"])  # fills lpcli's cache for the unchanged files
        assert warm.exit_code == 0, warm.output
        return self

    def git(self, *args) -> str:
        return subprocess.run(["git", "-c", f"user.name={IDENTITY[0]}",
                               "-c", f"user.email={IDENTITY[1]}", *args], cwd=self.root,
                              check=True, capture_output=True, text=True).stdout

    def head(self) -> str:
        gitdir = self.root / ".git"
        ref = (gitdir / "HEAD").read_text().strip()
        if ref.startswith("ref: ") and (gitdir / ref[5:]).is_file():
            return (gitdir / ref[5:]).read_text().strip()
        return self.git("rev-parse", "HEAD").strip()

    def snapshot(self) -> dict[str, bytes]:
        """Every file of the casebook outside .git, by path."""
        out = {}
        for folder, dirs, files in os.walk(self.root):
            if folder == str(self.root):
                dirs[:] = [d for d in dirs if d != ".git"]
            for name in files:
                path = Path(folder, name)
                out[path.relative_to(self.root).as_posix()] = path.read_bytes()
        return out

    def mutator(self) -> Mutator:
        wanted = {n: d for n, d in self.files.items()
                  if n in (SETTINGS, PRACTITIONERS) or (n.startswith("cases/")
                                                         and n.endswith(".yaml"))}
        return Mutator(wanted)

    def invoke(self, args: list[str]):
        disarm = _cpu_guard(HANG_SECONDS)
        try:
            return self.runner.invoke(cli, ["-C", str(self.root), *args], env=self.ENV)
        finally:
            disarm()

    # One example -------------------------------------------------------------------------------

    def _put_back_files(self) -> None:
        """The base's bytes in every file (no git: the next commit records them)."""
        now = self.snapshot()
        for name in now.keys() - self.files.keys():
            (self.root / name).unlink()
        for name, data in self.files.items():
            if now.get(name) != data:
                (self.root / name).write_bytes(data)
        journal = self.root / ".git" / "lpcli" / "journal.json"
        if journal.exists():
            journal.unlink()

    def apply(self, mutation: Mutation) -> None:
        """The base with this mutation, committed (writes refuse uncommitted files). One git
        process: the previous example is undone in the same commit."""
        self._put_back_files()
        (self.root / mutation.target).write_bytes(mutation.data)
        self.git("commit", "-q", "--no-verify", "--allow-empty", "-a", "-m",
                 f"fuzz: mutation {mutation.index}")

    def restore(self) -> None:
        """The base back, committed, as after ``build``."""
        self._put_back_files()
        self.git("commit", "-q", "--no-verify", "--allow-empty", "-a", "-m", "fuzz: base")
        assert self.snapshot() == self.files and not self.git("status", "--porcelain").strip()

    def _check(self, args: list[str], outcome: Outcome):
        """Run one command; a problem for a crash, a hang, a traceback, an undocumented exit
        code or JSON output that does not parse."""
        command = " ".join(args)
        outcome.commands += 1
        try:
            result = self.invoke(args)
        except FuzzHang as hang:
            outcome.problems.append(Problem("hang", command, "FuzzHang",
                                            crash_site(hang.__traceback__)))
            outcome.exit_codes["hang"] += 1
            return None
        outcome.exit_codes[result.exit_code] += 1
        stdout, stderr = result.stdout, _stderr(result)
        exc = result.exception
        if exc is not None and not isinstance(exc, SystemExit):
            outcome.problems.append(Problem("exception", command, type(exc).__name__,
                                            crash_site(result.exc_info[2])))
            return result
        internal = _INTERNAL.search(stderr)
        if internal:
            site = internal.group(2) + (f" ({internal.group(3)})" if internal.group(3) else "")
            outcome.problems.append(Problem("internal-error", command, internal.group(1), site))
        elif result.exit_code not in (0, 1, 2):
            outcome.problems.append(Problem("exit-code", command, f"exit {result.exit_code}"))
        if "Traceback" in stderr or "Traceback" in stdout:
            outcome.problems.append(Problem("traceback", command))
        # A refusal (exit 1 with an error on stderr: the file asked for has errors) prints
        # no JSON; anything that prints must print JSON a script can parse.
        refused = result.exit_code == 1 and not stdout.strip() and "lpcli: error:" in stderr
        if is_json(args) and result.exit_code in (0, 1) and not refused:
            try:
                json.loads(stdout)
            except ValueError:
                outcome.problems.append(Problem("json", command,
                                                "empty output" if not stdout.strip()
                                                else "invalid JSON"))
        return result

    def run(self, mutation: Mutation) -> Outcome:
        """Every reading command and one write on the mutated casebook (left mutated: the next
        ``apply`` or ``restore`` puts the base back)."""
        outcome = Outcome()
        cwd = os.getcwd()
        os.chdir(self.outside)
        try:
            self.apply(mutation)
            for args in mutation.reads:
                self._check(args, outcome)
            self._check_write(mutation, outcome)
            self._check_outside(outcome)
        finally:
            os.chdir(cwd)
        return outcome

    def _check_write(self, mutation: Mutation, outcome: Outcome) -> None:
        command = " ".join(mutation.write)
        head, before = self.head(), self.snapshot()
        result = self._check(mutation.write, outcome)
        gitdir = self.root / ".git"
        if (gitdir / "lpcli" / "journal.json").exists():
            outcome.problems.append(Problem("write-left-journal", command))
        after = self.snapshot()
        strays = [p for p in after if ".tmp-" in p]
        if strays:
            outcome.problems.append(Problem("write-left-temporary", command))
        if result is None or result.exit_code != 0:
            if self.head() != head:
                outcome.problems.append(Problem("write-moved-head", command))
            if after != before:
                outcome.problems.append(Problem("write-changed-casebook", command))
            return
        # It succeeded: one commit, nothing left uncommitted, and the case it wrote is valid.
        if self.head() == head:
            outcome.problems.append(Problem("write-without-commit", command))
        if self.git("status", "--porcelain").strip():
            outcome.problems.append(Problem("write-left-changes", command))
        check = self.invoke(["validate", "--format", "json",
                             str(self.root / "cases" / f"{mutation.case}.yaml")])
        try:
            found = json.loads(check.stdout)
        except ValueError:
            found = []
        if any(d.get("severity") == "error" and d.get("file") == f"cases/{mutation.case}.yaml"
               for d in found if isinstance(d, dict)):
            outcome.problems.append(Problem("write-committed-invalid", command))

    def _check_outside(self, outcome: Outcome) -> None:
        beside = sorted(p.name for p in self.workdir.iterdir())
        if beside != ["casebook", "outside"] or any(self.outside.iterdir()):
            outcome.problems.append(Problem("outside", "(any)", "file written outside the "
                                            "casebook"))
            for p in self.outside.iterdir():
                p.unlink()


def _stderr(result) -> str:
    try:
        return result.stderr
    except ValueError:  # click 8.1 with stderr mixed in
        return result.output
