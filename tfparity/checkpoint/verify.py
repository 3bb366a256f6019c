"""``convert --verify``: the checkpoint just written, restored into the port's objects and proven
before it is renamed into place. Every value must restore bit for bit; each TF1 cell's Keras cell
is run over a seeded probe batch of sequences and compared with TF1's cell computed from the
checkpoint's own values, so a gate order, a forget_bias or a reset_after that differs cannot pass
on matching shapes.

The TF1 reference is TF1's equations written out in float64 NumPy (tensorflow/python/ops/
rnn_cell_impl.py at r1.15, ``BasicLSTMCell.call``, ``LSTMCell.call`` without peepholes, projection
or clipping, ``GRUCell.call``; tested against tf-keras's legacy cells), independent of tf-keras at
run time. The port's float32 cell may differ from it only by the reformulation's measured bound
(float32 evaluation, Keras's x W + h U for TF1's [x, h] W, the folded forget_bias's rounding);
the same Keras cell rebuilt in float64 with the weights converted in float64 must meet the
reference within a float64 bound, which confirms the difference is rounding, not mathematics.
"""
import numpy as np

from tfparity.checkpoint import cells, maps
from tfparity.checkpoint.prefixes import CheckpointError
from tfparity.core.quiet import import_tensorflow
from tfparity.port import rnn_cells
from tfparity.port.rnn_cells import KERAS_WEIGHTS, LAYOUTS

tf = import_tensorflow()
PROBE_SEED, PROBE_BATCH, PROBE_STEPS = 0, 4, 8  # a seeded probe: a few sequences, enough steps for the state to carry
# The float32 port against the float64 reference, in ULPs of the output's largest value: the
# largest measured over the correct conversions of parity_tests/test_checkpoint_cells.py (each
# cell, forget_bias 1.0 and 0.5, MultiRNNCell's two; measured 1.6-2.6 on TF 2.21, CPU), doubled
# and raised to the next power of two. Every slip measured there is over 10^5.
FLOAT32_ULP = 8
# The float64 Keras cell against the float64 reference, in float64 ULPs of the largest value:
# measured 1.5-3.5 for the same cells, doubled, next power of two.
FLOAT64_ULP = 8


class Mismatch(Exception):
    """The converted checkpoint does not compute what TF1's did: the first differing output."""


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def reference(cell, values, x, forget_bias):
    """TF1's ``cell`` over ``x`` [batch, steps, input] from a zero state, in float64: the output
    at every step, [steps, batch, units]. ``values``: its variables by name under the cell's scope."""
    v = {name: np.asarray(value, np.float64) for name, value in values.items()}
    x = np.asarray(x, np.float64)
    outputs = []
    if LAYOUTS[cell]["keras"] == "LSTM":  # i, j, f, o = split(concat([x, h]) @ kernel + bias)
        units = v["bias"].size // 4
        c = h = np.zeros((x.shape[0], units))
        for t in range(x.shape[1]):
            i, j, f, o = np.split(np.concatenate([x[:, t], h], 1) @ v["kernel"] + v["bias"], 4, axis=1)
            c = c * _sigmoid(f + forget_bias) + _sigmoid(i) * np.tanh(j)
            h = np.tanh(c) * _sigmoid(o)
            outputs.append(h)
    else:  # r, u = sigmoid(...); the candidate from [x, r * h]; h = u * h + (1 - u) * candidate
        units = v["candidate/bias"].size
        h = np.zeros((x.shape[0], units))
        for t in range(x.shape[1]):
            r, u = np.split(_sigmoid(np.concatenate([x[:, t], h], 1) @ v["gates/kernel"] + v["gates/bias"]), 2, axis=1)
            candidate = np.tanh(np.concatenate([x[:, t], r * h], 1) @ v["candidate/kernel"] + v["candidate/bias"])
            h = u * h + (1 - u) * candidate
            outputs.append(h)
    return np.stack(outputs)


def run_keras(cell, x):
    """A Keras LSTMCell or GRUCell stepped over ``x`` from a zero state: [steps, batch, units]."""
    states = [tf.zeros((x.shape[0], cell.units), x.dtype)] * (2 if hasattr(cell, "unit_forget_bias") else 1)
    outputs = []
    for t in range(x.shape[1]):
        h, states = cell(tf.constant(x[:, t]), states)
        states = list(states)
        outputs.append(np.asarray(h))
    return np.stack(outputs)


def probe(inputs, dtype):
    return np.random.default_rng(PROBE_SEED).normal(size=(PROBE_BATCH, PROBE_STEPS, inputs)).astype(dtype)


def _ulps(desired, actual, dtype):
    """|actual - desired| in ULPs of ``dtype`` at the largest |desired|."""
    return np.abs(np.asarray(actual, np.float64) - desired) / np.spacing(dtype.type(np.abs(desired).max()))


def _in_float64(cell, weights):
    """The Keras ``cell`` rebuilt in float64, carrying ``weights``."""
    clone = type(cell).from_config({**cell.get_config(), "dtype": "float64"})
    clone.build((None, weights["kernel"].shape[0]))
    for name in KERAS_WEIGHTS:
        getattr(clone, name).assign(weights[name])
    return clone


def _same(a, b):
    return a.shape == b.shape and np.allclose(a, b, rtol=1e-6, atol=1e-6)


