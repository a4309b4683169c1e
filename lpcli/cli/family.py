"""lpcli family: the child's family and carers."""

from __future__ import annotations

import click

from lpcli.cli import output
from lpcli.cli.base import examples, group, pass_state, subcommand
from lpcli.cli.options import FAMILY_MEMBER, case_argument, date_option, opt_date


@group()
def family():
    """Record the child's family and carers: who they are and how to reach them.

    Each member gets a short ID (from their relationship: 'mother', 'grandmother-2'...)
    used wherever the case refers to them: as an action's owner, as who gave consent, as a
    meeting attendee. Their names and numbers never appear in commits or reports.
    """


family.epilog = ("Examples:\n\n\b\n  lpcli family add LP-TX681-MBQS9 --name 'Kim Lee' "
                 "--relationship mother --parental-responsibility --lives-with-child\n"
                 "  lpcli family update LP-TX681-MBQS9 mother --phone '07700 900456'\n"
                 "  lpcli family remove LP-TX681-MBQS9 uncle")


def _member_options(f):
    """The details of a family member, for add and update."""
    for decl, kwargs in reversed([
        (("--name",), {"help": "Full name."}),
        (("--relationship",), {"help": "Relationship to the child (mother, foster carer...)."}),
        (("--parental-responsibility/--no-parental-responsibility",),
         {"default": None, "help": "Holds parental responsibility."}),
        (("--lives-with-child/--lives-elsewhere",),
         {"default": None, "help": "Lives with the child."}),
        (("--phone",), {"help": "Phone number."}),
        (("--email",), {"help": "Email address."}),
        (("--language",), {"help": "Main language, when letters or meetings need it."}),
        (("--interpreter/--no-interpreter", "interpreter_needed"),
         {"default": None, "help": "Needs an interpreter."}),
    ]):
        f = click.option(*decl, **kwargs)(f)
    return f


def _fields(name, relationship, parental_responsibility, lives_with_child, phone, email,
            language, interpreter_needed) -> dict:
    return {"name": name, "relationship": relationship,
            "parental_responsibility": parental_responsibility,
            "lives_with_child": lives_with_child, "phone": phone, "email": email,
            "language": language, "interpreter_needed": interpreter_needed}


@examples("lpcli family add LP-TX681-MBQS9 --name 'Kim Lee' --relationship mother "
          "--parental-responsibility --lives-with-child --phone '07700 900456'",
          "ID=$(lpcli family add LP-TX681-MBQS9 --name 'Sam Lee' --relationship father "
          "--no-input)")
@subcommand(family, "add")
@case_argument()
@_member_options
@click.option("--id", "member_id", metavar="ID",
              help="The member's ID (default: from the relationship, e.g. 'mother').")
@date_option("Date this was learnt (default: today).")
@click.option("--no-input", is_flag=True, help="Never ask questions, even in a terminal.")
@pass_state
def family_add(state, case_id, member_id, date_, no_input, **details):
    """Add a family member or carer and print their ID (alone on stdout).

    In a terminal, the name and relationship are asked for when not given, and whether
    they hold parental responsibility and live with the child.
    """
    from lpcli.workflow import family as fam

    fields = _fields(**details)
    if output.is_terminal() and not no_input:
        ask_member(fields)
    written, mid = fam.add_member(state.casebook, case_id, fields, member_id=member_id,
                                  date=opt_date(date_, "--date"), author=state.author)
    output.notes(written)
    click.echo(mid)
    click.echo(f"{written.message} as {mid} (commit {written.commit[:8]})", err=True)
    output.share_after_change(state)


def ask_member(fields: dict) -> None:
    for key, label in (("name", "Full name"), ("relationship", "Relationship to the child")):
        if not fields.get(key):
            fields[key] = click.prompt(label, err=True).strip()
    for key, label in (("parental_responsibility", "Do they hold parental responsibility?"),
                       ("lives_with_child", "Do they live with the child?")):
        if fields.get(key) is None:
            fields[key] = click.confirm(label, default=True, err=True)
    if not fields.get("phone"):
        phone = click.prompt("Phone (Enter to skip)", default="", show_default=False,
                             err=True).strip()
        fields["phone"] = phone or None


@examples("lpcli family update LP-TX681-MBQS9 mother --phone '07700 900456'",
          "lpcli family update LP-TX681-MBQS9 father --no-parental-responsibility")
@subcommand(family, "update")
@case_argument()
@click.argument("member_id", metavar="MEMBER", type=FAMILY_MEMBER)
@_member_options
@date_option("Date this was learnt (default: today).")
@pass_state
def family_update(state, case_id, member_id, date_, **details):
    """Change what is recorded about a family member (only the details given)."""
    from lpcli.workflow import family as fam

    output.done(state, fam.update_member(state.casebook, case_id, member_id, _fields(**details),
                                         date=opt_date(date_, "--date"), author=state.author))


@examples("lpcli family remove LP-TX681-MBQS9 uncle")
@subcommand(family, "remove")
@case_argument()
@click.argument("member_id", metavar="MEMBER", type=FAMILY_MEMBER)
@date_option("Date of the correction (default: today).")
@pass_state
def family_remove(state, case_id, member_id, date_):
    """Remove a family member recorded by mistake. Refused while the case refers to them
    (an action they own, consent they gave, a meeting they attended): those records must
    keep them."""
    from lpcli.workflow import family as fam

    output.done(state, fam.remove_member(state.casebook, case_id, member_id,
                                         date=opt_date(date_, "--date"), author=state.author))
