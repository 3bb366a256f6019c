"""Bring your own code: the parity of a user's TF1 program and its TF2 port, as a library call.

The contract is this project's twins': ``make_inputs(seed) -> dict`` of every input (data,
initial values, schedules), ``tf1_run(inputs) -> {field: per-step array}`` (a TF1 graph and
Session), ``tf2_run(inputs, function=False) -> the same`` (eager; ``function=True``: the step as a
tf.function) and, optionally, ``tf2_loop(inputs, jit_compile=False)`` (the whole loop in one
tf.function; ``jit_compile=True``: under XLA). ``tolerances`` is ``{mode: [Bound(cause, ulp,
atol, measured)]}`` as in an example's ``BOUNDS``: a bound applies only while its cause is active.
With the port's ``tf2_step`` (``step_from(inputs, states, function=False)``, and a ``tf1_run``
that takes ``on_step``: ``tfparity.check.local``) each step mode also gets a local verdict, one
update from the TF1 run's own state; the bounds then apply to it alone, and the trajectory is
bit-identical or "differs" while a bound's cause is active, judged by its local steps.

A mode that differs is re-run with each switchable cause off (``tfparity.check.attribution``); a
difference that vanishes with its cause off is explained, and the report passes and names it; but
only once the same re-runs with nothing switched have reproduced the user's run bit for bit
(``tfparity.check.control``): otherwise the mode fails, "not reproducible".

    report = tfparity.check.check(make_inputs, tf1_run, tf2_run)
    assert report.ok, report
"""
from collections.abc import Mapping

import numpy as np

from tfparity.check import attribution, control, hints, local, specs
from tfparity.check.parity_report import Report
from tfparity.check.specs import UserCodeError
from tfparity.core import fresh
from tfparity.core.compare import compare
from tfparity.core.machine import ONEDNN_OFF, fingerprint
from tfparity.core.modes import CHECKED_MODES, LOOP_MODES, PORT_MODES, REFERENCE, role_of
from tfparity.core.tolerances import (LOCAL_ONLY, NotARoundingBound, applicable, check_declared, check_rounding,
                                     switch_off)

# Where the control re-runs the user's pair before a fresh process may explain a difference.
AGAIN_FRESH = "in a fresh process, with nothing switched off"
# The dtype kinds a trace may hold: booleans, integers (labels: equal or not) and floats, real or
# complex (measured in ULPs); anything else (strings, objects) is not a trace of numbers.
NUMBERS = "biufc"


def _guarded(which, user_function, *args, graph=False, **kwargs):
    """What ``user_function`` returns, its failures and exits reported as the user's code
    (``specs.running``); with ``graph``, run in a ``tf.Graph()`` of its own, as a TF1 program
    built on the default graph expects (each run a new graph: the same op seeds every time)."""
    with specs.running(which):
        if graph:
            import tensorflow as tf
            with tf.Graph().as_default():
                returned = user_function(*args, **kwargs)
        else:
            returned = user_function(*args, **kwargs)
    specs.eager_on(which)
    return returned


def _trace(which, returned):
    """The trace a user's function returned, as {field: array} of arrays of its own (a buffer the
    user's code fills again on its next call cannot change it); ``UserCodeError`` naming the
    function and the field when it is not one (the contract: a dict of per-step arrays of numbers)."""
    if not isinstance(returned, Mapping):
        kind = "None" if returned is None else f"a {type(returned).__name__}"
        raise UserCodeError(which, None, f"it returned {kind}, not a dict {{field: per-step array}}")
    trace = {}
    for field, values in returned.items():
        try:
            array = np.array(values)  # a copy
        except ValueError as error:  # steps of different shapes, or nested deeper than NumPy's arrays go
            try:
                shapes = sorted({np.shape(step) for step in values}, key=str) if _sequence(values) else []
            except Exception:  # a step that is no array either: the error says why
                raise UserCodeError(which, None, f"its field {field!r} cannot be read as an array: {error}") from None
            raise UserCodeError(which, None, f"its field {field!r} is ragged: its steps have different shapes"
                                + (f" ({', '.join(map(str, shapes[:4]))})" if shapes else "")
                                + "; each field is one array, steps first") from None
        except Exception as error:  # an object that refuses to become an array: theirs
            raise UserCodeError(which, error, f"its field {field!r} cannot be read as an array: "
                                f"{type(error).__name__}: {error}") from error
        if array.dtype.kind not in NUMBERS:
            raise UserCodeError(which, None, f"its field {field!r} holds {array.dtype} values, not numbers "
                                "(a trace is per-step arrays of numbers or booleans)")
        trace[field] = array
    return trace


