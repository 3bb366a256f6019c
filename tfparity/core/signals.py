"""Ctrl-C and SIGTERM as one exception, and blocks that finish before either lands.

``install`` turns both signals into ``Interrupted`` (the command prints one line and exits
128 + the signal number); once one has, both are ignored until the process ends. ``deferred`` holds a signal that arrives inside a block, such as an
atomic write or a folder swap, and delivers it when the block ends, so none is left half done.
``child`` runs a subprocess that an interrupt never leaves behind.
"""
import contextlib
import signal
import subprocess
import threading

SIGNALS = (signal.SIGINT, signal.SIGTERM)
SIGNAL_EXIT_BASE = 128  # the shell's convention: 130 for SIGINT, 143 for SIGTERM
# Python runs signal handlers in the main thread only, when it is between bytecodes. POSIX lets
# the kernel hand a signal sent to the process to any thread that does not block it (TensorFlow
# starts dozens), and then the main thread's wait for a child is not interrupted: it wakes this
# often to let a pending handler run, so Ctrl-C lands within this many seconds of any wait.
WAKE = 0.25


class Interrupted(BaseException):
    """Not an Exception: an example's own ``except Exception`` must not swallow Ctrl-C."""

    def __init__(self, signum):
        super().__init__(signal.Signals(signum).name)
        self.status = SIGNAL_EXIT_BASE + signum


# The signal this process is handling, once ``_interrupt`` has caught it: the process is ending.
_caught = []


def _interrupt(signum, frame):
    ignore()  # a second Ctrl-C (or timeout's forwarded one) must not cut the handling of the first short
    _caught.append(signum)
    raise Interrupted(signum)


def _main_thread():
    return threading.current_thread() is threading.main_thread()


def install():
    """Make SIGINT and SIGTERM raise ``Interrupted``; returns what ``release`` needs. Once one has,
    both are ignored until the process ends."""
    _caught.clear()
    return {s: signal.signal(s, _interrupt) for s in SIGNALS} if _main_thread() else {}


def ignore():
    """SIGINT and SIGTERM ignored from now on: for the last clean-up of a process that is ending."""
    if _main_thread():
        for signum in SIGNALS:
            signal.signal(signum, signal.SIG_IGN)


def restore(previous):
    for signum, handler in previous.items():
        signal.signal(signum, signal.SIG_DFL if handler is None else handler)


def release(previous):
    """The handlers ``install`` replaced, back; unless an interrupt was caught: then the process is
    ending, and further SIGINT and SIGTERM stay ignored until it has."""
    if not _caught:
        restore(previous)


@contextlib.contextmanager
def deferred():
    """Hold SIGINT and SIGTERM until the block has finished (or failed), then deliver them.

    Python runs signal handlers in the main thread only, so other threads need nothing."""
    if not _main_thread():
        yield
        return
    pending = []
    previous = {s: signal.signal(s, lambda signum, frame: pending.append(signum)) for s in SIGNALS}
    try:
        yield
    finally:
        restore(previous)
        if pending:
            signal.raise_signal(pending[0])  # the restored handler runs now


def child(argv, **options):
    """``subprocess.run(argv, capture_output=True, text=True, **options)`` that never leaves the child
    behind: it is started with signals held (an interrupt between the fork and the moment its
    ``Popen`` exists would orphan it, still writing into folders being removed) and killed and
    reaped on any exception, Ctrl-C included; its wait wakes every ``WAKE`` seconds."""
    process = None
    try:
        with deferred():
            process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **options)
        while True:
            try:
                out, err = process.communicate(timeout=WAKE)
            except subprocess.TimeoutExpired:
                continue
            return subprocess.CompletedProcess(argv, process.returncode, out, err)
    finally:
        if process is not None and process.returncode is None:
            process.kill()
            process.communicate()  # reaped, its pipes closed
