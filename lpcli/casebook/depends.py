"""What a case's checks depend on in practitioners.yaml, so that a change there re-checks
only the cases it concerns.

The rules see the directory only through ``pid in directory`` and ``directory.get(pid)``.
While a case is checked, ``Watched`` notes each practitioner ID looked up and a fingerprint
of what the directory held for it (nothing: not there; else a hash of their whole entry).
The cached results of that case hold as long as every noted ID still has the same
fingerprint: a new practitioner, or a phone number changed for someone the case never
names, changes nothing for it. Anything else a rule might do with the directory (list it,
read another attribute) marks the case as depending on all of it.

``None`` stands for "no directory" (practitioners.yaml failed its schema: the rules then
skip what needs it), which is a dependency of its own.
"""

from __future__ import annotations

import hashlib
import json

ALL = "*"  # the case depends on the whole directory


def fingerprints(directory) -> dict | None:
    """practitioner ID -> fingerprint of their entry; None when there is no directory."""
    if directory is None:
        return None
    out = {}
    for pid, person in directory.by_id.items():
        text = json.dumps(person.data, sort_keys=True, ensure_ascii=False, default=str)
        out[pid] = hashlib.blake2b(text.encode("utf-8", "surrogatepass"),
                                   digest_size=8).hexdigest()
    return out


def dirprint(prints: dict | None) -> str:
    """One fingerprint of the whole directory (its entries' fingerprints)."""
    if prints is None:
        return "none"
    text = json.dumps(sorted(prints.items()))
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


class Watched:
    """The directory as the rules see it, noting what they look up (``deps``)."""

    def __init__(self, directory, prints: dict):
        self._directory = directory
        self._prints = prints
        self.deps: dict = {}

    def _note(self, pid) -> None:
        if isinstance(pid, str):
            self.deps[pid] = self._prints.get(pid)
        else:
            self.deps[ALL] = True

    def __contains__(self, pid) -> bool:
        self._note(pid)
        return pid in self._directory

    def get(self, pid):
        self._note(pid)
        return self._directory.get(pid)

    def name(self, pid) -> str:
        self._note(pid)
        return self._directory.name(pid)

    def __getattr__(self, attr):
        # Anything else (the whole list, say): the case depends on the whole directory.
        self.deps[ALL] = True
        return getattr(self._directory, attr)


def still_valid(deps, prints: dict | None, whole: str) -> bool:
    """Whether results recorded with ``deps`` hold for the directory now (``prints``, and
    ``whole``, the dirprint of it)."""
    if deps is None or prints is None:
        return deps is None and prints is None
    if ALL in deps:
        return deps[ALL] == whole
    return all(prints.get(pid) == fp for pid, fp in deps.items())


def recorded(watched: Watched | None, whole: str):
    """What to store for a case checked with ``watched`` (None: checked with no directory)."""
    if watched is None:
        return None
    deps = dict(watched.deps)
    if ALL in deps:
        deps[ALL] = whole
    return deps
