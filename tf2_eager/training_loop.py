"""training_loop, TF2 eager twin: the same convnet and loop in native TF2, with Keras 3's learning-rate schedule.

Batch normalization is TF1's rule in a tf.Module (tfparity.port.batch_norm: the fused kernel, its
Bessel-corrected batch variance and TF1's moving-average update; Keras 3's BatchNormalization
differs, docs/pitfalls.md); `training` a Python bool, no UPDATE_OPS (the layer updates its moving
statistics when called); keras.optimizers.schedules.ExponentialDecay(staircase=True) on a step
variable; tf.data reads the same TFRecord files; tf.summary v2 with create_file_writer; a custom
training loop whose hook is a plain object it calls (check_numerics for NanTensorHook); a
tf.train.CheckpointManager, whose checkpoint
a fresh model restores to test.
"""
import tempfile

import keras
import numpy as np
import tensorflow as tf

from shared_data.training_loop import CHANNELS, write_records
from tfparity.port import optimizers
from tfparity.port.batch_norm import BatchNorm


# %% model
def model(images, is_training, params):
    """Logits and batch norm's output; batch norm's moving averages are updated when it trains."""
    x = tf.reshape(images, [-1, 28, 28, 1])
    kernel = params.conv1_kernel
    conv = tf.nn.conv2d(x, kernel, strides=[1, 1, 1, 1], padding="SAME")
    normed = params.bn1(conv, training=is_training)
    pooled = tf.nn.max_pool2d(tf.nn.relu(normed), ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="SAME")
    weights = params.logits_weights
    biases = params.logits_biases
    return tf.matmul(tf.reshape(pooled, [-1, 14 * 14 * CHANNELS]), weights) + biases, normed


class Net(tf.Module):
    """The variables, in TF1's order of trainable_variables: conv1/kernel, bn1's gamma and beta, logits'."""

    def __init__(self, inputs):
        super().__init__(name="net")
        self.conv1_kernel = tf.Variable(inputs["conv1/kernel"], name="conv1/kernel")
        self.bn1 = BatchNorm(CHANNELS, momentum=inputs["bn_momentum"], epsilon=inputs["bn_epsilon"], name="bn1")
        self.logits_weights = tf.Variable(inputs["logits/weights"], name="logits/weights")
        self.logits_biases = tf.Variable(inputs["logits/biases"], name="logits/biases")
        self.trainables = [self.conv1_kernel, self.bn1.gamma, self.bn1.beta, self.logits_weights, self.logits_biases]


# %% loss
def loss_fn(logits, labels):
    return tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))


def accuracy_fn(logits, labels):
    return tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), labels), tf.float32))


# %% input
def parse(record):
    example = tf.io.parse_single_example(record, {"image": tf.io.FixedLenFeature([784], tf.float32),
                                                  "label": tf.io.FixedLenFeature([], tf.int64)})
    return example["image"], example["label"]


def batches(inputs, files):
    """(images, labels) of every batch, from the TFRecord files in order."""
    return tf.data.TFRecordDataset(files).map(parse).batch(inputs["batch_size"], drop_remainder=True)


# %% step
def train_step(images, labels, net, optimizer, global_step, schedule):
    learning_rate = schedule(global_step)
    with tf.GradientTape() as tape:
        logits, normed = model(images, True, net)
        loss = loss_fn(logits, labels)
    accuracy = accuracy_fn(logits, labels)
    optimizer.apply_gradients(zip(tape.gradient(loss, net.trainables), net.trainables))
    global_step.assign_add(1)
    metrics = {"loss": loss, "accuracy": accuracy, "learning_rate": learning_rate, "images": images,
               "labels": labels, "normed": normed}
    return metrics


# %% train
class TraceHook:
    """What TF1's SessionRunHook did, as a plain object the loop calls after each step: the step's
    metrics, its summaries (at the global step after the update), then the moving statistics."""

    def __init__(self, net, writer, trace):
        self.net, self.writer, self.trace = net, writer, trace

    def after_run(self, metrics, global_step):
        tf.debugging.check_numerics(metrics["loss"], "NaN loss during training.")  # TF1's NanTensorHook
        for name in ("loss", "accuracy", "learning_rate", "images", "labels"):
            self.trace[name].append(metrics[name].numpy())
        with self.writer.as_default(step=global_step):
            for name in ("loss", "accuracy", "learning_rate"):
                tf.summary.scalar(name, metrics[name])
            tf.summary.histogram("bn1/output", metrics["normed"])
        self.trace["moving_mean"].append(self.net.bn1.moving_mean.numpy())
        self.trace["moving_variance"].append(self.net.bn1.moving_variance.numpy())


