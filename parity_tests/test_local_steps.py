"""The local layer (teacher forcing): each TF2 mode's one update from the Session's own state,
against the Session's next state, for every example whose bounds are local (``EXAMPLES``).
A porting slip shows at its full size on the update where it acts (update 1), while a correct port
stays within its rounding bound, under either oneDNN setting (run this file with
TF_ENABLE_ONEDNN_OPTS=0 and =1)."""
import functools
import types

import keras
import pytest
import tensorflow as tf
from conftest import quick_options

import tf1_graph.data_parallel as dp_reference
import tf2_eager.classification as classification_port
import tf2_eager.convnet as port
import tf2_eager.data_parallel as dp_port
import tf2_eager.decoupled_rnn as rnn_port
import tf2_eager.mlp as mlp_port
import tf2_eager.mnist_rnn as mnist_rnn_port
import tf2_eager.regression as regression_port
import tf2_eager.simple_network as simple_port
from tfparity.core import harness, local_record, report
from tfparity.core.confirm import as_float64
from tfparity.core.machine import onednn_active
from tfparity.core.modes import ALL_MODES
from tfparity.core.tolerances import bounds, local_bounds
from tfparity.port import optimizers, rnn_cells

EXAMPLES = ("classification", "convnet", "data_parallel", "decoupled_rnn", "mlp", "mnist_rnn", "regression", "simple_network")  # the examples whose bounds are local
LOCAL_MODES = ("tf2_eager", "tf2_function", "tf2_loop", "tf2_xla", "tf2_keras")
# An example's local modes where they are not LOCAL_MODES. data_parallel: no Keras fit; its one-device
# variants (TF1's too) stepped from the towers' state; not its worker processes (started afresh for
# each call, out of a monkeypatch's reach: parity_tests/test_data_parallel.py checks them).
OWN_MODES = {"data_parallel": ("tf2_eager", "tf2_function", "tf2_loop", "tf2_xla", "tf1_one_device", "tf2_one_device")}
# Modes that differ locally with oneDNN off, by a cause oneDNN does not switch: mnist_rnn's module twin
# by grappler's rewrite of the Session's per-step gradient sums (parity_tests/test_mnist_rnn.py switches
# it off), its Keras layers by their formulation.
NOT_ONEDNN = {"mnist_rnn": ("tf2_eager", "tf2_function", "tf2_loop", "tf2_keras")}
# Every slip must be this many times the largest local bound its example declares for the mode, active
# or not (or, where it declares none, this many ULPs at the field's largest value).
MARGIN = 100


def sum_for_mean(logits, y):
    return tf.reduce_sum(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=logits))


def mlp_rate_off(x, y, mlp, learning_rate, gradients, step=mlp_port.train_step):
    return step(x, y, mlp, learning_rate * 1.1, gradients)


def dp_rate_off(strategy, x, y, mlp, learning_rate, compute=dp_port.replica_step, step=dp_port.train_step):
    return step(strategy, x, y, mlp, learning_rate * 1.1, compute)


def one_device_rate_off(loss_fn):
    """A one-device loss whose gradients are 1.1 times its own: plain SGD's rate off by 10%."""
    def off(x, y, params, parts):
        loss, grads = loss_fn(x, y, params, parts)
        return loss, [1.1 * g for g in grads]
    return off


def tf1_one_device_sum(x, y, params, parts):
    """TF1's one-device step on the batch's summed cross-entropy, not its mean."""
    import tensorflow.compat.v1 as tf1
    loss = tf1.reduce_sum(tf1.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=dp_reference.model(x, params)[1]))
    return loss, tf1.gradients(loss, params)


def regression_rate_off(x, y, A, learning_rate, kind, step=regression_port.train_step):
    return step(x, y, A, learning_rate * 1.1, kind)


