"""Issue 14, the reports and checks: a lead who left or is away, a lead with no plan and
withdrawn consent waiting for a decision show in 'overdue' (kinds lead, plan,
consent_withdrawn) and 'caseload'; 'overdue --owner' gives one person their own list;
'validate' warns of a lead who left and finds meeting records that contradict each other.

Real casebooks (the example, via the ``book`` fixture), fixed dates, exact rows."""

from __future__ import annotations

import csv
import io
import json

import pytest

from conftest import MODEL_CASE, Book

TODAY = {"LPCLI_TODAY": "2026-11-20"}
KHGQ = "LP-KHGQ2-5F0Q3"       # ed-marsh leads since 2026-05-20; review overdue
JTNY = "LP-8JTNY-17M8T"       # ed-marsh leads since 2026-07-15; actions A3 (his), A4 (yw-santos)
BABY = "LP-JH0F6-6AAVE"       # hv-jones leads since 2026-09-30
CP = "LP-7VD05-B4V2C"         # child protection plan, sw-adeyemi leads (statutory)
AWAITING = "LP-TX681-MBQS9"   # assessed 2026-11-12, no lead yet; fs-ahmed in the team
NO_LEAD = "LP-GRAYD-P6MNJ"    # integrated response, no meeting, no lead


def ok(result):
    assert result.exit_code == 0, result.output
    return result


def overdue(book: Book, *args) -> list[dict]:
    result = book.run("overdue", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def row(case, kind, item, due, days, lead, name, owner=None, upcoming=None) -> dict:
    return {"case": case, "kind": kind, "item": item, "due": due, "days_overdue": days,
            "upcoming": days <= 0 if upcoming is None else upcoming,
            "lead_professional": lead, "lead_professional_name": name, "owner": owner}


def findings(book: Book, *rules) -> list[tuple]:
    diags = json.loads(book.run("validate", "--format", "json").stdout)
    return [(d["file"], d["severity"], d["rule"], d["path"]) for d in diags
            if d["rule"] in rules]


def caseload(book: Book, *args) -> dict:
    return {r["practitioner"]: r for r in book.json("caseload", *args)}


def set_setting(book: Book, text: str) -> None:
    settings = book.root / "lpcli.yaml"
    settings.write_text(settings.read_text() + text)
    book.commit_all("settings")


# -- a lead who left ------------------------------------------------------------------------------

@pytest.fixture
def marsh_left(book) -> Book:
    ok(book.run("practitioner", "leave", "ed-marsh", "--date", "2026-11-18", env=TODAY))
    return book


def test_a_lead_who_left_is_overdue_from_the_day_after_leaving(marsh_left):
    book = marsh_left
    assert overdue(book, "--as-of", "2026-11-20", "--kind", "lead") == [
        row(JTNY, "lead", "left 2026-11-18", "2026-11-18", 2, "ed-marsh", "Tom Marsh"),
        row(KHGQ, "lead", "left 2026-11-18", "2026-11-18", 2, "ed-marsh", "Tom Marsh"),
    ]
    # On the leaving day itself: due today, so listed only as upcoming.
    assert overdue(book, "--as-of", "2026-11-18", "--kind", "lead") == []
    assert [i["upcoming"] for i in overdue(book, "--as-of", "2026-11-18", "--within", "0",
                                           "--kind", "lead")] == [True, True]
    result = book.run("overdue", "--as-of", "2026-11-20", "--kind", "lead", "--exit-code")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "ed-marsh (Tom Marsh)",
        f"  {JTNY}  lead  due 2026-11-18  2 days overdue  (left 2026-11-18)",
        f"  {KHGQ}  lead  due 2026-11-18  2 days overdue  (left 2026-11-18)",
        "2 overdue (2 leads to cover) as of 2026-11-20",
    ]


def test_a_handover_ends_the_lead_item(marsh_left):
    book = marsh_left  # fs-ahmed is in the team of KHGQ
    ok(book.run("handover", KHGQ, "fs-ahmed", "--transition", "lp_leaving_post", "--reason",
                "Lead left the school", "--family-informed", "--family-agreed",
                "--manager-agreed", "--present", "--date", "2026-11-20", env=TODAY))
    assert [i["case"] for i in overdue(book, "--as-of", "2026-11-25", "--kind", "lead")] \
        == [JTNY]
    assert findings(book, "lead-left") == [
        (f"cases/{JTNY}.yaml", "warning", "lead-left", ".lead_professional.practitioner")]


