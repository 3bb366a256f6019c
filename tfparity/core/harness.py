"""Run both twins of an example on one set of shared inputs and compare every mode with TF1.

Examples are discovered by module name: a name is an example when ``shared_data``, ``tf1_graph``
and ``tf2_eager`` each have a module of that name. Nothing to register.
"""
import dataclasses
import importlib
import inspect
import pkgutil

import numpy as np

from tfparity.core.compare import compare
from tfparity.core.confirm import as_float64, confirm
from tfparity.core.machine import fingerprint
from tfparity.core.modes import ALL_MODES, CALLS, MODES, OPTIONAL_MODES, REFERENCE, role_of
from tfparity.core.records import final_values
from tfparity.core.tolerances import switch_off, tolerance

PACKAGES = ("shared_data", "tf1_graph", "tf2_eager")


def examples(packages=PACKAGES):
    """Names of the complete twin pairs, sorted."""
    found = [{m.name for m in pkgutil.iter_modules(importlib.import_module(p).__path__)
              if not m.name.startswith("_")} for p in packages]
    return sorted(set.intersection(*found))


def load(name, packages=PACKAGES):
    """The (shared_data, tf1_graph, tf2_eager) modules of one example."""
    if name not in examples(packages):
        raise ValueError(f"unknown example {name!r}; known: {', '.join(examples(packages))}")
    return tuple(importlib.import_module(f"{p}.{name}") for p in packages)


def runnable(twins, modes=None):
    """The modes to run: ``modes`` (default MODES with the optional modes the twins have, after
    the reference), without the optional ones the twins lack."""
    if modes is None:
        modes = MODES[:1] + OPTIONAL_MODES + MODES[1:]
    return tuple(m for m in modes if m not in OPTIONAL_MODES or hasattr(twins[0], "run_eager"))


def declared_modes(data):
    """An example's own modes, beyond these (``MODES`` in its shared_data module), run by default
    after them: ``tfN_NAME`` runs twin N's ``run_NAME(inputs)`` (e.g. a variant run of the TF1 twin)."""
    return tuple(getattr(data, "MODES", ()))


def unclaimed(data):
    """{mode: why} of the modes an example does not run (``UNCLAIMED`` in its shared_data module): a
    mode whose difference from the Session no named cause could be confirmed for, so that no verdict
    of it could be trusted."""
    return dict(getattr(data, "UNCLAIMED", {}))


def declared_run(twins, mode):
    """The twin's ``run_NAME`` for a declared mode ``tfN_NAME``, or None."""
    twin = {"tf1_": twins[0], "tf2_": twins[1]}.get(mode[:4])
    return getattr(twin, f"run_{mode[4:]}", None) if mode not in ALL_MODES and twin else None


def first_epochs(data, epochs, modes=None):
    """``{mode: k}``: the modes of ``modes`` (default: every mode name there is) that ``tfparity run``
    runs on their first k of the run's ``epochs`` only, by default; k = 0: not at all (a mode whose
    every epoch is slow). ``FIRST_EPOCHS`` in the example's shared_data module declares them, the
    reference among them if its full run is too slow; no mode runs further than the reference, so
    a mode it does not name runs as far as the reference does. Each such mode runs
    ``dict(inputs, epochs=k)`` and is compared with the reference's first k epochs
    (``reference_prefix``); ``--full`` and ``tfparity docs`` run every mode to the end."""
    declared = getattr(data, "FIRST_EPOCHS", {})
    reference = min(declared.get(REFERENCE, epochs), epochs)
    scope = {mode: min(declared.get(mode, epochs), reference) for mode in modes or tuple(CALLS) + declared_modes(data)}
    return {mode: k for mode, k in scope.items() if k < epochs}