def _sequence(values):
    try:
        return len(values) > 0 and not isinstance(values, (str, bytes))
    except TypeError:
        return False


class ModesError(ValueError):
    """Modes that are unknown, or that need a function that was not given; one line."""


def check_modes(modes, tf2_loop):
    """The modes to compare: ``modes``, or by default eager and tf.function and, with a
    ``tf2_loop``, the loop modes; ``ModesError`` for a mode unknown or without its function."""
    modes = tuple(modes or (PORT_MODES + (LOOP_MODES if tf2_loop else ())))
    unknown = [m for m in modes if m not in CHECKED_MODES]
    if unknown or (tf2_loop is None and set(modes) & set(LOOP_MODES)):
        raise ModesError(f"modes {', '.join(modes)}: known are {', '.join(CHECKED_MODES)}; "
                         "the loop modes need a tf2_loop function (--loop on the command line)")
    return modes


def _own_copy(inputs):
    """The inputs with each array copied: a function that updates one in place (``w -= ...`` on
    ``inputs["w0"]``) changes neither what the next function is fed nor a trace that aliases it."""
    if not isinstance(inputs, dict):
        return inputs
    return {name: value.copy() if isinstance(value, np.ndarray) else value for name, value in inputs.items()}


def runner(inputs, tf1_run, tf2_run, tf2_loop):
    """run(mode, desired=False): one mode's trace, or the TF1 program's; what each mode calls
    (also timed by ``tfparity check --bench``). Each call gets its own copy of the inputs' arrays."""
    roles = {"tf1_run": tf1_run, "tf2_run": tf2_run, "tf2_loop": tf2_loop}

    def run(mode, desired=False):
        if desired:
            return _trace("tf1_run", _guarded("tf1_run", tf1_run, _own_copy(inputs), graph=True))
        role, options = role_of(mode)
        which = f"{role} ({mode})"
        return _trace(which, _guarded(which, roles[role], _own_copy(inputs), **options))
    return run


def check(make_inputs, tf1_run, tf2_run, seed=0, modes=None, tolerances=None, tf2_loop=None,
          attribute=True, strict=False, names=None, tf2_step=None):
    """Run the TF1 program and each TF2 mode on ``make_inputs(seed)`` and compare every field at
    every step; ``modes`` defaults to eager and tf.function, plus the loop modes when ``tf2_loop``
    is given. ``attribute``: name the cause of each difference by switching causes off.
    ``strict``: switch every switchable cause off first (oneDNN must be off already: set
    TF_ENABLE_ONEDNN_OPTS=0 before TensorFlow loads) and allow no bound but XLA's. ``names``:
    {role: spec} the functions were imported by (the command line's), which a fresh process then
    imports exactly; by default each function's own module and name (``specs.spec_of``).

    Raises ValueError (one line) for modes that do not apply (``ModesError``) and for bounds that
    are not rounding bounds (``NotARoundingBound``: malformed, infinite, or larger than the TF1
    values they bound; the rule is in tfparity.core.tolerances); ``UserCodeError`` when the user's
    code raises, exits, or returns something that is not a trace."""
    modes = check_modes(modes, tf2_loop)
    specs.eager_on("code run before the check (a module it imported)")
    tolerances = {} if tolerances is None else tolerances
    check_declared(tolerances, CHECKED_MODES)
    local_only = [b.cause for found in tolerances.values() for b in found if b.cause in LOCAL_ONLY]
    if local_only and tf2_step is None:
        raise NotARoundingBound(f"a {local_only[0]} bound applies to local steps only, one update from the TF1 "
                                "run's own state: give the port's step_from (--step)")
    if strict:
        switch_off()
    inputs = _guarded("make_inputs", make_inputs, seed)
    given = control.digest(inputs)  # before any function could change them
    run = runner(inputs, tf1_run, tf2_run, tf2_loop)
    desired = run(None, desired=True)
    check_rounding(tolerances, desired)
    traces = {mode: run(mode) for mode in modes}
    functions = {"make_inputs": make_inputs, "tf1_run": tf1_run, "tf2_run": tf2_run, "tf2_loop": tf2_loop}
    mine = control.record(functions, given, {"tf1_graph": desired, **traces})
    steps, confirmed = {}, {}
    if tf2_step is not None:
        kept = local.states(lambda on_step: _trace("tf1_run", _guarded(
            "tf1_run", tf1_run, _own_copy(inputs), graph=True, on_step=on_step)), desired)
        steps, confirmed = local.layer(lambda: _own_copy(inputs), tf2_step, modes, kept, desired, tolerances, _guarded,
                                       traces)
    verdicts = {mode: _trajectory(desired, traces[mode], applicable(tolerances, mode), mode in steps)
                for mode in modes}
    differing = [m for m, v in verdicts.items()  # a dtype or shape difference has no cause to switch
                 if v.status != "bit-identical" and not (v.first_mismatch or {}).get("kind")]
    explained, unreproducible = {}, None
    if attribute and not strict and differing:
        unreproducible = _again(run, differing, mine)
        if unreproducible is None:
            remote, failed = _remote(functions, seed, mine, differing, names)
            explained = attribution.explain(run, differing, remote)
            unreproducible = failed.get("message")
        if unreproducible:
            explained = {}
    return Report(verdicts, explained, {m: hints.suspects(desired, traces[m], v)
                                        for m, v in verdicts.items() if not v.ok and m not in explained},
                  fingerprint(), strict, unreproducible, mine, {REFERENCE: desired, **traces}, steps, confirmed)