def test_validate_warns_of_a_lead_who_left(marsh_left):
    book = marsh_left
    assert findings(book, "lead-left", "statutory-practitioner-left") == [
        (f"cases/{JTNY}.yaml", "warning", "lead-left", ".lead_professional.practitioner"),
        (f"cases/{KHGQ}.yaml", "warning", "lead-left", ".lead_professional.practitioner"),
    ]
    text = book.run("validate").stdout
    assert (f"the lead professional 'ed-marsh' has left (practitioners.yaml); hand the case "
            f"over: lpcli handover {KHGQ} NEW_LEAD --transition lp_leaving_post ...") in text
    assert book.run("validate").exit_code == 0  # a warning: the state is real, and visible


def test_a_statutory_lead_or_named_practitioner_who_left(book):
    """The statutory lead who left: one warning, saying to record the new named
    practitioner first. A named practitioner who left on a case still waiting for its lead:
    its own warning."""
    path = book.case(NO_LEAD)
    path.write_text(path.read_text().replace(
        "statutory:\n  status: none\n", "statutory:\n  status: child_protection_plan\n"
        "  since: 2026-11-02\n  practitioner: sw-adeyemi\n", 1))
    book.commit_all("a statutory case waiting for its lead")
    before = findings(book, "lead-left", "statutory-practitioner-left")
    ok(book.run("practitioner", "leave", "sw-adeyemi", "--date", "2026-11-19", env=TODAY))
    assert before == []
    assert findings(book, "lead-left", "statutory-practitioner-left") == [
        (f"cases/{CP}.yaml", "warning", "lead-left", ".lead_professional.practitioner"),
        (f"cases/{NO_LEAD}.yaml", "warning", "statutory-practitioner-left",
         ".statutory.practitioner"),
    ]
    text = book.run("validate").stdout
    assert f"record the new named statutory practitioner (lpcli edit {CP}), then hand" in text


def test_active_false_without_a_date_counts_from_the_appointment(book):
    """Marked 'active: false' by hand, with no leaving date: the case may have sat with
    them since they took it on, so it counts from then."""
    path = book.root / "practitioners.yaml"
    text = path.read_text()
    path.write_text(text.replace("    role: Health visitor\n",
                                 "    role: Health visitor\n    active: false\n", 1))
    book.commit_all("hv-jones left")
    assert overdue(book, "--as-of", "2026-11-20", "--kind", "lead") == [
        row(BABY, "lead", "left, date not recorded", "2026-09-30", 51, "hv-jones",
            "Megan Jones")]
    load = caseload(book, "--as-of", "2026-11-20")["hv-jones"]
    assert (load["availability"], load["left"], load["needs_cover"]) == ("left", None, 1)
    assert findings(book, "lead-left") == [
        (f"cases/{BABY}.yaml", "warning", "lead-left", ".lead_professional.practitioner")]


def test_caseload_shows_who_left_and_what_needs_cover(marsh_left):
    book = marsh_left
    rows = caseload(book, "--as-of", "2026-11-20")
    marsh = rows["ed-marsh"]
    assert {k: marsh[k] for k in ("leads", "cases", "availability", "left", "away_until",
                                  "needs_cover")} == {
        "leads": 2, "cases": [JTNY, KHGQ], "availability": "left", "left": "2026-11-18",
        "away_until": None, "needs_cover": 2}
    assert {(r["availability"], r["needs_cover"]) for p, r in rows.items()
            if p != "ed-marsh"} == {("available", 0)}
    text = book.run("caseload", "--as-of", "2026-11-20").stdout.splitlines()
    line = next(ln for ln in text if ln.startswith("ed-marsh "))
    assert line.endswith("LEFT 2026-11-18: 2 cases need cover")
    assert "capacity" not in line  # a leaver's capacity means nothing
    assert text[-1] == "14 practitioners, 8 open cases led, 2 cases need cover"
    rows_csv = list(csv.DictReader(io.StringIO(
        book.run("caseload", "--as-of", "2026-11-20", "--format", "csv").stdout)))
    marsh_csv = next(r for r in rows_csv if r["practitioner"] == "ed-marsh")
    assert (marsh_csv["availability"], marsh_csv["left"], marsh_csv["away_until"],
            marsh_csv["needs_cover"], marsh_csv["cases"]) == \
        ("left", "2026-11-18", "", "2", f"{JTNY} {KHGQ}")


