"""The fuzz table (issue 28): bad and edge inputs to every sub-command, each run as a user runs it,
in a fresh process or through the command's entry point (below), with what must hold afterwards. The tables (``parity_tests/fuzz/test_*.py``, one
per sub-command) are the specification: a new sub-command adds its table; a new case is a row.

A row is a ``Case``: the command line after ``tfparity`` (``{dir}`` stands for the case's own
folder), the files it needs first (``setup(folder)``), the exit status it must end with and what its
one line on stderr (or, for other statuses, its output) must say. Afterwards, ``run`` checks that
nothing in the folder changed but the paths the case says it writes, that no temporary file is left
in the folder or in the process's TMPDIR, and, for exit 2, that stderr is exactly one line; for
141 (a closed pipe), that nothing at all was said on stderr. An ``unprivileged`` case runs where
permissions apply even to root (an unreadable folder stays so).

A case's standard output is captured, unless ``stdout`` names a file to write it to instead (such
as /dev/full), or is ``CLOSED_PIPE``: a pipe whose reader has gone, as after ``| head -1``.

A case marked ``in_process`` runs through the command's own entry point, ``tfparity.cli.main``, in
the test's process (its working folder, TMPDIR and standard streams those of the case, the
environment restored afterwards) instead of a fresh one, which costs half a second, or seven once
TensorFlow loads; every promise above is checked the same way. It is for a case about arguments,
files and the user's values, never about the process itself: an exit by ``os._exit`` or a signal
(which would end the test run, with status 0), a pipe, the environment before TensorFlow loads, a
user's permissions, what TensorFlow's C++ runtime writes on descriptor 2, temporary files that only
the end of the process removes (autograph's), a case that could hang.
"""
import contextlib
import dataclasses
import io
import os
import pathlib
import shutil
import stat
import subprocess
import sys
import tempfile
from typing import Callable

import pytest

from tfparity.core.exits import Exit
from tfparity.core.paths import ROOT

# A case that loads TensorFlow and runs a little takes a few seconds; one that hangs is a failure.
TIMEOUT = 120
# Case.stdout: a pipe whose reading end is closed before the command starts.
CLOSED_PIPE = "closed pipe"


@dataclasses.dataclass
class Case:
    argv: list  # after `tfparity`; "{dir}" in an argument is the case's folder
    status: Exit  # the exit status it must end with
    says: str  # in stderr's one line for exit 2; in stdout + stderr otherwise ("" for nothing to check)
    setup: Callable = None  # setup(folder): the files the case needs
    writes: tuple = ()  # paths (relative to the folder) the case may create or change
    environment: dict = dataclasses.field(default_factory=dict)  # added to the process's environment
    stdin: bytes = None
    timeout: float = TIMEOUT
    unprivileged: bool = False  # run as a user whom permissions stop (as root: without root's capabilities)
    not_said: tuple = ()  # words that must appear nowhere in stdout or stderr (a doubled word, a warning)
    stdout: str = None  # None: captured; a path to write it to; or CLOSED_PIPE
    in_process: bool = False  # run by tfparity.cli.main in this process (see the module's docstring)

    def __str__(self):
        return " ".join(self.argv)


def snapshot(folder):
    """Every path below ``folder``: its kind, mode and (for regular files) bytes; FIFOs are not read."""
    found = {}
    for path in sorted(folder.rglob("*")):
        info = path.lstat()
        kind = stat.S_IFMT(info.st_mode)
        found[str(path.relative_to(folder))] = (kind, stat.S_IMODE(info.st_mode),
                                                path.read_bytes() if stat.S_ISREG(info.st_mode) else None)
    return found


