"""lpcli assess: the common assessment, on real casebooks (the example, as on 2026-11-20)."""

from __future__ import annotations

import re

import pytest
from click.shell_completion import ShellComplete

from lpcli.cli import cli

AWAITING = "LP-TX681-MBQS9"       # assessed 2026-11-12 (integrated response), no lead yet
NO_ASSESSMENT = "LP-YAPSH-JPS2T"  # opened 2026-11-16, no assessment, no 'statutory' key
LED = "LP-4F7QK-9M2XA"            # assessed 2026-06-15; ed-okafor leads since 2026-07-01
SINGLE = "LP-KKYHQ-PXMNC"         # single agency
CLOSED = "LP-9FB4E-QAS5G"

INTEGRATED = ["--assessor", "ed-marsh", "--need", "learning=Uses single words",
              "--agency", "learning=education", "--need", "health=Not toilet trained",
              "--agency", "health=health", "--outcome", "integrated_response",
              "--agency-needed", "education", "--agency-needed", "health", "--no-input"]


@pytest.fixture(autouse=True)
def example_day(monkeypatch):
    monkeypatch.setenv("LPCLI_TODAY", "2026-11-20")


def data(book, case_id) -> dict:
    return book.json("show", case_id)


def recorded(book, *args, commit=None):
    """Run a change that must succeed: exactly one commit, nothing left uncommitted."""
    head = book.head()
    result = book.run(*args)
    assert result.exit_code == 0, result.output
    assert book.git("rev-list", "--count", f"{head}..HEAD").strip() == "1"
    assert book.git("show", "--name-only", "--format=", "HEAD").split() == \
        [f"cases/{args[1]}.yaml"]
    assert book.status() == ""
    if commit:
        assert book.git("log", "-1", "--format=%s").strip() == commit
    return result


def refused(book, *args, rules=(), code=1, input=None):
    head, before = book.head(), {p: p.read_bytes() for p in book.root.glob("cases/*.yaml")}
    result = book.run(*args, input=input)
    assert result.exit_code == code, result.output
    for rule in rules:
        assert f"  - {rule}:" in result.stderr, (rule, result.stderr)
    assert book.head() == head and book.status() == ""
    assert {p: p.read_bytes() for p in book.root.glob("cases/*.yaml")} == before
    return result


# -- recording ---------------------------------------------------------------------------------

def test_first_assessment_by_options(book):
    result = recorded(book, "assess", NO_ASSESSMENT, "--assessor", "hv-jones", "--date",
                      "2026-11-18", "--framework", "early_help_assessment",
                      "--need", "health=Late to talk", "--agency", "health=health",
                      "--strength", "health=Growing well",
                      "--family-words", "health=He won't say it",
                      "--need", "parents_and_carers.guidance_boundaries=Bedtimes are hard",
                      "--agency", "guidance_boundaries=family_support",
                      "--strength", "family_and_environment.wider_family=Nan helps",
                      "--child-view", "Likes trains", "--parent-view", "Worried about bedtime",
                      "--outcome", "integrated_response", "--agency-needed", "health",
                      "--agency-needed", "family_support", "--predominant", "health",
                      "--no-input",
                      commit=f"{NO_ASSESSMENT}: assessment recorded (integrated_response)")
    assert result.stdout.startswith(f"{NO_ASSESSMENT}: assessment recorded")
    # The next step is said: the case now needs a lead professional.
    assert "no lead professional" in result.stderr
    case = data(book, NO_ASSESSMENT)
    assert case["assessment"] == {
        "date": "2026-11-18", "assessor": "hv-jones", "framework": "early_help_assessment",
        "domains": {
            "development_of_child": {"health": {"strengths": "Growing well",
                                                "needs": "Late to talk",
                                                "family_words": "He won't say it",
                                                "agency": "health"}},
            "parents_and_carers": {"guidance_boundaries": {"needs": "Bedtimes are hard",
                                                           "agency": "family_support"}},
            "family_and_environment": {"wider_family": {"strengths": "Nan helps"}}},
        "child_views": "Likes trains", "parent_views": "Worried about bedtime",
        "outcome": "integrated_response", "agencies_needed": ["health", "family_support"],
        "predominant_needs": ["development_of_child.health"]}
    assert "assessment_history" not in case
    keys = list(case)
    assert keys.index("consent") < keys.index("assessment") < keys.index("team")
    text = book.case(NO_ASSESSMENT).read_text()
    assert "agencies_needed: [health, family_support]" in text
    event = case["events"][-1]
    assert event["event"] == "assessed" and event["date"] == "2026-11-18"
    assert event["recorded"] == "2026-11-20"
    assert event["summary"] == "outcome integrated_response; agencies needed health, family_support"
    assert book.run("validate", str(book.case(NO_ASSESSMENT))).exit_code == 0