def l2_loss_for_mean_square(prediction, y, kind, loss_fn=regression_port.loss_fn):
    """tf.nn.l2_loss (half the sum of squares) where the recipe has the mean square."""
    return tf.nn.l2_loss(prediction - y) if kind == "l2" else loss_fn(prediction, y, kind)


def classification_rate_off(x, y, A, learning_rate, step=classification_port.train_step):
    return step(x, y, A, learning_rate * 1.1)


def simple_rate_off(a, y, w, learning_rate, step=simple_port.train_step):
    return step(a, y, w, learning_rate * 1.1)


def half_square(f, y):
    """tf.nn.l2_loss, half the square, where the source's cost is the square."""
    return tf.nn.l2_loss(f - y)


def sigmoid_twice(logits, y):
    """A probability where sigmoid cross-entropy takes a logit: the sigmoid applied twice."""
    return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=tf.sigmoid(logits)))


def rnn_rate_off(x, y, rnn, lr, method, step=rnn_port.train_step):
    """Every rate of both methods (the synthetic updates', the modules', autodiff's) 10% high."""
    return step(x, y, rnn, {name: rate * 1.1 for name, rate in lr.items()}, method)


def gd_rate_off(rate, gd=optimizers.GradientDescent):
    return gd(rate * 1.1)


def without_forget_bias(convert):
    """tfparity.port.rnn_cells' to_keras or to_tf1 with forget_bias 0: not folded into f's bias."""
    return lambda cell, values, forget_bias=None: convert(cell, values, forget_bias if cell == "GRUCell" else 0.0)


def forget_bias_dropped(init=mnist_rnn_port.BasicLSTMCell.__init__):
    """The module twin's BasicLSTMCell with forget_bias 0 where TF1's adds 1."""
    def dropped(self, scope, inputs):
        init(self, scope, inputs)
        self.forget_bias = inputs["output/weights"].dtype.type(0)
    return dropped


def mean_square_for_half_sum(out, y):
    """The mean square where the original has half the sum of squares (one image a step: twice it)."""
    return tf.reduce_mean(tf.square(out - y))


def keep_prob_as_rate(x, keep_mask, params, model=port.model):
    """fc1's dropout scaled by 1/(1 - keep_prob), as tf.nn.dropout(h, rate=keep_prob) scales it,
    where TF1's keep_prob scales by 1/keep_prob (the units kept are the shared mask's)."""
    return model(x, None if keep_mask is None else keep_mask * RATE_SCALE, params)


class RateMultiply(keras.layers.Multiply):
    """The Keras model's dropout mask scaled as ``keep_prob_as_rate`` scales it."""

    def call(self, inputs):
        return super().call(inputs) * RATE_SCALE


def float64_model(x, keep_mask, params, model=port.model):
    """The forward pass (and so its gradient) in float64 where TF1 rounds to float32: the weights
    cast on the way in, the logits cast back, a port fed NumPy's default float64 at heart."""
    wide = types.SimpleNamespace(**{name: types.SimpleNamespace(**{kind: tf.cast(getattr(getattr(params, name), kind), tf.float64)
                                                                   for kind in ("weights", "biases")})
                                    for name in ("conv1", "conv2", "fc1", "fc2")})
    mask = None if keep_mask is None else tf.cast(keep_mask, tf.float64)
    return tf.cast(model(tf.cast(x, tf.float64), mask, wide), x.dtype)


def float64_keras_model(inputs, keras_model=port.keras_model):
    """The Keras model built in float64 (``keras.config.set_floatx("float64")`` does the same)."""
    return keras_model(as_float64(inputs))


