"""The schemas themselves: valid draft-07, and documented for editors."""

from __future__ import annotations

import jsonschema
import pytest

from lpcli.check import schema


@pytest.mark.parametrize("kind", schema.KINDS)
def test_schema_is_valid_draft_07(kind):
    s = schema.load_schema(kind)
    assert s["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(s)


def _walk(node, path=""):
    if isinstance(node, dict):
        for name, sub in (node.get("properties") or {}).items():
            yield f"{path}.{name}", sub
        for key, value in node.items():
            if key != "if":  # conditions restate properties; they are not definitions
                yield from _walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, f"{path}[{i}]")


@pytest.mark.parametrize("kind", schema.KINDS)
def test_every_property_has_a_description(kind):
    missing = [p for p, sub in _walk(schema.load_schema(kind)) if "description" not in sub]
    assert missing == []


def test_fixed_names_that_scripts_rely_on():
    props = schema.load_schema("case")["properties"]
    for name in ("id", "status", "child", "team", "lead_professional", "plan", "reviews"):
        assert name in props
    assert props["status"]["enum"] == ["open", "closed"]
    assert "practitioner" in props["team"]["items"]["properties"]
    assert "actions" in props["plan"]["properties"]
    assert "date" in props["reviews"]["items"]["properties"]
