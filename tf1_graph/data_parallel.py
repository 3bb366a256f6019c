"""data_parallel, TF1 graph twin: the 784-15-10 MLP trained on towers, one per CPU device, in one Session.

Each tower is the model on its device under tf1.device, sharing the variables through variable_scope
reuse; it takes its half of the global batch from its own placeholders and its loss is the mean
over that half. The towers' gradients are averaged and applied once (the TF1 multi-GPU pattern).
"""
import numpy as np
import tensorflow.compat.v1 as tf1

PARAMS = ("W1", "b1", "W2", "b2")


# %% devices
def replication(replicas):
    """A Session with one CPU device per replica: /cpu:0 ... /cpu:N-1."""
    return tf1.ConfigProto(device_count={"CPU": replicas})


# %% model
def model(x, params):
    W1, b1, W2, b2 = params
    hidden = tf1.sigmoid(tf1.matmul(x, W1) + b1)
    return hidden, tf1.matmul(hidden, W2) + b2


# %% loss
def loss_fn(logits, y):
    """The tower's loss: the mean over its own examples (averaged over the towers below)."""
    return tf1.reduce_mean(tf1.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits))


def predict(logits):
    return tf1.argmax(logits, 1)


# %% batches
def replica_batches(inputs, epoch):
    """Each step's global batch of indices as one half per replica: [step, replica, example]."""
    batches = inputs["schedule"][epoch]
    return batches.reshape(len(batches), inputs["replicas"], -1)


# %% step
def replica_step(x, y, params):
    loss = loss_fn(model(x, params)[1], y)
    return loss, tf1.gradients(loss, params)


def train_step(inputs):
    learning_rate = tf1.placeholder(tf1.float32, shape=[], name="learning_rate")
    feeds, losses, tower_grads = [], [], []
    for replica in range(inputs["replicas"]):
        with tf1.device(f"/cpu:{replica}"), tf1.variable_scope("mlp", reuse=replica > 0):
            x = tf1.placeholder(tf1.float32, shape=[None, 784], name="x")
            y = tf1.placeholder(tf1.float32, shape=[None, 10], name="y")
            params = [tf1.get_variable(name, initializer=inputs[name]) for name in PARAMS]
            loss, grads = replica_step(x, y, params)
        feeds.append((x, y))
        losses.append(loss)
        tower_grads.append(grads)
    with tf1.device("/cpu:0"):
        loss = tf1.reduce_mean(tf1.stack(losses))
        grads = [tf1.reduce_mean(tf1.stack(per_tower), 0) for per_tower in zip(*tower_grads)]
        train_op = tf1.train.GradientDescentOptimizer(learning_rate).apply_gradients(zip(grads, params))
    prediction = predict(model(feeds[0][0], params)[1])
    return feeds, learning_rate, params, loss, prediction, train_op


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
        feeds, learning_rate, params, loss, prediction, train_op = train_step(inputs)
        state = tf1.global_variables()
        init = tf1.global_variables_initializer()
    graph.finalize()
    trace = {"test_accuracy": [], "epoch_loss": [], "loss": []}
    labels = inputs["test_y"].argmax(1)
    with tf1.Session(graph=graph, config=replication(inputs["replicas"])) as sess:
        sess.run(init)
        read_state = lambda: {v.op.name: value for v, value in zip(state, sess.run(state))}  # noqa: E731
        if on_step:
            on_step(0, read_state)
        for epoch in range(inputs["epochs"]):
            for halves in replica_batches(inputs, epoch):
                feed = {learning_rate: inputs["learning_rates"][epoch]}
                for (x, y), half in zip(feeds, halves):
                    feed.update({x: inputs["train_x"][half], y: inputs["train_y"][half]})
                _, loss_now = sess.run([train_op, loss], feed_dict=feed)
                trace["loss"].append(loss_now)
                if on_step:
                    on_step(len(trace["loss"]), read_state)
            predictions = sess.run(prediction, feed_dict={feeds[0][0]: inputs["test_x"]})
            record_epoch(trace, predictions, labels, len(inputs["schedule"][epoch]))
            if on_epoch:
                on_epoch(epoch + 1, trace)
        final = dict(zip(PARAMS, sess.run(params)), test_predictions=predictions)
    return finish(trace, final)


