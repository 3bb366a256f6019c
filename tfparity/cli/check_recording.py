"""``tfparity check --recording FILE --tf2 SPEC``: a TF2 port checked against a recording of the
unmodified TF1 program (``tfparity record``), by ``tfparity.record.replay``: each recorded training
run's step taken by the port from the TF1 run's own state (teacher-forced), and the steps in a row
from its initial state (free-running). Exit statuses are check's: 0 parity, 1 mismatch, 2 bad input,
3 the port's own code failed.
"""
import json
import os
import sys

from tfparity.cli.arguments import check_writable
from tfparity.core import quiet
from tfparity.core.exits import Exit, UsageError

# check's options that belong to the run(inputs) contract, not to a recording.
NOT_WITH_RECORDING = ("inputs", "tf1", "loop", "step", "bench", "traces", "modes", "strict")


def check_options(args):
    given = [f"--{name.replace('_', '-')}" for name in NOT_WITH_RECORDING if getattr(args, name, None)]
    if given:
        raise UsageError(f"{', '.join(given)}: options of the run(inputs) contract; --recording FILE --tf2 SPEC "
                         "replays the recording into the port (make_port() -> (roots, step))")
    if args.write_bound is not None and not args.reformulated:
        raise UsageError("--write-bound with --recording measures a reformulation bound: say what the port computes "
                         "in another order with --reformulated TEXT")
    if args.reformulated is not None and args.write_bound is None:
        raise UsageError("--reformulated names what a measured bound covers: give --write-bound FILE too")
    if args.tf2 is None:
        raise UsageError("--recording FILE needs --tf2 SPEC: make_port() -> (roots, step)")
    for option in ("map", "write_map"):
        if getattr(args, option) == "":
            raise UsageError(f"--{option.replace('_', '-')} '': give a file name")


def load(args):
    """The recording, read before TensorFlow loads, so that this process runs the port with oneDNN on
    or off as the recording was made (its kernels round otherwise, eager too: measured on a
    Dense layer's kernel); where TensorFlow has loaded already, ``run`` says so on a mismatch."""
    from tfparity.record import recording
    try:
        recorded = recording.load(args.recording)
    except recording.NotARecording as error:
        raise UsageError(str(error)) from None
    if "tensorflow" not in sys.modules and "onednn" in recorded["machine"]:
        os.environ["TF_ENABLE_ONEDNN_OPTS"] = "1" if recorded["machine"]["onednn"] else "0"
    return recorded


