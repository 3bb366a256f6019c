"""training_loop, TF1 graph twin: a convnet with batch normalization in the training loop TF1's tutorials wrote.

tf.layers.batch_normalization with an is_training placeholder and its UPDATE_OPS as the train op's
control dependency; exponential_decay(staircase=True) on the global step; batches from the TFRecord
files shared_data writes, through a Dataset's one-shot iterator or a queue runner; tf.summary
scalars and a histogram, merge_all and a FileWriter; MonitoredTrainingSession with StopAtStepHook,
NanTensorHook and a SessionRunHook of our own that records every step; a Saver, whose checkpoint a
plain Session restores to test. tf.layers is tf-keras's legacy module, where TF 2.x keeps it.
"""
import tempfile

import numpy as np
import tensorflow.compat.v1 as tf1
from tf_keras.api._v1.keras.__internal__.legacy import layers

from shared_data.training_loop import CHANNELS, write_records


# %% model
def model(images, is_training, params):
    """Logits and batch norm's output; batch norm's moving averages are updated by UPDATE_OPS."""
    x = tf1.reshape(images, [-1, 28, 28, 1])
    kernel = tf1.get_variable("conv1/kernel", initializer=params["conv1/kernel"])
    conv = tf1.nn.conv2d(x, kernel, strides=[1, 1, 1, 1], padding="SAME")
    normed = layers.batch_normalization(conv, momentum=params["bn_momentum"], epsilon=params["bn_epsilon"],
                                        training=is_training, name="bn1")
    pooled = tf1.nn.max_pool(tf1.nn.relu(normed), ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="SAME")
    weights = tf1.get_variable("logits/weights", initializer=params["logits/weights"])
    biases = tf1.get_variable("logits/biases", initializer=params["logits/biases"])
    return tf1.matmul(tf1.reshape(pooled, [-1, 14 * 14 * CHANNELS]), weights) + biases, normed


# %% loss
def loss_fn(logits, labels):
    return tf1.reduce_mean(tf1.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))


def accuracy_fn(logits, labels):
    return tf1.reduce_mean(tf1.cast(tf1.equal(tf1.argmax(logits, 1), labels), tf1.float32))


# %% input
def parse(record):
    example = tf1.parse_single_example(record, {"image": tf1.FixedLenFeature([784], tf1.float32),
                                                "label": tf1.FixedLenFeature([], tf1.int64)})
    return example["image"], example["label"]


def batches(inputs, files):
    """(images, labels) of the next batch, from the TFRecord files in order."""
    if inputs["pipeline"] == "queue":
        filenames = tf1.train.string_input_producer(files, shuffle=False)
        _, record = tf1.TFRecordReader().read(filenames)
        return tf1.train.batch(parse(record), batch_size=inputs["batch_size"], num_threads=1)
    dataset = tf1.data.TFRecordDataset(files).map(parse).batch(inputs["batch_size"], drop_remainder=True)
    return tf1.data.make_one_shot_iterator(dataset).get_next()


# %% step
def train_step(inputs, files):
    images, labels = batches(inputs, files)
    # Placeholders that read the pipeline unless fed: the test feeds the whole test split through them.
    images = tf1.placeholder_with_default(images, shape=[None, 784], name="images")
    labels = tf1.placeholder_with_default(labels, shape=[None], name="labels")
    is_training = tf1.placeholder(tf1.bool, shape=[], name="is_training")
    logits, normed = model(images, is_training, inputs)
    loss, accuracy = loss_fn(logits, labels), accuracy_fn(logits, labels)
    global_step = tf1.train.get_or_create_global_step()
    learning_rate = tf1.train.exponential_decay(inputs["learning_rate"], global_step, inputs["decay_steps"],
                                                inputs["decay_rate"], staircase=True)
    tf1.summary.scalar("loss", loss)
    tf1.summary.scalar("accuracy", accuracy)
    tf1.summary.scalar("learning_rate", learning_rate)
    tf1.summary.histogram("bn1/output", normed)
    update_ops = tf1.get_collection(tf1.GraphKeys.UPDATE_OPS)
    with tf1.control_dependencies(update_ops):
        train_op = tf1.train.MomentumOptimizer(learning_rate, inputs["momentum"]).minimize(loss, global_step=global_step)
    metrics = {"loss": loss, "accuracy": accuracy, "learning_rate": learning_rate, "images": images, "labels": labels}
    return images, labels, is_training, metrics, train_op


