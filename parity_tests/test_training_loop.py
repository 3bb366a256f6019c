"""The training loop TF1 shipped (batch norm with UPDATE_OPS, exponential_decay, TFRecord pipelines,
summaries, MonitoredTrainingSession's hooks, Saver) against its TF2 port: every mode bit-identical
but XLA, the batches element for element, the learning rate and the moving statistics at every
step against NumPy, both event files read back, and TF1's checkpoint resumed in TF2."""
import os

import keras
import numpy as np
import pytest
import tensorflow as tf
import tensorflow.compat.v1 as tf1
from conftest import quick_options

import tf1_graph.training_loop as tf1_twin
import tf2_eager.training_loop as tf2_twin
from shared_data.training_loop import make_inputs, write_records
from tfparity.core import harness
from tfparity.port import optimizers
from tfparity.port.batch_norm import BatchNorm

pytestmark = pytest.mark.skipif(not os.environ.get("MNIST_DIR"), reason="needs the real MNIST (MNIST_DIR)")
MODES = ("tf1_graph", "tf2_eager", "tf2_function", "tf2_loop", "tf2_keras")
SCALARS = ("loss", "accuracy", "learning_rate")


@pytest.fixture(scope="module")
def inputs():
    return make_inputs(0, **quick_options("training_loop"))


@pytest.fixture(scope="module")
def runs(inputs, tmp_path_factory):
    """Each twin's run, its event files and checkpoint in a folder of its own; the TF1 queue runner's."""
    found = {}
    for name, run, options in (("tf1", tf1_twin.run, {}), ("tf2", tf2_twin.run, {}),
                               ("tf2_keras", tf2_twin.run_keras, {}),
                               ("tf1_queue", tf1_twin.run, {"pipeline": "queue"})):
        logdir = tmp_path_factory.mktemp(name)
        found[name] = logdir, run(dict(inputs, logdir=str(logdir), **options))
    return found


def test_every_mode_but_xla_is_bit_identical_to_the_session_on_its_run_and_on_local_steps(inputs):
    result = harness.run_example("training_loop", 0, modes=MODES, **quick_options("training_loop"))
    assert {mode: verdict.status for mode, verdict in result["parity"]["verdicts"].items()} == {
        mode: "bit-identical" for mode in MODES[1:]}
    # the local layer: each mode's one update from the Session's own state (the reference's own
    # step_from against its run is the control that the state set and read is the whole state)
    assert {mode: (verdict.status, verdict.local) for mode, verdict in result["parity"]["local"].items()} == {
        mode: ("bit-identical", 5) for mode in MODES}


def test_the_queue_runner_with_one_thread_and_no_shuffling_gives_the_datasets_run_bit_for_bit(runs):
    dataset, queue = runs["tf1"][1], runs["tf1_queue"][1]
    assert dataset.keys() == queue.keys()
    for field in dataset:
        np.testing.assert_array_equal(queue[field], dataset[field], err_msg=field)


def test_the_batches_are_shared_datas_schedule_element_for_element(inputs, runs):
    order = inputs["schedule"].reshape(-1, inputs["batch_size"])
    for name in ("tf1", "tf2"):
        trace = runs[name][1]
        np.testing.assert_array_equal(trace["images"], inputs["train_x"][order])
        np.testing.assert_array_equal(trace["labels"], inputs["train_y"][order])