# -- a lead who is away ---------------------------------------------------------------------------

def away(book, pid, start, end):
    ok(book.run("practitioner", "away", pid, "--from", start, "--to", end, env=TODAY))


@pytest.mark.parametrize("end, reported", [("2026-12-13", False),   # 28 days: four weeks
                                           ("2026-12-14", True)])   # 29 days: more
def test_away_longer_than_four_weeks_needs_cover(book, end, reported):
    away(book, "hv-jones", "2026-11-16", end)
    expected = [row(BABY, "lead", f"away 2026-11-16 to {end}", "2026-11-15", 5, "hv-jones",
                    "Megan Jones")] if reported else []
    assert overdue(book, "--as-of", "2026-11-20", "--kind", "lead") == expected
    load = caseload(book, "--as-of", "2026-11-20")["hv-jones"]
    assert (load["availability"], load["away_until"], load["needs_cover"]) == \
        ("away", end, 1 if reported else 0)
    line = next(ln for ln in book.run("caseload", "--as-of", "2026-11-20").stdout.splitlines()
                if ln.startswith("hv-jones "))
    assert line.endswith(f"AWAY until {end}: 1 case needs cover" if reported
                         else f"away until {end}")
    assert findings(book, "lead-left") == []  # away is a matter of dates: overdue's, not validate's


def test_a_long_absence_known_in_advance(book):
    """Upcoming while it is ahead (with --within), overdue on its first day, gone once it is
    over."""
    away(book, "hv-jones", "2026-12-01", "2027-01-31")
    item = row(BABY, "lead", "away 2026-12-01 to 2027-01-31", "2026-11-30", -10, "hv-jones",
               "Megan Jones")
    assert overdue(book, "--as-of", "2026-11-20", "--within", "14", "--kind", "lead") == [item]
    assert overdue(book, "--as-of", "2026-11-20", "--kind", "lead") == []
    assert overdue(book, "--as-of", "2026-12-01", "--kind", "lead") == [
        {**item, "days_overdue": 1, "upcoming": False}]
    assert overdue(book, "--as-of", "2027-01-31", "--kind", "lead")[0]["days_overdue"] == 62
    assert overdue(book, "--as-of", "2027-02-01", "--kind", "lead") == []
    assert caseload(book, "--as-of", "2026-11-20")["hv-jones"]["availability"] == "available"


def test_absences_back_to_back_are_one_period_away(book):
    away(book, "hv-jones", "2026-11-16", "2026-12-06")   # three weeks
    away(book, "hv-jones", "2026-12-07", "2026-12-27")   # and three more
    assert overdue(book, "--as-of", "2026-11-20", "--kind", "lead") == [
        row(BABY, "lead", "away 2026-11-16 to 2026-12-27", "2026-11-15", 5, "hv-jones",
            "Megan Jones")]
    assert caseload(book, "--as-of", "2026-11-20")["hv-jones"]["away_until"] == "2026-12-27"


def test_lead_absence_weeks_is_a_setting(book):
    away(book, "hv-jones", "2026-11-16", "2026-12-27")   # six weeks
    set_setting(book, "lead_absence_weeks: 8\n")
    assert overdue(book, "--as-of", "2026-11-20", "--kind", "lead") == []
    assert caseload(book, "--as-of", "2026-11-20")["hv-jones"]["needs_cover"] == 0


# -- a lead and no plan ---------------------------------------------------------------------------

@pytest.fixture
def nominated(book) -> Book:
    """AWAITING gets fs-ahmed as lead on Monday 2026-11-16, and no plan."""
    ok(book.run("nominate", AWAITING, "fs-ahmed", "--meeting-date", "2026-11-16",
                "--family-agreed", "--manager-agreed", "--present", "--rationale", "x",
                env=TODAY))
    return book


