"""A plain TF1 training script, as one was written outside this project: variable_scope names,
get_variable, AdamOptimizer, a Saver. ``train`` runs ``steps`` updates, restoring first and
saving after when asked; it returns the loss of every step and the final weights by name."""
import numpy as np
import tensorflow.compat.v1 as tf1


def build(inputs):
    x = tf1.placeholder(tf1.float32, [None, 4], name="x")
    y = tf1.placeholder(tf1.int64, [None], name="y")
    with tf1.variable_scope("hidden"):
        w1 = tf1.get_variable("weights", initializer=inputs["w1"])
        b1 = tf1.get_variable("biases", initializer=inputs["b1"])
    with tf1.variable_scope("logits"):
        w2 = tf1.get_variable("weights", initializer=inputs["w2"])
        b2 = tf1.get_variable("biases", initializer=inputs["b2"])
    logits = tf1.matmul(tf1.nn.relu(tf1.matmul(x, w1) + b1), w2) + b2
    loss = tf1.reduce_mean(tf1.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    global_step = tf1.train.get_or_create_global_step()
    train_op = tf1.train.AdamOptimizer(inputs["learning_rate"]).minimize(loss, global_step=global_step)
    return x, y, loss, train_op


def train(inputs, start, steps, restore_from=None, save_to=None):
    graph = tf1.Graph()
    with graph.as_default():
        x, y, loss, train_op = build(inputs)
        saver = tf1.train.Saver()
        init = tf1.global_variables_initializer()
    losses = []
    with tf1.Session(graph=graph) as session:
        session.run(init)
        if restore_from:
            saver.restore(session, restore_from)
        for step in range(start, start + steps):
            batch = inputs["batches"][step]
            _, value = session.run([train_op, loss], {x: inputs["x"][batch], y: inputs["y"][batch]})
            losses.append(value)
        if save_to:
            saver.save(session, save_to, write_meta_graph=False)
        weights = {v.op.name: session.run(v) for v in tf1.trainable_variables()}
    return np.array(losses), weights


def make_inputs(seed, steps=12, batch=8):
    draw = np.random.default_rng(seed)
    return {"x": draw.normal(size=(64, 4)).astype(np.float32), "y": draw.integers(0, 3, 64),
            "w1": (draw.normal(size=(4, 8)) * 0.5).astype(np.float32), "b1": np.zeros(8, np.float32),
            "w2": (draw.normal(size=(8, 3)) * 0.5).astype(np.float32), "b2": np.zeros(3, np.float32),
            "batches": [draw.permutation(64)[:batch] for _ in range(steps)], "learning_rate": 0.01}
