"""Ctrl-C and SIGTERM as one exception, and blocks that finish before either lands.

``install`` turns both signals into ``Interrupted`` (the command prints one line and exits
128 + the signal number). ``deferred`` holds a signal that arrives inside a block, such as an
atomic write or a folder swap, and delivers it when the block ends, so none is left half done.
"""
import contextlib
import signal
import threading

SIGNALS = (signal.SIGINT, signal.SIGTERM)
SIGNAL_EXIT_BASE = 128  # the shell's convention: 130 for SIGINT, 143 for SIGTERM


class Interrupted(BaseException):
    """Not an Exception: an example's own ``except Exception`` must not swallow Ctrl-C."""

    def __init__(self, signum):
        super().__init__(signal.Signals(signum).name)
        self.status = SIGNAL_EXIT_BASE + signum


def _interrupt(signum, frame):
    raise Interrupted(signum)


def _main_thread():
    return threading.current_thread() is threading.main_thread()


def install():
    """Make SIGINT and SIGTERM raise ``Interrupted``; returns what ``restore`` needs."""
    return {s: signal.signal(s, _interrupt) for s in SIGNALS} if _main_thread() else {}


def restore(previous):
    for signum, handler in previous.items():
        signal.signal(signum, signal.SIG_DFL if handler is None else handler)


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
