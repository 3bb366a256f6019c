"""Bring your own code: the parity of a user's TF1 program and its TF2 port, as a library call.

The contract is this project's twins': ``make_inputs(seed) -> dict`` of every input (data,
initial values, schedules), ``tf1_run(inputs) -> {field: per-step array}`` (a TF1 graph and
Session), ``tf2_run(inputs, function=False) -> the same`` (eager; ``function=True``: the step as a
tf.function) and, optionally, ``tf2_loop(inputs, jit_compile=False)`` (the whole loop in one
tf.function; ``jit_compile=True``: under XLA). ``tolerances`` is ``{mode: [Bound(cause, ulp,
atol, measured)]}`` as in an example's ``BOUNDS``: a bound applies only while its cause is active.

A mode that differs is re-run with each switchable cause off (``tfparity.check.attribution``); a
difference that vanishes with its cause off is explained, and the report passes and names it.

    report = tfparity.check.check(make_inputs, tf1_run, tf2_run)
    assert report.ok, report
"""
from collections.abc import Mapping

import numpy as np

from tfparity.check import attribution, hints, specs
from tfparity.check.parity_report import Report
from tfparity.check.specs import UserCodeError
from tfparity.core import fresh
from tfparity.core.compare import compare
from tfparity.core.machine import ONEDNN_OFF, fingerprint
from tfparity.core.modes import CHECKED_MODES, LOOP_MODES, PORT_MODES, role_of
from tfparity.core.tolerances import applicable, check_declared, check_rounding, switch_off

# The dtype kinds a trace may hold: booleans, integers (labels: equal or not) and floats, real or
# complex (measured in ULPs); anything else (strings, objects) is not a trace of numbers.
NUMBERS = "biufc"


def _guarded(which, user_function, *args, **kwargs):
    with specs.running(which):
        return user_function(*args, **kwargs)


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
        except ValueError:  # steps of different shapes
            shapes = sorted({np.shape(step) for step in values}, key=str) if _sequence(values) else []
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
            return _trace("tf1_run", _guarded("tf1_run", tf1_run, _own_copy(inputs)))
        role, options = role_of(mode)
        which = f"{role} ({mode})"
        return _trace(which, _guarded(which, roles[role], _own_copy(inputs), **options))
    return run


def check(make_inputs, tf1_run, tf2_run, seed=0, modes=None, tolerances=None, tf2_loop=None,
          attribute=True, strict=False):
    """Run the TF1 program and each TF2 mode on ``make_inputs(seed)`` and compare every field at
    every step; ``modes`` defaults to eager and tf.function, plus the loop modes when ``tf2_loop``
    is given. ``attribute``: name the cause of each difference by switching causes off.
    ``strict``: switch every switchable cause off first (oneDNN must be off already: set
    TF_ENABLE_ONEDNN_OPTS=0 before TensorFlow loads) and allow no bound but XLA's.

    Raises ValueError (one line) for modes that do not apply (``ModesError``) and for bounds that
    are not rounding bounds (``NotARoundingBound``: malformed, infinite, or larger than the TF1
    values they bound; the rule is in tfparity.core.tolerances); ``UserCodeError`` when the user's
    code raises, exits, or returns something that is not a trace."""
    modes = check_modes(modes, tf2_loop)
    tolerances = {} if tolerances is None else tolerances
    check_declared(tolerances, CHECKED_MODES)
    if strict:
        switch_off()
    inputs = _guarded("make_inputs", make_inputs, seed)
    run = runner(inputs, tf1_run, tf2_run, tf2_loop)
    desired = run(None, desired=True)
    check_rounding(tolerances, desired)
    traces = {mode: run(mode) for mode in modes}
    verdicts = {mode: compare(desired, traces[mode], *applicable(tolerances, mode)) for mode in modes}
    differing = [m for m, v in verdicts.items()  # a dtype or shape difference has no cause to switch
                 if v.status != "bit-identical" and not (v.first_mismatch or {}).get("kind")]
    explained = attribution.explain(run, differing, _remote(make_inputs, tf1_run, tf2_run, tf2_loop, seed)) \
        if attribute and not strict else {}
    return Report(verdicts, explained, {m: hints.suspects(desired, traces[m], v)
                                        for m, v in verdicts.items() if not v.ok and m not in explained},
                  fingerprint(), strict)


def _remote(make_inputs, tf1_run, tf2_run, tf2_loop, seed):
    """remote(off) for attribution: the pair in a fresh process with oneDNN off, when every
    function can be imported there by name; None otherwise."""
    named = {k: specs.spec_of(f) for k, f in (("make_inputs", make_inputs), ("tf1_run", tf1_run),
                                              ("tf2_run", tf2_run), ("tf2_loop", tf2_loop)) if f}
    if None in named.values():
        return None
    return lambda off: fresh.call("tfparity.check.parity:statuses", {"named": named, "seed": seed, "off": off},
                                  dict(ONEDNN_OFF, PYTHONPATH=specs.search_path()))


def statuses(named, seed, off):
    """In a fresh process: every non-XLA mode's status with the grappler causes ``off`` switched off."""
    functions = {k: specs.resolve(spec, k) for k, spec in named.items()}
    inputs = functions["make_inputs"](seed)
    run = runner(inputs, functions["tf1_run"], functions["tf2_run"], functions.get("tf2_loop"))
    with attribution.grappler_off(off):
        desired = run(None, desired=True)
        return {m: compare(desired, run(m)).status for m in PORT_MODES + (LOOP_MODES[:1] if "tf2_loop" in named else ())}
