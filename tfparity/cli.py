"""``tfparity``: list the examples, run both twins with a parity summary, rebuild the guide,
time every execution mode (``bench``), measure optimizer and loss false friends (``friends``).

Bad input prints one line naming the problem and exits 2; a parity mismatch exits 1.
"""
import argparse
import inspect
import math
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # keep TensorFlow's start-up chatter out

from tfparity import harness, report  # noqa: E402
from tfparity.jsonio import to_json, write_atomic  # noqa: E402

# Example options: make_inputs parameters the CLI can fill; each applies where an example takes it.
OPTIONS = ("learning_rate", "steps", "loss", "epochs", "batch_size", "train_size", "test_size",
           "gradients", "source", "download")


class UsageError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2, instead of argparse's usage block
        raise UsageError(message)


def _seed(text):
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a non-negative integer, got {text!r}")
    return value


def _number(kind):
    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a positive number, got {text!r}") from None
        if not math.isfinite(value) or value <= 0:
            raise argparse.ArgumentTypeError(f"must be positive and finite, got {text!r}")
        return value
    return parse


def parser():
    top = Parser(prog="tfparity", description="TF1 graph vs TF2 eager twins, compared step by step.")
    sub = top.add_subparsers(dest="command", required=True, parser_class=Parser)
    sub.add_parser("list", help="print the example names, one per line")
    run = sub.add_parser("run", help="run examples under every mode and print the parity summary")
    run.add_argument("examples", nargs="*", metavar="EXAMPLE")
    run.add_argument("--all", action="store_true", help="run every example")
    run.add_argument("--seed", type=_seed, default=0, help="seed for shared_data (default 0)")
    run.add_argument("--json", metavar="PATH", help="write inputs, traces and verdicts as JSON")
    run.add_argument("--learning-rate", type=_number(float), help="override the learning rate")
    run.add_argument("--steps", type=_number(int), help="override the number of updates")
    run.add_argument("--loss", choices=("l2", "l1"), help="regression loss (default l2)")
    run.add_argument("--epochs", type=_number(int), help="mlp, decoupled_rnn: epochs over the training images")
    run.add_argument("--batch-size", type=_number(int), help="mlp: images per update")
    run.add_argument("--train-size", type=_number(int), help="mlp: train on the first N images")
    run.add_argument("--test-size", type=_number(int), help="mlp: test on the first N images")
    run.add_argument("--gradients", choices=("auto", "manual"),
                     help="mlp: train on the automatic or the hand-written gradient")
    run.add_argument("--source", choices=("test", "train"),
                     help="decoupled_rnn: train on the test split's 0/1 digits (the original) or the train split's")
    run.add_argument("--download", action="store_true", default=None,
                     help="fetch missing MNIST files into the per-user cache")
    docs = sub.add_parser("docs", help="re-measure every example and regenerate the guide in docs/")
    docs.add_argument("--out", default=None, help="folder to write (default: docs/ of this checkout)")
    docs.add_argument("--render-only", action="store_true",
                      help="redraw pages and plots from the records in OUT/results without training")
    docs.add_argument("examples", nargs="*", metavar="EXAMPLE", help="only these (default: all)")
    from benchmarks import command as bench_command
    from false_friends import command as friends_command
    bench_command.add_parser(sub)
    friends_command.add_parser(sub)
    return top


def friends(args):
    from false_friends import command
    if args.json:
        _check_writable(args.json)
    try:
        return command.run(args)
    except ValueError as error:  # the MNIST loader's one-line errors
        raise UsageError(str(error)) from None


def bench(args):
    from benchmarks import command
    from tfparity import guide
    names = args.examples or harness.examples()
    _check_known(names)
    if args.json:
        _check_writable(args.json)
    try:
        return command.run(args, names, guide.ROOT)
    except (ValueError, OSError) as error:
        raise UsageError(str(error)) from None


def docs(args):
    from tfparity import guide
    _check_known(args.examples)
    out = args.out or str(guide.ROOT / "docs")
    try:
        guide.build(out, measure=not args.render_only, names=args.examples or None, progress=Progress())
    except (ValueError, OSError) as error:
        raise UsageError(str(error)) from None
    print(f"guide written to {out}")
    return 0


class Progress:
    """Per-epoch progress lines for epoch-based examples: loss, test accuracy, seconds."""

    def __init__(self):
        self.clock = {}

    def __call__(self, mode, epoch, trace):
        now, before = time.perf_counter(), self.clock.get(mode)
        self.clock[mode] = now
        if epoch:
            print(f"  {mode} epoch {epoch}: loss {trace['epoch_loss'][-1]:.4f}, test accuracy "
                  f"{trace['test_accuracy'][-1]:.4f}, {now - before:.1f} s", flush=True)


def _options(name, args):
    """The example options given on the command line, checked against make_inputs' parameters."""
    given = {k: getattr(args, k) for k in OPTIONS if getattr(args, k) is not None}
    accepted = inspect.signature(harness.load(name)[0].make_inputs).parameters
    if "download" not in accepted:  # a data flag: meaningless, not wrong, where nothing is fetched
        given.pop("download", None)
    for key in given:
        if key not in accepted:
            raise UsageError(f"--{key.replace('_', '-')} does not apply to example {name}")
    return given


def _check_known(names):
    known = harness.examples()
    for name in names:
        if name not in known:
            raise UsageError(f"unknown example {name!r}; known: {', '.join(known)}")


def _check_writable(path):
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path) or not os.path.isdir(folder) or not os.access(folder, os.W_OK):
        raise UsageError(f"cannot write --json {path}: not a writable file path")


def run(args):
    names = harness.examples() if args.all else args.examples
    if not names:
        raise UsageError("name at least one example, or --all (see 'tfparity list')")
    _check_known(names)
    options = {name: _options(name, args) for name in names}
    if args.json:
        _check_writable(args.json)
    results, ok, progress = {}, True, Progress()
    for name in names:
        try:
            result = harness.run_example(name, args.seed, progress=progress, **options[name])
        except ValueError as error:
            raise UsageError(f"{name}: {error}") from None
        results[name] = result
        print(f"== {name} (seed {args.seed})")
        print("\n".join(report.table(result, result["inputs"]["report_every"])))
        print("\n".join(report.verdict_lines(result)), flush=True)
        ok &= report.summary_ok(result)
    if len(names) > 1:
        print("== parity summary")
        for name, result in results.items():
            print(f"{name}: " + ("ok" if report.summary_ok(result) else "MISMATCH") + " — " + "; ".join(
                f"{m} {v}" for m, v in result["parity"]["verdicts"].items()))
    if args.json:
        document = results[names[0]] if len(names) == 1 else results
        try:
            write_atomic(args.json, to_json(document))
        except OSError as error:
            raise UsageError(f"cannot write --json {args.json}: {error.strerror}") from None
    return 0 if ok else 1


def main(argv=None):
    try:
        args = parser().parse_args(argv)
        if args.command == "list":
            print("\n".join(harness.examples()))
            return 0
        return {"docs": docs, "bench": bench, "friends": friends}.get(args.command, run)(args)
    except UsageError as error:
        print(f"tfparity: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
