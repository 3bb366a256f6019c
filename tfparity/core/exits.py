"""The exit statuses every ``tfparity`` command shares, and the one error that means bad input.

A script must tell a parity failure (1) from bad input (2) from an error in the user's or an
example's own code (3) from a bug of tfparity (4). ``tfparity --help`` prints ``EPILOG``.
"""
import enum
import signal

from tfparity.core.signals import SIGNAL_EXIT_BASE


class Exit(enum.IntEnum):
    OK = 0  # parity, or (scan) nothing found
    MISMATCH = 1  # a parity MISMATCH, or (scan) TF1 idioms found
    USAGE = 2  # bad input: one line on stderr, nothing written
    USER_CODE = 3  # an error inside the user's or an example's own code: its traceback
    INTERNAL = 4  # an unexpected error of tfparity: traceback, please report it
    DIVERGED = 5  # every mode was inf/NaN from step 1: parity was not measured
    SIGINT = SIGNAL_EXIT_BASE + signal.SIGINT  # interrupted by Ctrl-C
    SIGTERM = SIGNAL_EXIT_BASE + signal.SIGTERM
    SIGPIPE = SIGNAL_EXIT_BASE + signal.SIGPIPE  # the output's reader went away, as `| head` does


INTERRUPTED = (Exit.SIGINT, Exit.SIGTERM)
EPILOG = """exit status:
  0    parity: every mode matches the TF1 run (bit for bit, within a bound of an active cause, or
       explained by one); for scan: nothing found
  1    parity MISMATCH (the first diverging step, field and both values are printed); for scan:
       TF1 idioms found
  2    bad input: one line on stderr, nothing written
  3    an error inside your own code or an example's (shared_data, tf1_graph, tf2_eager): its traceback
  4    an unexpected internal error of tfparity: traceback, and please report it
  5    diverged: every mode was inf/NaN from step 1, so parity was not measured (--json is written)
  130  interrupted by Ctrl-C (SIGINT): one line, no file left half-written
  143  interrupted by SIGTERM, the same way
  141  the reader of the output went away (a closed pipe, as in `| head -1`): stopped, nothing said"""


class UsageError(Exception):
    """Bad input to tfparity: the command prints ``tfparity: error: MESSAGE`` and exits 2."""
