"""An Estimator program as the TF 1.x guides wrote one (written here, for the Estimator -> Keras
lesson, in the shape of the TF 1.x "Creating Custom Estimators" guide and its MNIST tutorials): a
``model_fn`` returning an ``EstimatorSpec`` per mode, ``numpy_input_fn`` over ``input_data``'s
MNIST, ``tf.estimator.train_and_evaluate`` with a ``TrainSpec`` and an ``EvalSpec``, and a
``SessionRunHook`` of its own that logs the loss at every step. The checkpoints go to
``--model_dir``; run it again with more ``--train_steps`` and it resumes from the last one."""
from __future__ import print_function

import argparse
import sys

import numpy as np
import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

parser = argparse.ArgumentParser()
parser.add_argument("--data_dir", default="/tmp/tensorflow/mnist/input_data")
parser.add_argument("--model_dir", default="/tmp/estimator_mnist")
parser.add_argument("--train_steps", type=int, default=2000)
parser.add_argument("--batch_size", type=int, default=100)
parser.add_argument("--hidden_units", type=int, default=128)
parser.add_argument("--learning_rate", type=float, default=0.001)
FLAGS = parser.parse_args()


class LossLoggerHook(tf.train.SessionRunHook):
    """Logs the loss of every training step."""

    def __init__(self, loss):
        self._loss = loss

    def begin(self):
        self._global_step = tf.train.get_global_step()

    def after_create_session(self, session, coord):
        self._step = session.run(self._global_step)  # a resumed run goes on counting from its checkpoint

    def before_run(self, run_context):
        return tf.train.SessionRunArgs(self._loss)

    def after_run(self, run_context, run_values):
        self._step += 1
        print("step %d: loss %.6f" % (self._step, run_values.results))


def model_fn(features, labels, mode, params):
    hidden = tf.layers.dense(features["x"], params["hidden_units"], activation=tf.nn.relu)
    logits = tf.layers.dense(hidden, 10)
    predicted_classes = tf.argmax(logits, 1)

    if mode == tf.estimator.ModeKeys.PREDICT:
        return tf.estimator.EstimatorSpec(mode, predictions={"class_ids": predicted_classes,
                                                             "probabilities": tf.nn.softmax(logits)})

    loss = tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)
    accuracy = tf.metrics.accuracy(labels=labels, predictions=predicted_classes, name="acc_op")

    if mode == tf.estimator.ModeKeys.EVAL:
        return tf.estimator.EstimatorSpec(mode, loss=loss, eval_metric_ops={"accuracy": accuracy})

    optimizer = tf.train.AdamOptimizer(learning_rate=params["learning_rate"])
    train_op = optimizer.minimize(loss, global_step=tf.train.get_global_step())
    return tf.estimator.EstimatorSpec(mode, loss=loss, train_op=train_op, training_hooks=[LossLoggerHook(loss)])


def main(_):
    mnist = input_data.read_data_sets(FLAGS.data_dir)
    train_input_fn = tf.estimator.inputs.numpy_input_fn(
        x={"x": mnist.train.images}, y=mnist.train.labels.astype(np.int32),
        batch_size=FLAGS.batch_size, num_epochs=None, shuffle=True)
    eval_input_fn = tf.estimator.inputs.numpy_input_fn(
        x={"x": mnist.test.images}, y=mnist.test.labels.astype(np.int32),
        batch_size=FLAGS.batch_size, num_epochs=1, shuffle=False)

    classifier = tf.estimator.Estimator(
        model_fn=model_fn, model_dir=FLAGS.model_dir,
        params={"hidden_units": FLAGS.hidden_units, "learning_rate": FLAGS.learning_rate})
    train_spec = tf.estimator.TrainSpec(input_fn=train_input_fn, max_steps=FLAGS.train_steps)
    eval_spec = tf.estimator.EvalSpec(input_fn=eval_input_fn, steps=None)
    metrics, _ = tf.estimator.train_and_evaluate(classifier, train_spec, eval_spec)
    print("Test accuracy: %.4f, loss: %.6f" % (metrics["accuracy"], metrics["loss"]))


if __name__ == "__main__":
    tf.app.run(main=main, argv=[sys.argv[0]])  # the flags are argparse's, read above
