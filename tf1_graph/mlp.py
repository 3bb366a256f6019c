"""mlp, TF1 graph twin: 784-15-10 sigmoid network on MNIST, mini-batch SGD, hand-written backprop.

Placeholders [None, 784] and [None, 10] take each batch through feed_dict; the graph is built once.
Training follows the automatic gradient (minimize) or the hand-written one (apply_gradients).
"""
import numpy as np
import tensorflow.compat.v1 as tf1

PARAMS = ("W1", "b1", "W2", "b2")


# %% model
def model(x, params):
    W1, b1, W2, b2 = params
    hidden = tf1.sigmoid(tf1.matmul(x, W1) + b1)
    return hidden, tf1.matmul(hidden, W2) + b2


# %% loss
def loss_fn(logits, y):
    return tf1.reduce_mean(tf1.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits))


def manual_gradients(x, y, hidden, logits, params):
    """Backprop by hand: δ_out = (softmax − y)/n, δ_h = δ_out·W2ᵀ ⊙ σ(1 − σ)."""
    W1, b1, W2, b2 = params
    delta_out = (tf1.nn.softmax(logits) - y) / tf1.cast(tf1.shape(x)[0], x.dtype)
    delta_hidden = tf1.matmul(delta_out, W2, transpose_b=True) * hidden * (1 - hidden)
    return [tf1.matmul(x, delta_hidden, transpose_a=True), tf1.reduce_sum(delta_hidden, 0),
            tf1.matmul(hidden, delta_out, transpose_a=True), tf1.reduce_sum(delta_out, 0)]


def predict(logits):
    return tf1.argmax(logits, 1)


# %% step
def train_step(inputs):
    x = tf1.placeholder(tf1.float32, shape=[None, 784], name="x")
    y = tf1.placeholder(tf1.float32, shape=[None, 10], name="y")
    learning_rate = tf1.placeholder(tf1.float32, shape=[], name="learning_rate")
    params = [tf1.Variable(inputs[name], name=name) for name in PARAMS]
    hidden, logits = model(x, params)
    loss = loss_fn(logits, y)
    grads_manual = manual_gradients(x, y, hidden, logits, params)
    grads_auto = tf1.gradients(loss, params)
    optimizer = tf1.train.GradientDescentOptimizer(learning_rate)
    if inputs["gradients"] == "manual":
        # Each use of a variable is its own read: without this, W2's update can run before the
        # hand-written δ_h reads W2 (seen here as a different loss on some runs).
        with tf1.control_dependencies(grads_manual):
            train_op = optimizer.apply_gradients(zip(grads_manual, params))
    else:
        train_op = optimizer.minimize(loss)
    return x, y, learning_rate, params, loss, predict(logits), (grads_manual, grads_auto), train_op


# %% train
def record_epoch(trace, predictions, labels, updates):
    trace["test_accuracy"].append(np.float32(np.mean(predictions == labels)))
    trace["epoch_loss"].append(np.mean(trace["loss"][-updates:], dtype=np.float32))


def finish(trace, final):
    """Per-step and per-epoch fields as arrays; the final weights and predictions as one step."""
    trace = {name: np.array(values) for name, values in trace.items()}
    return dict(trace, **{name: value[np.newaxis] for name, value in final.items()})


def run(inputs, on_epoch=None, on_step=None):
    graph = tf1.Graph()
    with graph.as_default():
        x, y, learning_rate, params, loss, prediction, _, train_op = train_step(inputs)
        state = tf1.global_variables()
        init = tf1.global_variables_initializer()
    graph.finalize()
    trace = {"test_accuracy": [], "epoch_loss": [], "loss": []}
    labels = inputs["test_y"].argmax(1)
    with tf1.Session(graph=graph) as sess:
        sess.run(init)
        read_state = lambda: {v.op.name: value for v, value in zip(state, sess.run(state))}  # noqa: E731
        if on_step:
            on_step(0, read_state)
        for epoch in range(inputs["epochs"]):
            for batch in inputs["schedule"][epoch]:
                feed = {x: inputs["train_x"][batch], y: inputs["train_y"][batch],
                        learning_rate: inputs["learning_rates"][epoch]}
                _, loss_now = sess.run([train_op, loss], feed_dict=feed)
                trace["loss"].append(loss_now)
                if on_step:
                    on_step(len(trace["loss"]), read_state)
            predictions = sess.run(prediction, feed_dict={x: inputs["test_x"]})
            record_epoch(trace, predictions, labels, len(inputs["schedule"][epoch]))
            if on_epoch:
                on_epoch(epoch + 1, trace)
        final = dict(zip(PARAMS, sess.run(params)), test_predictions=predictions)
    return finish(trace, final)


# %% one step from a state
def step_from(inputs, states):
    """Teacher forcing: ``states`` is {k: the state before update k} (k counted from 1 over the run;
    a state is every variable by its TF1 name: the weights, as plain SGD keeps nothing else). From
    each, one update on update k's batch at its epoch's rate; returns {k: (its loss, the state after it)}."""
    graph = tf1.Graph()
    with graph.as_default():
        x, y, learning_rate, _, loss, _, _, train_op = train_step(inputs)
        state = tf1.global_variables()
        values = [tf1.placeholder(v.dtype, v.shape) for v in state]
        set_state = tf1.group(*[v.assign(value) for v, value in zip(state, values)])
    graph.finalize()
    steps, after = inputs["schedule"].shape[1], {}
    with tf1.Session(graph=graph) as sess:
        for k, before in states.items():
            sess.run(set_state, feed_dict={value: before[v.op.name] for v, value in zip(state, values)})
            epoch, i = divmod(k - 1, steps)
            batch = inputs["schedule"][epoch][i]
            feed = {x: inputs["train_x"][batch], y: inputs["train_y"][batch],
                    learning_rate: inputs["learning_rates"][epoch]}
            _, loss_now = sess.run([train_op, loss], feed_dict=feed)
            after[k] = loss_now, {v.op.name: value for v, value in zip(state, sess.run(state))}
    return after


# %% gradient check
def gradients(inputs, batch):
    """Hand-written and automatic gradients at the initial weights, on one batch of indices."""
    graph = tf1.Graph()
    with graph.as_default():
        x, y, _, _, _, _, grads, _ = train_step(inputs)
        init = tf1.global_variables_initializer()
    with tf1.Session(graph=graph) as sess:
        sess.run(init)
        return sess.run(grads, feed_dict={x: inputs["train_x"][batch], y: inputs["train_y"][batch]})


if __name__ == "__main__":
    from shared_data.mlp import make_inputs

    run(make_inputs(seed=0), on_epoch=lambda e, t: print(f"epoch {e} test accuracy {t['test_accuracy'][-1]}"))
