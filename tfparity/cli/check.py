"""``tfparity check``: a user's own TF1 program and TF2 port, named by SPEC, proven step by step.

Parsing needs only the standard library (``add_parser``); ``run`` loads TensorFlow once the
options are checked. Exit statuses: 0 parity (bit-identical, within a bound of an active cause,
or explained by a cause switched off), 1 mismatch (nothing compared is one too), 2 bad input to
tfparity (a bounds file whose bound is not a rounding bound too), 3 the user's own code raised,
exited (``sys.exit``, ``os._exit``) or returned something that is not a trace (their traceback,
and which function or module), 5 diverged (no finite value in either run: nothing was measured).
"""
import argparse
import importlib
import os
import sys
import traceback

from tfparity.cli.arguments import UsageError, check_writable, is_one_of, output, path, seed
from tfparity.core import quiet
from tfparity.core.exits import Exit
from tfparity.core.modes import CHECKED_MODES

SPEC = "module:function or path/to/file.py:function"
# Frames of a user's traceback that are not their code: tfparity's own and the import machinery's.
NOT_THEIRS = (os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep,
              os.path.dirname(importlib.__file__) + os.sep, "<frozen importlib")
EPILOG = """exit status:
  0    parity: every mode bit-identical, within a bound of an active cause, or explained by one
  1    MISMATCH: a difference no cause explains (first step, field, values and hints printed),
       or nothing was compared (no field, no step)
  2    bad input to tfparity: one line on stderr (a SPEC, a signature, an option, a bounds file,
       a bound that is not a rounding bound)
  3    your own code raised, exited (sys.exit, os._exit) or returned no trace: your traceback, and
       which function and mode, or which module
  5    diverged: every value of both runs is inf or NaN, so nothing finite was compared"""


