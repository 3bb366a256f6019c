"""The TF1 side: every ``tf.compat.v1.train`` optimizer and the ``tf1.losses`` porters trip on,
each in its own graph and Session, on the twins' own model and loss functions."""
import numpy as np
import tensorflow.compat.v1 as tf1

import tf1_graph.mlp as mlp_twin
import tf1_graph.regression as regression_twin

# TF1 constructor of each optimizer under test, given the learning rate; TF1's own defaults else.
OPTIMIZERS = {
    "GradientDescent": lambda lr: tf1.train.GradientDescentOptimizer(lr),
    "Momentum": lambda lr: tf1.train.MomentumOptimizer(lr, momentum=0.9),
    "Momentum, Nesterov": lambda lr: tf1.train.MomentumOptimizer(lr, momentum=0.9, use_nesterov=True),
    "Adam": lambda lr: tf1.train.AdamOptimizer(lr),
    "RMSProp": lambda lr: tf1.train.RMSPropOptimizer(lr),
    "RMSProp, momentum": lambda lr: tf1.train.RMSPropOptimizer(lr, momentum=0.9),
    "RMSProp, centered": lambda lr: tf1.train.RMSPropOptimizer(lr, centered=True),
    "Adagrad": lambda lr: tf1.train.AdagradOptimizer(lr),
    "Adadelta": lambda lr: tf1.train.AdadeltaOptimizer(lr),
}


def loss_of(problem, x, y, variables):
    if problem == "regression":
        return regression_twin.loss_fn(regression_twin.model(x, variables["A"]), y, "l2")
    return mlp_twin.loss_fn(mlp_twin.model(x, list(variables.values()))[1], y)


def train(problem, data, optimizer, with_loss=False):
    """{variable: value after each step} for one optimizer on one problem; ``with_loss`` adds
    "loss", each batch's loss fetched with its step, as TF1 loops printed it."""
    graph = tf1.Graph()
    with graph.as_default():
        x_batch, y_batch = data["batches"][0]
        x = tf1.placeholder(tf1.float32, x_batch.shape, name="x")
        y = tf1.placeholder(tf1.float32, y_batch.shape, name="y")
        variables = {name: tf1.Variable(value, name=name) for name, value in data["variables"].items()}
        loss = loss_of(problem, x, y, variables)
        step = OPTIMIZERS[optimizer](data["learning_rate"]).minimize(loss)
        init = tf1.global_variables_initializer()
    graph.finalize()
    trace = dict({name: [] for name in variables}, **({"loss": []} if with_loss else {}))
    with tf1.Session(graph=graph) as sess:
        sess.run(init)
        for x_batch, y_batch in data["batches"]:
            fetched = sess.run([step] + ([loss] if with_loss else []), feed_dict={x: x_batch, y: y_batch})
            if with_loss:
                trace["loss"].append(fetched[1])
            for name, value in zip(variables, sess.run(list(variables.values()))):
                trace[name].append(value)
    return {name: np.array(values) for name, values in trace.items()}


# Each loss as a TF1 program would write it: (batch tensors) -> scalar loss.
LOSSES = {
    "tf1.losses.mean_squared_error": lambda b: tf1.losses.mean_squared_error(b["targets"], b["logits"]),
    "tf1.losses.mean_squared_error, weights=mask": lambda b: tf1.losses.mean_squared_error(
        b["targets"], b["logits"], weights=b["mask"]),
    "tf1.nn.softmax_cross_entropy_with_logits (v1)": lambda b: tf1.reduce_mean(
        tf1.nn.softmax_cross_entropy_with_logits(labels=b["labels"], logits=b["logits"])),
    "tf1.losses.sigmoid_cross_entropy, label_smoothing": lambda b: tf1.losses.sigmoid_cross_entropy(
        b["binary"], b["logits"], label_smoothing=b["label_smoothing"]),
    "tf1.losses.softmax_cross_entropy, label_smoothing": lambda b: tf1.losses.softmax_cross_entropy(
        b["labels"], b["logits"], label_smoothing=b["label_smoothing"]),
}


def label_key(name):
    """Which batch entry a loss takes as its labels: regression targets, 0/1 labels or one-hot."""
    return "targets" if "squared" in name else "binary" if "sigmoid" in name else "labels"


def evaluate_loss(name, batch):
    """The loss, its gradient into the logits (predictions) and into the labels (targets)."""
    graph = tf1.Graph()
    with graph.as_default():
        tensors = {k: tf1.placeholder(tf1.float32, v.shape, name=k) if isinstance(v, np.ndarray) else v
                   for k, v in batch.items()}
        loss = LOSSES[name](tensors)
        inputs = [tensors["logits"], tensors[label_key(name)]]
        grads = [g if g is not None else tf1.zeros_like(t) for g, t in zip(tf1.gradients(loss, inputs), inputs)]
    with tf1.Session(graph=graph) as sess:
        feed = {tensors[k]: v for k, v in batch.items() if isinstance(v, np.ndarray)}
        value, grad_logits, grad_labels = sess.run([loss] + grads, feed_dict=feed)
    return {"value": np.array([value]), "grad_logits": grad_logits[np.newaxis],
            "grad_labels": grad_labels[np.newaxis]}
