"""The JSON Schemas of lpcli's three file kinds, and schema checking with safe messages.

jsonschema's own messages quote the offending value ("'Amelia' is not of type 'integer'"),
which would leak personal data into terminals, logs and CI output. Every message here is
built from the schema and the *shape* of the value, never from its content.
"""

from __future__ import annotations

import json
from functools import lru_cache

from lpcli.core.resources import schemas_dir

KINDS = ("case", "practitioners", "settings")

_TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping (key: value lines)",
    "null": "empty (null)",
}


@lru_cache(maxsize=None)
def load_schema(kind: str) -> dict:
    with open(schemas_dir() / f"{kind}.schema.json", encoding="utf-8") as fh:
        return json.load(fh)


@lru_cache(maxsize=None)
def validator(kind: str):
    import jsonschema

    schema = load_schema(kind)
    cls = jsonschema.Draft7Validator
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def _type_name(value) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "a number"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "something else"


def _explaining(error) -> list:
    """The errors that explain a failure. For oneOf/anyOf, the errors inside the branch the
    value was meant for: all of them when that branch is clear (so 'family_agreed: yes' and
    'manager_agreed: on' are both reported, not just one), else jsonschema's best match."""
    from jsonschema.exceptions import best_match

    if error.validator in ("oneOf", "anyOf") and error.context:
        custom = (error.schema.get("x-lpcli-messages") or {}).get(error.validator)
        if custom:
            return [error]
        # Drop the branches whose type the value does not even have (for 'null or an
        # appointment', a mapping is explained by the appointment branch).
        wrong_type = {e.schema_path[0] for e in error.context
                      if e.validator == "type" and len(e.schema_path) == 2}
        relevant = [e for e in error.context if e.schema_path[0] not in wrong_type]
        if relevant and len({e.schema_path[0] for e in relevant}) == 1:
            return [inner for e in relevant for inner in _explaining(e)]
        inner = best_match(relevant or error.context)
        if inner is not None:
            return _explaining(inner)
    return [error]


@lru_cache(maxsize=None)
def fast_validator(kind: str):
    """jsonschema-rs, when installed: a yes/no answer about a hundred times faster than
    jsonschema. The detailed errors still come from jsonschema (tests/test_fastpath.py
    checks the two agree on every fixture and generated case)."""
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - depends on the installation
        return None
    return jsonschema_rs.Draft7Validator(load_schema(kind), validate_formats=True)


@lru_cache(maxsize=None)
def _part_validator(kind: str, part: tuple):
    """A validator for one part of a kind's schema (``part``: the keys leading to it), with
    the kind's definitions, so '#/definitions/...' references still resolve."""
    import jsonschema

    whole = load_schema(kind)
    sub = whole
    for key in part:
        sub = sub[key]
    schema = {"definitions": whole.get("definitions", {}), **sub}
    cls = jsonschema.Draft7Validator
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def part_messages(kind: str, part: tuple, data):
    """``messages`` for data meant to become one part of a file (a review from
    --from-file, say), checked before any command uses it."""
    for raw in _part_validator(kind, part).iter_errors(data):
        for error in _explaining(raw):
            yield from _describe(error)


def messages(kind: str, data):
    """Yield ``(path_tuple, rule, message)`` for every schema problem in ``data``."""
    fast = fast_validator(kind)
    if fast is not None and fast.is_valid(data):
        return
    for raw in validator(kind).iter_errors(data):
        for error in _explaining(raw):
            yield from _describe(error)


def _describe(error):
    path = tuple(error.absolute_path)
    v = error.validator
    value = error.validator_value
    inst = error.instance
    schema = error.schema
    custom = (schema.get("x-lpcli-messages") or {}).get(v)
    if custom:
        yield path, "schema", custom
        return
    if v == "required":
        for key in value:
            if isinstance(inst, dict) and key not in inst:
                yield path, "schema-required", f"missing required key '{key}'"
        return
    if v == "additionalProperties":
        allowed = set(schema.get("properties", {}))
        for key in inst:
            if key not in allowed:
                yield path + (key,), "schema-unknown-key", (
                    f"unknown key '{key}'" + _close_match(key, allowed))
        return
    if v == "type":
        wanted = value if isinstance(value, list) else [value]
        words = " or ".join(_TYPE_WORDS.get(t, t) for t in wanted)
        msg = f"must be {words}, not {_type_name(inst)}"
        if "string" in wanted and isinstance(inst, (int, float, bool)):
            msg += " (put it in quotes)"
        yield path, "schema-type", msg
        return
    if v == "enum":
        yield path, "schema-enum", "must be one of: " + ", ".join(str(x) for x in value)
        return
    if v == "const":
        yield path, "schema-enum", f"must be {value}"
        return
    if v == "format":
        if value == "date":
            yield path, "schema-format", "is not a real date; write dates as YYYY-MM-DD"
        else:
            yield path, "schema-format", f"is not a valid {value}"
        return
    if v == "pattern":
        desc = schema.get("description", "")
        yield path, "schema-format", "is not in the expected form" + (f": {desc}" if desc else "")
        return
    if v == "minLength":
        yield path, "schema-length", ("must not be empty" if value == 1
                                      else f"must be at least {value} characters")
        return
    if v == "maxLength":
        yield path, "schema-length", f"is longer than {value} characters"
        return
    if v == "minimum":
        yield path, "schema-range", f"must be at least {value}"
        return
    if v == "maximum":
        yield path, "schema-range", f"must be at most {value}"
        return
    if v == "minItems":
        yield path, "schema-length", f"must have at least {value} item{'s' if value != 1 else ''}"
        return
    if v == "maxItems":
        yield path, "schema-length", f"must have at most {value} items"
        return
    if v == "uniqueItems":
        yield path, "schema-unique", "has the same item more than once"
        return
    if v in ("oneOf", "anyOf"):
        yield path, "schema", "does not match any of the allowed forms"
        return
    if v == "not":
        yield path, "schema", "is not allowed here"
        return
    yield path, "schema", f"does not satisfy '{v}'"


def _close_match(key: str, allowed) -> str:
    import difflib

    near = difflib.get_close_matches(key, sorted(allowed), n=1)
    return f"; did you mean '{near[0]}'?" if near else ""