# %% train
class TraceHook(tf1.train.SessionRunHook):
    """Every step's metrics and summaries with the train op's run; after it, the moving statistics
    (and for ``on_step``, every variable: ``state``)."""

    def __init__(self, metrics, summary, writer, trace, on_step=None):
        self.fetches = dict(metrics, summary=summary)
        self.writer, self.trace, self.on_step = writer, trace, on_step
        self.moving = {name: tf1.global_variables(f"bn1/{name}")[0] for name in ("moving_mean", "moving_variance")}
        self.state = {v.op.name: v for v in tf1.global_variables()}

    def after_create_session(self, session, coord):
        if self.on_step:
            self.on_step(0, lambda: session.run(self.state))

    def before_run(self, run_context):
        return tf1.train.SessionRunArgs(self.fetches)

    def after_run(self, run_context, run_values):
        values = run_values.results
        for name in self.fetches:
            if name != "summary":
                self.trace[name].append(values[name])
        step = len(self.trace["loss"])  # the global step after this update
        self.writer.add_summary(values["summary"], step)
        for name, value in run_context.session.run(self.moving).items():
            self.trace[name].append(value)
        if self.on_step:
            self.on_step(step, lambda: run_context.session.run(self.state))


def run(inputs, on_step=None):
    with tempfile.TemporaryDirectory() as scratch:
        logdir = inputs["logdir"] or scratch
        files = write_records(inputs, scratch)
        graph = tf1.Graph()
        with graph.as_default():
            images, labels, is_training, metrics, train_op = train_step(inputs, files)
            summary = tf1.summary.merge_all()
            saver = tf1.train.Saver()
            writer = tf1.summary.FileWriterCache.get(logdir)  # the one the checkpoint hook writes the graph with
            trace = {name: [] for name in (*metrics, "moving_mean", "moving_variance")}
            steps = len(inputs["schedule"][0])
            hooks = [tf1.train.StopAtStepHook(last_step=inputs["epochs"] * steps),
                     tf1.train.NanTensorHook(metrics["loss"]),
                     TraceHook(metrics, summary, writer, trace, on_step)]
            with tf1.train.MonitoredTrainingSession(
                    checkpoint_dir=logdir, hooks=hooks, scaffold=tf1.train.Scaffold(saver=saver),
                    save_checkpoint_steps=inputs["epochs"] * steps, save_checkpoint_secs=None,
                    save_summaries_steps=None, save_summaries_secs=None, log_step_count_steps=None) as sess:
                while not sess.should_stop():
                    sess.run(train_op, feed_dict={is_training: True})
            writer.close()
            checkpoint = tf1.train.latest_checkpoint(logdir)
        with tf1.Session(graph=graph) as sess:  # test: the checkpoint restored, batch norm's moving statistics used
            saver.restore(sess, checkpoint)
            test_accuracy = sess.run(metrics["accuracy"], feed_dict={images: inputs["test_x"], labels: inputs["test_y"],
                                                                     is_training: False})
    trace = {name: np.array(values) for name, values in trace.items()}
    return dict(trace, test_accuracy=np.array([test_accuracy]))


# %% one step from a state
def step_from(inputs, states):
    """Teacher forcing: ``states`` is {k: the state before update k} (k counted from 1 over the run;
    a state is every variable by its TF1 name: the model's, batch norm's moving statistics, the
    global step, Momentum's slots). From each, one update on update k's batch, fed; returns
    {k: (its loss, the state after it)}."""
    with tempfile.TemporaryDirectory() as scratch:
        files = write_records(inputs, scratch)
        graph = tf1.Graph()
        with graph.as_default():
            images, labels, is_training, metrics, train_op = train_step(dict(inputs, pipeline="dataset"), files)
            state = {v.op.name: v for v in tf1.global_variables()}
            values = {name: tf1.placeholder(v.dtype.base_dtype, v.shape) for name, v in state.items()}
            set_state = tf1.group(*[v.assign(values[name]) for name, v in state.items()])
        graph.finalize()
        steps, after = inputs["schedule"].shape[1], {}
        with tf1.Session(graph=graph) as sess:
            for k, before in states.items():
                sess.run(set_state, feed_dict={values[name]: before[name] for name in state})
                rows = inputs["schedule"][(k - 1) // steps][(k - 1) % steps]
                _, loss_now = sess.run([train_op, metrics["loss"]], feed_dict={
                    images: inputs["train_x"][rows], labels: inputs["train_y"][rows], is_training: True})
                after[k] = loss_now, sess.run(state)
    return after


if __name__ == "__main__":
    from shared_data.training_loop import make_inputs

    result = run(make_inputs(seed=0))
    print(f"final loss {result['loss'][-1]} test accuracy {result['test_accuracy'][0]}")
