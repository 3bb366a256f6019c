"""The TF2 side, never compat.v1: the Keras 3 namesake a porter reaches for, the Keras settings
that come closest, and TF1's own rule from ``tfparity.port.optimizers``."""
import keras
import numpy as np
import tensorflow as tf

import tf2_eager.mlp as mlp_twin
import tf2_eager.regression as regression_twin
from tfparity.port import optimizers

# The rename-table port: same learning rate, TF1's other arguments renamed, Keras defaults else.
NAMESAKES = {
    "GradientDescent": ("SGD(lr)", lambda lr: keras.optimizers.SGD(lr)),
    "Momentum": ("SGD(lr, momentum=0.9)", lambda lr: keras.optimizers.SGD(lr, momentum=0.9)),
    "Momentum, Nesterov": ("SGD(lr, momentum=0.9, nesterov=True)",
                           lambda lr: keras.optimizers.SGD(lr, momentum=0.9, nesterov=True)),
    "Adam": ("Adam(lr)", lambda lr: keras.optimizers.Adam(lr)),
    "RMSProp": ("RMSprop(lr)", lambda lr: keras.optimizers.RMSprop(lr)),
    "RMSProp, momentum": ("RMSprop(lr, momentum=0.9)", lambda lr: keras.optimizers.RMSprop(lr, momentum=0.9)),
    "RMSProp, centered": ("RMSprop(lr, centered=True)", lambda lr: keras.optimizers.RMSprop(lr, centered=True)),
    "Adagrad": ("Adagrad(lr)", lambda lr: keras.optimizers.Adagrad(lr)),
    "Adadelta": ("Adadelta(lr)", lambda lr: keras.optimizers.Adadelta(lr)),
}
# The closest Keras settings: TF1's epsilon (Keras has no setting for the rest, see the notes).
MATCHED = {
    "Adam": ("Adam(lr, epsilon=1e-8)", lambda lr: keras.optimizers.Adam(lr, epsilon=1e-8)),
    "RMSProp": ("RMSprop(lr, epsilon=1e-10)", lambda lr: keras.optimizers.RMSprop(lr, epsilon=1e-10)),
    "RMSProp, momentum": ("RMSprop(lr, momentum=0.9, epsilon=1e-10)",
                          lambda lr: keras.optimizers.RMSprop(lr, momentum=0.9, epsilon=1e-10)),
    "RMSProp, centered": ("RMSprop(lr, centered=True, epsilon=1e-10)",
                          lambda lr: keras.optimizers.RMSprop(lr, centered=True, epsilon=1e-10)),
    "Adagrad": ("Adagrad(lr, epsilon=0)", lambda lr: keras.optimizers.Adagrad(lr, epsilon=0.0)),
    "Adadelta": ("Adadelta(lr, epsilon=1e-8)", lambda lr: keras.optimizers.Adadelta(lr, epsilon=1e-8)),
}


def exact(make_optimizer):
    """TF1's rule from ``tfparity.port.optimizers`` in the same contract: step(grads) applies it. The
    optimizer calls TF1's own fused kernels, so it is bit-identical eager and under tf.function."""
    def make_step(lr, variables):
        optimizer = make_optimizer(lr)
        optimizer.build(variables)
        return lambda grads: optimizer.apply_gradients(zip(grads, variables))
    return make_step


# TF1's rules, by the same arguments as tf1.py passes to tf1.train (friends/tf1.py: OPTIMIZERS).
EXACT = {
    "GradientDescent": ("GradientDescent(lr)", exact(optimizers.GradientDescent)),
    "Momentum": ("Momentum(lr, 0.9)", exact(lambda lr: optimizers.Momentum(lr, 0.9))),
    "Momentum, Nesterov": ("Momentum(lr, 0.9, use_nesterov=True)",
                           exact(lambda lr: optimizers.Momentum(lr, 0.9, use_nesterov=True))),
    "Adam": ("Adam(lr)", exact(optimizers.Adam)),
    "RMSProp": ("RMSProp(lr)", exact(optimizers.RMSProp)),
    "RMSProp, momentum": ("RMSProp(lr, momentum=0.9)", exact(lambda lr: optimizers.RMSProp(lr, momentum=0.9))),
    "RMSProp, centered": ("RMSProp(lr, centered=True)", exact(lambda lr: optimizers.RMSProp(lr, centered=True))),
    "Adagrad": ("Adagrad(lr)", exact(optimizers.Adagrad)),
    "Adadelta": ("Adadelta(lr)", exact(optimizers.Adadelta)),
}


def loss_of(problem, x, y, variables):
    if problem == "regression":
        return regression_twin.loss_fn(regression_twin.model(x, variables[0]), y, "l2")
    return mlp_twin.loss_fn(mlp_twin.model(x, variables)[1], y)


def train(problem, data, make_step, function=False):
    """{variable: value after each step}; ``make_step(lr, variables)`` returns step(grads);
    ``function``: each step (gradient and update) runs as one tf.function."""
    variables = [tf.Variable(value, name=name) for name, value in data["variables"].items()]
    update = make_step(data["learning_rate"], variables)

    def step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_of(problem, x, y, variables)
        update(tape.gradient(loss, variables))
    step = tf.function(step) if function else step
    trace = {name: [] for name in data["variables"]}
    for x, y in data["batches"]:
        step(tf.constant(x), tf.constant(y))
        for name, var in zip(trace, variables):
            trace[name].append(var.numpy())
    return {name: np.array(values) for name, values in trace.items()}


def keras_step(make_optimizer):
    """A Keras optimizer in the same contract: step(grads) calls apply_gradients."""
    def make_step(lr, variables):
        optimizer = make_optimizer(lr)
        return lambda grads: optimizer.apply_gradients(zip(grads, variables))
    return make_step