def test_no_additional_needs_needs_nothing_else(book):
    recorded(book, "assess", NO_ASSESSMENT, "--assessor", "hv-jones", "--outcome",
             "no_additional_needs", "--no-input")
    assert data(book, NO_ASSESSMENT)["assessment"] == {
        "date": "2026-11-20", "assessor": "hv-jones", "outcome": "no_additional_needs"}


def test_a_lead_no_longer_needed_is_said(book):
    result = recorded(book, "assess", LED, "--assessor", "ed-okafor", "--need",
                      "learning=Still behind", "--outcome", "single_agency", "--no-input")
    assert "no lead professional is needed" in result.stderr  # validate's warning, shown


# -- element names -----------------------------------------------------------------------------

@pytest.mark.parametrize("name, ref", [
    ("health", "development_of_child.health"),
    ("development_of_child.health", "development_of_child.health"),
    ("housing_employment_finance", "family_and_environment.housing_employment_finance"),
    ("housing", "family_and_environment.housing_employment_finance"),  # a unique start
    ("Self-Care", "development_of_child.self_care"),
    ("parents_and_carers.basic", "parents_and_carers.basic_care_safety"),
])
def test_element_names(book, name, ref):
    recorded(book, "assess", NO_ASSESSMENT, "--assessor", "hv-jones", "--need", f"{name}=x",
             "--outcome", "single_agency", "--no-input")
    domain, element = ref.split(".")
    assert data(book, NO_ASSESSMENT)["assessment"]["domains"] == {domain: {element: {"needs": "x"}}}


@pytest.mark.parametrize("args, words", [
    (["--need", "emotional=x"], ["could be any of: emotional_social, emotional_warmth_stability"]),
    (["--need", "family=x"], ["family_social_relationships, family_history"]),
    (["--need", "sleep=x"], ["not an element", "housing_employment_finance",
                             "social_community"]),
    (["--predominant", "development_of_child"], ["could be any of: health, emotional_social"]),
    (["--predominant", "nowhere"], ["not an element of the assessment"]),
    (["--agency", "nowhere=health"], ["not an element of the assessment"]),
    (["--need", "Speech is unclear"], ["write ELEMENT=TEXT"]),
    (["--need", "health="], ["nothing was given after '='"]),
    (["--need", "health=a", "--need", "development_of_child.health=b"], ["health is given twice"]),
    (["--outcome", "maybe"], ["'maybe' is not one of"]),
])
def test_element_usage_errors_exit_2_with_the_choices(book, args, words):
    result = refused(book, "assess", NO_ASSESSMENT, "--assessor", "hv-jones", "--outcome",
                     "single_agency", *args, "--no-input", code=2)
    for w in words:
        assert w in result.stderr, (w, result.stderr)
    if "--outcome" not in args:  # (click's own message for a choice repeats the word)
        for typed in ("Speech is unclear", "sleep", "nowhere", "emotional="):
            assert typed not in result.stderr  # what was typed is never repeated


def test_assessor_and_outcome_required_without_questions(book):
    out = refused(book, "assess", NO_ASSESSMENT, "--need", "health=x", code=2).stderr
    assert "--assessor ID and --outcome OUTCOME are required" in out


# -- refusals ----------------------------------------------------------------------------------

def test_every_failed_rule_is_listed_and_nothing_written(book):
    out = refused(book, "assess", AWAITING, "--assessor", "nobody", "--date", "2026-11-21",
                  "--strength", "learning=Counts to 30", "--agency", "learning=schools",
                  "--outcome", "integrated_response", "--agency-needed", "education",
                  "--predominant", "learning",
                  rules=["unknown-practitioner", "date-in-future", "unknown-agency-type",
                         "needs-missing", "integrated-response", "predominant-without-need"])
    assert out.stdout == ""
    assert "assessment refused; nothing was changed" in out.stderr
    assert "Counts to 30" not in out.stderr


