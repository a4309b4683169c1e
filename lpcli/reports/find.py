"""Finding a child's case (``lpcli find``): is this child already known?

A query is read as what people type at an enquiry: words of a name (given, family or
known-as; case, accents and a typo aside) or of a school, dates of birth (2018-02-14 or
14/02/2018), and postcodes ('RV1 4QT', 'rv14qt', or the district 'RV1'). A case matches
when every part of the query matches it; open and closed cases alike. Cases are read
through the cache's slim copies (``casebook.cache.slim``), so a search of 10,000 cases
reads no YAML.

The results name the child: that is what they are for (as ``lpcli show``). They are
printed for the person at the terminal, never by cron.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lpcli.check import facts
from lpcli.core import names
from lpcli.core.errors import EnvironmentProblem
from lpcli.core.vocabulary import FIND_FIELDS, FIND_HOW

# Points for how well a word matched (exact, prefix, typo); the best matches come first.
_SCORE = dict(zip(FIND_HOW, (3, 2, 1)))
_NAME_FIELDS = ("given_name", "family_name", "known_as")
COLUMNS = ("case", "status", "lead_professional", "child_name", "known_as", "date_of_birth",
           "expected_date", "postcode", "school", "matched", "links")


@dataclass
class Query:
    dates: list = field(default_factory=list)       # datetime.date
    postcodes: list = field(default_factory=list)   # 'RV14QT'
    districts: list = field(default_factory=list)   # 'RV1'
    words: list = field(default_factory=list)       # folded words of names or schools


def parse(text: str) -> Query:
    """The parts of a query. Refuses (exit 2) a date that does not exist and a query with
    nothing to search for; the message never repeats what was typed (it may be a name)."""
    query = Query()
    query.postcodes, rest = names.postcodes_in(text)
    for raw in rest.split():
        if names.looks_like_date(raw):
            day = names.typed_date(raw)
            if day is None:
                raise EnvironmentProblem(
                    "the query holds a date that does not exist",
                    hint="write a date of birth as YYYY-MM-DD or DD/MM/YYYY, for example "
                         "2018-02-14 or 14/02/2018")
            query.dates.append(day)
        elif names.is_district(raw):
            query.districts.append(raw.upper())
        else:
            query.words += names.words(raw)
    if not (query.dates or query.postcodes or query.districts or query.words):
        raise EnvironmentProblem(
            "nothing to search for: give part of a name, a date of birth, a postcode or a "
            "school", hint="for example: lpcli find Hart, lpcli find 14/02/2018, "
                           "lpcli find 'RV1 4QT'")
    return query


@dataclass
class Found:
    case_id: str
    data: dict          # the slim case
    matched: list       # [{'field', 'how', 'value'}]
    score: int

    def as_dict(self) -> dict:
        child = self.data.get("child") or {}
        return {
            "case": self.case_id,
            "status": self.data.get("status"),
            "lead_professional": facts.current_lead(self.data),
            "child_name": " ".join(str(x) for x in (child.get("given_name"),
                                                    child.get("family_name")) if x),
            "known_as": child.get("known_as"),
            "date_of_birth": child.get("date_of_birth"),
            "expected_date": child.get("expected_date"),
            "postcode": (child.get("address") or {}).get("postcode"),
            "school": (child.get("school") or {}).get("name"),
            "matched": self.matched,
            "links": [{"case": x.get("case"), "relationship": x.get("relationship")}
                      for x in self.data.get("links") or [] if isinstance(x, dict)],
        }


class _Words:
    """Word matches, remembered: names repeat across thousands of cases."""

    def __init__(self):
        self.seen: dict[tuple[str, str], str | None] = {}
        self.folded: dict[str, list[str]] = {}

    def words(self, value: str) -> list[str]:
        if value not in self.folded:
            self.folded[value] = names.words(value)
        return self.folded[value]

    def how(self, typed: str, held: str) -> str | None:
        key = (typed, held)
        if key not in self.seen:
            self.seen[key] = names.word_match(typed, held)
        return self.seen[key]

    def best(self, typed: str, fields) -> tuple[str, str, str] | None:
        """(field, how, value) of the field a typed word matches best, or None."""
        best = None
        for name, value in fields:
            for held in self.words(value):
                how = self.how(typed, held)
                if how and (best is None or _SCORE[how] > _SCORE[best[1]]):
                    best = (name, how, value)
        return best


def _fields(child: dict) -> list[tuple[str, str]]:
    out = [(f, child[f]) for f in _NAME_FIELDS if isinstance(child.get(f), str)]
    school = (child.get("school") or {}).get("name")
    if isinstance(school, str):
        out.append(("school", school))
    return out


def match(case: dict, query: Query, cache: _Words | None = None) -> Found | None:
    """The case, with what matched, when every part of the query matches it."""
    child = case.get("child") if isinstance(case.get("child"), dict) else {}
    matched, score = [], 0
    for day in query.dates:
        iso = day.isoformat()
        which = next((f for f in ("date_of_birth", "expected_date") if child.get(f) == iso), None)
        if which is None:
            return None
        matched.append({"field": which, "how": "exact", "value": iso})
        score += 4
    held = (child.get("address") or {}).get("postcode")
    code = names.postcode(held)
    for wanted in query.postcodes:
        if code != wanted:
            return None
        matched.append({"field": "postcode", "how": "exact", "value": held})
        score += 4
    for district in query.districts:
        if code is None or names.outward(code) != district:
            return None
        matched.append({"field": "postcode", "how": "prefix", "value": held})
        score += 2
    cache = cache or _Words()
    fields = _fields(child)
    for word in query.words:
        best = cache.best(word, fields)
        if best is None:
            return None
        item = {"field": best[0], "how": best[1], "value": best[2]}
        if item not in matched:
            matched.append(item)
        score += _SCORE[best[1]]
    return Found(str(case.get("id")), case, matched, score)


def search(cases, query: Query) -> list[Found]:
    """Every case (``(case_id, slim case)`` pairs) the query matches, best first, then open
    before closed, then by case ID."""
    cache = _Words()
    found = []
    for case_id, data in cases:
        hit = match(data, query, cache)
        if hit is not None:
            hit.case_id = case_id
            found.append(hit)
    found.sort(key=lambda f: (-f.score, f.data.get("status") != "open", f.case_id))
    return found


FIELD_WORDS = dict(zip(FIND_FIELDS, ("given name", "family name", "known as", "date of birth",
                                     "expected date", "postcode", "school")))
HOW_WORDS = dict(zip(FIND_HOW, ("", " (beginning)", " (close spelling)")))


def matched_text(item: dict) -> str:
    """'family name Hart', 'given name Amelia (close spelling)', 'postcode RV1 4QT'."""
    how = HOW_WORDS[item["how"]]
    if item["field"] == "postcode" and item["how"] == "prefix":
        how = " (district)"
    return f"{FIELD_WORDS[item['field']]} {item['value']}{how}"


def born(row: dict) -> str:
    if row["date_of_birth"]:
        return row["date_of_birth"]
    return f"due {row['expected_date']}" if row["expected_date"] else "-"