def reference_prefix(reference, trace, epochs, of):
    """(desired, actual, not_compared): the fields of ``trace``, a run of the first ``epochs`` of
    ``of``, beside the same span of the full ``reference``. A field is a series (per update or per
    epoch) when the reference holds ``of / epochs`` times as many values: its first values are
    compared. A field with as many values in both was recorded once, at the end of the run (final
    weights, test predictions): a shorter run cannot match it, so it is named in ``not_compared``.
    A field in one trace only is kept as it is, for ``compare`` to report."""
    desired, actual, not_compared = {}, {}, []
    for field in dict.fromkeys([*reference, *trace]):
        if field not in reference or field not in trace:
            for kept, source in ((desired, reference), (actual, trace)):
                kept.update({field: source[field]} if field in source else {})
            continue
        short, whole = len(trace[field]), len(reference[field])
        if short * of == whole * epochs:
            desired[field], actual[field] = reference[field][:short], trace[field]
        elif short == whole:
            not_compared.append(field)
        else:
            raise ValueError(f"{field}: {short} values in epochs 1-{epochs} against {whole} in all {of}, "
                             "neither a series nor recorded once: the first-epochs rule does not apply")
    return desired, actual, not_compared


def roles(twins):
    """The twins' functions by role (``tfparity.core.modes``): run, run_eager, run and run_loop."""
    return {"tf1_run": twins[0].run, "tf1_eager": getattr(twins[0], "run_eager", None),
            "tf2_run": twins[1].run, "tf2_loop": getattr(twins[1], "run_loop", None)}


def run_mode(twins, mode, inputs, on_epoch=None, on_step=None):
    """One execution mode's trace: the TF1 Session run, TF2 eager, TF2 with the step as a
    tf.function, or the TF2 twin's whole loop as one tf.function (``tf2_loop``), also compiled
    by XLA (``tf2_xla``); or the TF1 twin's own code run eagerly (``tf1_eager``, optional).

    ``on_epoch(epoch, trace)`` is passed on to twins whose ``run`` takes it (epoch-based ones):
    ``epoch`` is an int counted from 1, ``trace`` the fields so far, named as in the returned trace
    (an example with several methods counts each method's epochs from 1, its fields ``method/field``).
    ``on_step(k, read)``, for twins whose ``run`` takes it, is called with k = 0 before the first update
    and after each update k, ``read()`` giving the state then: every variable by its TF1 name. An
    example with several runs (methods, settings) calls it for each run's updates in turn, k counted from
    0 in each, its variables named ``run/name`` as its fields are (``state_keeper`` merges them by k)."""
    if declared_run(twins, mode):
        run, options = declared_run(twins, mode), {}
    else:
        role, options = role_of(mode)
        run = roles(twins)[role]
    if on_epoch and "on_epoch" in inspect.signature(run).parameters:
        options["on_epoch"] = on_epoch
    if on_step:  # the reference's state after each update, for the local layer (``state_keeper``)
        options["on_step"] = on_step
    return run(inputs, **options)


# The local layer (teacher forcing): which updates it takes from the reference's own state. The
# first few, where a port's slip acts at its full size, then every power of two and three times
# one (4, 6, 8, 12, 16, 24, ...): a run of n updates is checked about 2·log2(n) times, spread over it.
LOCAL_FIRST = 3
LOCAL = "local steps"  # what ``progress`` is told while the local layer runs


def local_step(k):
    """Whether the local layer checks update ``k`` (counted from 1)."""
    odd = k >> (k & -k).bit_length() - 1 if k > 0 else 0  # k without its factors of two
    return 1 <= k <= LOCAL_FIRST or odd in (1, 3)


def loss_series(trace, data=None):
    """A trace's per-update losses by field: "loss" (or the field the example's ``data`` module names
    as its ``LOSS``), or each run's "run/loss" where an example has several runs (``run_mode``)."""
    name = getattr(data, "LOSS", "loss")
    return {field: values for field, values in trace.items() if field == name or field.endswith("/" + name)}


