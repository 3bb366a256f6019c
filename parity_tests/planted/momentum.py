"""A momentum pair for the hint tests, on the scaffold's inputs: TF1's MomentumOptimizer; its
exact port (tfparity.port.optimizers.Momentum); and the namesake slip, Keras 3 SGD with momentum."""
import keras
import numpy as np
import tensorflow as tf
import tensorflow.compat.v1 as tf1

from tfparity.port import optimizers

MOMENTUM = 0.9


def tf1_run(inputs):
    graph = tf1.Graph()
    with graph.as_default():
        x, y = tf1.constant(inputs["x"]), tf1.constant(inputs["y"])
        w = tf1.Variable(inputs["w0"])
        loss = tf1.reduce_mean(tf1.square(tf1.reduce_sum(x * w, axis=1) - y))
        train_op = tf1.train.MomentumOptimizer(inputs["learning_rate"], MOMENTUM).minimize(loss)
        init = tf1.global_variables_initializer()
    with tf1.Session(graph=graph) as session:
        session.run(init)
        steps = [session.run([train_op, loss])[1:] + [session.run(w)] for _ in range(inputs["steps"])]
    return {"loss": np.array([s[0] for s in steps]), "w": np.array([s[1] for s in steps])}


def _run(inputs, function, optimizer):
    w = tf.Variable(inputs["w0"])
    x, y = tf.constant(inputs["x"]), tf.constant(inputs["y"])

    def step():
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(tf.reduce_sum(x * w, axis=1) - y))
        optimizer.apply_gradients([(tape.gradient(loss, w), w)])
        return loss
    step = tf.function(step) if function else step
    steps = [(step().numpy(), w.numpy()) for _ in range(inputs["steps"])]
    return {"loss": np.array([s[0] for s in steps]), "w": np.array([s[1] for s in steps])}


def tf2_run(inputs, function=False):
    return _run(inputs, function, optimizers.Momentum(inputs["learning_rate"], MOMENTUM))


def keras_run(inputs, function=False):
    return _run(inputs, function, keras.optimizers.SGD(inputs["learning_rate"], momentum=MOMENTUM))
