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
from tfparity.port import keras_optimizers, keras_trace, optimizers, teacher
from tfparity.port.batch_norm import BatchNorm
from tfparity.port.keras_layers import TF1BatchNorm, TF1Dense

SCALARS = ("loss", "accuracy", "learning_rate")  # the scalars both loops write at every step


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

    def optimizer(self, inputs):
        """The global step, TF1's staircase decay as Keras's schedule, and TF1's Momentum rule reading
        it at the global step, its slots made for the net's variables (a state can be set at once)."""
        global_step = tf.Variable(0, dtype=tf.int64, name="global_step")
        schedule = keras.optimizers.schedules.ExponentialDecay(inputs["learning_rate"], inputs["decay_steps"],
                                                               inputs["decay_rate"], staircase=True)
        optimizer = optimizers.Momentum(lambda: schedule(global_step), inputs["momentum"])
        optimizer.build(self.trainables)
        return global_step, schedule, optimizer

    def tf1_names(self, optimizer, global_step):
        """Every variable by its TF1 name: the model's, batch norm's moving statistics, the global
        step and Momentum's slots (``optimizer`` built)."""
        names = {"conv1/kernel": self.conv1_kernel, "bn1/gamma": self.bn1.gamma, "bn1/beta": self.bn1.beta,
                 "bn1/moving_mean": self.bn1.moving_mean, "bn1/moving_variance": self.bn1.moving_variance,
                 "logits/weights": self.logits_weights, "logits/biases": self.logits_biases}
        slots = {f"{name}/Momentum": optimizer.slot(v, "momentum") for name, v in names.items() if v.trainable}
        return dict(names, global_step=global_step, **slots)


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


def run(inputs, function=False, on_step=None):
    with tempfile.TemporaryDirectory() as scratch:
        logdir = inputs["logdir"] or scratch
        files = write_records(inputs, scratch)
        net = Net(inputs)
        global_step, schedule, optimizer = net.optimizer(inputs)
        step = tf.function(train_step) if function else train_step
        writer = tf.summary.create_file_writer(logdir)
        trace = {name: [] for name in ("loss", "accuracy", "learning_rate", "images", "labels", "moving_mean",
                                       "moving_variance")}
        hook = TraceHook(net, writer, trace)
        read_state = lambda: teacher.values(net.tf1_names(optimizer, global_step))  # noqa: E731
        if on_step:
            on_step(0, read_state)
        for k, (images, labels) in enumerate(batches(inputs, files), 1):
            metrics = step(images, labels, net, optimizer, global_step, schedule)
            hook.after_run(metrics, global_step)
            if on_step:
                on_step(k, read_state)
        writer.close()
        state = tf.train.Checkpoint(net=net, slots=optimizer.variables(), global_step=global_step)
        checkpoint = tf.train.CheckpointManager(state, logdir, max_to_keep=1).save(checkpoint_number=global_step)
        restored = Net(inputs)  # test: the checkpoint restored, batch norm's moving statistics used
        tf.train.Checkpoint(net=restored).restore(checkpoint).expect_partial()
        test_accuracy = accuracy_fn(model(inputs["test_x"], False, restored)[0], inputs["test_y"]).numpy()
    trace = {name: np.array(values) for name, values in trace.items()}
    return dict(trace, test_accuracy=np.array([test_accuracy]))


# %% one step from a state
def step_from(inputs, states, function=False):
    """Teacher forcing: ``states`` is {k: the state before update k} (k counted from 1 over the run;
    a state is every variable by its TF1 name: the model's, batch norm's moving statistics, the
    global step, Momentum's slots). From each, one update on update k's batch; returns
    {k: (its loss, the state after it)}."""
    net = Net(inputs)
    global_step, schedule, optimizer = net.optimizer(inputs)
    step, names, after = tf.function(train_step) if function else train_step, net.tf1_names(optimizer, global_step), {}
    for k, epoch, i in teacher.each_update(states, names, inputs["schedule"].shape[1]):
        rows = inputs["schedule"][epoch][i]
        metrics = step(tf.constant(inputs["train_x"][rows]), tf.constant(inputs["train_y"][rows]), net, optimizer,
                       global_step, schedule)
        after[k] = metrics["loss"].numpy(), teacher.values(names)
    return after


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
    global_step, schedule, optimizer = net.optimizer(inputs)
    loop = tf.function(train_loop, jit_compile=jit_compile)
    trace = {name: values.numpy() for name, values in loop(images_all, labels_all, net, optimizer, global_step,
                                                          schedule).items()}
    test_accuracy = accuracy_fn(model(inputs["test_x"], False, net)[0], inputs["test_y"]).numpy()
    return dict(trace, images=images_all.numpy(), labels=labels_all.numpy(), test_accuracy=np.array([test_accuracy]))