def step_from(twins, mode):
    """The function that takes one update of ``mode`` from given states, as ``f(inputs, states)`` →
    {k: (loss, state after)} (the contract: a twin's ``step_from(inputs, states)``; with several runs
    the loss is {run/loss: its loss} and the state holds every run's that has an update k), or None where the
    twins offer none: TF1's ``step_from`` for the reference (the control), TF2's ``step_from`` for its
    run modes, ``step_from_loop`` for the loop modes, twin N's ``step_from_NAME`` for a declared mode
    ``tfN_NAME`` (a TF1 variant too: another TF1 program, stepped from the reference's state)."""
    tf1, tf2 = twins[0], twins[1]
    if mode == REFERENCE:
        return getattr(tf1, "step_from", None)
    if declared_run(twins, mode):
        return getattr(tf1 if mode.startswith("tf1_") else tf2, f"step_from_{mode[4:]}", None)
    role, options = role_of(mode)
    found = {"tf2_run": getattr(tf2, "step_from", None), "tf2_loop": getattr(tf2, "step_from_loop", None)}.get(role)
    return found and (lambda inputs, states: found(inputs, states, **options))


def state_keeper(twins):
    """(on_step, kept) for the reference's run: ``on_step(k, read)`` keeps ``read()``, the state after
    update k (k = 0: the initial state) by TF1 name, in ``kept`` wherever the local layer checks update k
    or k + 1, the runs' states at one k merged (``run_mode``); None where the twins have no local layer
    (no TF1 ``step_from``, or a run without ``on_step``)."""
    if not (hasattr(twins[0], "step_from") and "on_step" in inspect.signature(twins[0].run).parameters):
        return None
    kept = {}

    def on_step(k, read):
        if local_step(k) or local_step(k + 1):
            kept.setdefault(k, {}).update(read())
    return on_step, kept


def local_layer(twins, inputs, modes, states, losses):
    """Each mode's one update from the reference's own state before it, beside the reference's own
    next state: {mode: (desired, actual, steps)}, traces whose i-th row is update ``steps[i]``: the
    step's loss ("loss", the reference's from ``losses``, its per-update series; or, from several runs,
    {run/loss: series}, ``loss_series``) and every variable. Runs of several lengths: a run's fields
    hold the rows of its own updates, the first of ``steps`` (each run counts its updates from 1)."""
    losses = losses if isinstance(losses, dict) else {"loss": losses}
    updates = max(map(len, losses.values()), default=0)
    steps = [k for k in sorted(states) if local_step(k) and k - 1 in states and k <= updates]
    found = {}
    for mode in modes:
        run = step_from(twins, mode)
        if run is None or not steps:
            continue
        desired = _stacked({k: ({f: s[k - 1] for f, s in losses.items() if k <= len(s)}, states[k]) for k in steps}, steps)
        found[mode] = desired, _stacked(run(inputs, {k: states[k - 1] for k in steps}), steps), steps
    return found


def _stacked(after, steps):
    """A ``step_from`` result ({k: (loss, state after)}; the loss a value, or {run/loss: value}) as a
    trace whose i-th row is update ``steps[i]`` (a run's fields: of its own updates, the first rows)."""
    after = {k: (loss if isinstance(loss, dict) else {"loss": loss}, state) for k, (loss, state) in after.items()}
    fields = dict.fromkeys(field for k in steps for part in after[k] for field in part)
    return {field: np.stack([part[field] for k in steps for part in after[k] if field in part]) for field in fields}


def in_float64(twins, inputs, states, local):
    """``f(mode)``: the updates ``local`` (``local_layer``'s result) took for ``mode``, taken again by
    the same ``step_from`` from the same states with inputs and states cast to float64, the trace
    ``tfparity.core.confirm`` holds both float32 updates to (``local_verdicts``)."""
    def run(mode):
        steps = local[mode][2]
        given = {k: as_float64(states[k - 1]) for k in steps}
        return _stacked(step_from(twins, mode)(as_float64(inputs), given), steps)
    return run


def as_partial(verdict, epochs, of, not_compared=()):
    """``verdict`` marked as one over the first ``epochs`` of ``of`` only: its text says so."""
    return dataclasses.replace(verdict, partial={"epochs": epochs, "of": of, "not_compared": list(not_compared)})


def local_check(name, inputs, modes, packages=PACKAGES):
    """The local layer on its own ({mode: Verdict}, ``local_verdicts``; {} where the twins offer
    none): the reference run again on ``inputs`` to keep its states, then each of ``modes`` one
    update from them. For a caller that ran the modes itself (a notebook)."""
    data, *twins = load(name, packages)
    keeper = state_keeper(twins)
    if keeper is None:
        return {}
    reference = run_mode(twins, REFERENCE, inputs, on_step=keeper[0])
    local = local_layer(twins, inputs, modes, keeper[1], loss_series(reference, data))
    return local_verdicts(name, local, packages[0], in_float64(twins, inputs, keeper[1], local))