# A keep_prob at which a rate of the same number keeps other units: at 0.5 the two coincide.
KEEP_PROB = 0.75
RATE_SCALE = KEEP_PROB / (1 - KEEP_PROB)  # 1/(1 - keep_prob) over TF1's 1/keep_prob
EPSILON_SLIP = functools.partial(optimizers.Adam, epsilon=1e-7)  # Keras' default epsilon in TF1's Adam
SUM_LOSS = (keras.losses, "CategoricalCrossentropy", functools.partial(keras.losses.CategoricalCrossentropy, reduction="sum"))
PLANTED = {  # example: {name: [(object, attribute, replacement)]}
    "convnet": {
        "learning rate off by 10%": [(port, "ADAM", dict(port.ADAM, tf1=lambda rate: optimizers.Adam(rate * 1.1)))],
        "a sum for a mean": [(port, "loss_fn", sum_for_mean), SUM_LOSS],
        "Adam's epsilon 1e-7 for 1e-8": [(port, "ADAM", dict(port.ADAM, tf1=EPSILON_SLIP)),
                                          (optimizers, "Adam", EPSILON_SLIP)],
        "Keras Adam for TF1 Adam": [(port, "ADAM", dict(port.ADAM, tf1=port.ADAM["keras"]))],
        "keep_prob passed as rate": [(port, "model", keep_prob_as_rate), (keras.layers, "Multiply", RateMultiply)],
        "float64 inside the step": [(port, "model", float64_model), (port, "keras_model", float64_keras_model)]},
    "decoupled_rnn": {  # both methods' steps (eager, tf.function, the loop)
        "learning rate off by 10%": [(rnn_port, "train_step", rnn_rate_off)],
        "the mean square for half the sum of squares": [(rnn_port, "cost_fn", mean_square_for_half_sum)]},
    "mlp": {  # the step's rate (eager, tf.function, the loop) and the Keras rule's
        "learning rate off by 10%": [(mlp_port, "train_step", mlp_rate_off),
                                     (optimizers, "GradientDescent",
                                      lambda rate, gd=optimizers.GradientDescent: gd(lambda: rate * 1.1))],
        "a sum for a mean": [(mlp_port, "loss_fn", sum_for_mean), SUM_LOSS]},
    "data_parallel": {  # the replicated step and each one-device step (TF2's sums through loss_fn)
        "learning rate off by 10%": [(dp_port, "train_step", dp_rate_off),
                                     (dp_port, "one_device_loss", one_device_rate_off(dp_port.one_device_loss)),
                                     (dp_reference, "one_device_loss", one_device_rate_off(dp_reference.one_device_loss))],
        "a sum for a mean": [(dp_port, "loss_fn", sum_for_mean), (dp_reference, "one_device_loss", tf1_one_device_sum)]},
    "mnist_rnn": {  # the module twin's steps (eager, tf.function, the loop) and the Keras LSTM's
        "learning rate off by 10%": [(optimizers, "GradientDescent", gd_rate_off)],
        "a sum for a mean": [(mnist_rnn_port, "loss_fn", sum_for_mean), SUM_LOSS],
        "forget_bias dropped": [(mnist_rnn_port.BasicLSTMCell, "__init__", forget_bias_dropped()),
                                (rnn_cells, "to_keras", without_forget_bias(rnn_cells.to_keras)),
                                (rnn_cells, "to_tf1", without_forget_bias(rnn_cells.to_tf1))]},
    "regression": {  # one sample a step, so a sum is its mean: the halved square instead
        "learning rate off by 10%": [(regression_port, "train_step", regression_rate_off),
                                     (optimizers, "GradientDescent",
                                      lambda rate, gd=optimizers.GradientDescent: gd(lambda: rate * 1.1))],
        "tf.nn.l2_loss for the mean square": [
            (regression_port, "loss_fn", l2_loss_for_mean_square),
            (regression_port, "KERAS_LOSSES", dict(regression_port.KERAS_LOSSES, l2=lambda: (
                lambda y_true, y_pred: tf.nn.l2_loss(y_pred - y_true))))]},
    "classification": {  # one sample a step, so a sum is its mean: the sigmoid twice instead
        "learning rate off by 10%": [(classification_port, "train_step", classification_rate_off)],
        "the sigmoid applied before sigmoid cross-entropy": [(classification_port, "loss_fn", sigmoid_twice)]},
    "simple_network": {  # one weight, no batch, so no sum for a mean: half the square instead
        "learning rate off by 10%": [(simple_port, "train_step", simple_rate_off)],
        "tf.nn.l2_loss for the square": [(simple_port, "cost_fn", half_square)]},
}


