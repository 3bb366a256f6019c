"""The local layer of ``tfparity check`` (``--step``): each TF2 mode's one update taken from the
TF1 run's own state, beside the TF1 run's next state, as the examples' twins do it
(``tfparity.core.harness.local_layer``). A slip shows at its full size on the update where it acts;
chaotic growth cannot inflate a rounding difference; bounds apply here, never to the trajectory.

The contract adds two things to the pair's: ``tf1_run(inputs, on_step=None)`` calls
``on_step(k, read)`` before its first update (k = 0) and after each update k, where ``read()``
returns the whole state by TF1 name (variables and optimizer slots: {name: array}); and the port's
``step_from(inputs, states, function=False)`` takes ``states`` ({k: the state before update k}),
sets its own variables to each by TF1 name, takes update k and returns {k: (the loss as its run
traces it, {TF1 name: value after})} (``tfparity.port.teacher`` does the setting and reading).
The loss is compared where the TF1 trace has a "loss" field with a value per update.

A local difference is checked against float64 (``confirm``, ``tfparity.core.confirm``): the port's
``step_from`` run once more on the inputs and states cast to float64. A "reformulation" bound (the
same mathematics in another order of operations, which nothing can switch off) passes only so confirmed.
"""
import dataclasses
from collections.abc import Mapping

import numpy as np

from tfparity.check.specs import UserCodeError
from tfparity.core.compare import compare
from tfparity.core.confirm import as_float64 as _float64, confirm as confirm_rows
from tfparity.core.harness import at_updates, local_step
from tfparity.core.modes import role_of
from tfparity.core.tolerances import applicable

# The modes that have a step of their own to take from a state: the port's run, eager or as a
# tf.function (the loop modes run the whole loop at once).
STEP_ROLE = "tf2_run"
# The cause that only the float64 confirmation admits (tfparity.core.tolerances.CAUSES).
REFORMULATION = "reformulation"
# The per-update loss, whose ULPs are counted at its largest value over the checked updates
# (``compare.field_scaled``): near zero it is an output's cancellation against its target.
LOSS = ("loss",)


def states(run_tf1, desired):
    """{k: the state after update k} of the TF1 run, kept where the layer checks update k or k + 1;
    ``run_tf1(on_step)`` runs it (the user's code, guarded). That run's trace must be ``desired`` bit
    for bit (reading the state may not change the run); ``UserCodeError`` when it is not, or when
    ``on_step`` was never called."""
    kept = {}

    def on_step(k, read):
        if local_step(k) or local_step(k + 1):
            kept[k] = {name: np.array(value) for name, value in dict(read()).items()}
    trace = run_tf1(on_step)
    if not kept:
        raise UserCodeError("tf1_run", None, "it takes on_step but never called it: call on_step(k, read) "
                                             "before the first update (k = 0) and after each update k")
    same = compare(desired, trace)
    if same.status != "bit-identical":
        raise UserCodeError("tf1_run", None, f"its run with on_step differs from its run without: {same}; "
                                             "read() may only read the state")
    return kept


def _after(which, returned, steps):
    """The port's ``step_from`` result checked: {k: (loss, {name: array})} for every k of ``steps``."""
    if not isinstance(returned, Mapping) or set(returned) != set(steps):
        got = sorted(returned)[:6] if isinstance(returned, Mapping) else type(returned).__name__
        raise UserCodeError(which, None, f"it returned {got}, not {{k: (loss, state after)}} for the updates "
                                         f"asked, {steps[:6]}{' ...' if len(steps) > 6 else ''}")
    for k, found in returned.items():
        if not (isinstance(found, tuple) and len(found) == 2 and isinstance(found[1], Mapping)):
            raise UserCodeError(which, None, f"its value for update {k} is not (loss, {{TF1 name: value}})")
    return returned


def _not_its_run(actual, run, updates):
    """Where the port's ``step_from`` does not compute what its run does: update 1 starts from the
    shared initial state in both, so every field the run traces at each update must come out of
    ``step_from``'s update 1 (``actual``'s first row) bit for bit; a place dict, or None."""
    for name in actual:
        traced = np.asarray(run.get(name, ()))
        if traced.ndim < 1 or len(traced) != updates:
            continue
        mine, theirs = np.asarray(actual[name][0]), traced[0]
        if mine.shape != theirs.shape or mine.dtype != theirs.dtype or mine.tobytes() != theirs.tobytes():
            return {"kind": "step_from", "field": name, "detail": (
                f"the port's step_from does not compute what its run does: at update 1, from the same initial "
                f"state, field {name} is {mine.ravel()[:3]} in step_from and {np.ravel(theirs)[:3]} in the run")}
    return None


