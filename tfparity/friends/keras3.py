"""The TF2 side, never compat.v1: the Keras 3 namesake a porter reaches for, the Keras settings
that come closest, and the TF1 update rule written out with plain assign arithmetic."""
import keras
import numpy as np
import tensorflow as tf

import tf2_eager.mlp as mlp_twin
import tf2_eager.regression as regression_twin

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


def _f32(value):
    """A constant computed in float32, as TF1's kernels compute 1 - beta: 1 - 0.9f, not 0.1f."""
    return tf.constant(value, tf.float32)


def _slots(variables, value=0.0):
    return [tf.Variable(tf.fill(v.shape, value)) for v in variables]


# Exact TF1 update rules: (learning rate, variables) -> step(gradients). Each line is the TF1
# kernel's arithmetic (tensorflow/core/kernels/training_ops.cc), in the kernel's order.
def gradient_descent(lr, variables):
    def step(grads):
        for var, g in zip(variables, grads):
            var.assign_sub(g * lr)
    return step


def momentum(lr, variables, momentum=0.9, nesterov=False):
    accums = _slots(variables)

    def step(grads):
        for var, g, accum in zip(variables, grads, accums):
            accum.assign(accum * momentum + g)
            var.assign_sub(g * lr + accum * momentum * lr if nesterov else accum * lr)
    return step


def adam(lr, variables, beta1=0.9, beta2=0.999, epsilon=1e-8):
    ms, vs = _slots(variables), _slots(variables)
    powers = tf.Variable(beta1), tf.Variable(beta2)  # TF1 keeps beta^t as a running product
    one_minus = 1 - _f32(beta1), 1 - _f32(beta2)

    def step(grads):
        alpha = lr * tf.sqrt(1 - powers[1]) / (1 - powers[0])
        for var, g, m, v in zip(variables, grads, ms, vs):
            m.assign_add((g - m) * one_minus[0])
            v.assign_add((tf.square(g) - v) * one_minus[1])
            var.assign_sub((m * alpha) / (tf.sqrt(v) + epsilon))
        powers[0].assign(powers[0] * beta1)
        powers[1].assign(powers[1] * beta2)
    return step


def rmsprop(lr, variables, rho=0.9, momentum=0.0, epsilon=1e-10, centered=False):
    mss, moms, mgs = _slots(variables, 1.0), _slots(variables), _slots(variables)  # TF1: ms starts at 1
    one_minus_rho = 1 - _f32(rho)

    def step(grads):
        for var, g, ms, mom, mg in zip(variables, grads, mss, moms, mgs):
            ms.assign_add((tf.square(g) - ms) * one_minus_rho)
            if centered:
                mg.assign_add((g - mg) * one_minus_rho)
                mom.assign(mom * momentum + (g * lr) / tf.sqrt((ms - tf.square(mg)) + epsilon))
            else:
                mom.assign(mom * momentum + (g * lr) / tf.sqrt(ms + epsilon))
            var.assign_sub(mom)
    return step


def adagrad(lr, variables, initial_accumulator_value=0.1):
    accums = _slots(variables, initial_accumulator_value)

    def step(grads):
        for var, g, accum in zip(variables, grads, accums):
            accum.assign_add(tf.square(g))
            var.assign_sub(g * lr * tf.math.rsqrt(accum))
    return step


def adadelta(lr, variables, rho=0.95, epsilon=1e-8):
    accums, updates = _slots(variables), _slots(variables)
    one_minus_rho = 1 - _f32(rho)

    def step(grads):
        for var, g, accum, accum_update in zip(variables, grads, accums, updates):
            accum.assign(accum * rho + tf.square(g) * one_minus_rho)
            update = tf.sqrt(accum_update + epsilon) * tf.math.rsqrt(accum + epsilon) * g
            var.assign_sub(update * lr)
            accum_update.assign(accum_update * rho + tf.square(update) * one_minus_rho)
    return step


EXACT = {
    "GradientDescent": ("gradient_descent", gradient_descent),
    "Momentum": ("momentum", momentum),
    "Momentum, Nesterov": ("momentum(nesterov=True)", lambda lr, v: momentum(lr, v, nesterov=True)),
    "Adam": ("adam", adam),
    "RMSProp": ("rmsprop", rmsprop),
    "RMSProp, momentum": ("rmsprop(momentum=0.9)", lambda lr, v: rmsprop(lr, v, momentum=0.9)),
    "RMSProp, centered": ("rmsprop(centered=True)", lambda lr, v: rmsprop(lr, v, centered=True)),
    "Adagrad": ("adagrad", adagrad),
    "Adadelta": ("adadelta", adadelta),
}


def loss_of(problem, x, y, variables):
    if problem == "regression":
        return regression_twin.loss_fn(regression_twin.model(x, variables[0]), y, "l2")
    return mlp_twin.loss_fn(mlp_twin.model(x, variables)[1], y)


def train(problem, data, make_step):
    """{variable: value after each step}; ``make_step(lr, variables)`` returns step(grads)."""
    variables = [tf.Variable(value, name=name) for name, value in data["variables"].items()]
    step = make_step(data["learning_rate"], variables)
    trace = {name: [] for name in data["variables"]}
    for x, y in data["batches"]:
        with tf.GradientTape() as tape:
            loss = loss_of(problem, tf.constant(x), tf.constant(y), variables)
        step(tape.gradient(loss, variables))
        for name, var in zip(trace, variables):
            trace[name].append(var.numpy())
    return {name: np.array(values) for name, values in trace.items()}


def keras_step(make_optimizer):
    """A Keras optimizer in the same contract: step(grads) calls apply_gradients."""
    def make_step(lr, variables):
        optimizer = make_optimizer(lr)
        return lambda grads: optimizer.apply_gradients(zip(grads, variables))
    return make_step
