"""Keras 3 as the destination: each example's ``model.fit`` stage (its TF2 twin's ``run_keras``,
the ``tf2_keras`` mode) against its TF1 Session twin, with TF1's rule as a Keras optimizer and
with the Keras namesake of TF1's optimizer.

A study: ``measure()`` trains each stage here and, with oneDNN and grappler's passes off, in a
fresh process; ``render(folder)`` writes docs/keras_fit.md from the record and docs/notes/keras_fit.md.
The examples' own records (``tfparity docs``) hold the full runs of the ``tf2_keras`` mode.
"""
from tfparity.core.modes import KERAS_MODE
from tfparity.studies import strict_record

NAME = "keras_fit"  # the record's and the page's name
EXAMPLES = ("regression", "mlp", "convnet")
# Each example's TF1 optimizer (tfparity.port.optimizers) and its Keras 3 namesake.
OPTIMIZERS = {"regression": ("GradientDescent", "SGD"), "mlp": ("GradientDescent", "SGD"), "convnet": ("Adam", "Adam")}
# Short runs, so that both optimizers and the strict process fit in the suite: the recipe's 100
# steps; the MLP's first 10,000 images (312 updates); the convnet's first 1,000 (20 updates).
SETTINGS = {"regression": {}, "mlp": {"epochs": 1, "train_size": 10_000, "test_size": 1_000},
            "convnet": {"epochs": 1, "train_size": 1_000, "test_size": 100}}


def stage(example, kind):
    """(inputs, the Keras stage's trace) with TF1's rule ("tf1") or the Keras namesake ("keras"):
    ``run_keras(inputs, optimizer=kind)``."""
    from tfparity.core.harness import load
    data, _, twin = load(example)
    inputs = data.make_inputs(0, **SETTINGS[example])
    return inputs, twin.run_keras(inputs, optimizer=kind)


def verdicts(example, strict=False, kinds=("tf1", "keras")):
    """{optimizer kind: verdict text, status, steps} of the Keras stage against the TF1 twin's run
    on the same inputs, for TF1's rule ("tf1") and the Keras namesake ("keras")."""
    from tfparity.core.compare import compare
    from tfparity.core.harness import load, local_check
    from tfparity.core.machine import fingerprint
    from tfparity.core.tolerances import BIT_IDENTICAL, switch_off, tolerance
    if strict:
        switch_off()
    result, desired = {"machine": fingerprint(), "settings": SETTINGS[example]}, None
    for kind in kinds:
        inputs, trace = stage(example, kind)
        desired = desired or load(example)[1].run(inputs)
        bound = BIT_IDENTICAL if strict or kind == "keras" else tolerance(example, KERAS_MODE)  # the bounds the example declares for its own mode
        verdict = compare(desired, trace, *bound)
        result[kind] = {"verdict": str(verdict), "status": verdict.status, "steps": len(trace["loss"])}
        if verdict.status == "differs":  # the bounds are local: the stage's updates from the Session's state judge it
            local = local_check(example, inputs, [KERAS_MODE])[KERAS_MODE]
            result[kind].update(local=str(local), local_status=local.status)
    return result


def measure():
    return strict_record.measure(NAME, "tfparity.studies.keras_fit:verdicts", EXAMPLES)


def render(folder):
    from tfparity.studies.keras_fit.page import page
    strict_record.render(folder, NAME, page)
