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
from tfparity.check import attribution, hints, specs
from tfparity.check.parity_report import Report
from tfparity.core import fresh
from tfparity.core.compare import compare
from tfparity.core.machine import ONEDNN_OFF, fingerprint
from tfparity.core.modes import CHECKED_MODES, LOOP_MODES, PORT_MODES, role_of
from tfparity.core.tolerances import applicable, switch_off


class UserCodeError(Exception):
    """An exception raised inside the user's own function; ``which`` names it and the mode."""

    def __init__(self, which, error):
        super().__init__(f"{which} raised {type(error).__name__}: {error}")
        self.which, self.error = which, error


def _guarded(which, user_function, *args, **kwargs):
    try:
        return user_function(*args, **kwargs)
    except Exception as error:  # Ctrl-C is not an Exception (tfparity.core.signals): it passes
        raise UserCodeError(which, error) from error


def _modes(modes, tf2_loop):
    modes = tuple(modes or (PORT_MODES + (LOOP_MODES if tf2_loop else ())))
    unknown = [m for m in modes if m not in CHECKED_MODES]
    if unknown or (tf2_loop is None and set(modes) & set(LOOP_MODES)):
        raise ValueError(f"modes {', '.join(modes)}: known are {', '.join(CHECKED_MODES)}; "
                         "the loop modes need a tf2_loop function (--loop on the command line)")
    return modes


def runner(inputs, tf1_run, tf2_run, tf2_loop):
    """run(mode, desired=False): one mode's trace, or the TF1 program's; what each mode calls
    (also timed by ``tfparity check --bench``)."""
    roles = {"tf1_run": tf1_run, "tf2_run": tf2_run, "tf2_loop": tf2_loop}

    def run(mode, desired=False):
        if desired:
            return _guarded("tf1_run", tf1_run, inputs)
        role, options = role_of(mode)
        return _guarded(f"{role} ({mode})", roles[role], inputs, **options)
    return run


def check(make_inputs, tf1_run, tf2_run, seed=0, modes=None, tolerances=None, tf2_loop=None,
          attribute=True, strict=False):
    """Run the TF1 program and each TF2 mode on ``make_inputs(seed)`` and compare every field at
    every step; ``modes`` defaults to eager and tf.function, plus the loop modes when ``tf2_loop``
    is given. ``attribute``: name the cause of each difference by switching causes off.
    ``strict``: switch every switchable cause off first (oneDNN must be off already: set
    TF_ENABLE_ONEDNN_OPTS=0 before TensorFlow loads) and allow no bound but XLA's."""
    modes = _modes(modes, tf2_loop)
    if strict:
        switch_off()
    inputs = _guarded("make_inputs", make_inputs, seed)
    run = runner(inputs, tf1_run, tf2_run, tf2_loop)
    desired = run(None, desired=True)
    traces = {mode: run(mode) for mode in modes}
    verdicts = {mode: compare(desired, traces[mode], *applicable(tolerances or {}, mode)) for mode in modes}
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
