"""lpcli assess: the common assessment, by options, from a file, or by questions in a
terminal that walk the three domains element by element in plain words."""

from __future__ import annotations

from pathlib import Path

import click

from lpcli.cli import output
from lpcli.cli.base import command, examples, pass_state
from lpcli.cli.options import (
    PRACTITIONER,
    case_argument,
    checked_date,
    choice,
    date_option,
    opt_date,
)
from lpcli.core import vocabulary

# -- elements on the command line: ELEMENT and ELEMENT=VALUE ----------------------------------

def _short(ref: str) -> str:
    return ref.split(".", 1)[1]


def _words(ref: str) -> str:
    words = vocabulary.ELEMENT_WORDS[ref]
    return words[0].upper() + words[1:]


def _element_choices() -> str:
    return ", ".join(_short(ref) for ref in vocabulary.ELEMENTS)


def _complete_elements(incomplete: str, suffix: str = "") -> list:
    """Element names for the shell, each with what it covers: the short names, and the
    'domain.element' names once what is typed is not the start of a short one."""
    from click.shell_completion import CompletionItem

    shorts = [ref for ref in vocabulary.ELEMENTS if _short(ref).startswith(incomplete)]
    fulls = [ref for ref in vocabulary.ELEMENTS if incomplete and ref.startswith(incomplete)]
    items = [(_short(ref), ref) for ref in shorts] + [(ref, ref) for ref in fulls]
    return [CompletionItem(name + suffix, help=vocabulary.ELEMENT_WORDS[ref])
            for name, ref in items]


def _resolve(name: str, param_type: click.ParamType, param, ctx) -> str:
    """The element a name means. The errors list the choices but never repeat what was
    typed (as a CASE argument is never echoed): a child's name typed in the wrong place
    must not reach a terminal log."""
    from lpcli.workflow.assessment import element_matches

    found = element_matches(name)
    if len(found) == 1:
        return found[0]
    if found:
        param_type.fail(f"the element could be any of: {', '.join(_short(r) for r in found)}; "
                        "write more of its name", param, ctx)
    param_type.fail(f"not an element of the assessment; elements: {_element_choices()} (or "
                    "domain.element; see lpcli assess --help)", param, ctx)


class ElementType(click.ParamType):
    """An element of the assessment framework: 'domain.element', the element alone, or the
    start of a name only one element has; anything else is a usage error with the choices."""

    name = "element"

    def convert(self, value, param, ctx):
        return value if value in vocabulary.ELEMENTS else _resolve(value, self, param, ctx)

    def shell_complete(self, ctx, param, incomplete):
        return _complete_elements(incomplete)


class ElementValue(click.ParamType):
    """ELEMENT=VALUE: an element and the text (or, with ``values``, the word) given for it.
    Converts to (element, value)."""

    name = "element=value"

    def __init__(self, values: tuple = ()):
        self.values = values

    def convert(self, value, param, ctx):
        if isinstance(value, tuple):
            return value
        name, eq, text = value.partition("=")
        if not eq or not text.strip():
            what = "AGENCY_TYPE" if self.values else "TEXT"
            self.fail(f"write ELEMENT={what}, for example health={what}"
                      + (" (nothing was given after '=')" if eq else ""), param, ctx)
        return _resolve(name, self, param, ctx), text.strip()

    def shell_complete(self, ctx, param, incomplete):
        from click.shell_completion import CompletionItem

        name, eq, typed = incomplete.partition("=")
        if eq and self.values:
            return [CompletionItem(f"{name}={v}") for v in self.values if v.startswith(typed)]
        return [] if eq else _complete_elements(incomplete, "=")


class AgencyTypeWord(click.ParamType):
    """An agency type, completed from the vocabulary. Not a click.Choice: an unknown one is
    refused by the assessment's rules, together with every other rule that failed."""

    name = "agency_type"

    def shell_complete(self, ctx, param, incomplete):
        from click.shell_completion import CompletionItem

        return [CompletionItem(v) for v in vocabulary.AGENCY_TYPES if v.startswith(incomplete)]


