"""decoupled_rnn, TF2 eager twin: a 2-step RNN on MNIST 0/1 trained with synthetic gradients.

Each time step updates Wx and Wrec from its own linear synthetic-gradient module without waiting
for the output (Jaderberg et al. 2016, arXiv 1608.05343); the backward pass is written by hand in
TF ops. The baseline trains the same RNN by autodiff. Eager, or the step as a tf.function.
"""
import numpy as np
import tensorflow as tf

from tfparity.port import teacher

WEIGHTS = ("Wx", "Wrec", "Wfc", "Wsg1", "Wsg2")
METHODS = ("synthetic", "autodiff")


# %% model
def forward(x, W, state=None):
    """h0 = 0 and each image's own h1, h2; or, with ``state`` (the original's hidden-state
    variable, the stale-read flaw), h0 fixed and layer 2 and the output reading the previous
    image's h1 and h2 (r1, r2), as the original's reads ran before its assigns."""
    h0 = tf.zeros([tf.shape(x)[0], W["Wrec"].shape[0]], x.dtype) if state is None else tf.identity(state[0])
    h1 = tf.tanh(tf.matmul(x, W["Wx"]) + tf.matmul(h0, W["Wrec"]))
    r1 = h1 if state is None else tf.identity(state[1])
    h2 = tf.tanh(tf.matmul(x, W["Wx"]) + tf.matmul(r1, W["Wrec"]))
    r2 = h2 if state is None else tf.identity(state[2])
    return h0, h1, h2, tf.sigmoid(tf.matmul(r2, W["Wfc"])), r1, r2


def remember(state, states):
    """The original's hidden-state assigns: this image's h1 and h2, for the next image to read."""
    return [state[1].assign(states[1]), state[2].assign(states[2])]


class RNN(tf.Module):
    def __init__(self, inputs):
        super().__init__(name="rnn")
        self.W = {name: tf.Variable(inputs[name], name=name) for name in WEIGHTS}
        self.state = [tf.Variable(h[np.newaxis], name=f"h{t}") for t, h in enumerate(inputs["state0"])] if inputs["stale"] else None

    def named(self, method):
        """Every variable by its TF1 name under its method ('synthetic/Wx'): the weights, the
        synthetic-gradient modules and, with the stale flaw, the hidden state."""
        hidden = {f"h{t}": h for t, h in enumerate(self.state or ())}
        return {f"{method}/{name}": v for name, v in dict(self.W, **hidden).items()}


# %% loss
def cost_fn(out, y):
    return tf.reduce_sum(0.5 * tf.square(out - y))


def outer(a, b):
    return tf.matmul(a, b, transpose_a=True)


def synthetic_deltas(x, y, states, W, lr):
    """Each step's update from its synthetic gradient ĝt = ht·Wsg_t, and the modules' own."""
    h0, h1, h2, out, r1, r2 = states
    e = (out - y) * out * (1 - out)
    g1, g2 = tf.matmul(h1, W["Wsg1"]), tf.matmul(h2, W["Wsg2"])
    d1, d2 = g1 * (1 - tf.square(h1)), g2 * (1 - tf.square(h2))
    target1 = tf.matmul(d2, W["Wrec"], transpose_b=True)
    target2 = tf.matmul(e, W["Wfc"], transpose_b=True)
    return {"Wfc": lr["lr_x"] * outer(r2, e),
            "Wx": lr["lr_rec"] * (outer(x, d1) + outer(x, d2)),
            "Wrec": lr["lr_rec"] * (outer(h0, d1) + outer(r1, d2)),
            "Wsg1": lr["lr_sg"] * outer(r1, g1 - target1),
            "Wsg2": lr["lr_sg"] * outer(r2, g2 - target2)}


def manual_bptt(x, y, states, W):
    """The true gradient through both steps, by hand: what the synthetic modules stand in for."""
    h0, h1, h2, out = states[:4]
    e = (out - y) * out * (1 - out)
    d2 = tf.matmul(e, W["Wfc"], transpose_b=True) * (1 - tf.square(h2))
    d1 = tf.matmul(d2, W["Wrec"], transpose_b=True) * (1 - tf.square(h1))
    return {"Wx": outer(x, d1) + outer(x, d2), "Wrec": outer(h0, d1) + outer(h1, d2), "Wfc": outer(h2, e)}


