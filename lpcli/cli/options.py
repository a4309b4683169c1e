"""Options and arguments several commands share, and the parsing of their values."""

from __future__ import annotations

import click

from lpcli.core import vocabulary


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


PRACTITIONER_ID = PractitionerIdType()


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
