"""Run both twins of an example on one set of shared inputs and compare every mode with TF1.

Examples are discovered by module name: a name is an example when ``shared_data``, ``tf1_graph``
and ``tf2_eager`` each have a module of that name. Nothing to register.
"""
import importlib
import inspect
import pkgutil

from tfparity.core.compare import compare
from tfparity.core.machine import fingerprint
from tfparity.core.modes import ALL_MODES, MODES, OPTIONAL_MODES, REFERENCE, role_of
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


def verdicts(name, traces, data=PACKAGES[0]):
    """Each non-reference mode against the TF1 trace, within the bounds the example declares
    (``BOUNDS`` in its module of the ``data`` package) for the causes active here."""
    return {mode: compare(traces[REFERENCE], traces[mode], *tolerance(name, mode, data))
            for mode in traces if mode != REFERENCE}


def gradient_checks(traces):
    """Hand-written against automatic gradients, within each mode, for every *grad_manual field."""
    checks = {}
    for mode, trace in traces.items():
        pairs = [(f, f.replace("grad_manual", "grad_auto")) for f in trace if "grad_manual" in f]
        if pairs:
            checks[mode] = compare({m: trace[a] for m, a in pairs}, {m: trace[m] for m, _ in pairs})
    return checks


def run_example(name, seed=0, modes=None, packages=PACKAGES, progress=None, **options):
    """The whole parity run of one example: inputs, a trace per mode, and the verdicts.
    ``modes``: as ``runnable`` reads them (None: MODES and the optional modes the twins have,
    then the modes the example declares, ``declared_modes``).

    ``progress(mode, epoch, trace)``, if given, is called with epoch 0 as each mode starts and
    after every epoch of epoch-based examples."""
    data, *twins = load(name, packages)
    inputs = data.make_inputs(seed, **options)
    traces = {}
    for mode in runnable(twins, modes) + (declared_modes(data) if modes is None else ()):
        if progress:
            progress(mode, 0, None)
        traces[mode] = run_mode(twins, mode, inputs, progress and (
            lambda epoch, trace, mode=mode: progress(mode, epoch, trace)))
    return {"example": name, "seed": seed, "machine": fingerprint(), "inputs": inputs, "traces": traces,
            "parity": {"reference": REFERENCE, "verdicts": verdicts(name, traces, packages[0]),
                       "manual_vs_auto": gradient_checks(traces)}}


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