def test_a_plan_is_due_fifteen_working_days_after_the_lead_was_appointed(nominated):
    book = nominated
    item = row(AWAITING, "plan", "plan", "2026-12-07", 0, "fs-ahmed", "Layla Ahmed")
    assert overdue(book, "--as-of", "2026-12-07", "--kind", "plan") == []
    assert overdue(book, "--as-of", "2026-12-07", "--within", "0", "--kind", "plan") == [item]
    assert overdue(book, "--as-of", "2026-12-08", "--kind", "plan") == [
        {**item, "days_overdue": 1, "upcoming": False}]
    text = book.run("overdue", "--as-of", "2026-12-08", "--kind", "plan").stdout
    assert f"  {AWAITING}  plan  due 2026-12-07  1 day overdue\n" in text
    assert text.endswith("1 overdue (1 plan) as of 2026-12-08\n")
    # The plan starts with its first outcome: nothing is due any more.
    ok(book.run("outcome", "add", AWAITING, "Toilet trained by summer", "--date",
                "2026-11-20", env=TODAY))
    assert overdue(book, "--as-of", "2026-12-08", "--kind", "plan") == []


def test_plan_due_working_days_is_a_setting_and_counts_weekdays(nominated):
    book = nominated
    set_setting(book, "plan_due_working_days: 5\n")
    # Monday 16 + five working days is Monday 23 (the weekend does not count).
    assert [i["due"] for i in overdue(book, "--as-of", "2026-11-24", "--kind", "plan")] == \
        ["2026-11-23"]


def test_the_example_has_no_lead_without_a_plan(book):
    assert overdue(book, "--as-of", "2027-06-01", "--kind", "plan") == []


# -- withdrawn consent ----------------------------------------------------------------------------

@pytest.fixture
def withdrawn(book) -> Book:
    ok(book.run("consent", "withdraw", MODEL_CASE, "--by", "mum", "--date", "2026-11-19",
                env=TODAY))
    return book


def test_withdrawn_consent_is_overdue_for_a_decision(withdrawn):
    book = withdrawn
    item = row(MODEL_CASE, "consent_withdrawn", "consent_withdrawn", "2026-11-19", 1,
               "ed-okafor", "Grace Okafor")
    assert overdue(book, "--as-of", "2026-11-20", "--kind", "consent_withdrawn") == [item]
    assert overdue(book, "--as-of", "2026-11-19", "--within", "0",
                   "--kind", "consent_withdrawn") == [{**item, "days_overdue": 0,
                                                       "upcoming": True}]
    # Consent to revisit (the older 'consent' kind) no longer applies once it is withdrawn.
    assert [i for i in overdue(book, "--as-of", "2027-12-01") if i["case"] == MODEL_CASE
            and i["kind"] == "consent"] == []
    text = book.run("overdue", "--as-of", "2026-11-20", "--kind", "consent_withdrawn").stdout
    assert text.splitlines() == [
        "ed-okafor (Grace Okafor)",
        f"  {MODEL_CASE}  consent_withdrawn  due 2026-11-19  1 day overdue  (close, or step up)",
        "1 overdue (1 consent withdrawn) as of 2026-11-20"]


def test_closing_decides_withdrawn_consent(withdrawn):
    book = withdrawn
    ok(book.run("close", MODEL_CASE, "--reason", "consent_withdrawn", "--exit-strategy",
                "Back to school support", "--settle", "all=dropped", "--date", "2026-11-20",
                env=TODAY))
    assert overdue(book, "--as-of", "2026-11-21", "--kind", "consent_withdrawn") == []


def test_a_step_up_decides_withdrawn_consent(book):
    ok(book.run("team", "add", MODEL_CASE, "sw-adeyemi", env=TODAY))
    ok(book.run("consent", "withdraw", MODEL_CASE, "--by", "mum", "--date", "2026-11-19",
                env=TODAY))
    assert len(overdue(book, "--as-of", "2026-11-21", "--kind", "consent_withdrawn")) == 1
    ok(book.run("handover", MODEL_CASE, "sw-adeyemi", "--transition", "step_up", "--reason",
                "Section 47 enquiry", "--statutory-status", "child_protection_plan",
                "--family-informed", "--without-consent", "--safeguarding-ground",
                "significant_harm", "--safeguarding-reason", "Risk", "--authorised-by",
                "Service manager", "--family-told", "--date", "2026-11-20", env=TODAY))
    assert overdue(book, "--as-of", "2026-11-21", "--kind", "consent_withdrawn") == []


# -- one owner's own list -------------------------------------------------------------------------

