"""MNIST rows through TF1's RNN cells: the tf.Module twin bit-identical to the Session (grappler's
rewrite of the Session's gradient sums named and switched off), the stock Keras 3 LSTM and GRU
within their measured reformulation bound, slips in the Keras port caught at update 1 by a wide
margin, and what each side returns past a sequence's end."""
import os

import keras
import numpy as np
import pytest
import tensorflow as tf
import tensorflow.compat.v1 as tf1
from conftest import quick_options

import tf1_graph.mnist_rnn as tf1_twin
import tf2_eager.mnist_rnn as tf2_twin
from shared_data.mnist_rnn import BOUNDS, QUICK, make_inputs, shapes
from tfparity.core import fresh, harness
from tfparity.port import rnn_cells

pytestmark = pytest.mark.skipif(not os.environ.get("MNIST_DIR"), reason="needs the real MNIST (MNIST_DIR)")
EVERY = ("tf1_graph", "tf2_eager", "tf2_function", "tf2_loop", "tf2_xla", "tf2_keras")
# The variants beside the tutorial's BasicLSTMCell under static_rnn: a GRUCell under dynamic_rnn and
# two stacked LSTMCells under static_rnn, each image its own number of rows (sequence_length).
# A cell each way (bidirectional_dynamic_rnn) is checked in its strict run only.
VARIANTS = {"basic_lstm, static": {}, "gru, dynamic, lengths": dict(cell="gru", rnn="dynamic", lengths="variable"),
            "2 lstm, static, lengths": dict(cell="lstm", layers=2, lengths="variable"),
            "bidirectional basic_lstm, dynamic, lengths": dict(direction="bidirectional", rnn="dynamic", lengths="variable")}
BIDIRECTIONAL = "bidirectional basic_lstm, dynamic, lengths"
# The modes each variant runs here: every mode for the tutorial's cell; for the others the ones that
# carry their claims (the module twin eager and traced, the stock Keras layers), since compiling the
# whole loop and XLA for 28 unrolled steps of two cells costs minutes (`tfparity docs` runs them all).
MODES = {name: EVERY if name == "basic_lstm, static" else ("tf1_graph", "tf2_eager", "tf2_function", "tf2_keras")
         for name in VARIANTS if name != BIDIRECTIONAL}
# The strict runs (fresh processes): the static and the dynamic unrolling, each with its own order of
# the gradient's sums (the stacked cells add no third order), in the modes the test asserts on; and
# the bidirectional pair, whose backward cell reads each sequence's rows reversed, without the loop.
STRICT_MODES = ("tf1_graph", "tf2_eager", "tf2_function", "tf2_loop", "tf2_keras")
STRICT = {"basic_lstm, static": STRICT_MODES, "gru, dynamic, lengths": STRICT_MODES,
          BIDIRECTIONAL: ("tf1_graph", "tf2_eager", "tf2_function", "tf2_keras")}
# The causes each mode may differ by (BOUNDS in shared_data/mnist_rnn.py): grappler's arithmetic
# optimizer rewrites the Session's sums of the steps' gradient terms (and tf.function's, otherwise),
# oneDNN where it is on, the Keras layers' other formulation, XLA's fusion.
ALLOWED = {"tf2_eager": {"grappler_arithmetic", "onednn"}, "tf2_function": {"grappler_arithmetic", "onednn"},
           "tf2_loop": {"grappler_arithmetic", "onednn"}, "tf2_xla": {"xla"},
           "tf2_keras": {"reformulation", "grappler_arithmetic", "onednn"}}
# A slip must stand this many times above the mode's bound (parity_tests/test_local_steps.py's margin).
MARGIN = 100


@pytest.fixture(scope="module", params=list(MODES))
def variant(request):
    options = dict(quick_options("mnist_rnn"), **VARIANTS[request.param])
    return request.param, harness.run_example("mnist_rnn", 0, modes=list(MODES[request.param]), **options)


def test_every_mode_is_bit_identical_or_within_the_bound_of_an_active_cause(variant):
    name, result = variant
    for group in ("verdicts", "local"):
        for mode, verdict in result["parity"][group].items():
            assert verdict.status == "bit-identical" or (verdict.ok and set(verdict.causes) <= ALLOWED[mode]), (
                name, group, mode, str(verdict))
    assert set(result["parity"]["local"]) == set(MODES[name])
    assert result["parity"]["local"]["tf1_graph"].status == "bit-identical"  # the state set and read is the whole state


