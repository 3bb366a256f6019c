"""The MNIST convnet in three stages (TF1 Session, the TF1 code run eagerly, native TF2): parity
by cause, the name map, the dropout masks, one conv layer and the first Adam update against
NumPy, Keras 3 Adam measured, and the guide's record."""
import os
import re
import types

import numpy as np
import pytest
import tensorflow as tf
import tensorflow.compat.v1 as tf1
from conftest import assert_record_begins_as_a_fresh_run, runs_as_a_fresh_process, statuses

import tf1_graph.convnet as tf1_twin
import tf2_eager.convnet as tf2_twin
from shared_data.convnet import NAME_MAP, SHAPES, make_inputs
from tfparity.core import fresh, records
from tfparity.core.harness import run_example
from tfparity.core.machine import onednn_active, same_bits
from tfparity.core.modes import ALL_MODES, OPTIONAL_MODES
from tfparity.core.paths import DOCS, NOTES

pytestmark = pytest.mark.skipif(not os.environ.get("MNIST_DIR"), reason="needs the real MNIST (MNIST_DIR)")
# A few steps on a few hundred images keep these fast; the full run is what `tfparity docs` records.
SMALL = dict(epochs=1, train_size=300, test_size=200)
EVERY = ALL_MODES[:1] + OPTIONAL_MODES + ALL_MODES[1:] + ("tf2_keras",)


@pytest.fixture(scope="module")
def small():
    return run_example("convnet", 0, modes=EVERY, **SMALL)


def test_parameter_count_is_215370_in_every_stage():
    inputs = make_inputs(0, **SMALL)
    graph = tf1.Graph()
    with graph.as_default():
        tf1_twin.train_step(inputs)
        names = [v.name[:-2] for v in tf1.trainable_variables()]
        count = sum(int(np.prod(v.shape)) for v in tf1.trainable_variables())
    net = tf2_twin.ConvNet(inputs)
    assert inputs["parameter_count"] == count == sum(int(np.prod(v.shape)) for v in net.trainable_variables) == 215370
    assert names == list(NAME_MAP) and len(net.trainable_variables) == len(SHAPES)


def test_the_name_map_is_mechanical_in_all_three_stages():
    inputs = make_inputs(0, **SMALL)
    net = tf2_twin.ConvNet(inputs)
    for tf1_name, path in NAME_MAP.items():
        variable = eval(path, {"model": net})  # model.conv1.weights
        assert variable.name == f"{tf1_name}:0", (tf1_name, path, variable.name)
    forward = tf1.make_template(tf1_twin.SCOPE, tf1_twin.model)
    forward(tf.constant(inputs["train_x"][:2]), None, inputs)
    assert sorted(v.name[:-2] for v in forward.trainable_variables) == sorted(NAME_MAP)


def test_the_guides_name_table_is_the_name_map():
    rows = re.findall(r"^\| `(convnet/[\w/]+)` \| `([\w.]+)` \|$", (NOTES / "convnet.md").read_text(), re.M)
    assert dict(rows) == NAME_MAP


def test_every_stage_and_mode_bit_identical_or_within_the_bound_of_an_active_cause(small):
    for group in ("verdicts", "local"):
        for mode, verdict in small["parity"][group].items():
            allowed = {"xla"} if mode == "tf2_xla" else {"onednn"}
            assert verdict.status == "bit-identical" or (verdict.ok and set(verdict.causes) <= allowed), f"{mode}: {verdict}"
    # Every TF2 mode is judged locally too (one update from the Session's own state); the shim is not.
    assert set(small["parity"]["local"]) == set(EVERY) - {"tf1_eager"}
    # The shim runs the TF1 twin's own model function eagerly; eager runs the ops one by one.
    assert small["parity"]["verdicts"]["tf1_eager"].status == "bit-identical"
    assert small["parity"]["verdicts"]["tf2_eager"].status == "bit-identical"


def _statuses(onednn, small):
    """Every mode's status but XLA's under ``onednn``: from the module's run where this process is
    in that setting (the default's), else from a fresh process."""
    if runs_as_a_fresh_process(onednn):
        return {m: status for m, status in statuses(small).items() if not m.startswith("tf2_xla")}
    found = fresh.call("tfparity.core.harness:verdict_summaries", dict(name="convnet", modes=[m for m in EVERY if m != "tf2_xla"], **SMALL),
                       {"TF_ENABLE_ONEDNN_OPTS": onednn})
    assert found["machine"]["onednn"] == (onednn == "1"), found["machine"]
    return found["statuses"]


def test_bit_identical_in_every_mode_but_xla_with_onednn_switched_off(small):
    assert set(_statuses("0", small).values()) == {"bit-identical"}