# %% step
def train_step(x, y, rnn, lr, method):
    W, state = rnn.W, rnn.state
    if method == "synthetic":
        states = forward(x, W, state)
        cost = cost_fn(states[3], y)
        for name, delta in synthetic_deltas(x, y, states, W, lr).items():
            W[name].assign_sub(delta)
    else:
        with tf.GradientTape() as tape:
            states = forward(x, W, state)
            cost = cost_fn(states[3], y)
        trained = [W["Wx"], W["Wrec"], W["Wfc"]]
        for variable, grad in zip(trained, tape.gradient(cost, trained)):
            if grad is not None:  # with the stale state only Wfc reaches the cost
                variable.assign_sub(lr["lr_autodiff"] * grad)
    if state is not None:  # the original's stale state: assigned after every read of this image
        remember(state, states)
    return cost


def classify(x, W, state):
    """The rounded output; with the original's stale state, also assigns the state."""
    states = forward(x, W, state)
    if state is not None:
        remember(state, states)
    return tf.round(states[3])


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


def run(inputs, function=False, on_epoch=None, on_step=None):
    trace = {}
    lr = {name: inputs[name] for name in ("lr_x", "lr_rec", "lr_sg", "lr_autodiff")}
    for method in METHODS:
        rnn = RNN(inputs)
        step = tf.function(train_step) if function else train_step
        predict = tf.function(classify) if function else classify
        steps = {"epoch_loss": [], "test_accuracy": [], "loss": []}
        read_state = lambda: teacher.values(rnn.named(method))  # noqa: E731
        if on_step:
            on_step(0, read_state)
        for epoch in range(inputs["epochs"]):
            for i in inputs["schedule"][epoch]:
                x, y = tf.constant(inputs["train_x"][i:i + 1]), tf.constant(inputs["train_y"][i:i + 1])
                loss_now = step(x, y, rnn, lr, method).numpy()
                steps["loss"].append(loss_now)
                if on_step:
                    on_step(len(steps["loss"]), read_state)
            predictions = test_images(inputs, lambda images: predict(tf.constant(images), rnn.W, rnn.state).numpy())
            record_epoch(steps, predictions, inputs["test_y"], len(inputs["schedule"][epoch]))
            if on_epoch:
                on_epoch(epoch + 1, {f"{method}/{k}": v for k, v in steps.items()})
        final = {name: rnn.W[name].numpy() for name in WEIGHTS}
        trace.update(finish(method, steps, final, predictions))
    return trace


# %% one step from a state
def step_from(inputs, states, function=False):
    """Teacher forcing: ``states`` is {k: the state before update k} (k counted from 1 over each
    method's run; a state is every variable by its TF1 name under its method, ``method/name`` as the
    fields are named: the weights, the synthetic-gradient modules and, with the stale flaw, the
    hidden state). From each, one update of each method on update k's image; returns
    {k: ({method/loss: its loss}, the state after it)}. An epoch's test runs between its last update
    and the next epoch's first, and with the stale flaw advances the hidden state: that update tests first."""
    after = {k: ({}, {}) for k in states}
    lr = {name: inputs[name] for name in ("lr_x", "lr_rec", "lr_sg", "lr_autodiff")}
    for method in METHODS:
        rnn = RNN(inputs)
        step = tf.function(train_step) if function else train_step
        predict = tf.function(classify) if function else classify
        state = rnn.named(method)
        for k, epoch, i in teacher.each_update(states, state, inputs["schedule"].shape[1]):
            if epoch > 0 and i == 0:
                test_images(inputs, lambda images: predict(tf.constant(images), rnn.W, rnn.state).numpy())
            image = inputs["schedule"][epoch][i]
            x, y = tf.constant(inputs["train_x"][image:image + 1]), tf.constant(inputs["train_y"][image:image + 1])
            loss_now = step(x, y, rnn, lr, method).numpy()
            after[k][0][f"{method}/loss"] = loss_now
            after[k][1].update(teacher.values(state))
    return after