@pytest.mark.parametrize("name", STRICT)
def test_with_grapplers_arithmetic_optimizer_off_the_module_twin_is_bit_identical_and_keras_is_within_its_bound(name):
    """The tf.Module twin keeps TF1's ops and the order of its gradient sums: with the arithmetic
    optimizer (and oneDNN) off, eager, tf.function and the loop are TF1's bits, trajectory and local
    steps; the stock Keras layers still differ, by their formulation only (nothing switches it off)."""
    options = dict(quick_options("mnist_rnn"), **VARIANTS[name])
    found = fresh.call("tfparity.core.harness:verdict_summaries", dict(name="mnist_rnn", modes=list(STRICT[name]), strict=True, **options),
                       {"TF_ENABLE_ONEDNN_OPTS": "0"})
    statuses = found["statuses"]
    for mode in {"tf2_eager", "tf2_function", "tf2_loop"} & set(STRICT[name]):
        assert statuses[mode] == statuses[f"{mode}, local"] == "bit-identical", (name, mode, found["verdicts"][mode])
    assert statuses["tf2_keras, local"] == "within" and found["causes"]["tf2_keras"] == ["reformulation"], (name, found["local"])


def test_the_variables_keep_their_tf1_names_in_every_variant():
    for options in VARIANTS.values():
        inputs = make_inputs(0, **dict(QUICK, **options))
        graph = tf1.Graph()
        with graph.as_default():
            tf1_twin.train_step(inputs)
            names = [v.op.name for v in tf1.trainable_variables()]
        net = tf2_twin.RNNClassifier(inputs)
        assert names == list(net.names) == list(shapes(inputs["cell"], inputs["layers"], inputs["units"], inputs["direction"])), options
        assert all(tuple(v.shape) == inputs[n].shape for n, v in net.names.items())


def _past_the_end(inputs):
    """TF1's dynamic_rnn outputs and final state, and the TF2 twin's unroll, on 4 images of their own lengths."""
    rows = np.arange(4)
    x, _, lengths = tf1_twin.batch_of(inputs, "train", rows)
    graph = tf1.Graph()
    with graph.as_default():
        images, seq = tf1.constant(x.reshape(-1, 28, 28)), tf1.constant(lengths)
        outputs, state = tf1_twin.unroll(tf1_twin.make_cell(inputs), images, seq, inputs)
        init = tf1.group(*[v.assign(inputs[v.op.name]) for v in tf1.global_variables()])
        with tf1.Session(graph=graph) as sess:
            sess.run(init)
            tf1_outputs, tf1_state = sess.run([outputs, state])
    net = tf2_twin.RNNClassifier(inputs)
    outputs, state = tf2_twin.unroll(net.cell, tf.reshape(x, [-1, 28, 28]), tf.constant(lengths), net.options)
    return lengths, tf1_outputs, tf1_state, np.stack([o.numpy() for o in outputs], 1), state


def test_past_a_sequences_end_tf1_returns_zeros_and_carries_the_state_and_the_twin_does_too():
    inputs = make_inputs(0, **dict(QUICK, cell="basic_lstm", rnn="dynamic", lengths="variable"))
    lengths, tf1_outputs, tf1_state, tf2_outputs, tf2_state = _past_the_end(inputs)
    assert lengths.min() < 28
    for b, n in enumerate(lengths):
        assert not tf1_outputs[b, n:].any() and tf1_outputs[b, n - 1].any()  # zeros after the end
        assert np.array_equal(tf1_state.h[b], tf1_outputs[b, n - 1])  # the state: the last valid step's
    assert tf1_outputs.tobytes() == tf2_outputs.tobytes()
    assert tf1_state.c.tobytes() == tf2_state.c.numpy().tobytes() and tf1_state.h.tobytes() == tf2_state.h.numpy().tobytes()


def test_keras_masking_repeats_the_last_valid_output_past_the_end_so_its_last_output_is_tf1s_final_state():
    """Keras 3 (keras/src/backend/tensorflow/rnn.py, ``rnn`` with a mask) carries the state and, where
    TF1 writes zeros, repeats the last valid output: its return_sequences=False output is the last
    valid one, TF1's final h, not TF1's outputs[:, -1] (zeros for a short sequence)."""
    inputs = make_inputs(0, **dict(QUICK, rnn="dynamic", lengths="variable"))
    lengths, tf1_outputs, tf1_state, _, _ = _past_the_end(inputs)
    x = inputs["train_x"][:4].reshape(-1, 28, 28)
    mask = np.arange(28) < lengths[:, None]
    layer = keras.layers.LSTM(inputs["units"], return_sequences=True)
    layer.build(x.shape)
    values = {name.split("/", 2)[-1]: inputs[name] for name in inputs if name.startswith("rnn/")}
    layer.set_weights([rnn_cells.to_keras("BasicLSTMCell", values)[k] for k in rnn_cells.KERAS_WEIGHTS])
    sequences = layer(x, mask=mask).numpy()
    for b, n in enumerate(lengths):
        assert (sequences[b, n:] == sequences[b, n - 1]).all()  # the last valid output, repeated
        assert not tf1_outputs[b, n:].any()
    # A reformulation of the same step: near TF1's final state, not its bits.
    np.testing.assert_allclose(sequences[:, -1], tf1_state.h, rtol=0, atol=1e-6)
    assert np.abs(sequences[:, -1] - tf1_outputs[:, -1]).max() > 0.01  # what outputs[:, -1] would have read