# -- help --------------------------------------------------------------------------------------

def _elements_help() -> str:
    lines = ["\b", "The elements (ELEMENT: the name, domain.element, or the start of a name):"]
    for domain in vocabulary.DOMAINS:
        lines.append(f"  {vocabulary.DOMAIN_WORDS[domain]} ({domain}):")
        for ref in vocabulary.ELEMENTS:
            if ref.startswith(domain + "."):
                lines.append(f"    {_short(ref):28} {_words(ref)}")
    return "\n".join(lines)


def _outcomes_help() -> str:
    lines = ["\b", "The outcome (--outcome; a lead professional only for integrated_response):"]
    lines += [f"  {code:22} {words}" for code, words in vocabulary.ASSESSMENT_OUTCOME_WORDS.items()]
    return "\n".join(lines)


HELP = f"""Record the common assessment (CAF / Early Help Assessment) of a case.

Needs, strengths and the family's own words by element of the three domains; the child's and
the parents' views; what the assessment found; the agencies needed and the predominant needs
(nominate --suggest weighs them). In a terminal, what the options and --from-file did not
give is asked for, element by element (Enter skips); --no-input never asks. A case that
already has an assessment keeps it in assessment_history, oldest first; the new one becomes
the current assessment.

Refused, with every failed rule and nothing written: a closed case; an assessor not in
practitioners.yaml; a date in the future, before the case opened or before the current
assessment; integrated_response with fewer than two agencies needed (an integrated response
is from more than one agency); additional needs found but none recorded; a predominant need
with no needs recorded for it; an unknown agency type.

{_elements_help()}

{_outcomes_help()}

\b
--from-file takes a YAML mapping of the assessment's own fields, as in a case file:
  date, assessor, framework, domains (domain: element: needs/strengths/family_words/agency),
  child_views, parent_views, outcome, agencies_needed, predominant_needs (domain.element).
Options given on the command line win over the file's values.
"""


# -- the command -------------------------------------------------------------------------------

@examples("lpcli assess LP-TX681-MBQS9 --assessor ed-marsh --date 2026-11-12 \\",
          "    --need learning='Uses single words' --agency learning=education \\",
          "    --need health='Not toilet trained' --agency health=health \\",
          "    --strength wider_family='Grandparents nearby' --family-words learning='He is "
          "clever' \\",
          "    --outcome integrated_response --agency-needed education --agency-needed health \\",
          "    --predominant learning --no-input",
          "lpcli assess LP-TX681-MBQS9 --from-file assessment.yaml --outcome single_agency",
          "lpcli assess LP-TX681-MBQS9 --assessor ed-marsh   # asks for the rest in a terminal")
@command(help=HELP, short_help="Record the common assessment: needs and strengths by element.")
@case_argument()
@click.option("--assessor", metavar="ID", type=PRACTITIONER,
              help="The practitioner who carried out the assessment.")
@date_option("Date the assessment was completed, YYYY-MM-DD (default: today).")
@click.option("--framework", type=choice(vocabulary.ASSESSMENT_FRAMEWORKS),
              help="The assessment framework used.")
@click.option("--need", "needs", multiple=True, type=ElementValue(), metavar="ELEMENT=TEXT",
              help="What we are worried about, for one element (repeatable).")
@click.option("--strength", "strengths", multiple=True, type=ElementValue(),
              metavar="ELEMENT=TEXT", help="What is going well, for one element (repeatable).")
@click.option("--family-words", "family_words", multiple=True, type=ElementValue(),
              metavar="ELEMENT=TEXT", help="How the family put it, in their words (repeatable).")
@click.option("--agency", "agencies", multiple=True, type=ElementValue(vocabulary.AGENCY_TYPES),
              metavar="ELEMENT=AGENCY_TYPE",
              help="The type of agency with main responsibility for an element's need.")
@click.option("--child-view", help="The child's own views.")
@click.option("--parent-view", help="The parents' or carers' views.")
@click.option("--outcome", type=choice(vocabulary.ASSESSMENT_OUTCOMES),
              help="What the assessment found (listed above).")