def step_from_loop(inputs, states, jit_compile=False):
    """``step_from`` for the whole-loop modes: each update as a loop of one batch of train_loop."""
    net = Net(inputs)
    global_step, schedule, optimizer = net.optimizer(inputs)
    loop, names, after = tf.function(train_loop, jit_compile=jit_compile), net.tf1_names(optimizer, global_step), {}
    for k, epoch, i in teacher.each_update(states, names, inputs["schedule"].shape[1]):
        rows = inputs["schedule"][epoch][i]
        trace = loop(tf.constant(inputs["train_x"][rows][None]), tf.constant(inputs["train_y"][rows][None]), net,
                     optimizer, global_step, schedule)
        after[k] = trace["loss"].numpy()[0], teacher.values(names)
    return after


# %% keras fit (TF2 only)
def keras_model(inputs):
    """The same convnet of Keras 3 layers: Seen (keeps the batch fit fed, for the trace), Reshape,
    Conv2D (no bias, as TF1's conv), TF1BatchNorm (TF1's rule: Keras 3's BatchNormalization moves
    another variance, docs/pitfalls.md), relu, MaxPooling2D, Flatten, TF1Dense (TF1's ``+``); TF1's
    initial weights."""
    images = keras.Input((784,))
    x = keras_trace.Seen((inputs["batch_size"], 784), name="seen")(images)
    x = keras.layers.Conv2D(CHANNELS, 3, padding="same", use_bias=False, name="conv1")(
        keras.layers.Reshape((28, 28, 1))(x))
    x = TF1BatchNorm(inputs["bn_momentum"], inputs["bn_epsilon"], name="bn1")(x)
    x = keras.layers.MaxPooling2D(2, padding="same")(keras.layers.Activation("relu")(x))
    logits = TF1Dense(10, name="logits")(keras.layers.Flatten()(x))
    net = keras.Model(images, logits)
    net.get_layer("conv1").set_weights([inputs["conv1/kernel"]])
    net.get_layer("logits").set_weights([inputs["logits/weights"], inputs["logits/biases"]])
    return net


def keras_names(net):
    """Every variable of the compiled ``net`` by its TF1 name: the layers', the optimizer's iterations
    as the global step (the updates before the next), TF1's Momentum slots in the wrapped rule."""
    bn = net.get_layer("bn1")
    names = {"conv1/kernel": net.get_layer("conv1").kernel, "bn1/gamma": bn.gamma, "bn1/beta": bn.beta,
             "bn1/moving_mean": bn.moving_mean, "bn1/moving_variance": bn.moving_variance,
             "logits/weights": net.get_layer("logits").kernel, "logits/biases": net.get_layer("logits").bias}
    names = {name: v.value for name, v in names.items()}
    slots = {f"{name}/Momentum": net.optimizer.rule.slot(v, "momentum") for name, v in names.items() if v.trainable}
    return dict(names, global_step=net.optimizer.iterations.value, **slots)


def compiled(inputs):
    """The Keras model compiled with TF1's Momentum rule whose rate is ExponentialDecay(staircase=True)
    at the optimizer's iterations (TF1's global step before the update: Keras counts after it); the
    rate the rule read, the batch's labels, loss and accuracy kept for the callbacks."""
    net = keras_model(inputs)
    schedule = keras.optimizers.schedules.ExponentialDecay(inputs["learning_rate"], inputs["decay_steps"],
                                                           inputs["decay_rate"], staircase=True)
    used = tf.Variable(0.0, trainable=False, name="learning_rate")  # the rate of the last update

    def learning_rate():
        rate = schedule(optimizer.iterations)
        used.assign(rate)
        return rate
    optimizer = keras_optimizers.wrap(optimizers.Momentum(learning_rate, inputs["momentum"]))
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    labels = keras_trace.BatchValue(lambda y, _: tf.cast(y, tf.int64), (inputs["batch_size"],), "int64", "batch_labels")
    net.compile(optimizer=optimizer, loss=loss, metrics=[
        keras_trace.BatchLoss(loss), keras_trace.BatchLoss(lambda y, p: accuracy_fn(p, tf.cast(y, tf.int64)),
                                                           name="batch_accuracy"), labels])
    net.optimizer.build(net.trainable_variables)
    return net, used, labels


