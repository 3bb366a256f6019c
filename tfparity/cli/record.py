"""``tfparity record --plain [--] SCRIPT [ARGS...]``: a TF1 script run as written, under the legacy
runtime (``tfparity.record``), nothing recorded. Recording itself is not here yet: without
``--plain`` the command says so and stops.
"""
import argparse
import os
import sys
import traceback

from tfparity.core import quiet
from tfparity.core.exits import Exit, UsageError
from tfparity.core.files import kind_of

NOT_YET = "recording is not available yet; --plain runs the script under the legacy runtime"
# Frames of a script's traceback that are not the script's: tfparity's own and runpy's.
NOT_THEIRS = (os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep,
              os.path.abspath(__import__("runpy").__file__), "<frozen runpy")
EPILOG = """exit status:
  0    the script ran to its end (or exited with status 0)
  2    bad input (no such script, a folder, not a .py file), or the script uses what the legacy
       runtime cannot serve: one line naming it and what to do
  3    the script's own code raised or exited with another status: its traceback"""


def add_parser(sub):
    record = sub.add_parser("record", help="run a TF1 script as written under the legacy runtime (--plain)",
                            epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    record.set_defaults(run=run)
    record.add_argument("--plain", action="store_true",
                        help="run the script under the legacy runtime without recording anything")
    record.add_argument("script", metavar="SCRIPT", help="the TF1 program, a .py file, run as __main__")
    record.add_argument("args", nargs=argparse.REMAINDER, metavar="ARGS", help="the script's own arguments")


def _check_script(path):
    if not os.path.exists(path):
        raise UsageError(f"no file {path}")
    if os.path.isdir(path):
        raise UsageError(f"{path} is a folder: name the script, a .py file")
    if not os.path.isfile(path):
        raise UsageError(f"{path} is {kind_of(path)}, not a script")
    if not path.endswith(".py"):
        raise UsageError(f"{path} is not a .py file: name the script to run")


def run(args):
    if not args.plain:
        raise UsageError(NOT_YET)
    _check_script(args.script)
    script_args = args.args[1:] if args.args[:1] == ["--"] else args.args
    quiet.import_tensorflow()
    from tfparity.record import runtime
    try:
        runtime.run_script(args.script, script_args)
    except runtime.Unserved as unserved:
        raise UsageError(str(unserved)) from None
    except runtime.ScriptFailed as failed:
        return _failed(failed)
    return Exit.OK


def _failed(failed):
    """The script's traceback (its frames, without tfparity's), then one line."""
    raised = failed.error
    frames = [f for f in traceback.extract_tb(raised.__traceback__) if not f.filename.startswith(NOT_THEIRS)]
    if isinstance(raised, Exception):
        trimmed = raised.with_traceback(_from_their_first_frame(raised.__traceback__))
        traceback.print_exception(trimmed)
    elif frames:  # sys.exit: where it was called
        print("Traceback (most recent call last):\n" + "".join(traceback.format_list(frames)).rstrip(), file=sys.stderr)
    print(f"tfparity: error inside your own code, in {failed.script}: {failed.how} (traceback above)", file=sys.stderr)
    return Exit.USER_CODE


def _from_their_first_frame(tb):
    while tb is not None and tb.tb_frame.f_code.co_filename.startswith(NOT_THEIRS):
        tb = tb.tb_next
    return tb