def _trajectory(desired, actual, bound, local_layer):
    """The trajectory's verdict: within ``bound`` without a local layer; with one, the bound is the
    local layer's, and the trajectory is bit-identical or "differs" while its causes are active."""
    if not local_layer:
        return compare(desired, actual, *bound)
    return compare(desired, actual, 0, 0.0, bound.causes, differs=bool(bound.causes))


def _again(run, differing, mine):
    """The control in this process: the TF1 run and each differing mode again, nothing switched;
    the words of ``control.message`` when one gives other numbers than the first time, else None."""
    again = {"tf1_graph": run(None, desired=True), **{mode: run(mode) for mode in differing}}
    what = control.difference(mine, control.record({}, None, again))
    return control.message("in this process, called again with nothing switched off", what) if what else None


def _remote(functions, seed, mine, differing, names=None):
    """(remote(off), failed) for attribution: ``remote`` runs the pair in a fresh process with oneDNN
    off, None when a function cannot be imported there by name. Its first call runs the control:
    the same fresh process with nothing switched must reproduce ``mine``; if it does not (or the
    oneDNN-off process imports other code or inputs), ``failed["message"]`` says so and no status
    is returned, so nothing is explained."""
    named = {k: (names or {}).get(k) or specs.spec_of(f) for k, f in functions.items() if f}
    failed, state = {}, {}
    if None in named.values():
        return None, failed
    path = {"PYTHONPATH": specs.search_path()}
    modes = list(dict.fromkeys("tf2_loop" if m == "tf2_xla" else m for m in differing))

    def fail(where, what):
        failed["message"] = control.message(where, what)
        return {}

    def remote(off):
        if failed:
            return {}
        if "controlled" not in state:
            state["controlled"] = True
            try:
                theirs = fresh.call("tfparity.check.parity:reproduce", {"named": named, "seed": seed, "modes": modes},
                                    path)
            except RuntimeError as error:
                return fail(AGAIN_FRESH, f"the run failed there: {str(error).splitlines()[-1]}")
            what = control.difference(mine, theirs)
            if what:
                return fail(AGAIN_FRESH, what)
        try:
            done = fresh.call("tfparity.check.parity:statuses", {"named": named, "seed": seed, "off": off},
                              dict(ONEDNN_OFF, **path))
        except RuntimeError as error:  # the user's code stopped there, with oneDNN off
            return fail("in a fresh process with oneDNN off", f"the run failed there: {str(error).splitlines()[-1]}")
        what = control.difference({"code": mine["code"], "inputs": mine["inputs"]}, done["record"])
        return fail("in a fresh process with oneDNN off", what) if what else done["statuses"]
    return remote, failed


def reproduce(named, seed, modes):
    """In a fresh process, nothing switched: the control record of the TF1 run and ``modes``."""
    functions = {k: specs.resolve(spec, k) for k, spec in named.items()}
    inputs = functions["make_inputs"](seed)
    given = control.digest(inputs)
    run = runner(inputs, functions["tf1_run"], functions["tf2_run"], functions.get("tf2_loop"))
    return control.record(functions, given, {"tf1_graph": run(None, desired=True), **{m: run(m) for m in modes}})


def statuses(named, seed, off):
    """In a fresh process: every non-XLA mode's status with the grappler causes ``off`` switched off,
    and the record of the code and inputs it ran (for the control)."""
    functions = {k: specs.resolve(spec, k) for k, spec in named.items()}
    inputs = functions["make_inputs"](seed)
    record = control.record(functions, control.digest(inputs), {})
    run = runner(inputs, functions["tf1_run"], functions["tf2_run"], functions.get("tf2_loop"))
    with attribution.grappler_off(off):
        desired = run(None, desired=True)
        found = {m: compare(desired, run(m)).status for m in PORT_MODES + (LOOP_MODES[:1] if "tf2_loop" in named else ())}
    return {"statuses": found, "record": record}
