"""Links between cases, checked across the whole casebook (``lpcli validate`` with no
paths): each linked case is there, and links back with the matching relationship.

A case's own rules (``check/rules/references.links_make_sense``) see one file; these need
every case, so they run after the scan, from each case's links (``cache.links``: the
cache's index keeps them, so no slim copy is read), and are never cached: removing or adding another file changes them. Both are warnings: a link
to a case removed for good is expected (README 'Removing a case for good'), and a link
written by hand on one side only is half-done, not wrong.
"""

from __future__ import annotations

from lpcli.core.diagnostics import WARNING, Diagnostic, format_path
from lpcli.core.vocabulary import LINK_INVERSE
from lpcli.files.loader import load_file


def check_links(casebook, results) -> list[Diagnostic]:
    """Warnings for links to a case not in the casebook, and links not returned.
    ``results`` may leave out the cases that passed the gate with no links, if they say
    which cases there are (``scan``'s ``sparse``: ``results.present``)."""
    present = getattr(results, "present", None)
    if present is None:
        present = {r.case_id for r in results if r.case_id}
    # A file that failed the gate has no links (None): validate reports its errors.
    failed = {r.case_id for r in results if r.case_id and r.links is None}
    links = {r.case_id: r.links for r in results if r.case_id and r.links}
    found = []
    for case_id, own in links.items():
        for i, link in enumerate(own):
            other = link.get("case")
            relationship = link.get("relationship")
            if other not in present:
                found.append((case_id, i, "link-to-missing-case",
                              f"the linked case {other} is not in this casebook (removed, or "
                              f"not shared yet); if it is gone for good: lpcli link {case_id} "
                              f"{other} --remove"))
                continue
            if other in failed:
                continue  # the other file has errors: validate reports those
            back = next((x for x in links.get(other, ()) if x.get("case") == case_id), None)
            if back is None:
                found.append((case_id, i, "link-not-returned",
                              f"{other} does not link back to {case_id}; record the link "
                              f"with lpcli (both sides in one commit): lpcli link {case_id} "
                              f"{other} --remove, then lpcli link {case_id} {other} "
                              "--relationship ..."))
            elif back.get("relationship") != LINK_INVERSE.get(relationship):
                found.append((case_id, i, "link-mismatch",
                              f"{case_id} and {other} disagree on how they are linked "
                              f"({relationship} here, {back.get('relationship')} there)"))
    return [_diagnostic(casebook, *f) for f in found]


def _diagnostic(casebook, case_id, index, rule, message) -> Diagnostic:
    rel = f"cases/{case_id}.yaml"
    path = ("links", index, "case")
    line, column = load_file(casebook.case_path(case_id)).locate(path)
    return Diagnostic(rel, line, column, format_path(path), WARNING, rule, message)
