"""classification, TF1 graph twin: sigmoid(x + A) separates N(−1, 1) from N(3, 1) (cookbook recipe).

Each step feeds one sample, minimises sigmoid cross-entropy with GradientDescentOptimizer, then
evaluates A, that sample's loss, and the accuracy of round(sigmoid(x + A)) over all points.
"""
import numpy as np
import tensorflow.compat.v1 as tf1


# %% model
def model(x, A):
    return x + A


# %% loss
def loss_fn(logits, y):
    return tf1.reduce_mean(tf1.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logits))


def accuracy_fn(logits, y):
    return tf1.reduce_mean(tf1.cast(tf1.equal(tf1.round(tf1.sigmoid(logits)), y), tf1.float32))


# %% step
def train_step(inputs):
    x = tf1.placeholder(tf1.float32, shape=[None], name="x")
    y = tf1.placeholder(tf1.float32, shape=[None], name="y")
    A = tf1.Variable(inputs["A0"], name="A")
    loss = loss_fn(model(x, A), y)
    accuracy = accuracy_fn(model(x, A), y)
    train_op = tf1.train.GradientDescentOptimizer(inputs["learning_rate"]).minimize(loss)
    return x, y, A, loss, accuracy, train_op


# %% train
def run(inputs, on_step=None):
    graph = tf1.Graph()
    with graph.as_default():
        x, y, A, loss, accuracy, train_op = train_step(inputs)
        state = tf1.global_variables()
        init = tf1.global_variables_initializer()
    graph.finalize()
    trace = {"A": [], "loss": [], "accuracy": []}
    with tf1.Session(graph=graph) as sess:
        sess.run(init)
        read_state = lambda: {v.op.name: value for v, value in zip(state, sess.run(state))}  # noqa: E731
        if on_step:
            on_step(0, read_state)
        everything = {x: inputs["x"], y: inputs["y"]}
        for i in inputs["schedule"]:
            feed = {x: inputs["x"][i:i + 1], y: inputs["y"][i:i + 1]}
            sess.run(train_op, feed_dict=feed)
            A_now, loss_now = sess.run([A, loss], feed_dict=feed)
            accuracy_now = sess.run(accuracy, feed_dict=everything)
            trace["A"].append(A_now[0])
            trace["loss"].append(loss_now)
            trace["accuracy"].append(accuracy_now)
            if on_step:
                on_step(len(trace["loss"]), read_state)
    return {name: np.array(values) for name, values in trace.items()}


# %% one step from a state
def step_from(inputs, states):
    """Teacher forcing: ``states`` is {k: the state before update k} (k counted from 1 over the run;
    a state is every variable by its TF1 name: A, as plain SGD keeps nothing else). From each, one
    update on update k's sample; returns {k: (that sample's loss after it, as run traces it, the state
    after it)}. The accuracy over all points is not the step's: it reads the state after it."""
    graph = tf1.Graph()
    with graph.as_default():
        x, y, A, loss, _, train_op = train_step(inputs)
        state = tf1.global_variables()
        values = [tf1.placeholder(v.dtype, v.shape) for v in state]
        set_state = tf1.group(*[v.assign(value) for v, value in zip(state, values)])
    graph.finalize()
    after = {}
    with tf1.Session(graph=graph) as sess:
        for k, before in states.items():
            sess.run(set_state, feed_dict={value: before[v.op.name] for v, value in zip(state, values)})
            i = inputs["schedule"][k - 1]
            feed = {x: inputs["x"][i:i + 1], y: inputs["y"][i:i + 1]}
            sess.run(train_op, feed_dict=feed)
            loss_now = sess.run(loss, feed_dict=feed)
            after[k] = loss_now, {v.op.name: value for v, value in zip(state, sess.run(state))}
    return after


if __name__ == "__main__":
    from shared_data.classification import make_inputs
    from tfparity.core.report import print_log

    print_log(run(make_inputs(seed=0)), every=200)