def add_parser(sub):
    check = sub.add_parser("check", help="prove your own TF1 program and TF2 port equal, step by step",
                           epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    check.set_defaults(run=run)
    check.add_argument("--inputs", metavar="SPEC", help=f"make_inputs(seed) -> dict ({SPEC})")
    check.add_argument("--tf1", metavar="SPEC", help="tf1_run(inputs) -> {field: per-step array}")
    check.add_argument("--tf2", metavar="SPEC", help="tf2_run(inputs, function=False) -> the same; with "
                       "--recording: make_port() -> (roots, step), step(**feeds) one training run")
    check.add_argument("--recording", metavar="FILE", help="a recording of the unmodified TF1 program (tfparity "
                       "record): the port replayed into it, each recorded training run's step from the TF1 run's "
                       "state and all of them in a row (instead of --inputs and --tf1)")
    check.add_argument("--map", metavar="FILE", help="with --recording: the name map, {TF1 name: dotted path from "
                       "make_port's roots, or null} as tfparity checkpoint convert takes it (default: matched by "
                       "name, shape and order, and printed)")
    check.add_argument("--write-map", metavar="FILE", type=path, help="with --recording: write the map used, to "
                       "keep and give as --map")
    check.add_argument("--loop", metavar="SPEC", help="tf2_loop(inputs, jit_compile=False): the whole loop "
                       "in one tf.function (adds the modes tf2_loop and tf2_xla)")
    check.add_argument("--step", metavar="SPEC", help="step_from(inputs, states, function=False) -> {k: (loss, "
                       "state after)}: the port's one update k from the TF1 run's own state (states: {k: the "
                       "state before update k, by TF1 name}); --tf1 then takes on_step and calls on_step(k, read) "
                       "before its first update (k = 0) and after each, read() giving its whole state by name. "
                       "Adds a local verdict per step mode, to which the bounds then apply alone")
    check.add_argument("--seed", type=seed, default=0, help="seed passed to make_inputs (default 0)")
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
    check.add_argument("--reformulated", metavar="TEXT", help="with --write-bound and --step (or --recording): what "
                       "the port computes in another order of operations (e.g. 'two matrix products for one on the "
                       "concatenation'); a local difference no switchable cause explains is then measured as a "
                       "reformulation bound, where float64 confirms it is rounding")
    check.add_argument("--seeds", type=int, default=5, help="seeds for --write-bound (default 5)")
    check.add_argument("--bench", action="store_true", help="also time every mode, each in a fresh process")
    output(check, "--json", "write the report as JSON: ok, machine, and per mode its verdict, hints and "
           "summary ('modes'); 'fields': one row per mode and field with the same keys in every row: "
           "mode, field, steps_tf1, steps_tf2, first_step (1-based, null when equal), max_ulp and max_abs "
           "(lists, one value per step), final_index, final_tf1, final_tf2, final_ulp, final_abs (the "
           "last values' element of largest |diff|, null when equal)")
    check.add_argument("--traces", action="store_true", help="with --json: also write the traces themselves, "
                       "as 'traces': one row per run (tf1_graph, then each mode) and field: run, field, dtype, "
                       "values (a list, steps first; a complex field as [real, imag] pairs)")


def _bounds_path(args):
    """The bounds file read: --tolerances, else ./pyproject.toml when there is one (a named pipe or
    a device there is refused as --tolerances would refuse it, not skipped), else None."""
    if args.tolerances is not None:
        return args.tolerances
    return "pyproject.toml" if os.path.lexists("pyproject.toml") else None  # not a file: refused when read


def _bounds(args):
    from tfparity.check import bounds_file, parity
    if args.modes and set(args.modes) - set(CHECKED_MODES):
        raise UsageError(f"--modes {','.join(args.modes)}: known are {', '.join(CHECKED_MODES)}")
    try:
        parity.check_modes(args.modes, args.loop)  # the loop modes without --loop
    except parity.ModesError as error:
        raise UsageError(str(error)) from None
    if args.reformulated is not None and (args.write_bound is None or (args.step is None and args.recording is None)):
        raise UsageError("--reformulated names what a measured bound covers: give --write-bound FILE and --step SPEC too")
    if args.reformulated is not None and not args.reformulated.strip():
        raise UsageError("--reformulated is empty: say what the port computes in another order")
    if args.tolerances == "":
        raise UsageError("cannot read --tolerances '': give a file name")
    source = _bounds_path(args)
    try:
        if args.write_bound is not None:  # checked now, not after the whole run has been measured
            bounds_file.check_writable(args.write_bound, args.force)
        return bounds_file.load(source) if source is not None else {}
    except bounds_file.BoundsError as error:
        raise UsageError(str(error)) from None


def _wanted(args):
    """{option: (spec, the keywords its function must take)} for the specs given ("" is a spec
    too, and a wrong one)."""
    wanted = {"inputs": (args.inputs, ()), "tf1": (args.tf1, ("on_step",) if args.step else ()),
              "tf2": (args.tf2, ("function",)), "loop": (args.loop, ("jit_compile",)), "step": (args.step, ("function",))}
    return {option: found for option, found in wanted.items() if found[0] is not None}


def _check_specs(args):
    """Every spec's form, before anything is imported."""
    from tfparity.check import specs
    for option, (spec, _) in _wanted(args).items():
        try:
            specs.parse(spec, f"--{option}")
        except specs.SpecError as error:
            raise UsageError(str(error)) from None


def _resolve(args):
    """The user's functions by option; ``UserCodeError`` when their module fails or stops as it
    is imported."""
    from tfparity.check import specs
    functions = {}
    for option, (spec, keywords) in _wanted(args).items():
        try:
            functions[option] = specs.resolve(spec, f"--{option}", keywords, positional=2 if option == "step" else 1)
        except specs.SpecError as error:
            raise UsageError(str(error)) from None
    return functions


def _read_by_the_run(args, functions):
    """The files this run reads (the bounds file, the user's modules: named by path, or once
    ``functions`` are imported, where they were found), by their real paths."""
    from tfparity.check import specs
    named = [specs.parse(spec, option)[0] for option, (spec, _) in _wanted(args).items()]
    files = [_bounds_path(args)] + [m for m in named if specs.is_path(m)] + \
        [getattr(sys.modules.get(getattr(f, "__module__", None)), "__file__", None) for f in functions.values()]
    return {os.path.realpath(f) for f in files if f}


def _refuse_writing_inputs(args, functions):
    """--json and --write-bound may not name a file the run reads (through links or another
    spelling), nor each other; --write-bound may name the --tolerances file: it adds to it."""
    read, real = _read_by_the_run(args, functions), os.path.realpath
    if args.json is not None and is_one_of(args.json, read | {real(p) for p in [args.write_bound] if p is not None}):
        raise UsageError(f"cannot write --json {args.json}: it is a file this run reads or writes")
    tolerances = is_one_of(args.tolerances, read) if args.tolerances else None
    if args.write_bound is not None and is_one_of(args.write_bound, read - {tolerances}):
        raise UsageError(f"cannot write --write-bound {args.write_bound}: it is a file this run reads")


def _user_error(error):
    """The user's code failed or stopped the run: their traceback (when they raised), then one
    line naming which code and what it did."""
    raised = error.error
    if raised is not None:
        frames = [f for f in traceback.extract_tb(raised.__traceback__) if not f.filename.startswith(NOT_THEIRS)]
        if frames and not isinstance(raised, Exception):  # sys.exit, os._exit: where it was called
            print("Traceback (most recent call last):\n" + "".join(traceback.format_list(frames)).rstrip(),
                  file=sys.stderr)
        else:
            traceback.print_exception(raised)
    where = " (traceback above)" if raised is not None else ""
    print(f"tfparity: error inside your own code, in {error.which}: {error.how}{where}", file=sys.stderr)
    return Exit.USER_CODE


def run(args):
    if args.recording is not None:
        from tfparity.cli import check_recording
        check_recording.check_options(args)
        recorded = check_recording.load(args)  # before TensorFlow loads: its oneDNN setting is the recording's
        return check_recording.run(args, recorded, _bounds(args), _user_error)
    if args.map is not None or args.write_map is not None:
        raise UsageError("--map and --write-map name a recording's map: give --recording FILE too")
    missing = [option for option in ("inputs", "tf1", "tf2") if getattr(args, option) is None]
    if missing:
        raise UsageError(f"the following arguments are required: {', '.join('--' + m for m in missing)} "
                         "(or --recording FILE and --tf2 SPEC)")
    if args.json is None and args.traces:
        raise UsageError("--traces writes the traces into the JSON report: give --json PATH too")
    if args.seeds < 1:
        raise UsageError(f"--seeds must be at least 1, got {args.seeds}")
    _check_specs(args)
    bounds = _bounds(args)
    _refuse_writing_inputs(args, {})
    if args.json is not None:
        check_writable(args.json, args.force)
    if args.strict:  # fixed when TensorFlow loads, which it has not yet in this process
        os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"
    quiet.import_tensorflow()
    from tfparity.check.bounds_file import BoundsError
    from tfparity.check.parity import ModesError
    from tfparity.check.specs import EagerOff, UserCodeError
    from tfparity.core.tolerances import NotARoundingBound
    try:
        functions = _resolve(args)
        _refuse_writing_inputs(args, functions)
        return _report(args, functions, bounds)
    except UserCodeError as error:
        return _user_error(error)
    except (ModesError, EagerOff) as error:  # modes that do not apply; eager switched off by a call
        raise UsageError(str(error)) from None
    except NotARoundingBound as error:
        raise UsageError(f"{_bounds_path(args)}: {error}") from None
    except BoundsError as error:  # --write-bound's file, changed while the run measured
        raise UsageError(str(error)) from None


def _report(args, functions, bounds):
    """The report, and as asked the measured bounds (``--write-bound``), the timings (``--bench``)
    and the JSON."""
    from tfparity.check import bounds_file, parity, specs
    from tfparity.core.jsonio import dumps, jsonable
    names = specs.names(args)
    report = parity.check(functions["inputs"], functions["tf1"], functions["tf2"], args.seed, args.modes,
                          bounds, functions.get("loop"), args.attribute, args.strict, names, functions.get("step"))
    print(report)
    document = {"seed": args.seed, **report.to_dict(traces=args.traces)}
    status = Exit.OK if report.ok else Exit.MISMATCH
    if report.diverged and all(report.passed(mode) for mode in report.verdicts):
        status = Exit.DIVERGED  # its line is the report's last
    if args.write_bound is not None:
        entries, unexplained = bounds_file.measure(functions, args.modes, args.attribute, args.strict,
                                                      args.seeds, names, args.reformulated)
        if entries:
            bounds_file.write(args.write_bound, entries, force=args.force)
        for entry in entries:
            print(f"bound written to {args.write_bound}: {entry['mode']}, {entry['cause']}, {entry['ulp']} ULP, "
                  f"atol {entry['atol']:g}")
        for mode, why in unexplained.items():
            print(f"no bound for {mode}: {why}")
        status = Exit.MISMATCH if unexplained else status
        document["bounds_written"] = entries
    if args.bench:
        from tfparity.check import bench
        document["bench"] = bench.bench(args, report)
        print("\n".join(bench.table(document["bench"])))
        if not all(timing["reproduced"] for timing in document["bench"].values()):
            status = Exit.MISMATCH
    if args.json is not None:
        from tfparity.core.files import write_atomic
        write_atomic(args.json, dumps(jsonable(document)) + "\n", force=args.force)
    return status