def test_owner_gets_their_actions_and_their_cases_items(book):
    """--owner: the actions someone owns, wherever they are, and the items of the cases they
    lead that belong to no one action; not the actions others own in those cases."""
    as_of = ("--as-of", "2026-11-20")
    assert overdue(book, *as_of, "--owner", "yw-santos") == [
        row(JTNY, "action", "A4", "2026-10-30", 21, "ed-marsh", "Tom Marsh", "yw-santos"),
        row("LP-QE74Y-3GRJR", "consent", "consent", "2026-09-22", 59, "yw-santos",
            "Carla Santos"),
    ]
    assert overdue(book, *as_of, "--owner", "ed-marsh") == [
        row(KHGQ, "review", "review", "2026-10-28", 23, "ed-marsh", "Tom Marsh"),
        row(JTNY, "action", "A3", "2026-11-06", 14, "ed-marsh", "Tom Marsh", "ed-marsh"),
    ]
    assert overdue(book, *as_of, "--owner", "nobody-here") == []
    assert book.run("overdue", *as_of, "--owner", "nobody-here").stdout == \
        "nothing overdue as of 2026-11-20\n"
    # Combined with the other filters, each narrows.
    assert overdue(book, *as_of, "--owner", "ed-marsh", "--kind", "action") == [
        row(JTNY, "action", "A3", "2026-11-06", 14, "ed-marsh", "Tom Marsh", "ed-marsh")]
    assert overdue(book, *as_of, "--owner", "yw-santos", "--lead", "yw-santos") == [
        row("LP-QE74Y-3GRJR", "consent", "consent", "2026-09-22", 59, "yw-santos",
            "Carla Santos")]


def test_every_new_kind_in_json_and_csv_with_the_same_columns(marsh_left, tmp_path):
    book = marsh_left
    ok(book.run("consent", "withdraw", MODEL_CASE, "--by", "mum", "--date", "2026-11-19",
                env=TODAY))
    ok(book.run("nominate", AWAITING, "fs-ahmed", "--meeting-date", "2026-11-16",
                "--family-agreed", "--manager-agreed", "--present", "--rationale", "x",
                env=TODAY))
    as_of = ("--as-of", "2026-12-08")
    items = overdue(book, *as_of)
    assert {i["kind"] for i in items} >= {"lead", "plan", "consent_withdrawn"}
    assert all(list(i) == ["case", "kind", "item", "due", "days_overdue", "upcoming",
                           "lead_professional", "lead_professional_name", "owner"]
               for i in items)
    rows = list(csv.DictReader(io.StringIO(book.run("overdue", *as_of, "--format",
                                                    "csv").stdout)))
    assert [(r["case"], r["kind"], r["item"], r["due"], r["days_overdue"]) for r in rows] == \
        [(i["case"], i["kind"], i["item"], i["due"], str(i["days_overdue"])) for i in items]
    last = book.run("overdue", *as_of).stdout.splitlines()[-1]
    assert "2 leads to cover" in last and "1 plan" in last and "1 consent withdrawn" in last


# -- meeting records that agree -------------------------------------------------------------------

def test_the_example_validates_with_only_its_documented_warnings(book):
    diags = json.loads(book.run("validate", "--format", "json").stdout)
    assert sorted((d["file"], d["rule"]) for d in diags) == [
        ("cases/LP-6D7NE-43ZY4.yaml", "nomination-unresolved"),
        ("cases/LP-GRAYD-P6MNJ.yaml", "lead-professional-missing"),
        ("cases/LP-TX681-MBQS9.yaml", "lead-professional-missing"),
    ]


def test_presence_and_family_attendees_are_checked_against_the_meeting(book):
    path = book.case(MODEL_CASE)
    text = path.read_text()
    path.write_text(text.replace("attendees: [ed-okafor, salt-evans, ho-brennan]",
                                 "attendees: [salt-evans, ho-brennan]", 1)
                    .replace("family_attendees: [mum]", "family_attendees: [mum, gran]", 1))
    book.commit_all("hand edits")
    assert findings(book, "presence-not-recorded", "unknown-family-member") == [
        (f"cases/{MODEL_CASE}.yaml", "error", "unknown-family-member",
         ".meetings[0].family_attendees[1]"),
        (f"cases/{MODEL_CASE}.yaml", "error", "presence-not-recorded",
         ".lead_professional.agreement"),
    ]
    assert book.run("validate").exit_code == 1
    # Agreed beforehand, the meeting's attendees say nothing about it.
    path.write_text(text.replace("attendees: [ed-okafor, salt-evans, ho-brennan]",
                                 "attendees: [salt-evans, ho-brennan]", 1)
                    .replace("  agreement: present", "  agreement: agreed_beforehand", 1))
    assert findings(book, "presence-not-recorded") == []
