"""Pitfall: run eagerly, a TF1 model function under variable_scope(reuse=AUTO_REUSE) creates new
variables at every call (tensorflow/tensorflow#45876); tf1.make_template keeps and reuses them."""
import tensorflow as tf
import tensorflow.compat.v1 as tf1

import tf1_graph.convnet as twin
from shared_data.convnet import QUICK, make_inputs

CALLS, STEPS = 3, 4  # calls of the model function; training steps, one call each


def created(call):
    """Names of the variables that ``call()``, made ``CALLS`` times, creates."""
    names = []

    def creator(next_creator, **kwargs):
        variable = next_creator(**kwargs)
        names.append(variable.name)
        return variable
    with tf.variable_creator_scope(creator):
        for _ in range(CALLS):
            call()
    return names


def train(forward, inputs):
    """STEPS Adam steps of the TF1 model, eagerly: each step's loss, and the variables it ends with."""
    optimizer, losses = tf1.train.AdamOptimizer(inputs["learning_rate"]), []
    for batch, mask in zip(inputs["schedule"][0][:STEPS], inputs["keep_masks"][0][:STEPS]):
        with tf1.GradientTape() as tape:
            loss = twin.loss_fn(forward(tf1.constant(inputs["train_x"][batch]), tf1.constant(mask)),
                                tf1.constant(inputs["train_y"][batch]))
        variables = tape.watched_variables()
        optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        losses.append(float(loss))
    return losses


def measure():
    inputs = make_inputs(0, **QUICK)
    x, mask = tf1.constant(inputs["train_x"][:2]), tf1.constant(inputs["keep_masks"][0][0][:2])

    def auto_reuse(x, mask):
        with tf1.variable_scope(twin.SCOPE, reuse=tf1.AUTO_REUSE):
            return twin.model(x, mask, inputs)
    template = tf1.make_template(twin.SCOPE, twin.model)
    names = {"AUTO_REUSE": created(lambda: auto_reuse(x, mask)), "make_template": created(lambda: template(x, mask, inputs))}
    fresh_template = tf1.make_template(twin.SCOPE, twin.model)
    return {**{f"variables created by {CALLS} eager calls, {k}": len(v) for k, v in names.items()},
            f"distinct names among them, AUTO_REUSE": len(set(names["AUTO_REUSE"])),
            f"loss of {STEPS} eager Adam steps, AUTO_REUSE": train(auto_reuse, inputs),
            f"loss of {STEPS} eager Adam steps, make_template": train(lambda x, m: fresh_template(x, m, inputs), inputs)}
