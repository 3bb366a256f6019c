"""decoupled_rnn, TF1 graph twin: a 2-step RNN on MNIST 0/1 trained with synthetic gradients.

Each time step updates Wx and Wrec from its own linear synthetic-gradient module without waiting
for the output (Jaderberg et al. 2016, arXiv 1608.05343); the backward pass is written by hand in
TF ops. The baseline trains the same RNN by autodiff. One graph per method, built once.
"""
import numpy as np
import tensorflow.compat.v1 as tf1

WEIGHTS = ("Wx", "Wrec", "Wfc", "Wsg1", "Wsg2")
METHODS = ("synthetic", "autodiff")


# %% model
def forward(x, W, state=None):
    """h0 = 0 and each image's own h1, h2; or, with ``state`` (the original's hidden-state
    variable, the stale-read flaw), h0 fixed and layer 2 and the output reading the previous
    image's h1 and h2 (r1, r2), as the original's reads ran before its assigns."""
    h0 = tf1.zeros([tf1.shape(x)[0], W["Wrec"].shape[0]]) if state is None else tf1.identity(state[0])
    h1 = tf1.tanh(tf1.matmul(x, W["Wx"]) + tf1.matmul(h0, W["Wrec"]))
    r1 = h1 if state is None else tf1.identity(state[1])
    h2 = tf1.tanh(tf1.matmul(x, W["Wx"]) + tf1.matmul(r1, W["Wrec"]))
    r2 = h2 if state is None else tf1.identity(state[2])
    return h0, h1, h2, tf1.sigmoid(tf1.matmul(r2, W["Wfc"])), r1, r2


def remember(state, states):
    """The original's hidden-state assigns: this image's h1 and h2, for the next image to read."""
    return [state[1].assign(states[1]), state[2].assign(states[2])]


# %% loss
def cost_fn(out, y):
    return tf1.reduce_sum(0.5 * tf1.square(out - y))


def outer(a, b):
    return tf1.matmul(a, b, transpose_a=True)


def synthetic_deltas(x, y, states, W, lr):
    """Each step's update from its synthetic gradient ĝt = ht·Wsg_t, and the modules' own."""
    h0, h1, h2, out, r1, r2 = states
    e = (out - y) * out * (1 - out)
    g1, g2 = tf1.matmul(h1, W["Wsg1"]), tf1.matmul(h2, W["Wsg2"])
    d1, d2 = g1 * (1 - tf1.square(h1)), g2 * (1 - tf1.square(h2))
    target1 = tf1.matmul(d2, W["Wrec"], transpose_b=True)
    target2 = tf1.matmul(e, W["Wfc"], transpose_b=True)
    return {"Wfc": lr["lr_x"] * outer(r2, e),
            "Wx": lr["lr_rec"] * (outer(x, d1) + outer(x, d2)),
            "Wrec": lr["lr_rec"] * (outer(h0, d1) + outer(r1, d2)),
            "Wsg1": lr["lr_sg"] * outer(r1, g1 - target1),
            "Wsg2": lr["lr_sg"] * outer(r2, g2 - target2)}


def manual_bptt(x, y, states, W):
    """The true gradient through both steps, by hand: what the synthetic modules stand in for."""
    h0, h1, h2, out = states[:4]
    e = (out - y) * out * (1 - out)
    d2 = tf1.matmul(e, W["Wfc"], transpose_b=True) * (1 - tf1.square(h2))
    d1 = tf1.matmul(d2, W["Wrec"], transpose_b=True) * (1 - tf1.square(h1))
    return {"Wx": outer(x, d1) + outer(x, d2), "Wrec": outer(h0, d1) + outer(h1, d2), "Wfc": outer(h2, e)}


# %% step
def train_step(inputs, method):
    x = tf1.placeholder(tf1.float32, shape=[None, 784], name="x")
    y = tf1.placeholder(tf1.float32, shape=[None, 1], name="y")
    W = {name: tf1.Variable(inputs[name], name=name) for name in WEIGHTS}
    state = [tf1.Variable(h[np.newaxis], name=f"h{t}") for t, h in enumerate(inputs["state0"])] if inputs["stale"] else None
    lr = {name: inputs[name] for name in ("lr_x", "lr_rec", "lr_sg", "lr_autodiff")}
    states = forward(x, W, state)
    cost = cost_fn(states[3], y)
    if method == "synthetic":
        deltas = synthetic_deltas(x, y, states, W, lr)
        # Assign only after every delta has read the weights the image arrived with.
        with tf1.control_dependencies(list(deltas.values())):
            train_op = tf1.group(*[tf1.assign_sub(W[name], delta) for name, delta in deltas.items()])
    else:
        optimizer = tf1.train.GradientDescentOptimizer(lr["lr_autodiff"])
        train_op = optimizer.minimize(cost, var_list=[W["Wx"], W["Wrec"], W["Wfc"]])
    if state is not None:  # the original's stale state: assigned after every read of this image
        with tf1.control_dependencies([train_op, *states]):
            train_op = tf1.group(*remember(state, states))
    return x, y, W, states, cost, classify(x, W, state), train_op


def classify(x, W, state):
    """The rounded output; with the original's stale state, fetching it also assigns the state."""
    states = forward(x, W, state)
    prediction = tf1.round(states[3])
    if state is None:
        return prediction
    with tf1.control_dependencies(list(states)):  # h2 too: its read of h1 comes before h1's assign
        advance = remember(state, states)
    with tf1.control_dependencies(advance):
        return tf1.identity(prediction)


