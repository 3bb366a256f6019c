"""Run both twins of an example on one set of shared inputs and compare every mode with TF1.

Examples are discovered by module name: a name is an example when ``shared_data``, ``tf1_graph``
and ``tf2_eager`` each have a module of that name. Nothing to register.
"""
import dataclasses
import importlib
import inspect
import pkgutil

from tfparity.core.compare import compare
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


def run_mode(twins, mode, inputs, on_epoch=None):
    """One execution mode's trace: the TF1 Session run, TF2 eager, TF2 with the step as a
    tf.function, or the TF2 twin's whole loop as one tf.function (``tf2_loop``), also compiled
    by XLA (``tf2_xla``); or the TF1 twin's own code run eagerly (``tf1_eager``, optional).

    ``on_epoch(epoch, trace)`` is passed on to twins whose ``run`` takes it (epoch-based ones):
    ``epoch`` is an int counted from 1, ``trace`` the fields so far, named as in the returned trace
    (an example with several methods counts each method's epochs from 1, its fields ``method/field``)."""
    if declared_run(twins, mode):
        run, options = declared_run(twins, mode), {}
    else:
        role, options = role_of(mode)
        run = roles(twins)[role]
    if on_epoch and "on_epoch" in inspect.signature(run).parameters:
        options["on_epoch"] = on_epoch
    return run(inputs, **options)


def as_partial(verdict, epochs, of, not_compared=()):
    """``verdict`` marked as one over the first ``epochs`` of ``of`` only: its text says so."""
    return dataclasses.replace(verdict, partial={"epochs": epochs, "of": of, "not_compared": list(not_compared)})


def verdicts(name, traces, data=PACKAGES[0], scope=None, epochs=None):
    """Each non-reference mode against the TF1 trace, within the bounds the example declares
    (``BOUNDS`` in its module of the ``data`` package) for the causes active here. ``scope``
    ({mode: k}, ``first_epochs``): the modes that ran the first k of the run's ``epochs`` only. A mode
    that ran as far as the reference is compared with all of it, one that stopped earlier with its
    first k epochs (``reference_prefix``); either verdict is marked partial if k < ``epochs``."""
    found, scope = {}, scope or {}
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


def run_example(name, seed=0, modes=None, packages=PACKAGES, progress=None, partial=False, **options):
    """The whole parity run of one example: inputs, a trace per mode, and the verdicts.
    ``modes``: as ``runnable`` reads them (None: MODES and the optional modes the twins have,
    then the modes the example declares, ``declared_modes``). ``partial``: run the modes the
    example declares in ``FIRST_EPOCHS`` on their first epochs only (``first_epochs``), as
    ``tfparity run`` does by default; else every mode runs every epoch.

    ``progress(mode, epoch, trace)``, if given, is called with epoch 0 as each mode starts and
    after every epoch of epoch-based examples."""
    data, *twins = load(name, packages)
    inputs = data.make_inputs(seed, **options)
    epochs = inputs.get("epochs")
    run_modes = runnable(twins, modes) + (declared_modes(data) if modes is None else ())
    scope = first_epochs(data, epochs, run_modes) if partial and epochs else {}
    traces = {}
    for mode in (m for m in run_modes if scope.get(m) != 0):
        if progress:
            progress(mode, 0, None)
        traces[mode] = run_mode(twins, mode, dict(inputs, epochs=scope[mode]) if mode in scope else inputs,
                                progress and (lambda epoch, trace, mode=mode: progress(mode, epoch, trace)))
    return {"example": name, "seed": seed, "machine": fingerprint(), "inputs": inputs, "traces": traces,
            "parity": {"reference": REFERENCE, "verdicts": verdicts(name, traces, packages[0], scope, epochs),
                       "manual_vs_auto": gradient_checks(traces, scope, epochs), "scope": scope}}


def verdict_summaries(name, seed=0, modes=None, strict=False, **options):
    """One run's verdicts as text, shaped as in a record ("verdicts", "manual_vs_auto", "final"), with the
    "machine", every "statuses" (hand-written checks as "MODE, manual vs auto") and the "causes"
    whose bounds were in force: for ``tfparity.core.fresh.call`` under another setting. ``strict``
    first switches off every cause that can be switched off in the process (``tolerances.switch_off``)."""
    if strict:
        switch_off()
    result = run_example(name, seed, modes, **options)
    parity = result["parity"]
    statuses = dict({m: v.status for m, v in parity["verdicts"].items()},
                    **{f"{m}, manual vs auto": v.status for m, v in parity["manual_vs_auto"].items()})
    return {"machine": result["machine"], "statuses": statuses, "final": final_values(result["traces"]),
            **{group: {m: str(v) for m, v in parity[group].items()} for group in ("verdicts", "manual_vs_auto")},
            "causes": {m: list(tolerance(name, m).causes) for m in result["traces"] if m != REFERENCE}}
