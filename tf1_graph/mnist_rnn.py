"""mnist_rnn, TF1 graph twin: MNIST rows as 28-step sequences through TF1's RNN cells, as the classic tutorial wrote it.

BasicLSTMCell (or LSTMCell, GRUCell, a MultiRNNCell of them) unrolled by tf.nn.static_rnn over the
28 rows, or by tf.nn.dynamic_rnn, with sequence_length where each image has its own number of rows;
or a cell each way (static_bidirectional_rnn, bidirectional_dynamic_rnn); a dense layer reads the
last valid output, plain gradient descent. The cells are tf-keras's, where
TF 2.x keeps TF1's (tf1.nn.rnn_cell is them with TF_USE_LEGACY_KERAS=1); their initial weights are
shared_data's, loaded into the cells' variables after the initializer runs.
"""
import numpy as np
import tensorflow.compat.v1 as tf1
from tf_keras.api._v1.keras.__internal__.legacy import rnn_cell

from shared_data.mnist_rnn import ROW, STEPS

# TF1's cells by option. TF 1.x programs named them tf.nn.rnn_cell.BasicLSTMCell or
# tf.contrib.rnn.BasicLSTMCell (one class); TF 2.x keeps them in tf-keras (legacy_cells.py).
CELL_CLASSES = {"basic_lstm": rnn_cell.BasicLSTMCell, "lstm": rnn_cell.LSTMCell, "gru": rnn_cell.GRUCell}


# %% model
def make_cell(params):
    """TF1's cell for ``params``' settings: one, ``layers`` of them in a MultiRNNCell, or a
    bidirectional run's (forward, backward) pair."""
    def one():
        kind = CELL_CLASSES[params["cell"]]
        return kind(params["units"]) if params["cell"] == "gru" else kind(params["units"], forget_bias=params["forget_bias"])
    if params["direction"] == "bidirectional":
        return one(), one()
    return one() if params["layers"] == 1 else rnn_cell.MultiRNNCell([one() for _ in range(params["layers"])])


def unroll(cell, x, lengths, params):
    """(outputs, final state) of ``cell`` over the rows of ``x`` [batch, 28, 28]: static_rnn on the
    28 rows as a list, or dynamic_rnn; with ``lengths`` (None: every row), each sequence's outputs
    past its end are zeros and its state is carried (tensorflow/python/ops/rnn.py, ``_rnn_step``)."""
    if params["direction"] == "bidirectional":
        return unroll_both(cell, x, lengths, params)
    if params["rnn"] == "static":
        outputs, state = tf1.nn.static_rnn(cell, tf1.unstack(x, STEPS, 1), sequence_length=lengths, dtype=tf1.float32)
    else:
        outputs, state = tf1.nn.dynamic_rnn(cell, x, sequence_length=lengths, dtype=tf1.float32)
    return outputs, state


def unroll_both(cells, x, lengths, params):
    """(outputs, (the forward cell's final state, the backward's)) of a cell each way: the backward
    cell reads each sequence's rows last to first (reverse_sequence where lengths are given, then
    its steps past the end as above) and its outputs are turned back (rnn.py, ``_reverse_seq``,
    ``bidirectional_dynamic_rnn``'s ``_reverse``)."""
    forward, backward = cells
    if params["rnn"] == "static":
        outputs, state_fw, state_bw = tf1.nn.static_bidirectional_rnn(
            forward, backward, tf1.unstack(x, STEPS, 1), sequence_length=lengths, dtype=tf1.float32)
    else:
        outputs, (state_fw, state_bw) = tf1.nn.bidirectional_dynamic_rnn(
            forward, backward, x, sequence_length=lengths, dtype=tf1.float32)
    return outputs, (state_fw, state_bw)


def top_output(state):
    """A cell's (or the top cell's of a stack) output in its final state: an LSTM's state is (c, h),
    a GRU's is h."""
    top = state[-1] if isinstance(state, tuple) and not hasattr(state, "h") else state
    return top.h if hasattr(top, "h") else top


def last_output(state, params):
    """The last valid output: the top cell's in its final state, with every row read the tutorial's
    outputs[-1]; a bidirectional run's is both cells' side by side, each after its last row."""
    if params["direction"] == "bidirectional":
        return tf1.concat([top_output(one) for one in state], 1)
    return top_output(state)


def model(x, lengths, params):
    """Logits of the images ``x`` [batch, 784], each read as 28 rows of 28 pixels."""
    outputs, state = unroll(make_cell(params), tf1.reshape(x, [-1, STEPS, ROW]), lengths, params)
    with tf1.variable_scope("output"):
        weights = tf1.get_variable("weights", initializer=params["output/weights"])
        biases = tf1.get_variable("biases", initializer=params["output/biases"])
    return tf1.matmul(last_output(state, params), weights) + biases