# %% one step from a state
def step_from(inputs, states):
    """Teacher forcing: ``states`` is {k: the state before update k} (k counted from 1 over the run;
    a state is every variable by its TF1 name: the towers' shared weights, as plain SGD keeps nothing
    else). From each, one update on update k's global batch, a half per tower, at its epoch's rate;
    returns {k: (its loss, the state after it)}."""
    graph = tf1.Graph()
    with graph.as_default():
        feeds, learning_rate, _, loss, _, train_op = train_step(inputs)
        state = tf1.global_variables()
        values = [tf1.placeholder(v.dtype, v.shape) for v in state]
        set_state = tf1.group(*[v.assign(value) for v, value in zip(state, values)])
    graph.finalize()
    steps, after = inputs["schedule"].shape[1], {}
    with tf1.Session(graph=graph, config=replication(inputs["replicas"])) as sess:
        for k, before in states.items():
            sess.run(set_state, feed_dict={value: before[v.op.name] for v, value in zip(state, values)})
            epoch, i = divmod(k - 1, steps)
            feed = {learning_rate: inputs["learning_rates"][epoch]}
            for (x, y), half in zip(feeds, replica_batches(inputs, epoch)[i]):
                feed.update({x: inputs["train_x"][half], y: inputs["train_y"][half]})
            _, loss_now = sess.run([train_op, loss], feed_dict=feed)
            after[k] = loss_now, {v.op.name: value for v, value in zip(state, sess.run(state))}
    return after


# %% one device
def one_device_loss(x, y, params, parts):
    """One device, the whole global batch: one mean over it (parts 1), or the replicas' arithmetic
    without their devices (parts = replicas): a mean per part, the parts' gradients averaged."""
    steps = [replica_step(xs, ys, params) for xs, ys in zip(tf1.split(x, parts), tf1.split(y, parts))]
    loss = tf1.reduce_mean(tf1.stack([s[0] for s in steps]))
    return loss, [tf1.reduce_mean(tf1.stack(per_part), 0) for per_part in zip(*[s[1] for s in steps])]


def one_device_update(inputs):
    """The one-device graph: its feeds and variables ((x, y, learning_rate), the variables under the
    towers' names, by which the local layer sets this state), and its update on the whole global
    batch ((loss, train_op))."""
    x = tf1.placeholder(tf1.float32, shape=[None, 784], name="x")
    y = tf1.placeholder(tf1.float32, shape=[None, 10], name="y")
    learning_rate = tf1.placeholder(tf1.float32, shape=[], name="learning_rate")
    with tf1.variable_scope("mlp"):
        params = [tf1.Variable(inputs[name], name=name) for name in PARAMS]
    parts = inputs["replicas"] if inputs["one_device_sum"] == "halves" else 1
    loss, grads = one_device_loss(x, y, params, parts)
    train_op = tf1.train.GradientDescentOptimizer(learning_rate).apply_gradients(zip(grads, params))
    return ((x, y, learning_rate), params), (loss, train_op)


def run_one_device(inputs, on_epoch=None):
    graph = tf1.Graph()
    with graph.as_default():
        ((x, y, learning_rate), params), (loss, train_op) = one_device_update(inputs)
        prediction = predict(model(x, params)[1])
        init = tf1.global_variables_initializer()
    graph.finalize()
    trace = {"test_accuracy": [], "epoch_loss": [], "loss": []}
    labels = inputs["test_y"].argmax(1)
    with tf1.Session(graph=graph) as sess:
        sess.run(init)
        for epoch in range(inputs["epochs"]):
            for batch in inputs["schedule"][epoch]:
                feed = {x: inputs["train_x"][batch], y: inputs["train_y"][batch],
                        learning_rate: inputs["learning_rates"][epoch]}
                _, loss_now = sess.run([train_op, loss], feed_dict=feed)
                trace["loss"].append(loss_now)
            predictions = sess.run(prediction, feed_dict={x: inputs["test_x"]})
            record_epoch(trace, predictions, labels, len(inputs["schedule"][epoch]))
            if on_epoch:
                on_epoch(epoch + 1, trace)
        final = dict(zip(PARAMS, sess.run(params)), test_predictions=predictions)
    return finish(trace, final)


def step_from_one_device(inputs, states):
    """``step_from`` for the one-device run: from the towers' state before update k (the same TF1
    names), one update on the whole global batch on one device."""
    graph = tf1.Graph()
    with graph.as_default():
        ((x, y, learning_rate), params), (loss, train_op) = one_device_update(inputs)
        values = [tf1.placeholder(v.dtype, v.shape) for v in params]
        set_state = tf1.group(*[v.assign(value) for v, value in zip(params, values)])
    graph.finalize()
    steps, after = inputs["schedule"].shape[1], {}
    with tf1.Session(graph=graph) as sess:
        for k, before in states.items():
            sess.run(set_state, feed_dict={value: before[v.op.name] for v, value in zip(params, values)})
            epoch, i = divmod(k - 1, steps)
            batch = inputs["schedule"][epoch][i]
            feed = {x: inputs["train_x"][batch], y: inputs["train_y"][batch],
                    learning_rate: inputs["learning_rates"][epoch]}
            _, loss_now = sess.run([train_op, loss], feed_dict=feed)
            after[k] = loss_now, {v.op.name: value for v, value in zip(params, sess.run(params))}
    return after


if __name__ == "__main__":
    from shared_data.data_parallel import make_inputs

    run(make_inputs(seed=0), on_epoch=lambda e, t: print(f"epoch {e} test accuracy {t['test_accuracy'][-1]}"))