@pytest.mark.parametrize("args, rule", [
    (["--date", "2026-11-01"], "date-before-opened"),       # opened 2026-11-02
    (["--date", "2026-11-11"], "date-order"),               # current assessment 2026-11-12
    (["--agency-needed", "educashun"], "unknown-agency-type"),
])
def test_date_and_agency_rules(book, args, rule):
    refused(book, "assess", AWAITING, *INTEGRATED, *args, rules=[rule])


def test_one_agency_is_not_an_integrated_response(book):
    out = refused(book, "assess", AWAITING, "--assessor", "ed-marsh", "--need", "learning=x",
                  "--agency", "learning=education", "--need", "health=y", "--agency",
                  "health=health", "--outcome", "integrated_response", "--agency-needed",
                  "education", "--no-input", rules=["integrated-response"]).stderr
    assert "the elements name health, education" in out


def test_closed_case_is_refused(book):
    refused(book, "assess", CLOSED, *INTEGRATED, rules=["case-closed"])


def test_an_assessment_dated_the_same_day_as_the_current_one_is_kept(book):
    recorded(book, "assess", AWAITING, *INTEGRATED, "--date", "2026-11-12")
    assert len(data(book, AWAITING)["assessment_history"]) == 1


# -- --from-file ------------------------------------------------------------------------------

PREPARED = """\
# prepared at the team meeting
assessor: ed-okafor
framework: caf
domains:
  development_of_child:
    learning:
      needs: Behind in reading.
      strengths: Loves stories.
      agency: education
  family_and_environment:
    housing_employment_finance:
      needs: Damp flat.
      agency: housing
child_views: Likes her teacher.
outcome: integrated_response
agencies_needed: [education, housing]
predominant_needs: [development_of_child.learning]
"""


def test_from_file_with_options_on_top(book, tmp_path):
    prepared = tmp_path / "assessment.yaml"
    prepared.write_text(PREPARED)
    recorded(book, "assess", SINGLE, "--from-file", str(prepared), "--need",
             "learning=Reading age 6", "--agency-needed", "education", "--agency-needed",
             "housing", "--agency-needed", "health", "--need", "health=Glasses",
             "--agency", "health=health", "--no-input")
    a = data(book, SINGLE)["assessment"]
    assert a["assessor"] == "ed-okafor" and a["framework"] == "caf"
    assert a["domains"]["development_of_child"] == {
        "health": {"needs": "Glasses", "agency": "health"},
        "learning": {"strengths": "Loves stories.", "needs": "Reading age 6",
                     "agency": "education"}}
    assert a["domains"]["family_and_environment"]["housing_employment_finance"]["needs"] == \
        "Damp flat."
    assert a["agencies_needed"] == ["education", "housing", "health"]
    assert a["predominant_needs"] == ["development_of_child.learning"]
    assert a["child_views"] == "Likes her teacher." and a["date"] == "2026-11-20"


@pytest.mark.parametrize("text, words", [
    (PREPARED.replace("    learning:", "    lerning:"), ["6:5:", "unknown key 'lerning'",
                                                         "did you mean 'learning'"]),
    (PREPARED.replace("outcome: integrated_response", "outcome: big"), ["must be one of"]),
    (PREPARED + "notes: a secret\n", ["unknown key 'notes'"]),
    ("date: [2026\n", ["2:1:"]),
    ("- a list\n", ["must hold one mapping of assessment fields"]),
])
def test_from_file_is_checked_against_the_schema_first(book, tmp_path, text, words):
    prepared = tmp_path / "assessment.yaml"
    prepared.write_text(text)
    out = refused(book, "assess", SINGLE, "--from-file", str(prepared), "--no-input",
                  code=2).stderr
    for w in words:
        assert w in out, (w, out)
    assert "Behind in reading" not in out


def test_from_file_is_held_to_the_rules(book, tmp_path):
    prepared = tmp_path / "assessment.yaml"
    prepared.write_text(PREPARED.replace("[development_of_child.learning]",
                                         "[development_of_child.health]"))
    refused(book, "assess", SINGLE, "--from-file", str(prepared), "--no-input",
            rules=["predominant-without-need"])


# -- a later assessment ------------------------------------------------------------------------