def layer(inputs, tf2_step, modes, kept, reference, tolerances, guarded, runs=None):
    """({mode: local Verdict}, {mode: float64 confirmation}) for each of ``modes`` that takes steps
    (eager, tf.function): the port's update k from ``kept[k - 1]`` against ``kept[k]`` (and the loss
    against ``reference["loss"]`` where it has a value per update), within the bounds of
    ``tolerances`` whose causes are active, ULPs counted at each field's largest value; every
    difference checked against float64 (``confirm``), and a reformulation bound's verdict a MISMATCH
    unless confirmed; and a MISMATCH where ``step_from`` is not what the mode's run (``runs[mode]``,
    its trace) computes at update 1 (the control). ``guarded(which, function, *args, **kwargs)`` runs
    the user's code."""
    steps = [k for k in sorted(kept) if k > 0 and local_step(k) and k - 1 in kept]
    losses = np.asarray(reference.get("loss", ()))
    with_loss = losses.ndim >= 1 and len(losses) >= max(steps, default=0)
    found, confirmed = {}, {}
    for mode in modes:
        role, options = role_of(mode)
        if role != STEP_ROLE or not steps:
            continue
        which = f"step_from ({mode})"
        given = {k: kept[k - 1] for k in steps}
        desired = {"loss": losses[[k - 1 for k in steps]]} if with_loss else {}
        desired.update({name: np.stack([kept[k][name] for k in steps]) for name in kept[steps[0]]})
        actual = _stacked(which, _after(which, guarded(which, tf2_step, inputs(), given, **options), steps),
                          steps, with_loss)
        verdict = at_updates(compare(desired, actual, *applicable(tolerances, mode), scaled=True, series=LOSS), steps)
        if verdict.status != "bit-identical" and not (verdict.first_mismatch or {}).get("kind"):
            confirmed[mode] = confirm(lambda: guarded(f"step_from in float64 ({mode})", tf2_step, _float64(inputs()),
                                                      {k: _float64(state) for k, state in given.items()}, **options),
                                      desired, actual, steps, with_loss)
            if verdict.status == "within" and REFORMULATION in verdict.causes and not confirmed[mode]["ok"]:
                verdict = dataclasses.replace(verdict, status="mismatch", first_mismatch={
                    "kind": "unconfirmed", "field": confirmed[mode].get("field"), "detail": confirmed[mode]["detail"]})
        other = _not_its_run(actual, (runs or {}).get(mode, {}), max(kept)) if 1 in steps else None
        if other:
            verdict = dataclasses.replace(verdict, status="mismatch", first_mismatch=other)
        found[mode] = verdict
    return found, confirmed


def _stacked(which, after, steps, with_loss):
    """The port's results as a trace whose i-th row is update ``steps[i]``."""
    actual = {"loss": np.array([np.asarray(after[k][0]) for k in steps])} if with_loss else {}
    names = dict.fromkeys(name for k in steps for name in after[k][1])
    try:
        actual.update({name: np.stack([np.asarray(after[k][1][name]) for k in steps]) for name in names})
    except (KeyError, ValueError) as error:
        raise UserCodeError(which, None, f"its states name other variables or shapes from update to update "
                                         f"({type(error).__name__}: {error})") from None
    return actual


def confirm(run64, desired, actual, steps, with_loss):
    """Whether the TF1 updates (``desired``) are rounding of the port's mathematics: ``run64()`` is
    the port's ``step_from`` on float64 inputs and states. {"ok", "tf1", "port": the worst distances
    from it in ULPs of each field's largest value, "field", "step" where the ratio is worst,
    "detail": one line}; not ok, with the reason, where the port cannot run in float64."""
    try:
        exact = _stacked("step_from in float64", _after("step_from in float64", run64(), steps), steps, with_loss)
    except UserCodeError as error:
        return {"ok": False, "detail": f"cannot be checked in float64: {error.how}"}
    return confirm_rows(desired, actual, exact, steps, LOSS)
