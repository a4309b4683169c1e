"""``python -m lpcli ...`` as a separate process, without paying for Python's start each time.

Most of a short lpcli command run as a process is Python starting and importing lpcli and
its libraries (click, ruamel.yaml, jsonschema, GitPython...). ``run`` instead forks each
command from a server process that has imported them once (one server per test process,
started on first use). Each command is still a process of its own, as with
``subprocess.run([sys.executable, "-m", "lpcli", ...], capture_output=True, text=True,
timeout=...)``: its own environment, working folder and umask (the caller's), stdin
/dev/null, stdout and stderr captured, ``python -m``'s exit status (a traceback and 1 for an
uncaught exception; ``-N`` when killed by signal N, a crash or SIGKILL included), and
``subprocess.TimeoutExpired`` when it outlives the timeout (it is then killed). A command
that crashes takes nothing down with it but itself.
"""

from __future__ import annotations

import atexit
import json
import locale
import os
import select
import shutil
import subprocess
import sys
import tempfile
import threading

# The server: reads one JSON request a line, forks the command, answers with its status.
SERVER = r'''
import json, os, select, sys, time

sys.path[0] = os.getcwd()  # as 'python -m' puts the working folder first
# What lpcli's commands import, imported once here instead of in every command.
import click, git, jinja2, jsonschema, jsonschema_rs, ruamel.yaml, yaml
import lpcli.cli, lpcli.casebook.book, lpcli.casebook.checker, lpcli.casebook.records, lpcli.gitstore


def child(req):
    import io, runpy, traceback
    os.chdir(req["cwd"])
    os.umask(req["umask"])
    os.environ.clear()
    os.environ.update(req["env"])
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    for fd, name in ((1, "stdout"), (2, "stderr")):
        out = os.open(req[name], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(out, fd)
        os.close(out)
    os.close(null)
    sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding=sys.stdin.encoding,
                                 errors=sys.stdin.errors)
    sys.argv = ["-m", *req["args"]]
    try:
        runpy.run_module("lpcli", run_name="__main__", alter_sys=True)
        code = 0
    except SystemExit as exc:  # as the interpreter treats it
        code = exc.code
        if code is None:
            code = 0
        elif not isinstance(code, int):
            print(code, file=sys.stderr)
            code = 1
    except BaseException:
        traceback.print_exc()
        code = 1
    try:
        import atexit
        atexit._run_exitfuncs()
        import threading
        threading._shutdown()
    except BaseException:
        traceback.print_exc()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            pass
    os._exit(code & 0xFF)


def wait(pid, timeout):
    """The exit status, or None if the process outlived the timeout."""
    deadline = time.monotonic() + timeout
    try:
        fd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        fd = None
    try:
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return status
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            if fd is not None:
                select.select([fd], [], [], left)
            else:
                time.sleep(min(left, 0.002))
    finally:
        if fd is not None:
            os.close(fd)


for line in sys.stdin:
    req = json.loads(line)
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:
        try:
            child(req)
        finally:
            os._exit(70)
    status = wait(pid, req["timeout"])
    if status is None:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        answer = {"timeout": True}
    else:
        answer = {"returncode": os.waitstatus_to_exitcode(status)}
    print(json.dumps(answer), flush=True)
'''

_lock = threading.Lock()
_server: subprocess.Popen | None = None
_scratch: str | None = None


def _start() -> subprocess.Popen:
    global _server, _scratch
    if _server is None or _server.poll() is not None:
        _scratch = tempfile.mkdtemp(prefix="lpcli-proc-")
        _server = subprocess.Popen([sys.executable, "-c", SERVER], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, text=True)
    return _server


def stop() -> None:
    global _server
    if _server is not None:
        _server.stdin.close()
        try:
            _server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            _server.kill()
            _server.wait()
        _server = None
    if _scratch is not None:
        shutil.rmtree(_scratch, ignore_errors=True)


atexit.register(stop)


def _read(path: str) -> str:
    # As subprocess's text mode reads a pipe: the locale's encoding, universal newlines.
    with open(path, encoding=locale.getpreferredencoding(False)) as fh:
        return fh.read()


def run(args, *, env=None, timeout: float) -> subprocess.CompletedProcess:
    """``subprocess.run([sys.executable, "-m", "lpcli", *args], capture_output=True,
    text=True, timeout=timeout, env=env)``, forked from the server."""
    umask = os.umask(0o077)
    os.umask(umask)
    with _lock:
        server = _start()
        stdout, stderr = os.path.join(_scratch, "stdout"), os.path.join(_scratch, "stderr")
        request = {"args": [str(a) for a in args], "cwd": os.getcwd(), "umask": umask,
                   "env": dict(os.environ if env is None else env), "timeout": timeout,
                   "stdout": stdout, "stderr": stderr}
        server.stdin.write(json.dumps(request) + "\n")
        server.stdin.flush()
        # The server enforces the timeout; this guards against the server itself hanging.
        ready, _, _ = select.select([server.stdout], [], [], timeout + 60)
        line = server.stdout.readline() if ready else ""
        if not line:
            server.kill()
            server.wait()
            raise RuntimeError("the lpcli process server stopped answering")
        answer = json.loads(line)
        cmd = [sys.executable, "-m", "lpcli", *args]
        out, err = _read(stdout), _read(stderr)
    if answer.get("timeout"):
        raise subprocess.TimeoutExpired(cmd, timeout, output=out, stderr=err)
    return subprocess.CompletedProcess(cmd, answer["returncode"], out, err)