def test_later_assessments_keep_the_earlier_ones_in_history(book):
    text = book.case(LED).read_text().replace(
        "  framework: early_help_assessment\n",
        "  framework: early_help_assessment  # the school's form\n")
    book.case(LED).write_text(text)
    book.commit_all("a comment")
    first = data(book, LED)["assessment"]
    recorded(book, "assess", LED, "--assessor", "ed-okafor", "--date", "2026-11-19",
             "--need", "learning=Reading age up", "--agency", "learning=education",
             "--need", "health=Clearer speech", "--agency", "health=health",
             "--outcome", "integrated_response", "--agency-needed", "education",
             "--agency-needed", "health", "--no-input",
             commit=f"{LED}: assessment recorded (integrated_response), the earlier one kept "
                    "in assessment_history")
    second = data(book, LED)["assessment"]
    recorded(book, "assess", LED, "--assessor", "ed-okafor", "--need",
             "learning=On track with support", "--outcome", "single_agency",
             "--agency-needed", "education", "--no-input")
    case = data(book, LED)
    assert case["assessment_history"] == [first, second]  # oldest first, as they were
    assert case["assessment"]["outcome"] == "single_agency"
    # The earlier assessment's comments move with it.
    assert re.search(r"^  - date: 2026-06-15\n    assessor: ed-okafor\n"
                     r"    framework: early_help_assessment +# the school's form$",
                     book.case(LED).read_text(), re.M)
    keys = list(case)
    assert keys.index("assessment") + 1 == keys.index("assessment_history")
    assert [e["summary"] for e in case["events"] if e["event"] == "assessed"][-1] == \
        ("outcome single_agency; agencies needed education; the earlier assessment moved to "
         "assessment_history")
    # The lead was appointed after the first assessment, before these: that is fine.
    result = book.run("validate", str(book.case(LED)))
    assert result.exit_code == 0 and "date-order" not in result.stdout
    assert "no lead professional is needed" in result.stdout  # the current one decides


def test_the_current_assessment_is_the_one_used(book):
    recorded(book, "assess", AWAITING, "--assessor", "ed-marsh",
             "--need", "guidance_boundaries=Meltdowns in public",
             "--agency", "guidance_boundaries=family_support",
             "--need", "health=Toilet training", "--agency", "health=health",
             "--outcome", "integrated_response", "--agency-needed", "family_support",
             "--agency-needed", "health", "--predominant", "guidance_boundaries", "--no-input")
    ranked = book.json("nominate", AWAITING, "--suggest")
    predominant = {c["practitioner"] for c in ranked
                   if any(r["criterion"] == "predominant_needs" for r in c["reasons"])}
    assert predominant == {"fs-ahmed"}  # family support, not school or health any more
    plan = book.run("render", "plan", AWAITING, "--format", "md").stdout
    assert "Meltdowns in public" in plan and "Uses single words" not in plan
    assert book.run("validate").exit_code == 0


def test_validate_checks_the_history(book):
    recorded(book, "assess", AWAITING, *INTEGRATED)
    path = book.case(AWAITING)
    text = path.read_text().replace("  - date: 2026-11-12\n    assessor: ed-marsh",
                                    "  - date: 2026-11-25\n    assessor: nobody")
    path.write_text(text)
    out = book.run("validate", str(path)).stdout
    assert ".assessment_history[0].assessor: practitioner 'nobody' is not in" in out
    assert "the current assessment is dated before one in assessment_history" in out


# -- questions in a terminal -------------------------------------------------------------------

@pytest.fixture
def terminal(monkeypatch):
    monkeypatch.setattr("lpcli.cli.output.is_terminal", lambda: True)


def answers(*lines) -> str:
    return "\n".join(lines) + "\n"


ELEMENTS_SKIPPED = [""] * 13  # every element but the one answered


