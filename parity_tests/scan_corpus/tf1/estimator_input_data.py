"""The tutorial stack of 2017: input_data, tf.app.flags, tf.estimator. None of it is left."""
import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data  # expect: tf.examples.tutorials.mnist.input_data

flags = tf.app.flags  # expect: tf.app.flags
flags.DEFINE_integer("steps", 1000, "training steps")  # expect: tf.app.flags.DEFINE_integer
FLAGS = tf.app.flags.FLAGS  # expect: tf.app.flags.FLAGS
tf.logging.set_verbosity(tf.logging.INFO)  # expect: tf.logging.set_verbosity, tf.logging.INFO


def model_fn(features, labels, mode):
    logits = tf.layers.dense(features["x"], 10)  # expect: tf.layers.dense
    loss = tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)  # expect: tf.losses.sparse_softmax_cross_entropy
    optimizer = tf.train.GradientDescentOptimizer(learning_rate=0.001)  # expect: tf.train.GradientDescentOptimizer
    train_op = optimizer.minimize(loss, global_step=tf.train.get_global_step())  # expect: tf.train.get_global_step
    return tf.estimator.EstimatorSpec(mode=mode, loss=loss, train_op=train_op)  # expect: tf.estimator.EstimatorSpec


def main(_):
    mnist = input_data.read_data_sets("/tmp/mnist", one_hot=False)  # expect: tf.examples.tutorials.mnist.input_data.read_data_sets
    classifier = tf.estimator.Estimator(model_fn=model_fn, model_dir="/tmp/model")  # expect: tf.estimator.Estimator
    train_input = tf.estimator.inputs.numpy_input_fn(  # expect: tf.estimator.inputs.numpy_input_fn
        x={"x": mnist.train.images}, y=mnist.train.labels, batch_size=100, shuffle=True)
    classifier.train(input_fn=train_input, steps=FLAGS.steps)


if __name__ == "__main__":
    tf.app.run()  # expect: tf.app.run