def run(inputs, function=False):
    with tempfile.TemporaryDirectory() as scratch:
        logdir = inputs["logdir"] or scratch
        files = write_records(inputs, scratch)
        net = Net(inputs)
        global_step = tf.Variable(0, dtype=tf.int64, name="global_step")
        schedule = keras.optimizers.schedules.ExponentialDecay(inputs["learning_rate"], inputs["decay_steps"],
                                                               inputs["decay_rate"], staircase=True)
        optimizer = optimizers.Momentum(lambda: schedule(global_step), inputs["momentum"])
        step = tf.function(train_step) if function else train_step
        writer = tf.summary.create_file_writer(logdir)
        trace = {name: [] for name in ("loss", "accuracy", "learning_rate", "images", "labels", "moving_mean",
                                       "moving_variance")}
        hook = TraceHook(net, writer, trace)
        for images, labels in batches(inputs, files):
            metrics = step(images, labels, net, optimizer, global_step, schedule)
            hook.after_run(metrics, global_step)
        writer.close()
        state = tf.train.Checkpoint(net=net, slots=optimizer.variables(), global_step=global_step)
        checkpoint = tf.train.CheckpointManager(state, logdir, max_to_keep=1).save(checkpoint_number=global_step)
        restored = Net(inputs)  # test: the checkpoint restored, batch norm's moving statistics used
        tf.train.Checkpoint(net=restored).restore(checkpoint).expect_partial()
        test_accuracy = accuracy_fn(model(inputs["test_x"], False, restored)[0], inputs["test_y"]).numpy()
    trace = {name: np.array(values) for name, values in trace.items()}
    return dict(trace, test_accuracy=np.array([test_accuracy]))


# %% whole loop (TF2 only)
def train_loop(images_all, labels_all, net, optimizer, global_step, schedule):
    """Every step and its trace in one graph: a tf.range loop over the batches, writing TensorArrays."""
    fields = {"loss": tf.float32, "accuracy": tf.float32, "learning_rate": tf.float32, "moving_mean": tf.float32,
              "moving_variance": tf.float32}
    trace = {name: tf.TensorArray(dtype, size=tf.shape(images_all)[0]) for name, dtype in fields.items()}
    for k in tf.range(tf.shape(images_all)[0]):
        metrics = train_step(images_all[k], labels_all[k], net, optimizer, global_step, schedule)
        now = dict(metrics, moving_mean=net.bn1.moving_mean.read_value(),
                   moving_variance=net.bn1.moving_variance.read_value())
        trace = {name: trace[name].write(k, now[name]) for name in trace}
    return {name: values.stack() for name, values in trace.items()}


def run_loop(inputs, jit_compile=False):
    with tempfile.TemporaryDirectory() as scratch:
        pairs = list(batches(inputs, write_records(inputs, scratch)))
    images_all, labels_all = tf.stack([p[0] for p in pairs]), tf.stack([p[1] for p in pairs])
    net = Net(inputs)
    global_step = tf.Variable(0, dtype=tf.int64, name="global_step")
    schedule = keras.optimizers.schedules.ExponentialDecay(inputs["learning_rate"], inputs["decay_steps"],
                                                           inputs["decay_rate"], staircase=True)
    optimizer = optimizers.Momentum(lambda: schedule(global_step), inputs["momentum"])
    loop = tf.function(train_loop, jit_compile=jit_compile)
    trace = {name: values.numpy() for name, values in loop(images_all, labels_all, net, optimizer, global_step,
                                                          schedule).items()}
    test_accuracy = accuracy_fn(model(inputs["test_x"], False, net)[0], inputs["test_y"]).numpy()
    return dict(trace, images=images_all.numpy(), labels=labels_all.numpy(), test_accuracy=np.array([test_accuracy]))


if __name__ == "__main__":
    from shared_data.training_loop import make_inputs

    result = run(make_inputs(seed=0))
    print(f"final loss {result['loss'][-1]} test accuracy {result['test_accuracy'][0]}")
