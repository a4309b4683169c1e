"""What a sync did, or would do: the report, as JSON or as text for a person or a cron mail.

Case IDs and file paths only, never case contents.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from lpcli.sync.appends import YOURS
from lpcli.sync.paths import case_id_of


@dataclass
class Report:
    """What a sync did, or would do with ``--dry-run``. Paths and IDs only."""

    remote: str
    branch: str
    action: str = "up-to-date"  # up-to-date, pushed, fast-forward, merged, stopped, aborted
    dry_run: bool = False
    received: list = field(default_factory=list)   # case IDs changed by the shared side
    sent: list = field(default_factory=list)       # case IDs changed here, published
    unresolved: list = field(default_factory=list)  # paths waiting for a person
    errors: list = field(default_factory=list)     # Diagnostics (errors) found on the way
    pushed: bool = False
    notes: list = field(default_factory=list)      # plain sentences for the reporter

    @property
    def ok(self) -> bool:
        return not self.unresolved and not self.errors

    def as_json(self) -> dict:
        out = asdict(self)
        out["errors"] = [asdict(d) for d in self.errors]
        out["ok"] = self.ok
        return out


def _ids(items, limit: int = 8) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def count_cases(n: int) -> str:
    return f"{n} case{'s' if n != 1 else ''}"


def render_text(r: Report) -> str:
    """What happened, for a person or a cron mail: IDs and paths, never contents."""
    where = f"{r.remote}/{r.branch}"
    out = []
    if r.dry_run:
        out.append(f"Dry run: nothing here was changed (only {r.remote}'s tracking "
                   "branches were fetched).")
    if r.action == "aborted":
        out.append(f"Sync abandoned: {r.notes[-1]}.")
        return "\n".join(out)
    if r.received:
        verb = "would bring in" if r.dry_run else "brought in"
        out.append(f"From {where}: {verb} changes to {count_cases(len(r.received))} "
                   f"({_ids(r.received)}).")
    if r.action == "merged":
        out.append(("Would merge" if r.dry_run else "Merged") + " them with your changes "
                   "here; every changed file is valid.")
    if r.pushed:
        out.append(f"To {where}: pushed changes to {count_cases(len(r.sent))}"
                   + (f" ({_ids(r.sent)})." if r.sent else "."))
    elif r.sent and r.ok:
        out.append(f"To {where}: would push changes to {count_cases(len(r.sent))} "
                   f"({_ids(r.sent)}).")
    if r.ok and not (r.received or r.sent or r.pushed or r.action == "merged"):
        out.append(f"Already up to date with {where}.")
    for d in r.errors:
        out.append(f"  {d.as_text()}")
    if r.unresolved:
        n = len(r.unresolved)
        verb = "would stop" if r.dry_run else "stopped"
        out.append(f"Sync {verb}: {n} file{'s' if n != 1 else ''} changed here and in "
                   f"{where} need{'s' if n == 1 else ''} you:")
        out += [f"  {p}" for p in r.unresolved]
        if not r.dry_run:
            out.append(f"Both versions are kept (yours in HEAD, the shared one in {where}); a "
                       f"file changed in conflicting ways shows both, between "
                       f"'<<<<<<< {YOURS}' and '>>>>>>>' lines.")
            out.append("To resolve:")
            for p in r.unresolved:
                cid = case_id_of(p)
                out.append(f"  lpcli edit {cid}" if cid else
                           f"  edit {p} in an editor (keep the right version, delete the "
                           "marker lines)")
            out.append("  lpcli sync                      # finishes the merge and pushes")
            out.append("To go back to where you were instead: lpcli sync --abort")
    elif not r.ok:
        out += [f"{n[0].upper()}{n[1:]}." for n in r.notes[-1:]]
    return "\n".join(out)
