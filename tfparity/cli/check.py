"""``tfparity check``: a user's own TF1 program and TF2 port, named by SPEC, proven step by step.

Parsing needs only the standard library (``add_parser``); ``run`` loads TensorFlow once the
options are checked. Exit statuses: 0 parity (bit-identical, within a bound of an active cause,
or explained by a cause switched off), 1 mismatch, 2 bad input to tfparity, 3 the user's own
code raised (their traceback, and which function).
"""
import argparse
import os
import sys
import traceback

from tfparity.cli.arguments import UsageError, check_writable, output, path
from tfparity.core import quiet
from tfparity.core.exits import Exit
from tfparity.core.modes import CHECKED_MODES

SPEC = "module:function or path/to/file.py:function"
EPILOG = """exit status:
  0    parity: every mode bit-identical, within a bound of an active cause, or explained by one
  1    MISMATCH: a difference no cause explains (first step, field, values and hints printed)
  2    bad input to tfparity: one line on stderr (a SPEC, a signature, an option, a bounds file)
  3    your own code raised: your traceback, and which function and mode"""


def add_parser(sub):
    check = sub.add_parser("check", help="prove your own TF1 program and TF2 port equal, step by step",
                           epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    check.set_defaults(run=run)
    check.add_argument("--inputs", required=True, metavar="SPEC", help=f"make_inputs(seed) -> dict ({SPEC})")
    check.add_argument("--tf1", required=True, metavar="SPEC", help="tf1_run(inputs) -> {field: per-step array}")
    check.add_argument("--tf2", required=True, metavar="SPEC", help="tf2_run(inputs, function=False) -> the same")
    check.add_argument("--loop", metavar="SPEC", help="tf2_loop(inputs, jit_compile=False): the whole loop "
                       "in one tf.function (adds the modes tf2_loop and tf2_xla)")
    check.add_argument("--seed", type=int, default=0, help="seed passed to make_inputs (default 0)")
    check.add_argument("--modes", type=lambda text: tuple(text.split(",")), metavar="M,M",
                       help=f"modes to compare (default: all that apply; known: {', '.join(CHECKED_MODES)})")
    check.add_argument("--tolerances", metavar="FILE", help="bounds by cause ([[bounds]] in a TOML file); "
                       "default: [[tool.tfparity.bounds]] of ./pyproject.toml if there is one")
    check.add_argument("--strict", action="store_true", help="switch off every switchable cause (oneDNN, "
                       "grappler's passes) and demand bit-identity: no bound but XLA's applies")
    check.add_argument("--no-attribute", dest="attribute", action="store_false",
                       help="do not re-run a differing mode with each cause switched off")
    check.add_argument("--write-bound", metavar="FILE", type=path, help="measure over --seeds the bound of "
                       "every difference a cause explains and add it to the TOML FILE")
    check.add_argument("--seeds", type=int, default=5, help="seeds for --write-bound (default 5)")
    check.add_argument("--bench", action="store_true", help="also time every mode, each in a fresh process")
    output(check, "--json", "write the report as JSON")


def _bounds(args):
    from tfparity.check import bounds_file
    path = args.tolerances or ("pyproject.toml" if os.path.isfile("pyproject.toml") else None)
    if args.modes and set(args.modes) - set(CHECKED_MODES):
        raise UsageError(f"--modes {','.join(args.modes)}: known are {', '.join(CHECKED_MODES)}")
    try:
        return bounds_file.load(path) if path else {}
    except bounds_file.BoundsError as error:
        raise UsageError(str(error)) from None


def _resolve(args):
    from tfparity.check import specs
    wanted = {"inputs": (args.inputs, ()), "tf1": (args.tf1, ()), "tf2": (args.tf2, ("function",)),
              "loop": (args.loop, ("jit_compile",))}
    functions = {}
    for option, (spec, keywords) in wanted.items():
        if spec:
            try:
                functions[option] = specs.resolve(spec, f"--{option}", keywords)
            except specs.SpecError as error:
                raise UsageError(str(error)) from None
            except Exception as error:
                return functions, (f"importing {spec}", error)
    return functions, None


def _user_error(which, error):
    traceback.print_exception(error)
    print(f"tfparity: error inside your own code, in {which}: {type(error).__name__}: {error} "
          "(traceback above)", file=sys.stderr)
    return Exit.USER_CODE


def run(args):
    if args.json:
        check_writable(args.json, args.force)
    if args.write_bound:
        check_writable(args.write_bound, args.force, option="--write-bound")
    if args.seeds < 1:
        raise UsageError(f"--seeds must be at least 1, got {args.seeds}")
    bounds = _bounds(args)
    if args.strict:  # fixed when TensorFlow loads, which it has not yet in this process
        os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"
    quiet.import_tensorflow()
    functions, failed = _resolve(args)
    if failed:
        return _user_error(*failed)
    from tfparity.check.parity import UserCodeError
    try:
        return _report(args, functions, bounds)
    except UserCodeError as error:
        return _user_error(error.which, error.error)
    except ValueError as error:  # modes that do not apply
        raise UsageError(str(error)) from None


def _report(args, functions, bounds):
    """The report, and as asked the measured bounds (``--write-bound``), the timings (``--bench``)
    and the JSON."""
    from tfparity.check import bounds_file, parity
    from tfparity.core.jsonio import dumps, jsonable
    report = parity.check(functions["inputs"], functions["tf1"], functions["tf2"], args.seed, args.modes,
                          bounds, functions.get("loop"), args.attribute, args.strict)
    print(report)
    document = {"seed": args.seed, **report.to_dict()}
    status = Exit.OK if report.ok else Exit.MISMATCH
    if args.write_bound:
        entries, unexplained = bounds_file.measure(functions, args.modes, args.attribute, args.strict,
                                                      args.seeds)
        if entries:
            bounds_file.write(args.write_bound, entries, force=args.force)
        for entry in entries:
            print(f"bound written to {args.write_bound}: {entry['mode']}, {entry['cause']}, {entry['ulp']} ULP, "
                  f"atol {entry['atol']:g}")
        for mode in unexplained:
            print(f"no bound for {mode}: its difference is not explained by a cause (a porting difference?)")
        status = Exit.MISMATCH if unexplained else status
        document["bounds_written"] = entries
    if args.bench:
        from tfparity.check import bench
        document["bench"] = bench.bench(args, report)
        print("\n".join(bench.table(document["bench"])))
    if args.json:
        from tfparity.core.files import write_atomic
        write_atomic(args.json, dumps(jsonable(document)) + "\n", force=args.force)
    return status