@click.option("--agency-needed", "agencies_needed", multiple=True, type=AgencyTypeWord(),
              metavar="TYPE", help="A type of agency whose help the needs call for "
              f"(repeatable): {', '.join(vocabulary.AGENCY_TYPES)}.")
@click.option("--predominant", multiple=True, type=ElementType(), metavar="ELEMENT",
              help="A predominant need (repeatable); needs must be recorded for it.")
@click.option("--from-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A YAML file of assessment fields (the options win).")
@click.option("--no-input", is_flag=True, help="Never ask questions, even in a terminal.")
@pass_state
def assess(state, case_id, assessor, date_, framework, needs, strengths, family_words, agencies,
           child_view, parent_view, outcome, agencies_needed, predominant, from_file, no_input):
    from lpcli.workflow import assessment

    cb = state.casebook
    prepared = assessment.load_assessment_file(from_file) if from_file else {}
    given = {"date": opt_date(date_, "--date"), "assessor": assessor, "framework": framework,
             "child_views": child_view, "parent_views": parent_view, "outcome": outcome,
             "agencies_needed": list(agencies_needed), "predominant_needs": list(predominant)}
    for option, key, pairs in (("--need", "needs", needs), ("--strength", "strengths", strengths),
                               ("--family-words", "family_words", family_words),
                               ("--agency", "agency", agencies)):
        seen = set()
        for ref, text in pairs:
            if ref in seen:
                raise click.BadParameter(f"{_short(ref)} is given twice", param_hint=option)
            seen.add(ref)
            assessment.put(given, ref, key, text)
    fields = assessment.combine(prepared, given)
    if output.is_terminal() and not no_input:
        # A missing, broken or closed case is said now, not after a dozen questions.
        assessment.check_can_assess(cb, case_id)
        ask_missing(fields, cb)
    missing = [option for key, option in (("assessor", "--assessor ID"),
                                          ("outcome", "--outcome OUTCOME"))
               if not fields.get(key)]
    if missing:
        raise click.UsageError(f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} "
                               "required (or give them in --from-file)")
    output.done(state, assessment.record_assessment(cb, case_id, fields, author=state.author))


# -- the questions -----------------------------------------------------------------------------

ELEMENT_QUESTIONS = (("needs", "What we are worried about (needs)"),
                     ("strengths", "What is going well (strengths)"),
                     ("family_words", "In the family's own words"))


def ask_missing(fields: dict, casebook) -> None:
    """Ask, on stderr, for what the options and the file did not give: the assessor and the
    date, then each element of the three domains, the views, the outcome, the agencies
    needed and the predominant needs."""
    from lpcli.core import dates

    say("Questions for what the options did not give. Enter skips a question.")
    if not fields.get("assessor"):
        fields["assessor"] = click.prompt("Who carried out the assessment (practitioner ID)",
                                          err=True,
                                          value_proc=_known_practitioner(casebook.directory))
    if not fields.get("date"):
        fields["date"] = click.prompt("Date the assessment was completed", err=True,
                                      default=dates.today(casebook.settings).isoformat(),
                                      value_proc=checked_date)
    from lpcli.workflow.assessment import domain_elements

    for domain in vocabulary.DOMAINS:
        say()
        say(f"{vocabulary.DOMAIN_WORDS[domain]} (Enter: nothing to record for an element)")
        for ref in domain_elements(domain):
            _ask_element(fields, ref)
    say()
    for key, label in (("child_views", "The child's own views"),
                       ("parent_views", "The parents' or carers' views")):
        if not fields.get(key):
            _text(fields, key, label)
    if not fields.get("outcome"):
        say("What did the assessment find?")
        for code, words in vocabulary.ASSESSMENT_OUTCOME_WORDS.items():
            say(f"  {code:22} {words}")
        fields["outcome"] = click.prompt("Outcome", err=True,
                                         type=choice(vocabulary.ASSESSMENT_OUTCOMES))
    _ask_agencies(fields)
    _ask_predominant(fields)


