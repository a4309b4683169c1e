"""Options and arguments several commands share, and the parsing of their values."""

from __future__ import annotations

import click

from lpcli.core import vocabulary


def _items(pairs) -> list:
    return [click.shell_completion.CompletionItem(value, help=help_text or None)
            for value, help_text in pairs]


def _casebook(ctx):
    from lpcli.casebook import completion

    return completion.casebook(ctx.find_root().params.get("casebook_path"))


class CaseIdType(click.ParamType):
    """A CASE argument, checked against the case ID allow-list when the command line is
    parsed: a path, an option or a name typed by mistake is refused (exit 2) before any
    other option is looked at or any file opened, and never echoed back."""

    name = "case"

    def convert(self, value, param, ctx):
        from lpcli.core.caseid import check_case_id
        from lpcli.core.errors import InvalidCaseId

        try:
            return check_case_id(value)
        except InvalidCaseId as exc:
            self.fail(f"{exc.message} ({exc.hint})", param, ctx)

    def shell_complete(self, ctx, param, incomplete):
        """Case IDs, from the file names in cases/ (no case is read)."""
        from lpcli.casebook import completion

        cb = _casebook(ctx)
        return _items(completion.case_ids(cb, incomplete)) if cb else []


CASE_ID = CaseIdType()


def case_argument():
    return click.argument("case_id", metavar="CASE", type=CASE_ID)


class PractitionerIdType(click.ParamType):
    """A practitioner ID argument ('hv-jones'), checked against the schema's pattern when the
    command line is parsed; anything else (a name typed by mistake) is refused, not echoed."""

    name = "practitioner"

    def convert(self, value, param, ctx):
        from lpcli.core.caseid import is_practitioner_id

        if not is_practitioner_id(value):
            self.fail("that is not a practitioner ID: lower-case letters, digits and hyphens, "
                      "at most 48, for example hv-jones (see 'lpcli practitioner list')",
                      param, ctx)
        return value

    def shell_complete(self, ctx, param, incomplete):
        return complete("practitioner", ctx, incomplete)


PRACTITIONER_ID = PractitionerIdType()


class NewPractitionerIdType(PractitionerIdType):
    """A practitioner ID about to be made ('practitioner add'): nothing to complete."""

    def shell_complete(self, ctx, param, incomplete):
        return []


NEW_PRACTITIONER_ID = NewPractitionerIdType()


def choice(words: tuple) -> click.Choice:
    """A choice of words from the vocabulary (never a list written here)."""
    return click.Choice(words)


def format_option(formats: tuple = vocabulary.TEXT_JSON, help_text: str | None = None):
    return click.option("--format", "fmt", type=choice(formats), default=formats[0],
                        show_default=True, help=help_text)


def date_option(help_text="Date of the event, YYYY-MM-DD (default: today)."):
    return click.option("--date", "date_", metavar="YYYY-MM-DD", help=help_text)


def as_of_option(help_text="Count from this date (default: today)."):
    return click.option("--as-of", metavar="YYYY-MM-DD", help=help_text)


def opt_date(value, what):
    """An optional date option's value, or None."""
    from lpcli.core import dates

    return dates.parse(value, what) if value else None


def opt_time(value, what):
    """An optional time-of-day option's value ('HH:MM'), or None."""
    from lpcli.core import dates

    return dates.parse_time(value, what) if value else None


def checked_time(text):
    """For prompts: a bad time asks again; an empty answer is no time."""
    from lpcli.core import dates

    if not text.strip():
        return ""
    try:
        return dates.parse_time(text, "the time")
    except dates.BadDate as exc:
        raise click.BadParameter(exc.message)


def date_or_today(value, settings, what="--date"):
    from lpcli.core import dates

    return dates.parse(value, what) if value else dates.today(settings)


def as_of_date(value, casebook):
    return date_or_today(value, casebook.settings, "--as-of")


def checked_date(text):
    """For prompts: a bad date asks again instead of ending the command."""
    from lpcli.core import dates

    try:
        return dates.parse(text.strip(), "the date")
    except dates.BadDate as exc:
        raise click.BadParameter(exc.message)


FORMAT_TEXT_JSON = choice(vocabulary.TEXT_JSON)
FORMAT_TEXT_JSON_CSV = choice(vocabulary.TEXT_JSON_CSV)


class Completing(click.ParamType):
    """Text, taken as typed (the command checks it), that the shell completes from the
    casebook: ``source`` says what is expected there (see ``complete``)."""

    name = "text"

    def __init__(self, source: str):
        self.source = source

    def convert(self, value, param, ctx):
        return value

    def shell_complete(self, ctx, param, incomplete):
        return complete(self.source, ctx, incomplete)


PRACTITIONER = Completing("practitioner")    # any practitioner in the directory
NOMINEE = Completing("active")               # a practitioner who has not left
TEAM_MEMBER = Completing("team")             # one in the case's team now
FAMILY_MEMBER = Completing("family")         # a family member of the case
FAMILY_OR_CHILD = Completing("family+child")
OWNER = Completing("owner")                  # an action's owner: team, family or the child
ATTENDEE = Completing("attendee")            # at a review: practitioners, family, the child
ACTION = Completing("action")                # an action of the case's plan
OPEN_ACTION = Completing("open-action")
OUTCOME = Completing("outcome")
SETTLEMENT = Completing("settle")            # ACTION=HOW
OUTCOME_RATING = Completing("rating")        # OUTCOME=RATING


def complete(source: str, ctx, incomplete: str) -> list:
    """Completions for an ID of this kind, from the casebook the command line names."""
    from lpcli.casebook import completion as c

    cb = _casebook(ctx)
    if cb is None:
        return []
    case_id = _case_of(ctx)
    if source in ("settle", "rating"):
        return _pairs(cb, case_id, source, incomplete)
    if source in ("practitioner", "active"):
        return _items(c.practitioners(cb, incomplete, active_only=source == "active"))
    if source == "team":
        return _items(c.team(cb, case_id, incomplete))
    if source in ("family", "family+child"):
        return _items(c.family(cb, case_id, incomplete, child=source == "family+child"))
    if source in ("owner", "attendee"):
        return _items(c.team(cb, case_id, incomplete)
                      + c.family(cb, case_id, incomplete, child=True))
    if source in ("action", "open-action"):
        return _items(c.plan_items(cb, case_id, "actions", incomplete,
                                   open_only=source == "open-action"))
    if source == "outcome":
        return _items(c.plan_items(cb, case_id, "outcomes", incomplete))
    return []


def _case_of(ctx) -> str | None:
    """The CASE the command line names. While an option waits for its value, click leaves
    the arguments unparsed (in ctx.args): the CASE is the first of them."""
    from lpcli.core.caseid import is_case_id

    case_id = ctx.params.get("case_id")
    if case_id:
        return case_id
    return next((a for a in ctx.args if isinstance(a, str) and is_case_id(a)), None)


def _pairs(cb, case_id, source: str, incomplete: str) -> list:
    """'A3=done', 'A3=dropped'... (an open action and how closing settles it), or
    'O1=good_progress'... (an outcome and its rating at a review)."""
    from lpcli.casebook import completion as c

    kind, words = (("actions", vocabulary.SETTLEMENTS) if source == "settle"
                   else ("outcomes", vocabulary.RATINGS))
    head = incomplete.split("=", 1)[0]
    found = c.plan_items(cb, case_id, kind, head, open_only=source == "settle")
    if source == "settle":
        found.append(("all", "every open action"))
    return _items((f"{iid}={w}", help_text) for iid, help_text in found for w in words
                  if f"{iid}={w}".startswith(incomplete))