def _local(monkeypatch, patches, **options):
    for owner, attribute, replacement in patches:
        monkeypatch.setattr(owner, attribute, replacement)
    data, *twins = harness.load("mnist_rnn")
    inputs = data.make_inputs(0, **dict(quick_options("mnist_rnn"), **options))
    on_step, kept = harness.state_keeper(twins)
    reference = harness.run_mode(twins, "tf1_graph", inputs, on_step=on_step)
    found = harness.local_layer(twins, inputs, ["tf1_graph", "tf2_eager", "tf2_keras"], kept, harness.loss_series(reference, data))
    return harness.local_verdicts("mnist_rnn", found, float64=harness.in_float64(twins, inputs, kept, found))


def _without_forget_bias(convert):
    return lambda cell, values, forget_bias=None: convert(cell, values, 0.0 if cell != "GRUCell" else forget_bias)


def _forget_bias_dropped(module_init=tf2_twin.BasicLSTMCell.__init__):
    def init(self, scope, inputs):
        module_init(self, scope, inputs)
        self.forget_bias = np.float32(0)
    return init


def _one_way_reversed(rows, lengths, seq_axis, batch_axis, reverse=tf.reverse):
    return reverse(rows, [seq_axis])


def _directions_swapped(cells=tf2_twin.tf1_cells):
    def swapped(net, inputs):
        (forward, one), (backward, other) = cells(net, inputs).items()
        return {forward: other, backward: one}
    return swapped


BOTH_WAYS = dict(direction="bidirectional", rnn="dynamic", lengths="variable")
SLIPS = {  # name: ([(object, attribute, replacement)], the mode it acts in, options)
    "Keras port: the gates in TF1's order (i, j, f, o)": ([(rnn_cells, "LSTM_ORDER", (0, 1, 2, 3))], "tf2_keras", {}),
    "Keras port: forget_bias not folded into f's bias": (
        [(rnn_cells, "to_keras", _without_forget_bias(rnn_cells.to_keras)),
         (rnn_cells, "to_tf1", _without_forget_bias(rnn_cells.to_tf1))], "tf2_keras", {}),
    "Keras port: GRU's update and reset gates swapped": (
        [(rnn_cells, "_blocks", lambda a, count, order, blocks=rnn_cells._blocks: blocks(a, count, (0, 1) if count == 2 else order))],
        "tf2_keras", dict(cell="gru", rnn="dynamic", lengths="variable")),
    "tf.Module twin: forget_bias dropped": ([(tf2_twin.BasicLSTMCell, "__init__", _forget_bias_dropped())], "tf2_eager", {}),
    "tf.Module twin: the backward cell reads the padding first (tf.reverse for tf.reverse_sequence)": (
        [(tf, "reverse_sequence", _one_way_reversed)], "tf2_eager", BOTH_WAYS),
    "Keras port: the forward and backward cells' weights swapped": (
        [(tf2_twin, "tf1_cells", _directions_swapped())], "tf2_keras", BOTH_WAYS),
}


@pytest.mark.parametrize("slip", list(SLIPS))
def test_a_planted_slip_fails_the_local_verdict_at_update_1_by_a_wide_margin(slip, monkeypatch):
    patches, mode, options = SLIPS[slip]
    found = _local(monkeypatch, patches, **options)
    assert found["tf1_graph"].status == "bit-identical"
    verdict = found[mode]
    assert verdict.status == "mismatch" and verdict.first_mismatch["step"] == 1, (slip, str(verdict))
    bound = max([b.ulp for b in BOUNDS.get(mode, ())] + [1])
    assert verdict.max_ulp >= MARGIN * bound, (slip, verdict.max_ulp, bound)


def test_keras_gru_with_its_default_reset_after_cannot_take_tf1s_weights():
    """Keras 3's GRU defaults to reset_after=True, another function with a bias of two rows: TF1's
    GRUCell is GRU(reset_after=False) (tfparity/port/rnn_cells.py)."""
    inputs = make_inputs(0, **dict(QUICK, cell="gru"))
    values = {name.split("/", 2)[-1]: inputs[name] for name in inputs if name.startswith("rnn/")}
    weights = [rnn_cells.to_keras("GRUCell", values)[k] for k in rnn_cells.KERAS_WEIGHTS]
    layer = keras.layers.GRU(inputs["units"])
    layer.build((None, 28, 28))
    with pytest.raises(ValueError):
        layer.set_weights(weights)
    keras.layers.GRU(inputs["units"], reset_after=False).build((None, 28, 28))