def test_the_walk_asks_element_by_element(book, terminal):
    walk = answers(
        "nobody", "hv-jones",           # not in practitioners.yaml: asked again
        "2026-11-19",                   # the date
        "y", "Late to talk", "", "He won't say it", "heath", "health",  # health
        *[""] * 6,                      # the rest of the child's development
        "", "y", "", "Loving", "",      # parents: warmth, strengths only (no agency asked)
        "",                             # guidance and boundaries
        *[""] * 2, "y", "Damp flat", "", "", "housing", "",  # family and environment
        "Likes trains", "",             # views: the child's, not the parents'
        "maybe", "integrated_response",
        "health",                       # one agency is not enough: asked again
        "",                             # Enter: the agencies the elements named
        "housing_employment_finance")   # the predominant need
    result = book.run("assess", NO_ASSESSMENT, input=walk)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{NO_ASSESSMENT}: assessment recorded (integrated_response)")
    asked = result.stderr
    assert "Health: general, physical, speech, language and communication: anything to record?" \
        in asked
    assert "Error: not in practitioners.yaml" in asked
    assert "only agency types, please" in asked and "name at least two" in asked
    assert "[health housing]" in asked
    a = data(book, NO_ASSESSMENT)["assessment"]
    assert a == {
        "date": "2026-11-19", "assessor": "hv-jones",
        "domains": {
            "development_of_child": {"health": {"needs": "Late to talk",
                                                "family_words": "He won't say it",
                                                "agency": "health"}},
            "parents_and_carers": {"emotional_warmth_stability": {"strengths": "Loving"}},
            "family_and_environment": {"housing_employment_finance": {"needs": "Damp flat",
                                                                      "agency": "housing"}}},
        "child_views": "Likes trains", "outcome": "integrated_response",
        "agencies_needed": ["health", "housing"],
        "predominant_needs": ["family_and_environment.housing_employment_finance"]}
    assert book.status() == ""


def test_the_walk_asks_only_what_the_options_did_not_give(book, terminal):
    walk = answers("Family are worried", "",  # health: only what the options did not give
                   *ELEMENTS_SKIPPED, "")      # ...and the parents' views
    result = book.run("assess", NO_ASSESSMENT, "--assessor", "hv-jones", "--date",
                      "2026-11-19", "--need", "health=Late to talk", "--agency",
                      "health=health", "--child-view", "Trains", "--outcome", "single_agency",
                      "--agency-needed", "health", input=walk)
    assert result.exit_code == 0, result.output
    asked = result.stderr
    assert "  Health: general, physical, speech, language and communication:\n" in asked
    for question in ("Who carried out", "Date the assessment", "(needs)", "Agency with main",
                     "The child's own views", "Outcome", "Agencies needed", "Predominant"):
        assert question not in asked, question
    assert data(book, NO_ASSESSMENT)["assessment"]["domains"] == {"development_of_child": {
        "health": {"strengths": "Family are worried", "needs": "Late to talk",
                   "agency": "health"}}}


def test_no_input_asks_nothing_even_in_a_terminal(book, terminal):
    refused(book, "assess", NO_ASSESSMENT, "--no-input", code=2)


def test_a_closed_case_is_refused_before_any_question(book, terminal):
    result = refused(book, "assess", CLOSED, input="", rules=["case-closed"])
    assert "anything to record" not in result.stderr


def test_the_walk_can_be_left_with_nothing_written(book, terminal):
    refused(book, "assess", NO_ASSESSMENT, "--assessor", "hv-jones", input=answers("", "y"))


# -- help and completion -----------------------------------------------------------------------

def test_help_lists_every_element_in_plain_words(book):
    from lpcli.core import vocabulary

    out = book.run("assess", "--help").stdout
    for ref, words in vocabulary.ELEMENT_WORDS.items():
        assert f"{ref.split('.')[1]:28} {words[0].upper()}{words[1:]}" in out, ref
    assert "Examples:" in out and "integrated_response" in out


def complete(args, incomplete) -> list[str]:
    comp = ShellComplete(cli, {}, "lpcli", "_LPCLI_COMPLETE")
    return [item.value for item in comp.get_completions(args, incomplete)]


def test_elements_complete_in_the_shell():
    assess = ["assess", AWAITING]
    assert complete([*assess, "--need"], "h") == ["health=", "housing_employment_finance="]
    assert complete([*assess, "--strength"], "") [:2] == ["health=", "emotional_social="]
    assert "parents_and_carers.guidance_boundaries=" in \
        complete([*assess, "--family-words"], "parents")
    assert complete([*assess, "--agency"], "health=he") == ["health=health"]
    assert complete([*assess, "--predominant"], "emo") == ["emotional_social",
                                                           "emotional_warmth_stability"]
    assert complete([*assess, "--agency-needed"], "fam") == ["family_support"]
    assert complete([*assess, "--outcome"], "in") == ["integrated_response"]
    comp = ShellComplete(cli, {}, "lpcli", "_LPCLI_COMPLETE")
    helps = {i.value: i.help for i in comp.get_completions([*assess, "--predominant"], "self")}
    assert helps == {"self_care": "self-care skills and independence"}