def at_updates(verdict, steps):
    """``verdict`` of a local comparison with each place's step (a row) read as the update it is."""
    def place(found):
        return dict(found, step=steps[found["step"] - 1]) if found and found.get("step") else found
    return dataclasses.replace(verdict, first_difference=place(verdict.first_difference),
                               first_mismatch=place(verdict.first_mismatch), local=len(steps))


def local_verdicts(name, local, data=PACKAGES[0], float64=None):
    """The local layer's verdicts, {mode: Verdict} from ``local_layer``'s results: each mode's one
    update from the reference's state, within the bounds the example declares for the causes active
    here; the reference's own (its ``step_from`` against its run) must be bit-identical: the control
    that the state set and read is the whole state. ``float64`` (``in_float64``): each update a bound
    allows a TF2 mode is also confirmed as rounding of the port's own mathematics (``tfparity.core.confirm``),
    else a MISMATCH of kind "unconfirmed": a bound wide enough for XLA's rounding cannot pass a port
    that computes its step in float64, or in another way, where TF1 rounds."""
    found = {}
    for mode, (desired, actual, steps) in local.items():
        bounds = () if mode == REFERENCE else tolerance(name, mode, data, layer="local")
        series = tuple(loss_series(desired, importlib.import_module(f"{data}.{name}")))
        verdict = at_updates(compare(desired, actual, *bounds, scaled=True, series=series), steps)
        port = mode.startswith("tf2_")  # a TF1 variant is TF1 code: float32 placeholders, no float64 run
        check = verdict.status == "within" and port and float64 and confirm(desired, actual, float64(mode), steps, series)
        if check and not check["ok"]:
            verdict = dataclasses.replace(verdict, status="mismatch", first_mismatch={
                "kind": "unconfirmed", "cause": ", ".join(verdict.causes), "field": check.get("field"), "step": check.get("step"),
                "detail": check["detail"]})
        found[mode] = verdict
    return found


def verdicts(name, traces, data=PACKAGES[0], scope=None, epochs=None, local=None):
    """Each non-reference mode against the TF1 trace, within the bounds the example declares
    (``BOUNDS`` in its module of the ``data`` package) for the causes active here. ``scope``
    ({mode: k}, ``first_epochs``): the modes that ran the first k of the run's ``epochs`` only. A mode
    that ran as far as the reference is compared with all of it, one that stopped earlier with its
    first k epochs (``reference_prefix``); either verdict is marked partial if k < ``epochs``.

    Where the example's bounds are local (``tolerances.local_bounds``) a trajectory is compared bit
    for bit and, where it differs while a declared cause is active, has the status "differs": it is
    reported, and judged by the local layer (``local``, {mode: Verdict} from ``local_verdicts``, a
    group of its own in the result); a mode the local layer did not take is marked so in its text.
    With no cause active the trajectory must be bit-identical, as before."""
    found, scope, local = {}, scope or {}, local or {}
    reference = traces.get(REFERENCE)
    for mode in traces:
        if mode == REFERENCE:
            continue
        bounds = tolerance(name, mode, data)
        span, reference_span = scope.get(mode, epochs), scope.get(REFERENCE, epochs)
        if span == reference_span:
            found[mode], not_compared = compare(reference, traces[mode], *bounds), []
        else:
            desired, actual, not_compared = reference_prefix(reference, traces[mode], span, reference_span)
            found[mode] = compare(desired, actual, *bounds)
        if found[mode].status == "differs" and mode not in local:
            found[mode] = dataclasses.replace(found[mode], local=0)
        if mode in scope:
            found[mode] = as_partial(found[mode], span, epochs, not_compared)
    return found