def test_the_learning_rate_halves_every_decay_steps_updates_counted_from_the_global_step_before_each(inputs, runs):
    steps = np.arange(len(runs["tf1"][1]["loss"]))  # update k+1 reads the global step k
    expected = np.float32(inputs["learning_rate"]) * np.float32(inputs["decay_rate"]) ** (steps // inputs["decay_steps"])
    for name in ("tf1", "tf2"):
        np.testing.assert_array_equal(runs[name][1]["learning_rate"], expected.astype(np.float32))


def test_a_nan_loss_stops_both_loops_at_the_first_update(inputs):
    # NaN biases of the last layer: the loss is NaN, batch norm's output is not. (With NaN images the
    # TF1 run fails sooner, in the same sess.run: tf.summary.histogram raises "Nan in summary
    # histogram" before NanTensorHook sees the loss.)
    bad = dict(inputs, **{"logits/biases": np.full_like(inputs["logits/biases"], np.nan)})
    with pytest.raises(tf1.train.NanLossDuringTrainingError):  # NanTensorHook
        tf1_twin.run(bad)
    with pytest.raises(tf.errors.InvalidArgumentError, match="NaN loss during training"):  # check_numerics
        tf2_twin.run(bad)
    assert len(tf2_twin.run_keras(bad)["loss"]) == 1  # keras.callbacks.TerminateOnNaN stops fit after it


def _first_batch_moments(inputs):
    """The first batch's conv1 output moments per channel in float64 (NumPy), from the initial kernel."""
    images = inputs["train_x"][inputs["schedule"][0][0]].reshape(-1, 28, 28).astype(np.float64)
    padded = np.pad(images, ((0, 0), (1, 1), (1, 1)))
    kernel = inputs["conv1/kernel"][:, :, 0, :].astype(np.float64)
    conv = sum(padded[:, i:i + 28, j:j + 28, None] * kernel[i, j] for i in range(3) for j in range(3))
    values = conv.reshape(-1, conv.shape[-1])
    return values.mean(0), values.var(0), len(values)


def test_the_moving_statistics_after_update_1_are_tf1s_rule_with_the_bessel_corrected_batch_variance(inputs, runs):
    mean, variance, n = _first_batch_moments(inputs)
    decay = np.float64(np.float32(1) - np.float32(inputs["bn_momentum"]))
    for name in ("tf1", "tf2"):
        trace = runs[name][1]
        np.testing.assert_allclose(trace["moving_mean"][0], decay * mean, rtol=1e-5, atol=1e-9)
        corrected = 1 - (1 - variance * n / (n - 1)) * decay
        # With oneDNN on, its convolution rounds the batch statistics otherwise: 4.3e-7 relative here
        # (measured, TF 2.21, AMD EPYC); Bessel's correction itself is shown on a batch of 8 values below.
        np.testing.assert_allclose(trace["moving_variance"][0], corrected, rtol=1e-6)


def _tf1_batch_norm_once(x, is_training=True, **options):
    """tf.layers.batch_normalization's output and moving statistics after one run of its UPDATE_OPS
    (the batch-norm pitfalls' TF1 run)."""
    from tfparity.studies.pitfalls import batch_norm_runs
    out, values = batch_norm_runs.tf1_layer(x, is_training=is_training, **options)
    return out, values["moving_mean"], values["moving_variance"]


def test_on_a_small_batch_tf1s_moving_variance_carries_bessels_correction_and_the_port_gives_its_bits():
    # 8 values per channel: the correction n/(n-1) = 8/7 stands far above float32's rounding.
    x = np.random.default_rng(0).normal(1.0, 2.0, (2, 2, 2, 3)).astype(np.float32)
    _, mean, variance = _tf1_batch_norm_once(x)
    values = x.reshape(-1, 3).astype(np.float64)
    decay = np.float64(np.float32(1) - np.float32(0.99))  # 1 - momentum in float32: TF1's momentum is a tensor
    np.testing.assert_allclose(mean, decay * values.mean(0), rtol=1e-6)
    np.testing.assert_allclose(variance, 1 - (1 - values.var(0, ddof=1)) * decay, rtol=1e-6)
    assert np.min(np.abs(variance - (1 - (1 - values.var(0)) * decay))) > 1e-3  # not the plain variance
    port = BatchNorm(3)
    port(tf.constant(x), training=True)
    np.testing.assert_array_equal(port.moving_mean.numpy(), mean)
    np.testing.assert_array_equal(port.moving_variance.numpy(), variance)


def _events(logdir):
    """{tag: {step: value}} of every scalar in the event files under ``logdir``, TF1's simple values
    and TF2's scalar tensors alike (tf.compat.v1.train.summary_iterator reads both)."""
    found = {}
    for path in sorted(tf.io.gfile.glob(os.path.join(logdir, "events.out.tfevents.*"))):
        for event in tf1.train.summary_iterator(path):
            for value in event.summary.value:
                kind = value.WhichOneof("value")
                if kind == "simple_value":
                    found.setdefault(value.tag, {})[event.step] = np.float32(value.simple_value)
                elif kind == "tensor" and value.metadata.plugin_data.plugin_name == "scalars":
                    found.setdefault(value.tag, {})[event.step] = tf.make_ndarray(value.tensor)[()]
    return found


@pytest.mark.parametrize("port", ["tf2", "tf2_keras"])
def test_both_event_files_hold_every_steps_scalars_at_the_global_step_after_the_update(runs, port):
    tf1_events, tf2_events = _events(str(runs["tf1"][0])), _events(str(runs[port][0]))
    steps = len(runs["tf1"][1]["loss"])
    for tag in SCALARS:
        assert sorted(tf1_events[tag]) == sorted(tf2_events[tag]) == list(range(1, steps + 1)), tag
        for step in range(1, steps + 1):
            assert tf1_events[tag][step] == tf2_events[tag][step] == runs["tf1"][1][tag][step - 1], (tag, step)


def test_the_fit_runs_checkpoint_holds_tf1s_saver_checkpoint_by_tf1_name_bit_for_bit(inputs, runs):
    # the model's weights, batch norm's moving statistics, Momentum's slots in the wrapped rule and
    # the optimizer's iterations as the global step, restored into a fresh compiled model
    saver = tf.train.load_checkpoint(tf1.train.latest_checkpoint(str(runs["tf1"][0])))
    net, _, _ = tf2_twin.compiled(inputs)
    manager = tf.train.latest_checkpoint(str(runs["tf2_keras"][0]))
    assert manager.endswith(f"ckpt-{len(runs['tf1'][1]['loss'])}")
    tf.train.Checkpoint(model=net, optimizer=net.optimizer).restore(manager).assert_existing_objects_matched()
    restored = tf2_twin.keras_names(net)
    assert restored.keys() == saver.get_variable_to_shape_map().keys()
    for name, variable in restored.items():
        np.testing.assert_array_equal(variable.numpy(), saver.get_tensor(name), err_msg=name)


def _resume_in_tf2(inputs, checkpoint, files):
    """TF2 training resumed from TF1's Saver checkpoint: every variable by its TF1 name (the model's,
    batch norm's moving statistics, Momentum's slots, the global step) into the port's, then the
    remaining batches. Returns the resumed run's trace."""
    reader = tf.train.load_checkpoint(checkpoint)
    net, global_step = tf2_twin.Net(inputs), tf.Variable(0, dtype=tf.int64)
    schedule = keras.optimizers.schedules.ExponentialDecay(inputs["learning_rate"], inputs["decay_steps"],
                                                           inputs["decay_rate"], staircase=True)
    optimizer = optimizers.Momentum(lambda: schedule(global_step), inputs["momentum"])
    optimizer.build(net.trainables)
    names = {"conv1/kernel": net.conv1_kernel, "bn1/gamma": net.bn1.gamma, "bn1/beta": net.bn1.beta,
             "logits/weights": net.logits_weights, "logits/biases": net.logits_biases}
    for name, variable in names.items():
        variable.assign(reader.get_tensor(name))
        optimizer.slot(variable, "momentum").assign(reader.get_tensor(f"{name}/Momentum"))
    net.bn1.moving_mean.assign(reader.get_tensor("bn1/moving_mean"))
    net.bn1.moving_variance.assign(reader.get_tensor("bn1/moving_variance"))
    global_step.assign(reader.get_tensor("global_step"))
    trace = {name: [] for name in ("loss", "learning_rate", "moving_mean", "moving_variance")}
    for images, labels in tf2_twin.batches(inputs, files):
        metrics = tf2_twin.train_step(images, labels, net, optimizer, global_step, schedule)
        for name in ("loss", "learning_rate"):
            trace[name].append(metrics[name].numpy())
        trace["moving_mean"].append(net.bn1.moving_mean.numpy())
        trace["moving_variance"].append(net.bn1.moving_variance.numpy())
    return {name: np.array(values) for name, values in trace.items()}


def test_tf1s_checkpoint_after_epoch_1_resumed_in_tf2_is_the_uninterrupted_session_run(inputs, runs, tmp_path):
    first = dict(inputs, epochs=1, schedule=inputs["schedule"][:1], logdir=str(tmp_path / "tf1"))
    tf1_twin.run(first)
    checkpoint = tf1.train.latest_checkpoint(first["logdir"])
    steps = len(inputs["schedule"][0])
    assert checkpoint.endswith(f"model.ckpt-{steps}")
    (tmp_path / "records").mkdir()
    files = write_records(inputs, str(tmp_path / "records"))[1:]
    resumed, whole = _resume_in_tf2(inputs, checkpoint, files), runs["tf1"][1]
    for field, values in resumed.items():
        np.testing.assert_array_equal(values, whole[field][steps:], err_msg=field)


class _FrozenBatchNorm(BatchNorm):
    """A slip: batch norm trains on the batch but its moving statistics are never updated (TF1's
    UPDATE_OPS not run; in TF2, a layer whose updates are dropped)."""

    def __call__(self, x, training):
        return tf.raw_ops.FusedBatchNormV3(x=x, scale=self.gamma, offset=self.beta, mean=self.moving_mean,
                                           variance=self.moving_variance, epsilon=self.epsilon,
                                           exponential_avg_factor=1.0, is_training=training)[0]


class _KerasBatchNorm:
    """Keras 3's BatchNormalization (the same momentum and epsilon) where the port's BatchNorm was."""

    def __init__(self, channels, momentum, epsilon, name):
        self.layer = keras.layers.BatchNormalization(momentum=momentum, epsilon=epsilon)
        self.layer.build((None, 28, 28, channels))
        self.gamma, self.beta = self.layer.gamma.value, self.layer.beta.value
        self.moving_mean, self.moving_variance = self.layer.moving_mean.value, self.layer.moving_variance.value

    def __call__(self, x, training):
        return self.layer(x, training=training)


def _without_staircase(*args, **options):
    return _EXPONENTIAL_DECAY(*args, **dict(options, staircase=False))


_EXPONENTIAL_DECAY = keras.optimizers.schedules.ExponentialDecay
# Each slip a port makes, planted in the TF2 twin: the first update, field it fails at. Keras 3's
# layer normalizes through other ops: with oneDNN on its output, so the loss, already rounds
# otherwise at update 1 (3 ULP, measured), where with oneDNN off the moving mean is the first field.
KERAS_BN_FIELDS = ("moving_mean", "loss")
SLIPS = {
    "the training flag forgotten": ("model", lambda images, is_training, params: _MODEL(images, False, params), 1, "loss"),
    "UPDATE_OPS not run (moving statistics never updated)": ("BatchNorm", _FrozenBatchNorm, 1, "moving_mean"),
    "momentum read as decay": ("BatchNorm", lambda channels, momentum, epsilon, name: BatchNorm(
        channels, 1 - momentum, epsilon, name=name), 1, "moving_mean"),
    "Keras 3 BatchNormalization for TF1's layer": ("BatchNorm", _KerasBatchNorm, 1, KERAS_BN_FIELDS),
    "staircase dropped": (None, None, 2, "learning_rate"),
}
_MODEL = tf2_twin.model


@pytest.mark.parametrize("slip", list(SLIPS))
def test_every_planted_slip_fails_at_its_first_update(slip, inputs, runs, monkeypatch, tmp_path):
    from tfparity.core.compare import compare
    name, replacement, step, field = SLIPS[slip]
    if name:
        monkeypatch.setattr(tf2_twin, name, replacement)
    else:
        monkeypatch.setattr(keras.optimizers.schedules, "ExponentialDecay", _without_staircase)
    per_step = lambda trace: {f: v for f, v in trace.items() if f != "test_accuracy"}  # noqa: E731 - one value, at the end
    verdict = compare(per_step(runs["tf1"][1]), per_step(tf2_twin.run(dict(inputs, logdir=str(tmp_path)))))
    fields = field if isinstance(field, tuple) else (field,)
    assert verdict.status == "mismatch" and any(f"at step {step}, field {f}" in str(verdict) for f in fields), str(verdict)


def test_a_summary_step_off_by_one_fails_the_event_file_comparison(inputs, runs, monkeypatch, tmp_path):
    after_run = tf2_twin.TraceHook.after_run
    monkeypatch.setattr(tf2_twin.TraceHook, "after_run", lambda self, metrics, global_step: after_run(
        self, metrics, global_step - 1))  # written with the step before the update
    tf2_twin.run(dict(inputs, logdir=str(tmp_path)))
    steps = len(runs["tf1"][1]["loss"])
    assert sorted(_events(str(tmp_path))["loss"]) == list(range(steps)) != sorted(_events(str(runs["tf1"][0]))["loss"])


class _ScheduleAhead(_EXPONENTIAL_DECAY):
    """A slip: the schedule read at the step after the update (Keras' iterations + 1)."""

    def __call__(self, step):
        return super().__call__(step + 1)


def _summaries_before_the_update(self, batch, logs=None):
    """A slip: the fit callback writing its scalars at the step before the update."""
    with self.writer.as_default(step=self.model.optimizer.iterations - 1):
        for name in SCALARS:
            tf.summary.scalar(name, self.trace[name][-1])


def test_fit_slips_fail_the_learning_rate_and_the_event_files(inputs, runs, monkeypatch, tmp_path):
    from tfparity.core.compare import compare
    with monkeypatch.context() as patch:
        patch.setattr(keras.optimizers.schedules, "ExponentialDecay", _ScheduleAhead)
        ahead = tf2_twin.run_keras(dict(inputs, logdir=str(tmp_path / "ahead")))
    per_step = lambda trace: {f: v for f, v in trace.items() if f != "test_accuracy"}  # noqa: E731 - one value, at the end
    verdict = compare(per_step(runs["tf1"][1]), per_step(ahead))
    assert verdict.status == "mismatch" and "at step 2, field learning_rate" in str(verdict), str(verdict)
    with monkeypatch.context() as patch:  # Keras 3's own layer in the fit model, TF1's momentum and epsilon (its moving mean rounds otherwise from update 1)
        patch.setattr(tf2_twin, "TF1BatchNorm", lambda momentum, epsilon, name: keras.layers.BatchNormalization(
            momentum=momentum, epsilon=epsilon, name=name))
        keras_bn = tf2_twin.run_keras(dict(inputs, logdir=str(tmp_path / "keras_bn")))
    verdict = compare(per_step(runs["tf1"][1]), per_step(keras_bn))
    assert verdict.status == "mismatch" and any(f"at step 1, field {f}" in str(verdict) for f in KERAS_BN_FIELDS), str(verdict)
    monkeypatch.setattr(tf2_twin.Summaries, "on_train_batch_end", _summaries_before_the_update)
    tf2_twin.run_keras(dict(inputs, logdir=str(tmp_path / "before")))
    steps = len(runs["tf1"][1]["loss"])
    assert sorted(_events(str(tmp_path / "before"))["loss"]) == list(range(steps)) != sorted(
        _events(str(runs["tf1"][0]))["loss"])


@pytest.mark.parametrize("options", [{}, {"scale": False}, {"center": False}], ids=["defaults", "scale=False", "center=False"])
def test_the_ports_batch_norm_is_tf1s_layer_bit_for_bit_training_and_testing(options):
    x = np.random.default_rng(1).normal(-0.5, 3.0, (2, 3, 3, 4)).astype(np.float32)
    trained, mean, variance = _tf1_batch_norm_once(x, **options)
    tested, _, _ = _tf1_batch_norm_once(x, is_training=False, **options)
    port = BatchNorm(4, **options)
    assert [v.name for v in port.trainable_variables] == [f"bn/{n}:0" for n in ("beta", "gamma")
                                                          if options.get({"beta": "center", "gamma": "scale"}[n], True)]
    inference = BatchNorm(4, **options)
    np.testing.assert_array_equal(inference(tf.constant(x), training=False).numpy(), tested)
    np.testing.assert_array_equal(port(tf.constant(x), training=True).numpy(), trained)
    np.testing.assert_array_equal(port.moving_mean.numpy(), mean)
    np.testing.assert_array_equal(port.moving_variance.numpy(), variance)