# The options a slip needs to act at all.
SLIP_OPTIONS = {"keep_prob passed as rate": {"keep_prob": KEEP_PROB}}
# Where a slip clears a mode's bound by less than MARGIN, measured: XLA's bound on the convnet is
# wide enough (Adam's first step turns a gradient's rounding near epsilon into a share of the step)
# that a tenfold epsilon stands about 49 times above it, not 100.
NARROWER = {("Adam's epsilon 1e-7 for 1e-8", "tf2_xla"): 32}
# Slips that round otherwise and compute the same mathematics: float64 arithmetic where TF1 rounds
# to float32 is nearer the exact update than TF1, by rounding. No bound separates it from another
# rounding: caught where the update is bit for bit, and under a bound by the float64 confirmation
# (the port's float32 update sits on its float64 one, TF1's does not).
ROUNDING_SLIPS = ("float64 inside the step",)


def options(name):
    """The example's QUICK; the mlp's and data_parallel's on ten batches, as their QUICK takes one or two updates only."""
    return dict(quick_options(name), **({"train_size": 320} if name in ("mlp", "data_parallel") else {}))


def modes(name):
    """The modes ``name`` takes local steps in: its OWN_MODES, else the LOCAL_MODES it runs (the
    harness's, and tf2_keras where the example declares it)."""
    if name in OWN_MODES:
        return OWN_MODES[name]
    return tuple(m for m in LOCAL_MODES if m in ALL_MODES or m in harness.declared_modes(harness.load(name)[0]))


def local(name, seed=0, **extra):
    """({mode: local Verdict}, the run's updates) of a small run: the reference's states, then each
    mode's one update."""
    data, *twins = harness.load(name)
    inputs = data.make_inputs(seed, **options(name), **extra)
    on_step, kept = harness.state_keeper(twins)
    reference = harness.run_mode(twins, "tf1_graph", inputs, on_step=on_step)
    losses = harness.loss_series(reference, data)  # each method's or run's (decoupled_rnn, simple_network), the longest's updates
    found = harness.local_layer(twins, inputs, ("tf1_graph",) + modes(name), kept, losses)
    return (harness.local_verdicts(name, found, float64=harness.in_float64(twins, inputs, kept, found)),
            max(map(len, losses.values())))


def declared(name, mode):
    """The largest local bound ``name`` declares for ``mode`` under any cause, at least 1 ULP."""
    return max([bound.ulp for bound in bounds(name).get(mode, ())] + [1])


def test_the_examples_with_local_bounds_are_these():
    assert [name for name in harness.examples() if local_bounds(name)] == sorted(EXAMPLES)


def test_local_steps_are_the_first_few_then_powers_of_two_and_three_times_them():
    assert [k for k in range(1, 100) if harness.local_step(k)] == [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96]


@pytest.fixture(scope="module", params=EXAMPLES)
def correct(request):
    return request.param, local(request.param)


def test_the_correct_port_passes_locally_and_the_control_is_bit_identical(correct):
    name, (correct, updates) = correct
    assert correct["tf1_graph"].status == "bit-identical", correct["tf1_graph"]  # the state is the whole state
    for mode in modes(name):
        assert correct[mode].ok and correct[mode].local == sum(map(harness.local_step, range(1, updates + 1))), (
            mode, str(correct[mode]))
    if not onednn_active():
        exact = [m for m in modes(name) if m in LOCAL_MODES and m != "tf2_xla" and m not in NOT_ONEDNN.get(name, ())]
        assert not exact or {correct[m].status for m in exact} == {"bit-identical"}, {
            m: str(correct[m]) for m in correct}
    if name in ("mlp", "regression"):  # every graph rounds alike: only eager (mlp, oneDNN) and XLA may differ
        assert {correct[m].status for m in ("tf2_function", "tf2_loop", "tf2_keras")} == {"bit-identical"}, {
            m: str(correct[m]) for m in correct}