def hint(cell, keras, port, expected, forget_bias):
    """The slip that turns the weights TF1's cell needs (``expected``, Keras's layout) into the
    port's, where one does: gate order, forget_bias, reset_after."""
    if getattr(keras, "reset_after", False):
        return "reset_after: the port's GRU has reset_after=True; TF1's GRUCell is GRU(reset_after=False)"
    if LAYOUTS[cell]["keras"] == "LSTM":
        swap = lambda w: {n: rnn_cells._blocks(v, 4, rnn_cells.LSTM_ORDER) for n, v in w.items()}  # noqa: E731
        unfolded = dict(expected, bias=expected["bias"].copy())
        unfolded["bias"][keras.units:2 * keras.units] -= forget_bias
        guesses = [("gate order: TF1's i, j, f, o left as they were, read by Keras as i, f, c, o", swap(expected)),
                   (f"forget_bias: the bias lacks the {forget_bias} TF1's cell added at run time (Keras adds none)", unfolded),
                   ("gate order and forget_bias: TF1's weights copied as they are", swap(unfolded))]
    else:
        swap = lambda w: {n: np.concatenate([rnn_cells._blocks(v[..., :2 * keras.units], 2, (1, 0)),  # noqa: E731
                                             v[..., 2 * keras.units:]], axis=-1) for n, v in w.items()}
        guesses = [("gate order: TF1's r, u left as they were, read by Keras as z, r", swap(expected))]
    for text, weights in guesses:
        if all(_same(port[n], weights[n]) for n in KERAS_WEIGHTS):
            return text
    if all(_same(port[n], expected[n]) for n in KERAS_WEIGHTS):
        return ("the weights are TF1's, converted: the port's cell computes otherwise (its activation, "
                "recurrent_activation or use_bias)")
    return "the port's weights are none of TF1's cell's, converted or slipped"


def _first(ulps, limit):
    return np.unravel_index(np.argmax(ulps > limit), ulps.shape)


def check_cell(scope, entry, objects, found):
    """The Keras cell owning the entry's kernel, against TF1's cell from the checkpoint's values:
    raises Mismatch at the first output beyond the bound; returns (float32 ULPs, float64 ULPs)."""
    from tfparity.checkpoint.convert import keras_cell, owner
    cell = entry["cell"]
    keras = owner(objects, entry["kernel"])
    if not keras_cell(keras):
        raise CheckpointError(f"--verify: {entry['kernel']} (cell entry {scope}) is not a Keras LSTMCell's or "
                              f"GRUCell's kernel, so there is no cell to run")
    for weight in KERAS_WEIGHTS[1:]:
        if owner(objects, entry[weight]) is not keras:
            raise CheckpointError(f"--verify: cell entry {scope}: {entry[weight]} is not the {weight} of the cell "
                                  f"whose kernel is {entry['kernel']}")
    values = {variable: found[f"{scope}/{variable}"][2]() for variable in LAYOUTS[cell]["tf1"]}
    inputs, _ = rnn_cells.units_of(cell, values)
    forget_bias = cells.forget_bias(entry)
    dtype = np.dtype(tf.as_dtype(keras.kernel.dtype).as_numpy_dtype)
    x = probe(inputs, dtype)
    desired = reference(cell, values, x, forget_bias or 0.0)
    port = {n: np.asarray(getattr(keras, n)) for n in KERAS_WEIGHTS}
    actual = run_keras(keras, x)
    ulps = _ulps(desired, actual, dtype)
    if not ulps.max() <= FLOAT32_ULP:
        step, row, unit = _first(ulps, FLOAT32_ULP)
        expected = rnn_cells.to_keras(cell, values, forget_bias)
        raise Mismatch(f"cell {scope} ({cell} -> Keras {type(keras).__name__}): the port's output differs at step "
                       f"{step}, row {row}, unit {unit}: TF1 {float(desired[step, row, unit])!r}, port "
                       f"{float(actual[step, row, unit])!r}, {ulps[step, row, unit]:.3g} ULP of the output's largest "
                       f"value (limit {FLOAT32_ULP}); likely {hint(cell, keras, port, expected, forget_bias)}")
    wide = rnn_cells.to_keras(cell, {n: np.asarray(v, np.float64) for n, v in values.items()}, forget_bias)
    ulps64 = _ulps(desired, run_keras(_in_float64(keras, wide), x.astype(np.float64)), np.dtype(np.float64))
    if not ulps64.max() <= FLOAT64_ULP:
        step, row, unit = _first(ulps64, FLOAT64_ULP)
        raise Mismatch(f"cell {scope}: the port's cell in float64 differs from TF1's at step {step}, row {row}, unit "
                       f"{unit} by {ulps64[step, row, unit]:.3g} float64 ULP (limit {FLOAT64_ULP}): it computes "
                       f"another function; likely {hint(cell, keras, port, rnn_cells.to_keras(cell, values, forget_bias), forget_bias)}")
    return float(ulps.max()), float(ulps64.max())


def verify(prefix, objects, mapping, values, found):
    """The checkpoint at ``prefix`` restored into ``objects``: every written value bit for bit, then
    each cell entry by ``check_cell``. Returns {scope: (float32 ULPs, float64 ULPs)}."""
    from tfparity.checkpoint.convert import paths
    tf.train.Checkpoint(**objects).restore(prefix).expect_partial()
    targets = paths(objects)
    for path, (what, value) in values.items():
        restored = np.asarray(targets[path])
        if restored.tobytes() != np.asarray(value).tobytes():
            raise Mismatch(f"--verify: {path} ({what}) did not restore to the value written: an object the "
                           f"checkpoint does not reach (a layer not built yet?)")
    return {scope: check_cell(scope, entry, objects, found) for scope, entry in mapping.items() if maps.is_cell(entry)}
