"""``tfparity run EXAMPLE... | --all``: every mode of each example, compared with its TF1 Session
run, with a live progress line, a verdict line per mode and the summary table. By default the slow
modes an example declares run their first epochs only, or not at all (``harness.first_epochs``),
each marked partial; ``--full`` runs every mode to the end, as ``tfparity docs`` does."""
import argparse

from tfparity.cli import arguments
from tfparity.cli.arguments import UsageError, number
from tfparity.core import harness, quiet, report
from tfparity.core.exits import EPILOG, Exit
from tfparity.core.files import NotWritable, write_atomic
from tfparity.core.jsonio import to_json

# Bounds on what every step of every mode keeps in memory: the schedule is drawn up front and
# each mode's trace holds every step, so 10^6 updates (tens of MB, minutes per mode) is the most
# a run can hold and still start at once; 10^9 took 8 GB before the first step.
MAX_STEPS = 1_000_000
MAX_EPOCHS = 1_000  # an MLP epoch schedule is 60,000 indices (0.5 MB): 1,000 epochs is 0.5 GB


def add_parser(sub):
    run_ = sub.add_parser("run", help="run examples under every mode and print the parity summary",
                          epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    run_.set_defaults(run=run)
    run_.add_argument("examples", nargs="*", metavar="EXAMPLE", help="example names (each runs once)")
    run_.add_argument("--all", action="store_true", help="run every example (then name none)")
    run_.add_argument("--full", action="store_true",
                      help="run every mode to the end: by default the slow modes an example declares (FIRST_EPOCHS in "
                           "its shared_data module) run their first epochs only, or not at all, each compared with "
                           "the same epochs of the TF1 run and marked partial in its verdict and row")
    run_.add_argument("--seed", type=arguments.seed, default=0, help="seed for shared_data (default 0)")
    arguments.output(run_, "--json", "write inputs, traces and verdicts as JSON "
                     "(a new path or a regular file; never a symlink or a device)")
    run_.add_argument("--verbose", action="store_true",
                      help="also print each example's side-by-side table and, on stderr, per-epoch logs")
    run_.add_argument("--learning-rate", type=number(float), help="override the learning rate")
    run_.add_argument("--steps", type=number(int, MAX_STEPS, "every step is kept in memory"),
                      help=f"override the number of updates (at most {MAX_STEPS:,})")
    run_.add_argument("--epochs", type=number(int, MAX_EPOCHS, "the schedule is kept in memory"),
                      help=f"epochs over the training images, where an example has epochs (at most {MAX_EPOCHS:,})")
    for option, settings in arguments.declared().items():  # each example's own options
        if settings.get("type") in (int, float):
            settings["type"] = number(settings["type"])
        run_.add_argument(f"--{option.replace('_', '-')}", **settings)
    run_.add_argument("--download", action="store_true", default=None,
                      help="examples that read MNIST: fetch missing files into the per-user cache "
                           "(~/.cache/tfparity/mnist, or $XDG_CACHE_HOME/tfparity/mnist)")


def run(args):
    if args.all and args.examples:
        raise UsageError(f"name examples or give --all, not both (got {' '.join(args.examples)} and --all)")
    names = harness.examples() if args.all else list(dict.fromkeys(args.examples))  # each once
    if not names:
        raise UsageError("name at least one example, or --all (see 'tfparity list')")
    arguments.check_known(names)
    options = {name: arguments.options(name, args) for name in names}
    if args.download and not any("download" in arguments.accepted(name) for name in names):
        raise UsageError(f"--download does not apply to {', '.join(names)}: no MNIST is read")
    read = arguments.check_mnist(names, args.download)
    if args.json:
        arguments.check_writable(args.json, args.force, reads=read)
    from tfparity.cli.progress import Bars  # tqdm: only when running
    quiet.import_tensorflow()
    results, seconds = {}, {}
    for name in names:
        epochs = _epochs(name, options[name])
        scope = {} if args.full or not epochs else harness.first_epochs(arguments.module(name), epochs)
        bars = Bars(name, epochs, args.verbose, scope=scope)
        try:
            result = harness.run_example(name, args.seed, progress=bars, partial=not args.full, **options[name])
        except ValueError as error:
            if not arguments.from_make_inputs(error):
                raise  # the example's own code: exit 3 with its traceback
            raise UsageError(f"{name}: {error}") from None
        finally:
            bars.close()
        results[name], seconds[name] = result, bars.seconds
        result["parity"]["diverged"] = report.diverged(result) and report.summary_ok(result)
        print(f"== {name} (seed {args.seed}): {_word(result)}")
        if args.verbose:
            print("\n".join(report.table(result, result["inputs"]["report_every"])))
        print("\n".join(report.verdict_lines(result)), flush=True)
    print("== parity summary")
    print("\n".join(report.summary(results, seconds)))
    if args.json:
        document = results[names[0]] if len(names) == 1 else results
        try:
            write_atomic(args.json, to_json(document), force=args.force)
        except (NotWritable, OSError) as error:
            raise UsageError(f"cannot write --json {args.json}: {getattr(error, 'strerror', None) or error}") from None
    words = {_word(result) for result in results.values()}
    return Exit.MISMATCH if "MISMATCH" in words else (Exit.DIVERGED if "diverged" in words else Exit.OK)


def _epochs(name, options):
    """The number of epochs the example will run, for the progress line's ETA (None: not epoch-based)."""
    parameter = arguments.accepted(name).get("epochs")
    return parameter and options.get("epochs", parameter.default)


def _word(result):
    if not report.summary_ok(result):
        return "MISMATCH"
    return "diverged" if result["parity"]["diverged"] else "ok"