class Summaries(keras.callbacks.Callback):
    """TF1's summary writing as a callback: each step's scalars (the trace's last) at the global
    step after the update, the optimizer's iterations."""

    def __init__(self, writer, trace):
        super().__init__()
        self.writer, self.trace = writer, trace

    def on_train_batch_end(self, batch, logs=None):
        with self.writer.as_default(step=self.model.optimizer.iterations):
            for name in SCALARS:
                tf.summary.scalar(name, self.trace[name][-1])


class Checkpoints(keras.callbacks.Callback):
    """Saver's place: the model and its optimizer (the rule's slots, the iterations) saved by a
    tf.train.CheckpointManager when training ends, numbered by the global step; ``self.path``."""

    def __init__(self, folder):
        super().__init__()
        self.folder, self.path = folder, None

    def on_train_end(self, logs=None):
        state = tf.train.Checkpoint(model=self.model, optimizer=self.model.optimizer)
        self.path = tf.train.CheckpointManager(state, self.folder, max_to_keep=1).save(
            checkpoint_number=self.model.optimizer.iterations)


def run_keras(inputs):
    """``model.fit`` over the same TFRecord files, with callbacks for the hooks: the trace (per-step
    fields, as the TF1 hook fetched them), TerminateOnNaN (NanTensorHook), the summaries, the checkpoint."""
    with tempfile.TemporaryDirectory() as scratch:
        logdir = inputs["logdir"] or scratch
        files = write_records(inputs, scratch)
        net, used, labels = compiled(inputs)
        seen, bn = net.get_layer("seen").seen, net.get_layer("bn1")

        def after_step(step, logs):
            return {"loss": np.float32(logs["batch_loss"]), "accuracy": np.float32(logs["batch_accuracy"]),
                    "learning_rate": used.numpy(), "images": seen.numpy(), "labels": labels.value.numpy(),
                    "moving_mean": bn.moving_mean.numpy(), "moving_variance": bn.moving_variance.numpy()}
        trace, writer, checkpoints = {}, tf.summary.create_file_writer(logdir), Checkpoints(logdir)
        # steps_per_epoch: fit reads the one pipeline on across epochs, each epoch's file in turn.
        net.fit(batches(inputs, files), epochs=inputs["epochs"], steps_per_epoch=len(inputs["schedule"][0]),
                shuffle=False, verbose=0, callbacks=[
            keras_trace.Trace(trace, after_step), keras.callbacks.TerminateOnNaN(), Summaries(writer, trace), checkpoints])
        writer.close()
        restored = keras_model(inputs)  # test: the checkpoint restored, batch norm's moving statistics used
        tf.train.Checkpoint(model=restored).restore(checkpoints.path).expect_partial()
        test_accuracy = accuracy_fn(restored(tf.constant(inputs["test_x"]), training=False), inputs["test_y"]).numpy()
    trace = {name: np.array(values) for name, values in trace.items()}
    return dict(trace, test_accuracy=np.array([test_accuracy]))


def step_from_keras(inputs, states):
    """``step_from`` for ``model.fit``: each update as ``train_on_batch``, which runs fit's own train
    function; every variable set and read by its TF1 name (``keras_names``)."""
    net, _, _ = compiled(inputs)
    names, after = keras_names(net), {}
    for k, epoch, i in teacher.each_update(states, names, inputs["schedule"].shape[1]):
        rows = inputs["schedule"][epoch][i]
        logs = net.train_on_batch(inputs["train_x"][rows], inputs["train_y"][rows], return_dict=True)
        after[k] = np.float32(logs["batch_loss"]), teacher.values(names)
    return after


if __name__ == "__main__":
    from shared_data.training_loop import make_inputs

    result = run(make_inputs(seed=0))
    print(f"final loss {result['loss'][-1]} test accuracy {result['test_accuracy'][0]}")