@pytest.mark.skipif(__import__("platform").machine() != "x86_64", reason="oneDNN measured on x86-64")
def test_with_onednn_on_the_eager_stages_stay_bit_identical_and_graph_functions_are_within_its_bound(small):
    # Locally (one update from the Session's state) within the rounding bound; the trajectory differs.
    graph = ("tf2_function", "tf2_loop", "tf2_keras")
    assert _statuses("1", small) == {"tf1_eager": "bit-identical", "tf2_eager": "bit-identical",
                                     "tf1_graph, local": "bit-identical", "tf2_eager, local": "bit-identical",
                                     **{m: "differs" for m in graph}, **{f"{m}, local": "within" for m in graph}}


def _session_kernels(gate_gradients):
    """The kernels a Session runs for one training step of the TF1 twin's graph."""
    inputs = make_inputs(0, epochs=1, train_size=50, test_size=10)
    graph = tf1.Graph()
    with graph.as_default():
        x, y, keep_mask, loss, _, _ = tf1_twin.train_step(inputs)
        train_op = tf1.train.AdamOptimizer(inputs["learning_rate"]).minimize(loss, gate_gradients=gate_gradients)
        init = tf1.global_variables_initializer()
    batch, metadata = inputs["schedule"][0][0], tf1.RunMetadata()
    with tf1.Session(graph=graph) as sess:
        sess.run(init)
        sess.run(train_op, {x: inputs["train_x"][batch], y: inputs["train_y"][batch], keep_mask: inputs["keep_masks"][0][0]},
                 options=tf1.RunOptions(output_partition_graphs=True), run_metadata=metadata)
    return {node.op for part in metadata.partition_graphs for node in part.node}


@pytest.mark.skipif(not onednn_active(), reason="the cause acts only while oneDNN is on")
def test_the_cause_onednn_fuses_the_bias_gradient_into_the_filter_gradient_unless_minimize_gates_it():
    # minimize() gates gradients by default (GATE_OP): each op's gradients pass a tuple first,
    # which hides the Conv2DBackpropFilter + BiasAddGrad pair from oneDNN's rewrite in the
    # Session. tf.function's tape does not gate, so there oneDNN fuses them, and rounds otherwise.
    assert "_MklNativeConv2DBackpropFilterWithBias" not in _session_kernels(tf1.train.Optimizer.GATE_OP)
    assert "_MklNativeConv2DBackpropFilterWithBias" in _session_kernels(tf1.train.Optimizer.GATE_NONE)


@pytest.mark.skipif(onednn_active(), reason="Eigen's kernels: measured with oneDNN off")
def test_grappler_remapper_fuses_conv_bias_relu_in_the_session_and_parity_still_holds():
    # Not a cause here: with oneDNN off the Session runs the remapper's _FusedConv2D, eager the
    # three ops apart, and every mode but XLA is bit-identical (the fresh-process test above).
    assert {"_FusedConv2D", "Conv2DBackpropFilter", "BiasAddGrad"} <= _session_kernels(tf1.train.Optimizer.GATE_OP)


def test_the_masks_are_what_tf_nn_dropout_computes():
    inputs = make_inputs(0, **SMALL)
    masks = inputs["keep_masks"]
    assert set(np.unique(masks)) == {0.0, 2.0} and abs(np.mean(masks > 0) - 0.5) < 0.01
    hidden = tf.nn.relu(tf.random.stateless_normal([50, 128], seed=[1, 2]))
    dropped = tf.nn.dropout(hidden, rate=0.5, seed=3).numpy()
    mask = np.where(dropped > 0, np.float32(2), np.float32(0))
    assert (hidden.numpy() * mask).tobytes() == dropped.tobytes()  # where hidden > 0: its own mask


