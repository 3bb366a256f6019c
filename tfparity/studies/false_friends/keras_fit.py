"""The knobs of Keras 3 ``compile``/``fit`` that change the numbers, measured on the false-friends
MLP problem against the TF1 Session (GradientDescent, the same batches in the same order).

The parity setting: a model of ``TF1Dense`` layers (``tf.matmul`` then ``tf.math.add``, as TF1's
``x @ W + b``), ``tfparity.port.keras_optimizers`` over TF1's rule, ``jit_compile="auto"`` (Keras
resolves it to False on a CPU-only machine), ``shuffle=False``, the batch size of TF1's batches. Each knob changes one thing from there.
"""
import keras
import numpy as np

from tfparity.port import keras_optimizers, keras_trace, optimizers
from tfparity.port.keras_layers import TF1Dense

RULE = "GradientDescent"


def model(variables, dense=TF1Dense, output_activation=None, initial=True):
    net = keras.Sequential([keras.Input((784,)), dense(15, activation="sigmoid"),
                            dense(10, activation=output_activation)])
    if initial:  # the shared initial values; else Keras' own initializers
        net.layers[0].set_weights([variables["W1"], variables["b1"]])
        net.layers[1].set_weights([variables["W2"], variables["b2"]])
    return net


def fit(problem, dense=TF1Dense, jit_compile="auto", shuffle=False, run_eagerly=False, steps_per_execution=1,
        from_logits=True, initial=True, drop=0, policy=None, optimizer=None):
    """{W1, b1, W2, b2: final value}, fit's reported loss and the last batch's own loss (BatchLoss)
    after one pass over the batches, and the model; ``drop`` leaves the last rows out of the last
    batch (a partial batch)."""
    keras.utils.set_random_seed(0)  # shuffle=True and Keras' initializers draw from it
    if policy:
        keras.mixed_precision.set_global_policy(policy)
    try:
        net = model(problem["variables"], dense, None if from_logits else "softmax", initial)
        rule = optimizer or keras_optimizers.wrap(optimizers.GradientDescent(problem["learning_rate"]))
        loss = keras.losses.CategoricalCrossentropy(from_logits=from_logits)
        net.compile(optimizer=rule, loss=loss, metrics=[keras_trace.BatchLoss(loss)], jit_compile=jit_compile,
                    run_eagerly=run_eagerly, steps_per_execution=steps_per_execution)
        x = np.concatenate([b[0] for b in problem["batches"]])
        y = np.concatenate([b[1] for b in problem["batches"]])
        history = net.fit(x[:len(x) - drop], y[:len(y) - drop], batch_size=len(problem["batches"][0][0]),
                          shuffle=shuffle, epochs=1, verbose=0)
        weights = dict(zip(("W1", "b1", "W2", "b2"), (np.asarray(w, np.float32) for w in net.get_weights())))
        return weights, history.history["loss"][-1], history.history["batch_loss"][-1], net
    finally:
        if policy:
            keras.mixed_precision.set_global_policy("float32")


# Each knob: (what a port does, fit's options) from the parity setting; the note says what removes it.
KNOBS = {
    "parity setting": ({}, "—"),
    "keras.layers.Dense": ({"dense": keras.layers.Dense}, "a Dense adding its bias with tf.math.add "
                           "(TF1Dense), or TF1 code that used tf.nn.bias_add / tf1.layers.dense"),
    "jit_compile=True": ({"jit_compile": True}, "jit_compile=False (\"auto\" is False on a CPU-only machine)"),
    "run_eagerly=True": ({"run_eagerly": True}, "run_eagerly=False: fit's step as a tf.function, fused like "
                         "the Session's where oneDNN is on"),
    "steps_per_execution=4": ({"steps_per_execution": 4}, "steps_per_execution=1"),
    "shuffle=True (fit's default)": ({"shuffle": True}, "shuffle=False, the batches in TF1's order"),
    "softmax output, from_logits=False": ({"from_logits": False}, "logits out, from_logits=True"),
    "Keras initializers": ({"initial": False}, "set_weights from the shared initial values"),
    "a last partial batch": ({"drop": 8}, "batches of TF1's size only (TF1 loops often dropped the rest)"),
    "mixed_float16 policy": ({"policy": "mixed_float16"}, "the float32 policy"),
}


# Not a setting but a reading: fit's reported loss (history, logs["loss"], the progress bar) is the
# running mean over the epoch, where a TF1 loop printed each batch's own loss.
REPORTED = ("reading fit's reported loss as TF1's printed loss", "a metric keeping the batch's own loss "
            "(tfparity.port.keras_trace.BatchLoss): bit-identical to TF1's last batch loss in the parity setting")


def distance(desired, actual):
    from tfparity.core.compare import compare
    verdict = compare({k: np.asarray(v)[np.newaxis] for k, v in desired.items()},
                      {k: np.asarray(v, np.float32)[np.newaxis] for k, v in actual.items()})
    return "bit-identical" if verdict.status == "bit-identical" else f"{verdict.max_ulp:g} ULP, abs {verdict.max_abs:.2g}"


def measure(problem, tf1_trace):
    """One row per knob: the port, what removes it, its parity class after the run (final weights),
    fit's reported loss and the last batch's loss; then the reading of fit's reported loss, its
    distance from TF1's last batch loss. ``tf1_trace`` is TF1's {variable or "loss": per step}."""
    final = {k: v[-1] for k, v in tf1_trace.items() if k != "loss"}
    rows = []
    for name, (options, fix) in KNOBS.items():
        weights, loss, batch_loss, net = fit(problem, **options)
        rows.append({"knob": name, "removed_by": fix, "jit_compile": bool(net.jit_compile), "fit_loss": float(loss),
                     "batch_loss": float(batch_loss), "class": distance(final, weights)})
    parity = rows[0]
    rows.append({"knob": REPORTED[0], "removed_by": REPORTED[1], "jit_compile": parity["jit_compile"],
                 "fit_loss": parity["fit_loss"], "batch_loss": parity["batch_loss"],
                 "class": distance({"loss": tf1_trace["loss"][-1]}, {"loss": parity["fit_loss"]}),
                 "batch_loss_class": distance({"loss": tf1_trace["loss"][-1]}, {"loss": parity["batch_loss"]})})
    return rows