# %% loss
def loss_fn(logits, y):
    return tf1.reduce_mean(tf1.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits))


def predict(logits):
    return tf1.argmax(logits, 1)


# %% step
def train_step(inputs):
    x = tf1.placeholder(tf1.float32, shape=[None, 784], name="x")
    y = tf1.placeholder(tf1.float32, shape=[None, 10], name="y")
    lengths = tf1.placeholder(tf1.int32, shape=[None], name="lengths") if inputs["lengths"] == "variable" else None
    logits = model(x, lengths, inputs)
    loss = loss_fn(logits, y)
    train_op = tf1.train.GradientDescentOptimizer(inputs["learning_rate"]).minimize(loss)
    # The cells make their variables when first called: shared_data's values go in after the initializer.
    with tf1.control_dependencies([tf1.global_variables_initializer()]):
        init = tf1.group(*[v.assign(inputs[v.op.name]) for v in tf1.global_variables()])
    return x, y, lengths, loss, predict(logits), init, train_op


# %% train
def batch_of(inputs, split, rows):
    """Images ``rows`` of ``split`` ("train", "test"): images, labels, and lengths (None: every row)."""
    lengths = inputs[f"{split}_lengths"]
    return inputs[f"{split}_x"][rows], inputs[f"{split}_y"][rows], None if lengths is None else lengths[rows]


def record_epoch(trace, predictions, labels, updates):
    trace["test_accuracy"].append(np.float32(np.mean(predictions == labels)))
    trace["epoch_loss"].append(np.mean(trace["loss"][-updates:], dtype=np.float32))


def finish(trace, final):
    """Per-step and per-epoch fields as arrays; the final weights as one step."""
    trace = {name: np.array(values) for name, values in trace.items()}
    return dict(trace, **{name: value[np.newaxis] for name, value in final.items()})


def run(inputs, on_epoch=None, on_step=None):
    graph = tf1.Graph()
    with graph.as_default():
        x, y, lengths, loss, prediction, init, train_op = train_step(inputs)
        variables, state = tf1.trainable_variables(), tf1.global_variables()
    graph.finalize()
    trace = {"test_accuracy": [], "epoch_loss": [], "loss": []}
    labels, test = inputs["test_y"].argmax(1), np.arange(len(inputs["test_y"]))
    fed = lambda values: {p: v for p, v in zip((x, y, lengths), values) if p is not None}  # noqa: E731
    with tf1.Session(graph=graph) as sess:
        sess.run(init)
        read_state = lambda: {v.op.name: value for v, value in zip(state, sess.run(state))}  # noqa: E731
        if on_step:
            on_step(0, read_state)
        for epoch in range(inputs["epochs"]):
            for batch in inputs["schedule"][epoch]:
                _, loss_now = sess.run([train_op, loss], feed_dict=fed(batch_of(inputs, "train", batch)))
                trace["loss"].append(loss_now)
                if on_step:
                    on_step(len(trace["loss"]), read_state)
            predictions = sess.run(prediction, feed_dict=fed(batch_of(inputs, "test", test)))
            record_epoch(trace, predictions, labels, len(inputs["schedule"][epoch]))
            if on_epoch:
                on_epoch(epoch + 1, trace)
        final = {v.op.name: value for v, value in zip(variables, sess.run(variables))}
    return finish(trace, final)


# %% one step from a state
def step_from(inputs, states):
    """Teacher forcing: ``states`` is {k: the state before update k} (k counted from 1 over the run;
    a state is every variable by its TF1 name). From each, one update on update k's batch; returns
    {k: (its loss, the state after it)}."""
    graph = tf1.Graph()
    with graph.as_default():
        x, y, lengths, loss, prediction, init, train_op = train_step(inputs)
        state = tf1.global_variables()
        values = [tf1.placeholder(v.dtype, v.shape) for v in state]
        set_state = tf1.group(*[v.assign(value) for v, value in zip(state, values)])
    graph.finalize()
    steps, after = inputs["schedule"].shape[1], {}
    fed = lambda values: {p: v for p, v in zip((x, y, lengths), values) if p is not None}  # noqa: E731
    with tf1.Session(graph=graph) as sess:
        for k, before in states.items():
            sess.run(set_state, feed_dict={value: before[v.op.name] for v, value in zip(state, values)})
            epoch, i = divmod(k - 1, steps)
            _, loss_now = sess.run([train_op, loss], feed_dict=fed(batch_of(inputs, "train", inputs["schedule"][epoch][i])))
            after[k] = loss_now, {v.op.name: value for v, value in zip(state, sess.run(state))}
    return after


if __name__ == "__main__":
    from shared_data.mnist_rnn import make_inputs

    run(make_inputs(seed=0), on_epoch=lambda e, t: print(f"epoch {e} test accuracy {t['test_accuracy'][-1]}"))