# %% gradient check
def gradients(inputs, index):
    """Hand-written BPTT and the automatic gradient at the initial weights, on one image."""
    rnn = RNN(inputs)
    x, y = tf.constant(inputs["train_x"][index:index + 1]), tf.constant(inputs["train_y"][index:index + 1])
    with tf.GradientTape() as tape:
        states = forward(x, rnn.W)
        cost = cost_fn(states[3], y)
    manual = manual_bptt(x, y, states, rnn.W)
    auto = dict(zip(manual, tape.gradient(cost, [rnn.W[name] for name in manual])))
    return [{k: v.numpy() for k, v in group.items()} for group in (manual, auto)]


# %% whole loop (TF2 only)
def train_epoch(train_x, train_y, order, rnn, lr, method):
    """One epoch's steps and costs in one graph: a tf.range loop writing a TensorArray."""
    costs = tf.TensorArray(rnn.W["Wx"].dtype, size=tf.size(order))
    for step in tf.range(tf.size(order)):
        i = order[step]
        costs = costs.write(step, train_step(train_x[i:i + 1], train_y[i:i + 1], rnn, lr, method))
    return costs.stack()


def run_loop(inputs, jit_compile=False, on_epoch=None):
    trace = {}
    lr = {name: inputs[name] for name in ("lr_x", "lr_rec", "lr_sg", "lr_autodiff")}
    data = tf.constant(inputs["train_x"]), tf.constant(inputs["train_y"])
    for method in METHODS:
        rnn = RNN(inputs)
        epoch_loop = tf.function(train_epoch, jit_compile=jit_compile)
        predict = tf.function(classify, jit_compile=jit_compile)
        steps = {"epoch_loss": [], "test_accuracy": [], "loss": []}
        for epoch in range(inputs["epochs"]):
            order = tf.constant(inputs["schedule"][epoch])
            steps["loss"].extend(epoch_loop(*data, order, rnn, lr, method).numpy())
            predictions = test_images(inputs, lambda images: predict(tf.constant(images), rnn.W, rnn.state).numpy())
            record_epoch(steps, predictions, inputs["test_y"], len(inputs["schedule"][epoch]))
            if on_epoch:
                on_epoch(epoch + 1, {f"{method}/{k}": v for k, v in steps.items()})
        trace.update(finish(method, steps, {k: v.numpy() for k, v in rnn.W.items()}, predictions))
    return trace


def step_from_loop(inputs, states, jit_compile=False):
    """``step_from`` for the whole-loop modes: each update as an epoch of train_epoch over its one
    image (handed alone, so XLA compiles the loop once, not once for each image's index)."""
    after = {k: ({}, {}) for k in states}
    lr = {name: inputs[name] for name in ("lr_x", "lr_rec", "lr_sg", "lr_autodiff")}
    for method in METHODS:
        rnn = RNN(inputs)
        epoch_loop = tf.function(train_epoch, jit_compile=jit_compile)
        predict = tf.function(classify, jit_compile=jit_compile)
        state = rnn.named(method)
        for k, epoch, i in teacher.each_update(states, state, inputs["schedule"].shape[1]):
            if epoch > 0 and i == 0:
                test_images(inputs, lambda images: predict(tf.constant(images), rnn.W, rnn.state).numpy())
            image = inputs["schedule"][epoch][i]
            x, y = tf.constant(inputs["train_x"][image:image + 1]), tf.constant(inputs["train_y"][image:image + 1])
            after[k][0][f"{method}/loss"] = epoch_loop(x, y, tf.constant([0]), rnn, lr, method).numpy()[0]
            after[k][1].update(teacher.values(state))
    return after


if __name__ == "__main__":
    from shared_data.decoupled_rnn import make_inputs

    run(make_inputs(seed=0), on_epoch=lambda e, t: print(
        f"epoch {e}", *(f"{f} {v[-1]}" for f, v in t.items() if f.endswith("epoch_loss"))))