def unprivileged():
    """The command prefix that runs a program as a user whom file permissions stop: none for a user,
    setpriv dropping every capability for root (whom a folder of mode 000 does not stop); skips the
    case where root cannot drop them."""
    if os.geteuid() != 0:
        return []
    prefix = [shutil.which("setpriv") or "setpriv", "--inh-caps=-all", "--bounding-set=-all"]
    try:
        subprocess.run([*prefix, "true"], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("running as root, and setpriv cannot drop root's capabilities here")
    return prefix


@contextlib.contextmanager
def _stdout(where):
    """What the case's standard output is connected to (see the module's docstring)."""
    if where is None:
        yield subprocess.PIPE
    elif where == CLOSED_PIPE:
        reader, writer = os.pipe()
        os.close(reader)
        try:
            yield writer
        finally:
            os.close(writer)
    else:
        with open(where, "wb") as file:
            yield file


def run(case, folder):
    """Run ``case`` in a fresh process from ``folder`` and check every promise; returns (status, out, err)."""
    folder = pathlib.Path(folder)
    work, tmp = folder / "work", folder / "tmp"
    work.mkdir()
    tmp.mkdir()
    if case.setup:
        case.setup(work)
    before = snapshot(work)
    argv = [a.replace("{dir}", str(work)) for a in case.argv]
    if case.in_process:
        returncode, out, err = _in_process(case, argv, work, tmp)
    else:
        environment = dict(os.environ, TMPDIR=str(tmp), PYTHONPATH=str(ROOT), **case.environment)
        prefix = unprivileged() if case.unprivileged else []
        with _stdout(case.stdout) as stdout:
            done = subprocess.run([*prefix, sys.executable, "-m", "tfparity.cli", *argv], cwd=work, env=environment,
                                  input=case.stdin, stdout=stdout, stderr=subprocess.PIPE, timeout=case.timeout)
        returncode = done.returncode
        out, err = (done.stdout or b"").decode(errors="replace"), done.stderr.decode(errors="replace")
    where = f"tfparity {' '.join(argv)}: exit {returncode}\nstdout: {out[-2000:]}\nstderr: {err[-2000:]}"
    assert returncode == case.status, where
    if case.status == Exit.USAGE:
        assert err.count("\n") == 1 and err.startswith("tfparity: error: ") and case.says in err, where
    else:
        assert case.says in out + err, where
    assert [w for w in case.not_said if w in out + err] == [], where
    if case.status == Exit.SIGPIPE:
        assert err == "", where
    after = snapshot(work)
    changed = sorted(p for p in set(before) | set(after) if before.get(p) != after.get(p))
    assert [p for p in changed if not any(p == w or p.startswith(w + os.sep) for w in case.writes)] == [], where
    assert os.listdir(tmp) == [], f"left in TMPDIR: {os.listdir(tmp)}; {where}"
    return returncode, out, err


def InProcess(*args, **keywords):
    """A ``Case`` run in this process (``in_process``)."""
    return Case(*args, in_process=True, **keywords)


def _in_process(case, argv, work, tmp):
    """``tfparity.cli.main(argv)`` run from ``work`` with TMPDIR ``tmp``: (status, stdout, stderr)."""
    from tfparity.cli import main
    assert not (case.environment or case.stdin is not None or case.stdout or case.unprivileged
                or case.timeout != TIMEOUT or case.status in (Exit.SIGINT, Exit.SIGTERM, Exit.SIGPIPE)), (
        f"{case}: needs a process of its own")
    here, environment, tempdir = os.getcwd(), dict(os.environ), tempfile.tempdir
    out, err = io.StringIO(), io.StringIO()
    try:
        os.chdir(work)
        os.environ["TMPDIR"], tempfile.tempdir = str(tmp), None  # tempfile reads TMPDIR again
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main(argv)
    finally:
        os.chdir(here)
        os.environ.clear()
        os.environ.update(environment)
        tempfile.tempdir = tempdir
    return status, out.getvalue(), err.getvalue()


def read_only(*names):
    """setup: each of ``names`` a read-only file of the user's (its folders made first)."""
    def setup(folder):
        for name in names:
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text("the user's\n")
            (folder / name).chmod(0o444)
    return setup


def fifo(name):
    """setup: a named pipe at ``name`` (its folders made first): a reader that opens it waits forever."""
    def setup(folder):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(folder / name)
    return setup
