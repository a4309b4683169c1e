"""Running git itself, for what sharing a casebook needs (fetch, push, merge-tree, a private
index) and GitPython's wrapper does not give simply: data on stdin, an environment of its
own, and exit statuses that are answers (merge-tree's 1 means "conflicts", not "failed").

lpcli's error handling stays: git's stderr is summarised (``summarise_error``), never echoed,
because it can quote a URL with a password in it or a file's contents.
"""

from __future__ import annotations

import os
import subprocess

from lpcli.core.errors import RepositoryStateError
from lpcli.gitstore import summarise_error


class Git:
    """Git commands for one repository, with lpcli's error handling and environment."""

    def __init__(self, repo, env: dict | None = None, prompt: bool = False):
        self.repo = repo
        self.env = dict(env or {})
        if not prompt:
            # From cron or a script there is nobody to type a password: fail, do not hang.
            self.env["GIT_TERMINAL_PROMPT"] = "0"
            self.env.setdefault("GIT_SSH_COMMAND", "ssh -o BatchMode=yes")

    def run(self, *args, check: bool = True, what: str | None = None, env: dict | None = None,
            data: bytes | None = None, hint: str | None = None) -> tuple[int, str, str]:
        status, out, err = self.raw(*args, check=check, what=what, env=env, data=data,
                                    hint=hint)
        return status, out.decode("utf-8", errors="replace"), err

    def raw(self, *args, check: bool = True, what: str | None = None, env: dict | None = None,
            data: bytes | None = None, hint: str | None = None) -> tuple[int, bytes, str]:
        """``run`` with stdout as git wrote it: paths in whatever bytes they were named."""
        proc = subprocess.run(["git", *args], cwd=self.repo.working_tree_dir, input=data,
                              capture_output=True, env={**os.environ, **self.env, **(env or {})})
        err = proc.stderr.decode("utf-8", errors="replace")
        if check and proc.returncode != 0:
            raise RepositoryStateError(
                f"git could not {what or args[0]} ({summarise_error(err)})",
                hint=hint or "nothing was changed; check the remote's address with 'git "
                             "remote -v' and your network, then run 'lpcli sync' again")
        return proc.returncode, proc.stdout, err

    def out(self, *args, what: str | None = None, env: dict | None = None) -> str:
        return self.run(*args, what=what, env=env)[1]

    def rev(self, ref: str) -> str | None:
        status, out, _ = self.run("rev-parse", "--verify", "-q", f"{ref}^{{commit}}",
                                  check=False)
        return out.strip() if status == 0 else None

    def names(self, *args) -> list[str]:
        return [p for p in self.out(*args).split("\0") if p]
