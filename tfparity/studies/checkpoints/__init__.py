"""Checkpoints: a TF1 Saver checkpoint carried into TF2, proven by resuming training.

A study: ``measure()`` runs each example's resume proof here and, with oneDNN off, in a fresh
process; ``render(folder)`` writes docs/checkpoints.md from the record and docs/notes/checkpoints.md.
"""
from tfparity.core.modes import PORT_MODES
from tfparity.studies import strict_record

NAME = "checkpoints"  # the record's and the page's name
EXAMPLES = ("mlp", "convnet")  # plain SGD (the weights only), and Adam (two slots per weight, two powers)


def verdicts(example="mlp", strict=False):
    """The example resumed in TF2 against its uninterrupted TF1 run, per mode; ``strict`` first
    switches off what can be switched off in-process, and allows no bound (and skips the exports)."""
    import importlib

    import numpy as np

    from tfparity.core.compare import compare
    from tfparity.core.machine import fingerprint
    from tfparity.core.tolerances import BIT_IDENTICAL, switch_off, tolerance
    if strict:
        switch_off()
    result = importlib.import_module(f"tfparity.studies.checkpoints.{example}").resume(keras=not strict)
    as_steps = lambda trace: {f: v if f == "loss" else np.asarray(v)[np.newaxis] for f, v in trace.items()}
    desired = as_steps(result["traces"]["uninterrupted"])
    found = {mode: compare(desired, as_steps(result["traces"][mode]),
                           *(BIT_IDENTICAL if strict else tolerance(example, mode))) for mode in PORT_MODES}
    return {"machine": fingerprint(), "settings": result["settings"], "inspect": result["inspect"],
            "map": result["map"], "verdicts": {m: str(v) for m, v in found.items()},
            "statuses": {m: v.status for m, v in found.items()},
            **{k: result[k] for k in ("keras", "saved_model") if k in result}}


def measure():
    return strict_record.measure(NAME, "tfparity.studies.checkpoints:verdicts", EXAMPLES)


def render(folder):
    from tfparity.studies.checkpoints.page import page
    strict_record.render(folder, NAME, page)
