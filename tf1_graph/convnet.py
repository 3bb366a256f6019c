"""convnet, TF1 graph twin: two conv layers and two dense ones on MNIST, built with variable_scope, get_variable and Adam.

Written as TF1 tutorials wrote it: each layer opens a variable scope and asks get_variable for its
weights (initial values from shared_data), conv2d and max_pool, dropout on fc1, AdamOptimizer.
The test pass builds the model a second time with reuse=True. The last section runs the same
model function eagerly under tf1.make_template: the shim stage of a migration.
"""
import numpy as np
import tensorflow.compat.v1 as tf1

SCOPE = "convnet"
# Test images per forward pass: 10,000 at once would hold 500 MB of conv1 activations.
EVAL_BATCH = 1000


# %% model
def conv_pool(x, name, params):
    with tf1.variable_scope(name):
        weights = tf1.get_variable("weights", initializer=params[f"{name}/weights"])
        biases = tf1.get_variable("biases", initializer=params[f"{name}/biases"])
        conv = tf1.nn.conv2d(x, weights, strides=[1, 1, 1, 1], padding="SAME")
        hidden = tf1.nn.relu(tf1.nn.bias_add(conv, biases))
        return tf1.nn.max_pool(hidden, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="SAME")


def dense(x, name, params):
    with tf1.variable_scope(name):
        weights = tf1.get_variable("weights", initializer=params[f"{name}/weights"])
        biases = tf1.get_variable("biases", initializer=params[f"{name}/biases"])
        return tf1.matmul(x, weights) + biases


def model(x, keep_mask, params):
    """Logits; ``keep_mask`` (0 or 1/keep_prob per unit, from shared_data) is fc1's dropout, None to test."""
    images = tf1.reshape(x, [-1, 28, 28, 1])
    pooled = conv_pool(conv_pool(images, "conv1", params), "conv2", params)
    hidden = tf1.nn.relu(dense(tf1.reshape(pooled, [-1, 7 * 7 * 32]), "fc1", params))
    if keep_mask is not None:
        hidden = hidden * keep_mask
    return dense(hidden, "fc2", params)


# %% loss
def loss_fn(logits, y):
    return tf1.reduce_mean(tf1.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits))


def predict(logits):
    return tf1.argmax(logits, 1)


# %% step
def train_step(inputs):
    x = tf1.placeholder(tf1.float32, shape=[None, 784], name="x")
    y = tf1.placeholder(tf1.float32, shape=[None, 10], name="y")
    keep_mask = tf1.placeholder(tf1.float32, shape=[None, inputs["fc1/biases"].size], name="keep_mask")
    with tf1.variable_scope(SCOPE):
        loss = loss_fn(model(x, keep_mask, inputs), y)
    with tf1.variable_scope(SCOPE, reuse=True):  # the test pass: the same variables, no dropout
        prediction = predict(model(x, None, inputs))
    train_op = tf1.train.AdamOptimizer(inputs["learning_rate"]).minimize(loss)
    return x, y, keep_mask, loss, prediction, train_op


# %% train
def record_epoch(trace, predictions, labels, updates):
    trace["test_accuracy"].append(np.float32(np.mean(predictions == labels)))
    trace["epoch_loss"].append(np.mean(trace["loss"][-updates:], dtype=np.float32))


def finish(trace, final):
    """Per-step and per-epoch fields as arrays; the final weights as one step."""
    trace = {name: np.array(values) for name, values in trace.items()}
    return dict(trace, **{name: value[np.newaxis] for name, value in final.items()})


def field(variable):
    """A variable's trace field: its name inside the model, 'convnet/conv1/weights:0' -> 'conv1.weights'."""
    return variable.name.split(":")[0].split("/", 1)[1].replace("/", ".")


