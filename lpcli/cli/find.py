"""lpcli find (is this child already known?) and lpcli link (siblings, a child's episodes)."""

from __future__ import annotations

import sys

import click

from lpcli.cli import output
from lpcli.cli.base import command, examples, pass_state
from lpcli.cli.options import CASE_ID, case_argument, choice, date_option, format_option, opt_date
from lpcli.core import vocabulary
from lpcli.core.text import table


def find_text(rows) -> str:
    """The text of 'lpcli find': one line per case, best match first, and a count."""
    from lpcli.reports.find import born, matched_text

    links = any(r["links"] for r in rows)
    cells = [["CASE", "STATUS", "LEAD", "CHILD", "BORN", "MATCHED"] + (["LINKED"] if links
                                                                       else [])]
    for r in rows:
        name = r["child_name"] + (f" ({r['known_as']})" if r["known_as"] else "")
        line = [r["case"], r["status"], r["lead_professional"] or "-", name, born(r),
                "; ".join(matched_text(m) for m in r["matched"])]
        if links:
            line.append(", ".join(f"{vocabulary.LINK_WORDS[x['relationship']]} {x['case']}"
                                  for x in r["links"]) or "-")
        cells.append(line)
    lines = table(cells)
    lines.append(f"{len(rows)} case{'s' if len(rows) != 1 else ''} found")
    return "\n".join(lines)


@examples("lpcli find Hart", "lpcli find 'amelia hrat'          # a typo is forgiven",
          "lpcli find 14/02/2018               # or 2018-02-14",
          "lpcli find 'RV1 4QT'                # a postcode, or its district: RV1",
          "lpcli find Hart 14/02/2018          # every part must match",
          "lpcli find Brookside --format json")
@command()
@click.argument("query", nargs=-1, required=True)
@format_option()
@pass_state
def find(state, query, fmt):
    """Find a child's case by name, date of birth, postcode or school: is the child already
    known?

    QUERY is any mix of: words of the child's given, family or known-as name (case and
    accents do not matter, a typo is forgiven, the start of a name is enough), a date of
    birth (YYYY-MM-DD or DD/MM/YYYY), a postcode (with or without its space) or its district
    (RV1), and words of a school's name. A case is listed when every part matches; open and
    closed cases alike, best match first, with its status, lead professional, what matched
    and the cases linked to it. Exit 1 when nothing matches.

    The list names children (that is its job, as 'lpcli show'): mind where you paste it.
    JSON is an array of objects with case, status, lead_professional, child_name, known_as,
    date_of_birth, expected_date, postcode, school, matched (field, how: exact, prefix or
    typo, value) and links (case, relationship).
    """
    from lpcli.reports import find as fd

    cb = state.casebook
    parsed = fd.parse(" ".join(query))
    rows = [f.as_dict() for f in fd.search(output.iter_cases(cb), parsed)]
    if fmt == "json":
        output.print_json(rows)
    elif rows:
        click.echo(find_text(rows))
    else:
        click.echo("lpcli: no case matches (name, date of birth, postcode and school were "
                   "searched, in open and closed cases)", err=True)
    sys.exit(0 if rows else 1)


@examples("lpcli link LP-4F7QK-9M2XA LP-KHGQ2-5F0Q3 --relationship sibling",
          "lpcli link LP-NEW00-00001 LP-OLD00-00001 --relationship new_episode",
          "lpcli link LP-4F7QK-9M2XA LP-KHGQ2-5F0Q3 --remove")
@command()
@case_argument()
@click.argument("other", metavar="OTHER", type=CASE_ID)
@click.option("--relationship", type=choice(vocabulary.LINK_KINDS),
              help="What CASE is to OTHER: sibling (the team around the family), new_episode "
                   "(CASE is a later episode of the same child's OTHER), or other.")
@click.option("--remove", is_flag=True, help="Remove the link between the two cases.")
@date_option("Date the link is recorded, YYYY-MM-DD (default: today).")
@pass_state
def link(state, case_id, other, relationship, remove, date_):
    """Link two cases, both sides in one commit: siblings, or a child's earlier and later
    episodes.

    Each case's 'links' then names the other (IDs only); 'lpcli show', 'lpcli find' and the
    handover document list them. A link may be recorded on a closed case (a new episode
    links to the closed one). --remove takes the link off both.
    """
    from lpcli.workflow import links

    if remove == bool(relationship):
        raise click.UsageError("give --relationship sibling|new_episode|other, or --remove")
    if remove:
        written = links.unlink(state.casebook, case_id, other, author=state.author)
    else:
        written = links.link(state.casebook, case_id, other, relationship,
                             when=opt_date(date_, "--date"), author=state.author)
    output.done(state, written)
