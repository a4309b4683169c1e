"""The strict loader and the round-trip writer."""

from __future__ import annotations

import datetime as dt
import difflib

import pytest

from conftest import EXAMPLE
from lpcli.files import roundtrip, yamlio
from lpcli.files.roundtrip import RoundTrip
from lpcli.files.yamlio import load_strict

ALL_EXAMPLE_FILES = sorted([*EXAMPLE.glob("*.yaml"), *(EXAMPLE / "cases").glob("*.yaml")])


def rules(text):
    return [p.rule for p in load_strict(text).problems]


def test_yaml_1_2_core_scalars_and_dates_as_strings():
    data = load_strict("a: no\nb: on\nc: 0770\nd: 2026-03-03\ne: '12'\nf: true\ng: ~\nh: 1.5\n").data
    assert data == {"a": "no", "b": "on", "c": 770, "d": "2026-03-03", "e": "12", "f": True,
                    "g": None, "h": 1.5}


def test_positions_point_at_keys_and_items():
    loaded = load_strict("a:\n  b: 1\n  c:\n    - x\n    - y: 2\n")
    assert loaded.positions[("a", "b")] == (2, 3)
    assert loaded.positions[("a", "c", 1)] == (5, 7)
    assert loaded.positions[("a", "c", 1, "y")] == (5, 7)
    assert loaded.locate(("a", "c", 1, "missing")) == (5, 7)


@pytest.mark.parametrize("text, rule", [
    ("a: &x 1\nb: *x\n", "yaml-alias"),
    ("a: !!python/object:os.system x\n", "yaml-tag"),
    ("a: !custom x\n", "yaml-tag"),
    ("a: {b: 1}\n<<: {c: 2}\n", "yaml-merge-key"),
    ("a: 1\na: 2\n", "duplicate-key"),
    ("%YAML 1.2\n---\na: 1\n", "yaml-directive"),
    ("a: 1\n---\nb: 2\n", "yaml-multiple-documents"),
    ("a:\n\tb: 1\n", "yaml-tab"),
    ("a: [\n", "yaml-syntax"),
    ("", "empty"),
    ("[" * 200 + "]" * 200, "yaml-too-deep"),
    ("a: 1\n<<<<<<< HEAD\nb: 2\n=======\nb: 3\n>>>>>>> other\n", "merge-conflict-markers"),
    ("a: 1\r\n=======\r\nb: 3\r\n", "merge-conflict-markers"),
])
def test_rejected_constructs(text, rule):
    assert rule in rules(text)


def test_conflict_markers_are_reported_at_the_first_marker():
    problems = load_strict("a: 1\nb:\n<<<<<<< HEAD\n  c: 2\n=======\n  c: 3\n>>>>>>> x\n").problems
    assert [(p.rule, p.line, p.column) for p in problems] == [("merge-conflict-markers", 3, 1)]
    assert "3 conflict marker lines" in problems[0].message


def test_marker_like_text_inside_a_value_is_text():
    text = "notes: |\n  =======\n  <<<<<<< not at the start of a line\n"
    assert load_strict(text).problems == []


def test_missing_colon_is_explained_at_the_key():
    problems = load_strict("a: 1\nthis line has no colon\nb: 2\n").problems
    assert [(p.rule, p.line, p.column) for p in problems] == [("yaml-syntax", 2, 1)]
    assert "no ':' follows" in problems[0].message


def test_over_long_key_is_a_syntax_error_that_says_so():
    problems = load_strict("a: 1\n" + "k" * 1500 + ": v\n").problems
    assert [(p.rule, p.line, p.column) for p in problems] == [("yaml-syntax", 2, 1)]
    assert "1500 characters long" in problems[0].message and "1024" in problems[0].message
    assert load_strict("a: 1\n" + "k" * 1000 + ": v\n").problems == []


def test_quoted_merge_key_is_plain_text():
    loaded = load_strict('"<<": fine\n')
    assert loaded.problems == [] and loaded.data == {"<<": "fine"}


def test_alias_bomb_fails_fast_without_expanding():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(9))
    loaded = load_strict(bomb)
    assert "yaml-alias" in [p.rule for p in loaded.problems]


def test_decode_rejects_non_utf8_and_accepts_bom():
    text, problem = yamlio.decode(b"a: 1\nb: \xff\n")
    assert text is None and problem.rule == "encoding" and problem.line == 2
    text, problem = yamlio.decode(b"\xef\xbb\xbfa: 1\n")
    assert problem is None and load_strict(text).data == {"a": 1}


@pytest.mark.parametrize("path", ALL_EXAMPLE_FILES, ids=lambda p: p.name)
def test_untouched_round_trip_is_byte_for_byte(path):
    text = path.read_text(encoding="utf-8")
    assert RoundTrip(text).dump() == text


def _diff(a, b):
    return [ln for ln in difflib.unified_diff(a.splitlines(), b.splitlines(), lineterm="", n=0)
            if ln[:1] in "+-" and not ln.startswith(("+++", "---"))]


def test_edit_changes_only_the_lines_it_must():
    text = (EXAMPLE / "cases" / "LP-4F7QK-9M2XA.yaml").read_text(encoding="utf-8")
    rt = RoundTrip(text)
    rt.doc["plan"]["actions"][2]["status"] = "done"
    rt.doc["reviews"].append({"date": dt.date(2026, 12, 16), "next_review": dt.date(2027, 1, 27)})
    changed = _diff(text, rt.dump())
    assert changed == ["-      status: in_progress", "+      status: done",
                       "+  - date: 2026-12-16", "+    next_review: 2027-01-27"]


def test_hand_formatting_survives_an_edit_elsewhere():
    """Spacing ruamel would normalise (extra spaces, blank lines) stays on untouched lines."""
    text = ("# notes kept\nid: X-1\nstatus:   open    # odd spacing\n\n\nchild:\n"
            "    given_name: A\nlist:\n- 1\n- 2\ntail: end\n")
    rt = RoundTrip(text)
    rt.doc["tail"] = "changed"
    out = rt.dump()
    assert _diff(text, out) == ["-tail: end", "+tail: changed"]


def test_new_records_use_canonical_style_and_plain_dates():
    text = roundtrip.dump_new({"id": "LP-1", "opened": dt.date(2026, 1, 2),
                            "events": [{"date": dt.date(2026, 1, 2), "event": "opened"}]})
    assert text == "id: LP-1\nopened: 2026-01-02\nevents:\n  - date: 2026-01-02\n    event: opened\n"
    assert load_strict(text).problems == []