def run(args, recorded, bounds, user_error):
    """The replay's report; ``bounds``: the bounds file read ({mode: [Bound]})."""
    from tfparity.check import specs
    from tfparity.checkpoint import maps
    from tfparity.checkpoint.prefixes import CheckpointError
    from tfparity.core import machine
    from tfparity.core.files import write_atomic
    from tfparity.core.jsonio import dumps, jsonable
    from tfparity.record import replay
    quiet.import_tensorflow()
    for option, target in (("--json", args.json), ("--write-map", args.write_map)):
        if target is not None:
            if os.path.exists(args.recording) and os.path.realpath(target) == os.path.realpath(args.recording):
                raise UsageError(f"cannot write {option} {target}: it is the recording this run reads")
            check_writable(target, args.force, option=option)
    try:
        given = maps.load(args.map, cells=True) if args.map is not None else None
    except CheckpointError as error:
        raise UsageError(str(error)) from None
    try:
        make_port = specs.resolve(args.tf2, "--tf2", (), positional=0)
    except specs.SpecError as error:
        raise UsageError(str(error)) from None

    def guarded(which, function, *positional, **keywords):
        try:
            with specs.running(which):
                return function(*positional, **keywords)
        except specs.UserCodeError as error:
            if isinstance(error.error, replay.DrawMismatch):  # the port drew where the TF1 run did not: a verdict
                raise error.error from None
            raise

    try:
        result = replay.replay(recorded, make_port, given, lambda mode: replay.bound_for(bounds, mode, recorded), guarded)
    except replay.ReplayError as error:
        raise UsageError(str(error)) from None
    except specs.UserCodeError as error:
        return user_error(error)
    mode = result["mode"]
    ok = result["teacher_forced"].ok and result["free_running"].ok
    print(f"recording: {args.recording}: {recorded['script']}, {result['steps']} training runs, recorded on "
          f"{machine.describe(recorded['machine'])}")
    print(f"name map ({len(result['map'])} TF1 variables{'' if given else '; keep it with --write-map FILE'}):")
    for name, path in result["map"].items():
        print(f"  {name} -> {path if path is not None else 'left out'} ({result['how'][name]})")
    print("feeds: " + ", ".join(f"{name} -> {parameter}" for name, parameter in result["feeds"].items()))
    print(f"teacher-forced ({mode}, each step from the TF1 run's state before it): {result['teacher_forced']}")
    if result["confirmation"] is not None:
        print(f"in float64: {result['confirmation']['detail']}")
    print(f"free-running ({mode}, {result['steps']} steps from the TF1 run's initial state): {result['free_running']}")
    for label, names in (("fetched by the TF1 run, not returned by the step", result["not_compared"]),
                         ("returned by the step, fetched by no training run", result["unknown_returned"]),
                         ("random draws of the TF1 run the port did not take", result["unused_draws"])):
        if names:
            print(f"not compared, {label}: {', '.join(names)}")
    if args.write_bound is not None:
        _write_bound(args, result, recorded)
    here = machine.fingerprint().get("onednn")
    if not ok and here != recorded["machine"].get("onednn"):
        print(f"hint: the recording was made with oneDNN {'on' if recorded['machine'].get('onednn') else 'off'}, this "
              f"check ran with it {'on' if here else 'off'}: their kernels round differently, eager too; run the check "
              "as a command of its own (it takes the recording's setting) or with TF_ENABLE_ONEDNN_OPTS set to match")
    field = ((result["teacher_forced"].first_mismatch or {}).get("field") or "")
    names = replay.held(result["map"])
    if not ok and (field in ("beta1_power", "beta2_power") or
                   any(field.startswith(other + "/") for other in names if other != field)):
        print(f"hint: the first difference is in optimizer state ({field}): a Keras optimizer of the same name "
              "updates otherwise (docs/false_friends.md); tfparity.port.optimizers has TF1's rule, bit for bit")
    cell = names.get(field)
    if not ok and cell is not None:
        entry = result["map"][cell]
        print(f"hint: the first difference is in {cell}, TF1's {entry['cell']} as Keras's "
              f"{replay.keras_layer(entry['cell'])}: the same function summed in another order, if the float64 "
              "line says rounding (measure it: --write-bound FILE --reformulated TEXT); far off, it is another "
              "function: the forget_bias in the map must be the program's (no recording holds it), a GRU's "
              "reset_after False (docs/pitfalls.md)")
    switchable = [name for name, on in (("oneDNN", recorded["machine"].get("onednn")),
                                        ("grappler's arithmetic optimizer", recorded["grappler"]["grappler_arithmetic"]),
                                        ("grappler's remapper", recorded["grappler"]["grappler_remapper"])) if on]
    if not ok and switchable:
        print(f"hint: the recording was made with {', '.join(switchable)} on, which round the TF1 run otherwise: record "
              "it again with tfparity record --strict; a difference that recording does not show is theirs, not the port's")
    print("PARITY" if ok else "MISMATCH")
    if args.write_map is not None:
        write_atomic(args.write_map, json.dumps(result["map"], indent=1) + "\n", force=args.force)
    if args.json is not None:
        document = {"ok": ok, "recording": args.recording, "script": recorded["script"], "mode": mode,
                    "recorded_on": recorded["machine"], "checked_on": machine.fingerprint(),
                    **{key: result[key] for key in ("map", "how", "feeds", "steps", "not_compared",
                                                    "unknown_returned", "unused_draws")},
                    "teacher_forced": result["teacher_forced"].to_dict(),
                    "free_running": result["free_running"].to_dict()}
        write_atomic(args.json, dumps(jsonable(document)) + "\n", force=args.force)
    sys.stdout.flush()
    return Exit.OK if ok else Exit.MISMATCH


def _write_bound(args, result, recorded):
    """A reformulation bound for the port's mode, measured on its teacher-forced steps and confirmed in
    float64, added to --write-bound's file; whether it was written (one line says what happened)."""
    from tfparity.check import bounds_file
    from tfparity.core import machine
    from tfparity.core.tolerances import Bound, NotARoundingBound, check_rounding
    from tfparity.record import replay
    local, check, mode = result["teacher_forced"], result["confirmation"], result["mode"]
    if local.status == "bit-identical":
        print(f"no bound written: {mode} is bit-identical on every recorded step")
        return False
    if check is None or not check["ok"]:
        print(f"no bound written: not a reformulation: {check['detail'] if check else local}")
        return False
    ulp, _ = bounds_file.rounded(local.max_ulp, 0.0)
    try:
        check_rounding({mode: [Bound(replay.REFORMULATION, ulp, 0.0, "")]}, result["reference"])
    except NotARoundingBound as error:
        print(f"no bound written: the difference is larger than rounding ({error})")
        return False
    measured = (f"{args.reformulated}: max {local.max_ulp:g} ULP of each field's largest value on the "
                f"{result['steps']} recorded training runs of {recorded['script']} (teacher-forced); in float64 the "
                f"TF1 updates within {check['tf1']:.3g} ULP of the port's, its own float32 within {check['port']:.3g}; "
                f"{machine.describe(machine.fingerprint())}")
    bounds_file.write(args.write_bound, [{"mode": mode, "cause": replay.REFORMULATION, "ulp": ulp, "atol": 0.0,
                                          "measured": measured}], force=args.force)
    print(f"bound written to {args.write_bound}: {mode}, {replay.REFORMULATION}, {ulp} ULP")
    return True
