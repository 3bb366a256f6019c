"""``tfparity``: list the examples, run both twins with a parity summary, rebuild the guide,
time every execution mode (``bench``), measure optimizer and loss false friends (``friends``).

Only the standard library is imported here: ``--help``, ``list`` and bad arguments answer at
once, and TensorFlow is loaded (without its start-up notices) only by a command that runs.
The exit statuses are in EPILOG.
"""
import argparse
import math
import os
import sys
import traceback

from tfparity import check_command, checkpoint_command, checks, new_command, signals
from tfparity.studies import STUDIES

# Exit statuses. A script must tell a parity failure (1) from bad input (2) from a bug (3, 4).
OK, MISMATCH, USAGE, EXAMPLE_ERROR, INTERNAL_ERROR, DIVERGED = 0, 1, 2, 3, 4, 5
INTERRUPTED = tuple(signals.SIGNAL_EXIT_BASE + s for s in signals.SIGNALS)  # 130, 143
# Bounds on what every step of every mode keeps in memory: the schedule is drawn up front and
# each mode's trace holds every step, so 10^6 updates (tens of MB, minutes per mode) is the most
# a run can hold and still start at once; 10^9 took 8 GB before the first step.
MAX_STEPS = 1_000_000
MAX_EPOCHS = 1_000  # an MLP epoch schedule is 60,000 indices (0.5 MB): 1,000 epochs is 0.5 GB
REPORT = "this is a bug in tfparity: please report it with the command line and the traceback above"
EPILOG = """exit status:
  0    parity: every mode matches the TF1 Session run (bit for bit or within the tolerance table)
  1    parity MISMATCH (the first diverging step, field and both values are printed)
  2    bad input: one line on stderr, nothing written
  3    an error inside an example's own code (shared_data, tf1_graph, tf2_eager): its traceback
  4    an unexpected internal error of tfparity: traceback, and please report it
  5    diverged: every mode was inf/NaN from step 1, so parity was not measured (--json is written)
  130  interrupted by Ctrl-C (SIGINT): one line, no file left half-written
  143  interrupted by SIGTERM, the same way"""


class Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2, instead of argparse's usage block
        from tfparity.checks import UsageError
        raise UsageError(message)


def _seed(text):
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a non-negative integer, got {text!r}")
    return value


def _number(kind, maximum=math.inf, why=""):
    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a positive number, got {text!r}") from None
        if not math.isfinite(value) or value <= 0:
            raise argparse.ArgumentTypeError(f"must be positive and finite, got {text!r}")
        if value > maximum:
            raise argparse.ArgumentTypeError(f"at most {maximum:,} ({why}), got {text}")
        return value
    return parse


def parser():
    top = Parser(prog="tfparity", description="TF1 graph vs TF2 eager twins, compared step by step.",
                 epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = top.add_subparsers(dest="command", required=True, parser_class=Parser)
    sub.add_parser("list", help="print the example names, one per line")
    run = sub.add_parser("run", help="run examples under every mode and print the parity summary",
                         epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    run.add_argument("examples", nargs="*", metavar="EXAMPLE", help="example names (each runs once)")
    run.add_argument("--all", action="store_true", help="run every example (then name none)")
    run.add_argument("--seed", type=_seed, default=0, help="seed for shared_data (default 0)")
    run.add_argument("--json", metavar="PATH", help="write inputs, traces and verdicts as JSON "
                     "(a new path or a regular file; never a symlink or a device)")
    run.add_argument("--force", action="store_true", help="let --json replace a read-only file (its mode is kept)")
    run.add_argument("--verbose", action="store_true",
                     help="also print each example's side-by-side table and, on stderr, per-epoch logs")
    run.add_argument("--learning-rate", type=_number(float), help="override the learning rate")
    run.add_argument("--steps", type=_number(int, MAX_STEPS, "every step is kept in memory"),
                     help=f"override the number of updates (at most {MAX_STEPS:,})")
    run.add_argument("--epochs", type=_number(int, MAX_EPOCHS, "the schedule is kept in memory"),
                     help=f"epochs over the training images, where an example has epochs (at most {MAX_EPOCHS:,})")
    for option, settings in checks.declared().items():  # each example's own options
        if settings.get("type") in (int, float):
            settings["type"] = _number(settings["type"])
        run.add_argument(f"--{option.replace('_', '-')}", **settings)
    run.add_argument("--download", action="store_true", default=None,
                     help="examples that read MNIST: fetch missing files into the per-user cache "
                          "(~/.cache/tfparity/mnist, or $XDG_CACHE_HOME/tfparity/mnist)")
    docs = sub.add_parser("docs", help="re-measure every example and regenerate the guide in docs/")
    docs.add_argument("--out", default=None, help="folder to write (default: docs/ of this checkout); "
                      "rebuilt in a copy beside it and swapped in when complete")
    docs.add_argument("--render-only", action="store_true",
                      help="redraw pages and plots from the records in OUT/results without training")
    docs.add_argument("examples", nargs="*", metavar="EXAMPLE", help="only these (default: all)")
    check_command.add_parser(sub)
    new_command.add_parser(sub)
    checkpoint_command.add_parser(sub)
    for study in STUDIES:
        if hasattr(study, "add_parser"):
            study.add_parser(sub)
    return top


def _dispatch(argv):
    args = parser().parse_args(argv)
    if getattr(args, "handler", None):  # a study's command: set_defaults(handler="module:function")
        import importlib
        module, function = args.handler.split(":")
        return getattr(importlib.import_module(module), function)(args)
    from tfparity import commands, harness
    if args.command == "list":
        print("\n".join(harness.examples()))
        return OK
    return getattr(commands, args.command)(args)


def main(argv=None):
    previous = signals.install()
    try:
        return _dispatch(argv)
    except signals.Interrupted as interrupted:
        print("tfparity: interrupted", file=sys.stderr)
        return interrupted.status
    except KeyboardInterrupt:  # raised by code that restored Python's own handler
        print("tfparity: interrupted", file=sys.stderr)
        return signals.SIGNAL_EXIT_BASE + signals.signal.SIGINT
    except Exception as error:
        from tfparity import checks
        if isinstance(error, checks.UsageError):
            print(f"tfparity: error: {error}", file=sys.stderr)
            return USAGE
        traceback.print_exception(error)
        if checks.in_example_code(error):
            print(f"tfparity: error inside the example's own code: {type(error).__name__}: {error}"
                  " (traceback above)", file=sys.stderr)
            return EXAMPLE_ERROR
        print(f"tfparity: internal error: {type(error).__name__}: {error}; {REPORT}", file=sys.stderr)
        return INTERNAL_ERROR
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
    sys.exit(status)


if __name__ == "__main__":
    console()