def say(text: str = "") -> None:
    """Questions and their explanations go to stderr: stdout keeps the one result line."""
    click.echo(text, err=True)


def _text(target: dict, key: str, label: str) -> None:
    answer = click.prompt(label, default="", show_default=False, err=True).strip()
    if answer:
        target[key] = answer


def _ask_element(fields: dict, ref: str) -> None:
    from lpcli.workflow.assessment import element_entry, put

    entry = dict(element_entry(fields, ref))
    if not entry:
        if not click.confirm(f"  {_words(ref)}: anything to record?", default=False, err=True):
            return
    elif not all(entry.get(key) for key, _ in ELEMENT_QUESTIONS) \
            or (entry.get("needs") and not entry.get("agency")):
        say(f"  {_words(ref)}:")  # given in part by the options: the rest is asked under it
    for key, label in ELEMENT_QUESTIONS:
        if not entry.get(key):
            _text(entry, key, f"    {label}")
    if entry.get("needs") and not entry.get("agency"):
        answer = click.prompt("    Agency with main responsibility for this need (Enter: none)",
                              default="", show_default=False, err=True,
                              value_proc=_agency_words(at_most=1))
        if answer:
            entry["agency"] = answer[0]
    for key, value in entry.items():
        put(fields, ref, key, value)


def _ask_agencies(fields: dict) -> None:
    from lpcli.workflow.assessment import element_agencies

    outcome = fields["outcome"]
    if fields.get("agencies_needed") or outcome == "no_additional_needs":
        return
    named = element_agencies(fields)
    # Offered: the agencies given for the elements' needs. An integrated response must name
    # two or more (asked again until it does); a single agency may leave it out.
    at_least = 2 if outcome == "integrated_response" else 0
    say("Agency types: " + ", ".join(vocabulary.AGENCY_TYPES))
    answer = click.prompt("Agencies needed (separated by spaces)", err=True,
                          default=" ".join(named) if len(named) >= max(at_least, 1) else
                          (None if at_least else ""),
                          value_proc=_agency_words(at_least=at_least))
    if answer:
        fields["agencies_needed"] = answer


def _ask_predominant(fields: dict) -> None:
    from lpcli.workflow.assessment import with_needs

    needs = with_needs(fields)
    if fields.get("predominant_needs") or fields["outcome"] != "integrated_response" \
            or not needs:
        return
    names = " ".join(_short(ref) for ref in needs)
    answer = click.prompt(f"Predominant needs, among {names} (Enter: none)", default="",
                          show_default=False, err=True, value_proc=_predominant(needs))
    if answer:
        fields["predominant_needs"] = answer


# Each reader below turns an answer into a value, or raises BadParameter: click then says
# why and asks again, instead of ending the command. Like every message, they never repeat
# what was typed.

def _known_practitioner(directory):
    def read(text):
        pid = text.strip()
        if pid not in directory:
            raise click.BadParameter("not in practitioners.yaml: give a practitioner's ID")
        return pid
    return read


def _agency_words(at_least: int = 0, at_most: int | None = None):
    def read(text):
        words = list(dict.fromkeys(text.replace(",", " ").split()))
        wrong = [w for w in words if w not in vocabulary.AGENCY_TYPES]
        if wrong:
            raise click.BadParameter("only agency types, please: "
                                     + ", ".join(vocabulary.AGENCY_TYPES))
        if len(words) < at_least:
            raise click.BadParameter("an integrated response is from more than one agency: "
                                     "name at least two" if at_least == 2 else "name one")
        if at_most is not None and len(words) > at_most:
            raise click.BadParameter(f"name at most {at_most}")
        return words
    return read


def _predominant(needs: list):
    def read(text):
        from lpcli.workflow.assessment import element_matches

        chosen = []
        for word in text.replace(",", " ").split():
            found = [ref for ref in element_matches(word) if ref in needs]
            if len(found) != 1:
                raise click.BadParameter("name them among: "
                                         + ", ".join(_short(r) for r in needs))
            chosen.append(found[0])
        return list(dict.fromkeys(chosen))
    return read
