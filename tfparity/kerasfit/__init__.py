"""Keras 3 as the destination: each example's ``model.fit`` stage against its TF1 Session twin.

A study: ``measure()`` trains each Keras stage here (TF1's rule as a Keras optimizer, and the Keras
namesake) and, with oneDNN and grappler's passes off, in a fresh process; ``render(folder)``
writes docs/keras_fit.md from the record and docs/notes/keras_fit.md.
"""
from tfparity import strict_record

NAME = "keras_fit"  # the record's and the page's name
EXAMPLES = ("regression", "mlp", "convnet")
MODE = "tf2_function"  # fit's train step is a tf.function: the bounds of that mode are the ones that apply
# Each example's TF1 optimizer (tfparity.optimizers) and its Keras 3 namesake.
OPTIMIZERS = {"regression": ("GradientDescent", "SGD"), "mlp": ("GradientDescent", "SGD"), "convnet": ("Adam", "Adam")}


def verdicts(example, strict=False, kinds=("tf1", "keras")):
    """{optimizer kind: verdict text, status} of the Keras stage against the TF1 twin's run, for
    TF1's rule as a Keras optimizer ("tf1") and the Keras namesake ("keras")."""
    import importlib

    from tfparity.compare import compare
    from tfparity.machine import fingerprint
    from tfparity.tolerances import BIT_IDENTICAL, switch_off, tolerance
    if strict:
        switch_off()
    stage = importlib.import_module(f"tfparity.kerasfit.{example}")
    twin = importlib.import_module(f"tf1_graph.{example}")
    result, desired = {"machine": fingerprint(), "settings": stage.SETTINGS}, None
    for kind in kinds:
        inputs, trace = stage.run(optimizer=kind)
        desired = desired or {field: twin.run(inputs)[field] for field in stage.FIELDS}
        bound = BIT_IDENTICAL if strict or kind == "keras" else tolerance(example, MODE)
        verdict = compare(desired, {field: trace[field] for field in stage.FIELDS}, *bound)
        result[kind] = {"verdict": str(verdict), "status": verdict.status, "steps": len(trace["loss"])}
    return result


def measure():
    return strict_record.measure(NAME, "tfparity.kerasfit:verdicts", EXAMPLES)


def render(folder):
    from tfparity.kerasfit.page import page
    strict_record.render(folder, NAME, page)
