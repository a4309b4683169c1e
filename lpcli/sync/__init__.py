"""Sharing a casebook through a git remote: ``lpcli sync`` and ``lpcli init --clone``.

Git is the engine; this package makes it safe for people who are not git experts.

* Local and shared changes are combined with a **merge**, never by rewriting history, so
  neither side can be lost. (A rebase would replay each local commit in turn: three local
  changes to a case that someone else also changed would ask for three resolutions of the
  same conflict. A merge asks once per case.)
* The merged result is worked out with ``git merge-tree`` and **validated before the working
  tree changes**: a merge that git calls clean can still produce an invalid case (the same
  key added in two places of one file), and it is caught before anything is committed or
  pushed.
* A conflict, or a clean merge that is invalid, stops in git's own merge state: both
  versions are kept (yours in HEAD, the shared one in the remote-tracking branch, both in
  git's index), and each conflicted case shows both versions between marker lines labelled
  in plain words. ``lpcli edit CASE`` resolves one (validated before it is accepted), ``lpcli
  sync`` finishes the merge and pushes, ``lpcli sync --abort`` returns to where you were. A
  small note in ``.git/lpcli/`` says which cases lpcli is waiting for.
* Only a valid result is pushed.

Messages carry case IDs and file paths, never case contents; git's own error output can
quote URLs with passwords or file contents, so it is summarised, not echoed.

The modules: ``syncer`` (the ``Sync`` class: one ``lpcli sync``), ``report`` (what a sync did,
as JSON or text), ``pending`` (the note of a merge waiting for a person), ``appends``
(appended events kept from both sides of a conflict), ``check`` (validating a merged tree
before it is on disk), ``resolve`` (``lpcli edit`` during an unfinished sync), ``clone``
(``lpcli init --clone``), ``auto`` (sharing after each change), ``paths`` (which paths are
cases). The git commands themselves are in ``lpcli.gitstore`` (``remote``, ``trees``,
``merge``, ``command``).
"""
