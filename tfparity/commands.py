"""What the ``tfparity`` sub-commands do, once their arguments are parsed (``cli.py`` parses).

TensorFlow is loaded (quietly) only once the arguments have been checked against what exists.
Each command returns the exit status; bad input raises ``UsageError`` (one line, exit 2).
"""
import time

from tfparity import harness, quiet, records, report
from tfparity.checks import (UsageError, accepted, check_folder, check_known, check_writable,
                             from_make_inputs, options as example_options)
from tfparity.files import NotWritable, staged_folder, write_atomic
from tfparity.jsonio import to_json
from tfparity.paths import DOCS
from tfparity.progress import Bars
from tfparity.studies import STUDIES

MISMATCH, DIVERGED = 1, 5  # exit statuses, documented in cli.EPILOG


class Progress:
    """Per-epoch progress lines for epoch-based examples: loss, test accuracy, seconds.

    The harness's contract: ``progress(mode, epoch, trace)`` with ``epoch`` an int (0 as a mode
    starts) and ``trace`` the fields so far, named as in the returned trace; an example with
    several methods (``method/field``) counts each method's epochs from 1."""

    def __init__(self):
        self.clock = {}

    def __call__(self, mode, epoch, trace):
        now, before = time.perf_counter(), self.clock.get(mode)
        self.clock[mode] = now
        if epoch:
            loss = next(field for field in trace if field.endswith("epoch_loss"))
            prefix = loss[:-len("epoch_loss")]
            method = f" ({prefix.rstrip('/')})" if prefix else ""
            print(f"  {mode} epoch {epoch}{method}: loss {trace[loss][-1]:.4f}, test accuracy "
                  f"{trace[prefix + 'test_accuracy'][-1]:.4f}, {now - before:.1f} s", flush=True)


def run(args):
    if args.all and args.examples:
        raise UsageError(f"name examples or give --all, not both (got {' '.join(args.examples)} and --all)")
    names = harness.examples() if args.all else list(dict.fromkeys(args.examples))  # each once
    if not names:
        raise UsageError("name at least one example, or --all (see 'tfparity list')")
    check_known(names)
    options = {name: example_options(name, args) for name in names}
    if args.download and not any("download" in accepted(name) for name in names):
        raise UsageError(f"--download does not apply to {', '.join(names)}: no MNIST is read")
    if args.json:
        check_writable(args.json, args.force)
    quiet.import_tensorflow()
    results, seconds = {}, {}
    for name in names:
        bars = Bars(name, _epochs(name, options[name]), args.verbose)
        try:
            result = harness.run_example(name, args.seed, progress=bars, **options[name])
        except ValueError as error:
            if not from_make_inputs(error):
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
    return MISMATCH if "MISMATCH" in words else (DIVERGED if "diverged" in words else 0)


def _epochs(name, options):
    """The number of epochs the example will run, for the progress line's ETA (None: not epoch-based)."""
    parameter = accepted(name).get("epochs")
    return parameter and options.get("epochs", parameter.default)


def _word(result):
    if not report.summary_ok(result):
        return "MISMATCH"
    return "diverged" if result["parity"]["diverged"] else "ok"


def build(folder, measure=True, names=None, progress=None):
    """The whole guide into ``folder``: the examples' pages (``guide.build``), then each study's
    record (when measuring every example) and page."""
    from tfparity import guide  # matplotlib and nbformat: only when building
    guide.build(folder, measure=measure, names=names, progress=progress)
    for study in STUDIES:
        if measure and not names and hasattr(study, "measure"):
            records.save(folder, study.measure())
        study.render(folder)


def docs(args):
    check_known(args.examples)
    out = args.out or str(DOCS)
    target = check_folder(out)
    if not args.render_only:
        quiet.import_tensorflow()
    staging = None
    try:
        with staged_folder(target) as staging:  # an interrupted or failed run leaves the old guide
            build(staging, measure=not args.render_only, names=args.examples or None, progress=Progress())
    except (ValueError, OSError) as error:
        raise UsageError(str(error).replace(str(staging), out) if staging else str(error)) from None
    print(f"guide written to {out}")
    return 0


def bench(args):
    from tfparity.bench import command
    names = args.examples or harness.examples()
    check_known(names)
    if args.json:
        check_writable(args.json)
    quiet.import_tensorflow()
    try:
        return command.run(args, names)
    except (ValueError, OSError) as error:
        raise UsageError(str(error)) from None


def friends(args):
    if args.json:
        check_writable(args.json)
    quiet.import_tensorflow()
    from tfparity.friends import command
    try:
        return command.run(args)
    except ValueError as error:  # the MNIST loader's one-line errors
        raise UsageError(str(error)) from None