# %% train
def test_images(inputs, predict):
    """The rounded outputs for the test images: all at once; with the original's stale state, one
    image at a time as the original tested, each image's h1 and h2 read by the next."""
    images = inputs["test_x"]
    if not inputs["stale"]:
        return predict(images)
    return np.concatenate([predict(images[k:k + 1]) for k in range(len(images))])


def record_epoch(trace, predictions, labels, updates):
    trace["test_accuracy"].append(np.float32(np.mean(predictions == labels)))
    trace["epoch_loss"].append(np.mean(trace["loss"][-updates:], dtype=np.float32))


def finish(method, steps, final, predictions):
    """One method's fields, named method/field; final weights and predictions as one step."""
    final = dict(final, test_predictions=predictions.ravel().astype(np.int64))
    trace = {f"{method}/{k}": np.array(v) for k, v in steps.items()}
    return dict(trace, **{f"{method}/{k}": v[np.newaxis] for k, v in final.items()})


def run(inputs, on_epoch=None, on_step=None):
    trace = {}
    for method in METHODS:
        graph = tf1.Graph()
        with graph.as_default():
            x, y, W, _, cost, prediction, train_op = train_step(inputs, method)
            state = tf1.global_variables()
            init = tf1.global_variables_initializer()
        graph.finalize()
        steps = {"epoch_loss": [], "test_accuracy": [], "loss": []}
        with tf1.Session(graph=graph) as sess:
            sess.run(init)
            read_state = lambda: {f"{method}/{v.op.name}": value for v, value in zip(state, sess.run(state))}  # noqa: E731
            if on_step:
                on_step(0, read_state)
            for epoch in range(inputs["epochs"]):
                for i in inputs["schedule"][epoch]:
                    feed = {x: inputs["train_x"][i:i + 1], y: inputs["train_y"][i:i + 1]}
                    _, loss_now = sess.run([train_op, cost], feed_dict=feed)
                    steps["loss"].append(loss_now)
                    if on_step:
                        on_step(len(steps["loss"]), read_state)
                predictions = test_images(inputs, lambda images: sess.run(prediction, feed_dict={x: images}))
                record_epoch(steps, predictions, inputs["test_y"], len(inputs["schedule"][epoch]))
                if on_epoch:
                    on_epoch(epoch + 1, {f"{method}/{k}": v for k, v in steps.items()})
            final = dict(zip(WEIGHTS, sess.run([W[name] for name in WEIGHTS])))
        trace.update(finish(method, steps, final, predictions))
    return trace


# %% one step from a state
def step_from(inputs, states):
    """Teacher forcing: ``states`` is {k: the state before update k} (k counted from 1 over each
    method's run; a state is every variable by its TF1 name under its method, ``method/name`` as the
    fields are named: the weights, the synthetic-gradient modules and, with the stale flaw, the
    hidden state). From each, one update of each method on update k's image; returns
    {k: ({method/loss: its loss}, the state after it)}. An epoch's test runs between its last update
    and the next epoch's first, and with the stale flaw advances the hidden state: that update tests first."""
    after = {k: ({}, {}) for k in states}
    for method in METHODS:
        graph = tf1.Graph()
        with graph.as_default():
            x, y, _, _, cost, prediction, train_op = train_step(inputs, method)
            state = tf1.global_variables()
            values = [tf1.placeholder(v.dtype, v.shape) for v in state]
            set_state = tf1.group(*[v.assign(value) for v, value in zip(state, values)])
        graph.finalize()
        with tf1.Session(graph=graph) as sess:
            for k, before in states.items():
                sess.run(set_state, feed_dict={value: before[f"{method}/{v.op.name}"] for v, value in zip(state, values)})
                epoch, i = divmod(k - 1, inputs["schedule"].shape[1])
                if epoch > 0 and i == 0:
                    test_images(inputs, lambda images: sess.run(prediction, feed_dict={x: images}))
                image = inputs["schedule"][epoch][i]
                feed = {x: inputs["train_x"][image:image + 1], y: inputs["train_y"][image:image + 1]}
                _, loss_now = sess.run([train_op, cost], feed_dict=feed)
                after[k][0][f"{method}/loss"] = loss_now
                after[k][1].update({f"{method}/{v.op.name}": value for v, value in zip(state, sess.run(state))})
    return after


# %% gradient check
def gradients(inputs, index):
    """Hand-written BPTT and the automatic gradient at the initial weights, on one image."""
    graph = tf1.Graph()
    with graph.as_default():
        x, y, W, states, cost, _, _ = train_step(inputs, "autodiff")
        manual = manual_bptt(x, y, states, W)
        auto = dict(zip(manual, tf1.gradients(cost, [W[name] for name in manual])))
        init = tf1.global_variables_initializer()
    with tf1.Session(graph=graph) as sess:
        sess.run(init)
        feed = {x: inputs["train_x"][index:index + 1], y: inputs["train_y"][index:index + 1]}
        return sess.run([manual, auto], feed_dict=feed)


if __name__ == "__main__":
    from shared_data.decoupled_rnn import make_inputs

    run(make_inputs(seed=0), on_epoch=lambda e, t: print(
        f"epoch {e}", *(f"{f} {v[-1]}" for f, v in t.items() if f.endswith("epoch_loss"))))