@pytest.mark.parametrize("name,bug", [(name, bug) for name in EXAMPLES for bug in PLANTED[name]])
def test_a_planted_slip_fails_the_local_verdict_at_update_1_by_a_wide_margin(name, bug, monkeypatch):
    for owner, attribute, replacement in PLANTED[name][bug]:
        monkeypatch.setattr(owner, attribute, replacement)
    found, _ = local(name, **SLIP_OPTIONS.get(bug, {}))
    assert found["tf1_graph"].status == "bit-identical"
    for mode in modes(name):
        verdict = found[mode]
        assert verdict.status == "mismatch", (bug, mode, str(verdict))
        if bug in ROUNDING_SLIPS:  # the float64 confirmation names the update where TF1 lands farthest
            assert verdict.first_mismatch.get("kind") in (None, "dtype", "unconfirmed"), (bug, mode, str(verdict))
            continue
        assert verdict.first_mismatch["step"] == 1, (bug, mode, str(verdict))
        margin = NARROWER.get((bug, mode), MARGIN)
        assert verdict.max_ulp >= margin * declared(name, mode), (bug, mode, verdict.max_ulp, declared(name, mode))


def test_the_harness_reports_both_layers_and_judges_a_differing_trajectory_by_its_local_steps():
    result = harness.run_example("convnet", 0, modes=["tf1_graph", "tf2_eager", "tf2_function"],
                                 **quick_options("convnet"))
    parity = result["parity"]
    assert set(parity["local"]) == {"tf1_graph", "tf2_eager", "tf2_function"}
    trajectory = parity["verdicts"]["tf2_function"]
    assert trajectory.status == ("differs" if onednn_active() else "bit-identical"), str(trajectory)
    assert trajectory.ok and parity["local"]["tf2_function"].ok
    # tfparity run prints both layers, the local one first, and the trajectory's end both ways.
    lines = report.verdict_lines(result)
    assert lines[0].startswith("convnet: tf1_graph from its own state (4 updates; the control"), lines
    line = next(l for l in lines if l.startswith("convnet: tf2_function vs tf1_graph: "))
    assert "local, 4 updates from the Session's own state: " in line and "; trajectory: " in line, line
    assert "final loss " in line and "(TF1 " in line and "final accuracy " in line, line
    rows = {row["mode"]: row for row in report.read_summary(["== parity summary", *report.summary({"convnet": result}, {})])}
    assert rows["tf1_graph"]["local"] == rows["tf2_eager"]["local"] == "bit-identical", rows
    assert rows["tf2_function"]["local"].startswith("within, max " if onednn_active() else "bit-identical"), rows


@pytest.mark.parametrize("name", EXAMPLES)
def test_each_local_bound_is_twice_the_recorded_measurement_rounded_up_to_a_power_of_two(name):
    """The BOUNDS cite docs/results/local_steps.json; the numbers live there, not in prose."""
    record = local_record.load()[name]
    assert set(record) == {"onednn on", "onednn off"}
    measured_here = {mode for entry in record.values() for mode, found in entry["modes"].items() if found["scaled_ulp"]}
    assert measured_here <= set(bounds(name)), (measured_here, set(bounds(name)))  # each difference has its bound
    for mode, found in bounds(name).items():
        measured = max(entry["modes"][mode]["scaled_ulp"] for entry in record.values())
        for bound in found:
            assert bound.ulp == 1 << max(2 * int(measured) - 1, 0).bit_length() and bound.atol == 0, (mode, bound, measured)
            assert "local_steps.json" in bound.measured