def run(inputs, on_epoch=None, on_step=None):
    graph = tf1.Graph()
    with graph.as_default():
        x, y, keep_mask, loss, prediction, train_op = train_step(inputs)
        variables, state = tf1.trainable_variables(), tf1.global_variables()
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
            for batch, mask in zip(inputs["schedule"][epoch], inputs["keep_masks"][epoch]):
                feed = {x: inputs["train_x"][batch], y: inputs["train_y"][batch], keep_mask: mask}
                _, loss_now = sess.run([train_op, loss], feed_dict=feed)
                trace["loss"].append(loss_now)
                if on_step:
                    on_step(len(trace["loss"]), read_state)
            predictions = np.concatenate([sess.run(prediction, feed_dict={x: inputs["test_x"][i:i + EVAL_BATCH]})
                                          for i in range(0, len(labels), EVAL_BATCH)])
            record_epoch(trace, predictions, labels, len(inputs["schedule"][epoch]))
            if on_epoch:
                on_epoch(epoch + 1, trace)
        final = {field(v): value for v, value in zip(variables, sess.run(variables))}
    return finish(trace, final)


# %% one step from a state
def step_from(inputs, states):
    """Teacher forcing: ``states`` is {k: the state before update k} (k counted from 1 over the run;
    a state is every variable by its TF1 name, Adam's slots and powers included). From each, one
    update on update k's batch and mask; returns {k: (its loss, the state after it)}."""
    graph = tf1.Graph()
    with graph.as_default():
        x, y, keep_mask, loss, prediction, train_op = train_step(inputs)
        state = tf1.global_variables()
        values = [tf1.placeholder(v.dtype, v.shape) for v in state]
        set_state = tf1.group(*[v.assign(value) for v, value in zip(state, values)])
    graph.finalize()
    steps, after = inputs["schedule"].shape[1], {}
    with tf1.Session(graph=graph) as sess:
        for k, before in states.items():
            sess.run(set_state, feed_dict={value: before[v.op.name] for v, value in zip(state, values)})
            epoch, i = divmod(k - 1, steps)
            batch, mask = inputs["schedule"][epoch][i], inputs["keep_masks"][epoch][i]
            feed = {x: inputs["train_x"][batch], y: inputs["train_y"][batch], keep_mask: mask}
            _, loss_now = sess.run([train_op, loss], feed_dict=feed)
            after[k] = loss_now, {v.op.name: value for v, value in zip(state, sess.run(state))}
    return after


# %% eager shim (TF1 only)
def run_eager(inputs, on_epoch=None, on_step=None):
    """Stage 2: the same TF1 model function, run eagerly. tf1.make_template keeps its variables
    (created on the first call under their TF1 names, reused after); tf1.train's Adam applies the
    tape's gradients. No graph, no Session, no tf_keras."""
    forward = tf1.make_template(SCOPE, model)
    optimizer = tf1.train.AdamOptimizer(inputs["learning_rate"])
    trace = {"test_accuracy": [], "epoch_loss": [], "loss": []}
    labels = inputs["test_y"].argmax(1)
    for epoch in range(inputs["epochs"]):
        for batch, mask in zip(inputs["schedule"][epoch], inputs["keep_masks"][epoch]):
            x, y = tf1.constant(inputs["train_x"][batch]), tf1.constant(inputs["train_y"][batch])
            with tf1.GradientTape() as tape:
                loss = loss_fn(forward(x, tf1.constant(mask), inputs), y)
            optimizer.apply_gradients(zip(tape.gradient(loss, forward.trainable_variables),
                                          forward.trainable_variables))
            trace["loss"].append(loss.numpy())
            if on_step:
                on_step(len(trace["loss"]), lambda: {v.name.split(":")[0]: v.numpy()
                                                     for v in forward.variables + optimizer.variables()})
        predictions = np.concatenate([predict(forward(tf1.constant(inputs["test_x"][i:i + EVAL_BATCH]), None, inputs)).numpy()
                                      for i in range(0, len(labels), EVAL_BATCH)])
        record_epoch(trace, predictions, labels, len(inputs["schedule"][epoch]))
        if on_epoch:
            on_epoch(epoch + 1, trace)
    final = {field(v): v.numpy() for v in forward.trainable_variables}
    return finish(trace, final)


if __name__ == "__main__":
    from shared_data.convnet import make_inputs

    run(make_inputs(seed=0), on_epoch=lambda e, t: print(f"epoch {e} test accuracy {t['test_accuracy'][-1]}"))
