"""Automatic sharing after a change, with ``sync: {auto_push: true}`` in lpcli.yaml."""

from __future__ import annotations

from lpcli.casebook.book import Casebook
from lpcli.core.errors import EnvironmentProblem
from lpcli.sync.syncer import Sync


def auto_push_enabled(casebook: Casebook) -> bool:
    return bool((casebook.settings.get("sync") or {}).get("auto_push"))


def share_after_change(casebook: Casebook, author: str | None = None) -> str:
    """With ``sync: {auto_push: true}``: push the change just committed. Never starts a merge
    that needs a person, and never fails the command that made the change: the answer is a
    sentence for stderr."""
    try:
        report = Sync(casebook, author=author).run(auto=True)
    except EnvironmentProblem as exc:
        return f"committed here but not shared: {exc.message}; run 'lpcli sync' later"
    if report.pushed:
        return f"shared with {report.remote}/{report.branch}"
    if not report.ok:
        return ("committed here but not shared: " + (report.notes[-1] if report.notes else
                "run 'lpcli sync'"))
    return f"already shared with {report.remote}/{report.branch}"