def numpy_conv_pool(x, w, b, r):
    """conv (SAME) + bias + ReLU + 2×2 max-pool in float64, and the gradients of sum(out · r)."""
    k = w.shape[0] // 2
    padded = np.pad(x, ((0, 0), (k, k), (k, k), (0, 0)))
    n, h, wd, _ = x.shape
    patches = np.stack([padded[:, i:i + h, j:j + wd] for i in range(w.shape[0]) for j in range(w.shape[1])], 3)
    pre = np.einsum("nhwkc,kco->nhwo", patches, w.reshape(-1, *w.shape[2:])) + b
    act = np.maximum(pre, 0)
    windows = act.reshape(n, h // 2, 2, wd // 2, 2, -1)
    out = windows.max((2, 4))
    first = (windows == out[:, :, None, :, None]).cumsum(2).cumsum(4) == 1  # TF routes to one max
    d_act = (first & (windows == out[:, :, None, :, None])) * r[:, :, None, :, None]
    d_pre = d_act.reshape(act.shape) * (pre > 0)
    return out, np.einsum("nhwkc,nhwo->kco", patches, d_pre).reshape(w.shape), d_pre.sum((0, 1, 2))


def test_one_conv_layer_forward_and_gradient_match_numpy_float64_in_both_twins():
    draw = np.random.default_rng(7)
    x, w = draw.normal(size=(2, 6, 6, 2)), draw.normal(size=(5, 5, 2, 3)) * 0.3
    b, r = draw.normal(size=3) * 0.1, draw.normal(size=(2, 3, 3, 3))
    out, grad_w, grad_b = numpy_conv_pool(x, w, b, r)
    params = {"c/weights": np.float32(w), "c/biases": np.float32(b)}
    layer = types.SimpleNamespace(c=types.SimpleNamespace(weights=tf.Variable(params["c/weights"]),
                                                          biases=tf.Variable(params["c/biases"])))
    with tf.GradientTape() as tape:
        tf2_out = tf2_twin.conv_pool(tf.constant(np.float32(x)), "c", layer)
        loss = tf.reduce_sum(tf2_out * np.float32(r))
    tf2_found = [tf2_out.numpy()] + [g.numpy() for g in tape.gradient(loss, [layer.c.weights, layer.c.biases])]
    graph = tf1.Graph()
    with graph.as_default():
        tf1_out = tf1_twin.conv_pool(tf1.constant(np.float32(x)), "c", params)
        grads = tf1.gradients(tf1.reduce_sum(tf1_out * np.float32(r)), tf1.trainable_variables())
        with tf1.Session(graph=graph) as sess:
            sess.run(tf1.global_variables_initializer())
            tf1_found = sess.run([tf1_out] + grads)
    for found in (tf2_found, tf1_found):
        for value, desired in zip(found, (out, grad_w, grad_b)):
            np.testing.assert_allclose(value, desired, rtol=1e-5, atol=1e-5)


def test_the_first_adam_update_matches_a_hand_written_float32_step():
    inputs = make_inputs(0, epochs=1, train_size=50, test_size=10)  # one step
    net, batch = tf2_twin.ConvNet(inputs), inputs["schedule"][0][0]
    with tf.GradientTape() as tape:
        loss = tf2_twin.loss_fn(tf2_twin.model(tf.constant(inputs["train_x"][batch]), tf.constant(inputs["keep_masks"][0][0]), net),
                                tf.constant(inputs["train_y"][batch]))
    grads = [g.numpy() for g in tape.gradient(loss, net.ordered)]
    one, lr, b1, b2, eps = (np.float32(v) for v in (1, inputs["learning_rate"], 0.9, 0.999, 1e-8))
    alpha = lr * np.sqrt(one - b2) / (one - b1)  # t = 1: the powers are beta1 and beta2
    traces = tf1_twin.run(inputs), tf2_twin.run(inputs)
    for variable, g in zip(net.ordered, grads):
        m, v = (g - 0) * (one - b1), (g * g - 0) * (one - b2)
        desired = variable.numpy() - (m * alpha) / (np.sqrt(v) + eps)
        for trace in traces:
            found = trace[tf2_twin.field(variable)][0]
            ulps = np.abs(found.astype(np.float64) - desired) / np.spacing(np.abs(desired))
            assert ulps.max() <= 1, (variable.name, ulps.max())


def test_keras_3_adam_is_a_false_friend_close_but_not_bit_identical():
    result = run_example("convnet", 0, modes=["tf1_graph", "tf2_eager"], optimizer="keras", **SMALL)
    verdict = result["parity"]["verdicts"]["tf2_eager"]
    assert verdict.status == "mismatch", verdict
    losses = [result["traces"][m]["loss"] for m in ("tf1_graph", "tf2_eager")]
    np.testing.assert_allclose(*losses, rtol=1e-4)


def test_the_guides_full_run_record_begins_as_a_fresh_first_epoch():
    # The full 3-epoch run is what `tfparity docs convnet` records; its first epoch is re-run here,
    # bit for bit where the record's bits apply. Elsewhere (e.g. oneDNN the other way) Adam has
    # separated the trajectories within the epoch, so only the epoch's loss and accuracy are held,
    # to 2% and 0.005: measured 0.65% and 0.0023 with oneDNN off against the oneDNN-on record.
    record = records.load(DOCS, "convnet")
    if same_bits(record["machine"]):
        assert_record_begins_as_a_fresh_run("convnet", 1, ("tf1_graph", "tf2_function"))
        return
    trace = tf1_twin.run(dict(make_inputs(0), epochs=1))
    recorded = record["series"]["tf1_graph"]
    np.testing.assert_allclose(trace["epoch_loss"][0], recorded["epoch_loss"]["values"][0], rtol=0.02)
    np.testing.assert_allclose(trace["test_accuracy"][0], recorded["test_accuracy"]["values"][0], atol=0.005)
