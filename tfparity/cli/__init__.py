"""``tfparity``: the command. One module per sub-command, each with ``add_parser(sub)`` (which
binds its ``run`` with ``set_defaults(run=run)``) and ``run(args) -> exit status``; COMMANDS lists
them in the order ``--help`` shows them.

Only the standard library (and the examples' NumPy-only declarations) is imported here: ``--help``,
``list`` and bad arguments answer at once, and TensorFlow is loaded (without its start-up notices)
inside a command's ``run``. The exit statuses are ``tfparity.core.exits.Exit``.
"""
import argparse
import os
import sys
import traceback

from tfparity.cli import bench, check, checkpoint, docs, friends, listing, new, run, scan
from tfparity.cli.arguments import Parser, in_example_code
from tfparity.core import signals
from tfparity.core.exits import EPILOG, INTERRUPTED, Exit, UsageError

COMMANDS = (listing, run, docs, check, new, checkpoint, friends, bench, scan)
REPORT = "this is a bug in tfparity: please report it with the command line and the traceback above"


def parser():
    top = Parser(prog="tfparity", description="TF1 programs and their TF2 ports, compared step by step.",
                 epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = top.add_subparsers(dest="command", required=True, parser_class=Parser)
    for command in COMMANDS:
        command.add_parser(sub)
    return top


def main(argv=None):
    previous = signals.install()
    try:
        args = parser().parse_args(argv)
        return args.run(args)
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
    finally:
        sys.stdout.flush()
        signals.restore(previous)


def console():
    """The installed command. An interrupted run ends at once, without the interpreter's teardown:
    TensorFlow interrupted while it loads can crash there, which would turn 130 into a signal."""
    status = main()
    if status in INTERRUPTED:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)  # every file is whole: atomic writes hold signals until the rename
    sys.exit(int(status))

