"""``tfparity``: the command. One module per sub-command, each with ``add_parser(sub)`` (which
binds its ``run`` with ``set_defaults(run=run)``) and ``run(args) -> exit status``; COMMANDS lists
them in the order ``--help`` shows them.

Only the standard library (and the examples' NumPy-only declarations) is imported here: ``--help``,
``list`` and bad arguments answer at once, and TensorFlow is loaded (without its start-up notices)
inside a command's ``run``. The exit statuses are ``tfparity.core.exits.Exit``.

Output that cannot be written stops the command: a closed pipe (``tfparity run X | head -1``)
quietly, with 141 as for a program SIGPIPE ended; any other error (``> /dev/full``) with one line
on stderr and exit 2. Never with a traceback, and never with 0: the run was not seen to its end.
"""
import argparse
import errno
import os
import sys
import traceback

from tfparity.cli import bench, check, checkpoint, docs, friends, listing, new, record, run, scan
from tfparity.cli.arguments import Parser, in_example_code
from tfparity.core import files, signals
from tfparity.core.exits import EPILOG, INTERRUPTED, Exit, UsageError

COMMANDS = (listing, run, docs, check, new, checkpoint, friends, bench, scan, record)
REPORT = "this is a bug in tfparity: please report it with the command line and the traceback above"


class OutputLost(BaseException):
    """Standard output or error cannot take more: not an Exception, so that no ``except Exception``
    on the way (an example's, the harness's) takes it for a failure of the run and goes on."""

    def __init__(self, name, error):
        super().__init__(f"cannot write to {name}: {error.strerror or error}")
        self.name, self.error = name, error


class Stream:
    """``sys.stdout`` or ``sys.stderr`` whose write errors raise ``OutputLost``; the rest is the stream's."""

    def __init__(self, stream, name):
        self.stream, self.name = stream, name

    def _guarded(self, method, *args):
        try:
            return method(*args)
        except OSError as error:
            raise OutputLost(self.name, error) from None

    def write(self, text):
        return self._guarded(self.stream.write, text)

    def writelines(self, lines):
        return self._guarded(self.stream.writelines, lines)

    def flush(self):
        return self._guarded(self.stream.flush)

    def __getattr__(self, name):
        return getattr(self.stream, name)


def parser():
    top = Parser(prog="tfparity", description="TF1 programs and their TF2 ports, compared step by step.",
                 epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = top.add_subparsers(dest="command", required=True, parser_class=Parser)
    for command in COMMANDS:
        command.add_parser(sub)
    return top


def main(argv=None):
    previous = signals.install()
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = (Stream(s, name) if s is not None else None
                              for s, name in zip(streams, ("standard output", "standard error")))
    try:
        return _run(argv)
    except OutputLost as lost:
        return _lost(lost, streams)
    finally:
        sys.stdout, sys.stderr = streams
        signals.release(previous)


def _run(argv):
    try:
        if sys.stdout is None:  # started with stdout closed: its descriptor is the next file opened
            raise UsageError("standard output is closed; redirect it to a file or /dev/null")
        args = parser().parse_args(argv)
        status = args.run(args)
        sys.stdout.flush()  # here, where a failed write is still this command's to report
        return status
    except signals.Interrupted as interrupted:
        print("tfparity: interrupted", file=sys.stderr)
        return interrupted.status
    except KeyboardInterrupt:  # raised by code that restored Python's own handler
        print("tfparity: interrupted", file=sys.stderr)
        return Exit.SIGINT
    except UsageError as error:
        print(f"tfparity: error: {error}", file=sys.stderr)
        return Exit.USAGE
    except Exception as error:
        traceback.print_exception(error)
        if in_example_code(error):
            print(f"tfparity: error inside the example's own code: {type(error).__name__}: {error}"
                  " (traceback above)", file=sys.stderr)
            return Exit.USER_CODE
        print(f"tfparity: internal error: {type(error).__name__}: {error}; {REPORT}", file=sys.stderr)
        return Exit.INTERNAL


def _lost(lost, streams):
    """The status for output that could not be written; what is still buffered for that stream is
    sent to /dev/null, so that the interpreter's last flush does not fail again."""
    stream = streams[0] if lost.name == "standard output" else streams[1]
    try:
        descriptor = stream.fileno()
    except (AttributeError, OSError, ValueError):  # not a file (a test's capture)
        descriptor = None
    if descriptor is not None:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, descriptor)
        os.close(null)
    if lost.error.errno == errno.EPIPE:
        return Exit.SIGPIPE
    if stream is streams[0]:
        try:
            print(f"tfparity: error: {lost}", file=streams[1], flush=True)
        except (OSError, AttributeError):
            pass  # stderr is gone too: the status says it
    return Exit.USAGE


def console():
    """The installed command, with a temporary folder of its own, removed however it ends. An
    interrupted run ends at once, without the interpreter's teardown: TensorFlow interrupted while
    it loads can crash there, which would turn 130 into a signal."""
    remove_temporary_folder = files.private_temporary_folder()
    status = main()
    if status in INTERRUPTED:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, AttributeError):
                pass
        remove_temporary_folder()  # os._exit runs no atexit handler: TensorFlow's files go with it
        os._exit(status)  # every file is whole: atomic writes hold signals until the rename
    sys.exit(int(status))