def gradient_checks(traces, scope=None, epochs=None):
    """Hand-written against automatic gradients, within each mode, for every *grad_manual field
    (a mode in ``scope`` over the epochs it ran: the check is marked partial)."""
    checks, scope = {}, scope or {}
    for mode, trace in traces.items():
        pairs = [(f, f.replace("grad_manual", "grad_auto")) for f in trace if "grad_manual" in f]
        if pairs:
            checks[mode] = compare({m: trace[a] for m, a in pairs}, {m: trace[m] for m, _ in pairs})
            if mode in scope:
                checks[mode] = as_partial(checks[mode], scope[mode], epochs)
    return checks


def run_example(name, seed=0, modes=None, packages=PACKAGES, progress=None, partial=False, local=True, **options):
    """The whole parity run of one example: inputs, a trace per mode, and the verdicts.
    ``modes``: as ``runnable`` reads them (None: MODES and the optional modes the twins have,
    then the modes the example declares, ``declared_modes``). ``partial``: run the modes the
    example declares in ``FIRST_EPOCHS`` on their first epochs only (``first_epochs``), as
    ``tfparity run`` does by default; else every mode runs every epoch.

    ``progress(mode, epoch, trace)``, if given, is called with epoch 0 as each mode starts and
    after every epoch of epoch-based examples, and with mode ``LOCAL`` as the local layer starts.
    ``local``: also take the local layer (``local_layer``) where the twins offer it: each mode's
    one update from the reference's own state at the updates ``local_step`` names."""
    data, *twins = load(name, packages)
    inputs = data.make_inputs(seed, **options)
    epochs = inputs.get("epochs")
    run_modes = tuple(m for m in runnable(twins, modes) + (declared_modes(data) if modes is None else ())
                      if m not in unclaimed(data))
    scope = first_epochs(data, epochs, run_modes) if partial and epochs else {}
    traces, keeper = {}, state_keeper(twins) if local else None
    for mode in (m for m in run_modes if scope.get(m) != 0):
        if progress:
            progress(mode, 0, None)
        traces[mode] = run_mode(twins, mode, dict(inputs, epochs=scope[mode]) if mode in scope else inputs,
                                progress and (lambda epoch, trace, mode=mode: progress(mode, epoch, trace)),
                                keeper[0] if keeper and mode == REFERENCE else None)
    found = {}
    if keeper and keeper[1] and loss_series(traces.get(REFERENCE, {}), data):
        if progress:
            progress(LOCAL, 0, None)
        local = local_layer(twins, inputs, list(traces), keeper[1], loss_series(traces[REFERENCE], data))
        found = local_verdicts(name, local, packages[0], in_float64(twins, inputs, keeper[1], local))
    return {"example": name, "seed": seed, "machine": fingerprint(), "inputs": inputs, "traces": traces,
            "parity": {"reference": REFERENCE, "verdicts": verdicts(name, traces, packages[0], scope, epochs, found),
                       "local": found, "manual_vs_auto": gradient_checks(traces, scope, epochs), "scope": scope}}


def statuses(parity):
    """{mode: status} of a run's ``parity``: local ones as "MODE, local", hand-written checks as "MODE,
    manual vs auto"."""
    return dict({m: v.status for m, v in parity["verdicts"].items()},
                **{f"{m}, local": v.status for m, v in parity["local"].items()},
                **{f"{m}, manual vs auto": v.status for m, v in parity["manual_vs_auto"].items()})


def verdict_summaries(name, seed=0, modes=None, strict=False, **options):
    """One run's verdicts as text, shaped as in a record ("verdicts", "local", "manual_vs_auto", "final"), with
    the "machine", every "statuses" (local ones as "MODE, local", hand-written checks as "MODE, manual vs
    auto") and the "causes"
    whose bounds were in force: for ``tfparity.core.fresh.call`` under another setting. ``strict``
    first switches off every cause that can be switched off in the process (``tolerances.switch_off``)."""
    if strict:
        switch_off()
    result = run_example(name, seed, modes, **options)
    parity = result["parity"]
    return {"machine": result["machine"], "statuses": statuses(parity), "final": final_values(result["traces"]),
            **{group: {m: str(v) for m, v in parity[group].items()} for group in ("verdicts", "local", "manual_vs_auto")},
            "causes": {m: list(tolerance(name, m).causes) for m in result["traces"] if m != REFERENCE}}
