"""mnist_rnn, TF2 eager twin: MNIST rows as 28-step sequences through tf.Module cells that keep TF1's arithmetic.

Each cell is a tf.Module whose call is TF1's, op for op and in TF1's order (one matmul on
concat([x, h]), bias_add, split, the gates with forget_bias added at run time); a Python loop over
the 28 rows unrolls it, copying the state through past a sequence's end as TF1's rnn did. The
variables keep their TF1 names. The step runs eager or as a tf.function; then a whole epoch in one
tf.function, and last the stock Keras 3 LSTM and GRU(reset_after=False) trained by ``model.fit``,
their weights from TF1's by tfparity.port.rnn_cells: another formulation, within a measured bound.
"""
import collections

import keras
import numpy as np
import tensorflow as tf

from shared_data.mnist_rnn import CELLS, ROW, STEPS, cell_scopes
from tfparity.port import keras_optimizers, keras_trace, optimizers, rnn_cells, teacher
from tfparity.port.keras_layers import TF1Dense

# An LSTM's state as TF1's cells hand it on (tf_keras's legacy_cells.py, ``LSTMStateTuple``).
LSTMStateTuple = collections.namedtuple("LSTMStateTuple", ("c", "h"))


# %% model
class BasicLSTMCell(tf.Module):
    """TF1's BasicLSTMCell (tf_keras/src/layers/rnn/legacy_cells.py, ``BasicLSTMCell.call``): the
    gates i, j, f, o from one product, forget_bias added to f at every step."""

    def __init__(self, scope, inputs):
        tf.Module.__init__(self, name=scope.rsplit("/", 1)[-1])  # LSTMCell's too
        self.kernel = tf.Variable(inputs[f"{scope}/kernel"], name="kernel")
        self.bias = tf.Variable(inputs[f"{scope}/bias"], name="bias")
        self.forget_bias, self.units, self.scope = inputs["forget_bias"], inputs["units"], scope
        self.names = {f"{scope}/kernel": self.kernel, f"{scope}/bias": self.bias}

    def zero_state(self, batch, dtype):
        return LSTMStateTuple(tf.zeros([batch, self.units], dtype), tf.zeros([batch, self.units], dtype))

    def read(self):
        """Each variable read once, by its name under the cell's scope, for ``unroll`` to hand every step."""
        return {name[len(self.scope) + 1:]: tf.convert_to_tensor(v) for name, v in self.names.items()}

    def __call__(self, x, state, weights):
        c, h = state
        gate_inputs = tf.nn.bias_add(tf.matmul(tf.concat([x, h], 1), weights["kernel"]), weights["bias"])
        i, j, f, o = tf.split(gate_inputs, 4, axis=1)
        forget_bias = tf.constant(self.forget_bias, dtype=f.dtype)
        new_c = tf.add(tf.multiply(c, tf.sigmoid(tf.add(f, forget_bias))), tf.multiply(tf.sigmoid(i), tf.tanh(j)))
        new_h = tf.multiply(tf.tanh(new_c), tf.sigmoid(o))
        return new_h, LSTMStateTuple(new_c, new_h)


class LSTMCell(tf.Module):
    """TF1's LSTMCell without peepholes or projection (``LSTMCell.call``): BasicLSTMCell's
    variables and mathematics, its products written the other way round."""

    __init__, zero_state, read = BasicLSTMCell.__init__, BasicLSTMCell.zero_state, BasicLSTMCell.read

    def __call__(self, x, state, weights):
        c_prev, m_prev = state
        lstm_matrix = tf.nn.bias_add(tf.matmul(tf.concat([x, m_prev], 1), weights["kernel"]), weights["bias"])
        i, j, f, o = tf.split(lstm_matrix, 4, axis=1)
        c = tf.sigmoid(f + self.forget_bias) * c_prev + tf.sigmoid(i) * tf.tanh(j)
        m = tf.sigmoid(o) * tf.tanh(c)
        return m, LSTMStateTuple(c, m)


class GRUCell(tf.Module):
    """TF1's GRUCell (``GRUCell.call``): the reset gate multiplies the state before the candidate's
    product, new_h = u·h + (1 − u)·c."""

    def __init__(self, scope, inputs):
        super().__init__(name=scope.rsplit("/", 1)[-1])
        self.names = {f"{scope}/{name}": tf.Variable(inputs[f"{scope}/{name}"], name=name.replace("/", "_"))
                      for name in ("gates/kernel", "gates/bias", "candidate/kernel", "candidate/bias")}
        self.units, self.scope = inputs["units"], scope

    def zero_state(self, batch, dtype):
        return tf.zeros([batch, self.units], dtype)

    read = BasicLSTMCell.read

    def __call__(self, x, state, weights):
        gate_inputs = tf.nn.bias_add(tf.matmul(tf.concat([x, state], 1), weights["gates/kernel"]), weights["gates/bias"])
        r, u = tf.split(tf.sigmoid(gate_inputs), 2, axis=1)
        candidate = tf.nn.bias_add(tf.matmul(tf.concat([x, r * state], 1), weights["candidate/kernel"]),
                                   weights["candidate/bias"])
        new_h = u * state + (1 - u) * tf.tanh(candidate)
        return new_h, new_h


class MultiRNNCell(tf.Module):
    """TF1's MultiRNNCell (``MultiRNNCell.call``): each cell reads the output of the one below."""

    def __init__(self, cells):
        super().__init__(name="multi_rnn_cell")
        self.cells = cells
        self.names = {name: v for cell in cells for name, v in cell.names.items()}

    def zero_state(self, batch, dtype):
        return tuple(cell.zero_state(batch, dtype) for cell in self.cells)

    def read(self):
        return tuple(cell.read() for cell in self.cells)

    def __call__(self, x, state, weights):
        new_states = []
        for cell, cell_state, cell_weights in zip(self.cells, state, weights):
            x, new_state = cell(x, cell_state, cell_weights)
            new_states.append(new_state)
        return x, tuple(new_states)


def make_cell(params):
    """The cell for ``params``' settings, each variable from shared_data under its TF1 name: one,
    ``layers`` of them in a MultiRNNCell, or a bidirectional run's (forward, backward) pair."""
    kind = {"basic_lstm": BasicLSTMCell, "lstm": LSTMCell, "gru": GRUCell}[params["cell"]]
    cells = [kind(scope, params) for scope in cell_scopes(params["cell"], params["layers"], params["direction"])]
    if params["direction"] == "bidirectional":
        forward, backward = cells
        return forward, backward
    return cells[0] if params["layers"] == 1 else MultiRNNCell(cells)


def unroll(cell, x, lengths, params):
    """(outputs, final state) of ``cell`` over the rows of ``x`` [batch, 28, 28], a Python loop (eager
    runs it step by step; tf.function unrolls it, as static_rnn did); with ``lengths`` (None: every
    row), each sequence's outputs past its end are zeros and its state is carried, as TF1's
    ``_rnn_step`` does (tensorflow/python/ops/rnn.py): tf.where on [batch, 1], where TF1's where
    selected whole rows by a [batch] condition.

    The weights' gradient is a sum of one term per step, and its order is TF1's: static_rnn reads
    each variable once (``static_rnn`` sets a caching device) and sums the 28 terms in one AddN, as
    the tape does for a tensor used 28 times; dynamic_rnn's while_loop adds each step's term to a
    running sum, the last step first (its gradient loop), as a chain of identities passes it back."""
    if params["direction"] == "bidirectional":
        return unroll_both(cell, x, lengths, params)
    state, outputs = cell.zero_state(tf.shape(x)[0], x.dtype), []
    weights = cell.read()
    for t in range(STEPS):
        if params["rnn"] == "dynamic":
            weights = tf.nest.map_structure(tf.identity, weights)
        output, new_state = cell(x[:, t], state, weights)
        if lengths is not None:
            done = tf.expand_dims(t >= lengths, 1)
            output = tf.where(done, tf.zeros_like(output), output)
            new_state = tf.nest.map_structure(lambda old, new: tf.where(done, old, new), state, new_state)
        outputs.append(output)
        state = new_state
    return outputs, state


def unroll_both(cells, x, lengths, params):
    """(outputs, (the forward cell's final state, the backward's)) of a cell each way: the backward
    cell reads each sequence's rows last to first (tf.reverse_sequence where lengths are given, then
    its steps past the end as above) and its outputs are turned back, as TF1's bidirectional rnns
    did (rnn.py, ``_reverse_seq``, ``bidirectional_dynamic_rnn``'s ``_reverse``)."""
    forward, backward = cells
    one_way = dict(params, direction="forward")

    def reverse(rows):
        return tf.reverse(rows, [1]) if lengths is None else tf.reverse_sequence(rows, lengths, seq_axis=1, batch_axis=0)
    outputs_fw, state_fw = unroll(forward, x, lengths, one_way)
    outputs_bw, state_bw = unroll(backward, reverse(x), lengths, one_way)
    outputs_bw = tf.unstack(reverse(tf.stack(outputs_bw, 1)), axis=1)
    return [tf.concat(both, 1) for both in zip(outputs_fw, outputs_bw)], (state_fw, state_bw)


def top_output(state):
    """A cell's (or the top cell's of a stack) output in its final state: an LSTM's state is (c, h),
    a GRU's is h."""
    top = state[-1] if isinstance(state, tuple) and not hasattr(state, "h") else state
    return top.h if hasattr(top, "h") else top


def last_output(state, params):
    """The last valid output: the top cell's in its final state, with every row read the tutorial's
    outputs[-1]; a bidirectional run's is both cells' side by side, each after its last row."""
    if params["direction"] == "bidirectional":
        return tf.concat([top_output(one) for one in state], 1)
    return top_output(state)


def model(x, lengths, params):
    """Logits of the images ``x`` [batch, 784], each read as 28 rows of 28 pixels."""
    outputs, state = unroll(params.cell, tf.reshape(x, [-1, STEPS, ROW]), lengths, params.options)
    return tf.matmul(last_output(state, params.options), params.weights) + params.biases


class RNNClassifier(tf.Module):
    """The cell and the dense head; ``names``: every variable by its TF1 name."""

    def __init__(self, inputs):
        super().__init__(name="mnist_rnn")
        self.cell = make_cell(inputs)
        self.options = {name: inputs[name] for name in ("cell", "rnn", "layers", "direction")}  # what unroll reads
        self.weights = tf.Variable(inputs["output/weights"], name="weights")
        self.biases = tf.Variable(inputs["output/biases"], name="biases")
        cells = self.cell if isinstance(self.cell, tuple) else (self.cell,)
        self.names = {name: v for cell in cells for name, v in cell.names.items()}
        self.names.update({"output/weights": self.weights, "output/biases": self.biases})
        # TF1's order of creation (minimize's var_list): the cells', then the head's.
        self.ordered = list(self.names.values())


# %% loss
def loss_fn(logits, y):
    return tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=logits))


def predict(logits):
    return tf.argmax(logits, 1)


# %% step
def train_step(x, y, lengths, net, optimizer):
    with tf.GradientTape() as tape:
        loss = loss_fn(model(x, lengths, net), y)
    optimizer.apply_gradients(zip(tape.gradient(loss, net.ordered), net.ordered))
    return loss


# %% train
def batch_of(inputs, split, rows):
    """Images ``rows`` of ``split`` ("train", "test"): images, labels, and lengths (None: every row)."""
    lengths = inputs[f"{split}_lengths"]
    return (tf.constant(inputs[f"{split}_x"][rows]), tf.constant(inputs[f"{split}_y"][rows]),
            None if lengths is None else tf.constant(lengths[rows], tf.int32))


def record_epoch(trace, predictions, labels, updates):
    trace["test_accuracy"].append(np.float32(np.mean(predictions == labels)))
    trace["epoch_loss"].append(np.mean(trace["loss"][-updates:], dtype=np.float32))


def finish(trace, final):
    """Per-step and per-epoch fields as arrays; the final weights as one step."""
    trace = {name: np.array(values) for name, values in trace.items()}
    return dict(trace, **{name: value[np.newaxis] for name, value in final.items()})


def run(inputs, function=False, on_epoch=None, on_step=None):
    net, optimizer = RNNClassifier(inputs), optimizers.GradientDescent(inputs["learning_rate"])
    step = tf.function(train_step) if function else train_step
    evaluate = tf.function(model) if function else model
    trace = {"test_accuracy": [], "epoch_loss": [], "loss": []}
    labels, test = inputs["test_y"].argmax(1), np.arange(len(inputs["test_y"]))
    read_state = lambda: teacher.values(net.names)  # noqa: E731
    if on_step:
        on_step(0, read_state)
    for epoch in range(inputs["epochs"]):
        for batch in inputs["schedule"][epoch]:
            loss_now = step(*batch_of(inputs, "train", batch), net, optimizer).numpy()
            trace["loss"].append(loss_now)
            if on_step:
                on_step(len(trace["loss"]), read_state)
        x, _, lengths = batch_of(inputs, "test", test)
        predictions = predict(evaluate(x, lengths, net)).numpy()
        record_epoch(trace, predictions, labels, len(inputs["schedule"][epoch]))
        if on_epoch:
            on_epoch(epoch + 1, trace)
    final = teacher.values(net.names)
    return finish(trace, final)


# %% one step from a state
def step_from(inputs, states, function=False):
    """Teacher forcing: ``states`` is {k: the state before update k} (k counted from 1 over the run;
    a state is every variable by its TF1 name). From each, one update on update k's batch; returns
    {k: (its loss, the state after it)}."""
    net, optimizer = RNNClassifier(inputs), optimizers.GradientDescent(inputs["learning_rate"])
    step = tf.function(train_step) if function else train_step
    after = {}
    for k, epoch, i in teacher.each_update(states, net.names, inputs["schedule"].shape[1]):
        loss_now = step(*batch_of(inputs, "train", inputs["schedule"][epoch][i]), net, optimizer).numpy()
        after[k] = loss_now, teacher.values(net.names)
    return after


# %% whole loop (TF2 only)
def train_epoch(train_x, train_y, train_lengths, batches, net, optimizer):
    """One epoch's steps and losses in one graph: a tf.range loop writing a TensorArray."""
    losses = tf.TensorArray(train_x.dtype, size=tf.shape(batches)[0])
    for step in tf.range(tf.shape(batches)[0]):
        lengths = None if train_lengths is None else tf.gather(train_lengths, batches[step])
        x, y = tf.gather(train_x, batches[step]), tf.gather(train_y, batches[step])
        losses = losses.write(step, train_step(x, y, lengths, net, optimizer))
    return losses.stack()


def epoch_data(inputs):
    """The training split as tensors, for train_epoch: images, labels, lengths (None: every row)."""
    return batch_of(inputs, "train", np.arange(len(inputs["train_y"])))


def run_loop(inputs, jit_compile=False, on_epoch=None):
    net, optimizer = RNNClassifier(inputs), optimizers.GradientDescent(inputs["learning_rate"])
    epoch_loop = tf.function(train_epoch, jit_compile=jit_compile)
    evaluate = tf.function(model, jit_compile=jit_compile)
    data = epoch_data(inputs)
    trace = {"test_accuracy": [], "epoch_loss": [], "loss": []}
    labels, test = inputs["test_y"].argmax(1), np.arange(len(inputs["test_y"]))
    for epoch in range(inputs["epochs"]):
        trace["loss"].extend(epoch_loop(*data, tf.constant(inputs["schedule"][epoch]), net, optimizer).numpy())
        x, _, lengths = batch_of(inputs, "test", test)
        record_epoch(trace, predict(evaluate(x, lengths, net)).numpy(), labels, len(inputs["schedule"][epoch]))
        if on_epoch:
            on_epoch(epoch + 1, trace)
    return finish(trace, teacher.values(net.names))


def step_from_loop(inputs, states, jit_compile=False):
    """``step_from`` for the whole-loop modes: each update as an epoch of one batch of train_epoch."""
    net, optimizer = RNNClassifier(inputs), optimizers.GradientDescent(inputs["learning_rate"])
    epoch_loop = tf.function(train_epoch, jit_compile=jit_compile)
    data, after = epoch_data(inputs), {}
    for k, epoch, i in teacher.each_update(states, net.names, inputs["schedule"].shape[1]):
        loss_now = epoch_loop(*data, tf.constant(inputs["schedule"][epoch][i:i + 1]), net, optimizer).numpy()[0]
        after[k] = loss_now, teacher.values(net.names)
    return after


# %% keras fit (TF2 only)
def keras_layers(inputs):
    """The stock Keras 3 layer for each TF1 cell, named by the cell's scope: LSTM for BasicLSTMCell and
    LSTMCell, GRU(reset_after=False) for GRUCell (Keras's default, reset_after=True, applies the reset
    gate after the recurrent product: another function; tfparity/port/rnn_cells.py). A stack returns
    sequences to the layer above, as MultiRNNCell hands each cell's output on; a bidirectional run is
    keras.layers.Bidirectional of the forward cell's layer (a copy of it reads the rows backwards),
    the two final outputs side by side."""
    dtype, scopes = inputs["output/weights"].dtype.name, cell_scopes(inputs["cell"], inputs["layers"], inputs["direction"])

    def stock(scope, return_sequences):
        options = dict(return_sequences=return_sequences, name=scope.replace("/", "."), dtype=dtype)
        return (keras.layers.GRU(inputs["units"], reset_after=False, **options) if inputs["cell"] == "gru"
                else keras.layers.LSTM(inputs["units"], **options))
    if inputs["direction"] == "bidirectional":
        return [keras.layers.Bidirectional(stock(scopes[0], False), name="bidirectional_rnn", dtype=dtype)]
    return [stock(scope, layer < len(scopes) - 1) for layer, scope in enumerate(scopes)]


def keras_model(inputs):
    """Rows (and, for variable lengths, a mask of each sequence's valid rows) → the Keras cells →
    TF1Dense (``+``, as above). With a mask Keras carries the state past a sequence's end and its
    last output is the last valid one: what TF1's final state holds (parity_tests/test_mnist_rnn.py
    measures what it returns for each step)."""
    dtype = inputs["output/weights"].dtype.name
    rows = keras.Input((STEPS * ROW,), dtype=dtype)
    mask = keras.Input((STEPS,), dtype="bool") if inputs["lengths"] == "variable" else None
    x = keras.layers.Reshape((STEPS, ROW), dtype=dtype)(rows)
    for layer in keras_layers(inputs):
        x = layer(x, mask=mask)
    logits = TF1Dense(10, name="output", dtype=dtype)(x)
    net = keras.Model([rows, mask] if mask is not None else rows, logits)
    set_tf1_state(net, inputs, inputs)
    return net


def tf1_cells(net, inputs):
    """{cell scope: (TF1 class name, the Keras layer)} of ``net``."""
    kind, scopes = CELLS[inputs["cell"]][0], cell_scopes(inputs["cell"], inputs["layers"], inputs["direction"])
    if inputs["direction"] == "bidirectional":
        both = net.get_layer("bidirectional_rnn")
        return {scopes[0]: (kind, both.forward_layer), scopes[1]: (kind, both.backward_layer)}
    return {scope: (kind, net.get_layer(scope.replace("/", "."))) for scope in scopes}


def set_tf1_state(net, values, inputs):
    """The Keras layers' weights set from TF1's ``values`` (by TF1 name) through
    tfparity.port.rnn_cells.to_keras: gates reordered, forget_bias folded into f's bias."""
    for scope, (kind, layer) in tf1_cells(net, inputs).items():
        tf1 = {name[len(scope) + 1:]: value for name, value in values.items() if name.startswith(scope + "/")}
        forget_bias = None if kind == "GRUCell" else float(inputs["forget_bias"])
        layer.set_weights([rnn_cells.to_keras(kind, tf1, forget_bias)[k] for k in rnn_cells.KERAS_WEIGHTS])
    net.get_layer("output").set_weights([values["output/weights"], values["output/biases"]])


def tf1_state(net, inputs):
    """The Keras model's weights by TF1 name (tfparity.port.rnn_cells.to_tf1)."""
    found = {}
    for scope, (kind, layer) in tf1_cells(net, inputs).items():
        forget_bias = None if kind == "GRUCell" else float(inputs["forget_bias"])
        keras_values = dict(zip(rnn_cells.KERAS_WEIGHTS, layer.get_weights()))
        found.update({f"{scope}/{name}": value for name, value in rnn_cells.to_tf1(kind, keras_values, forget_bias).items()})
    weights, biases = net.get_layer("output").get_weights()
    return dict(found, **{"output/weights": weights, "output/biases": biases})


def keras_x(inputs, split, rows):
    """The model's input for images ``rows``: the images, with the mask of valid rows if any."""
    lengths = inputs[f"{split}_lengths"]
    images = inputs[f"{split}_x"][rows]
    return images if lengths is None else [images, np.arange(STEPS) < lengths[rows][:, None]]


def compiled(inputs):
    net = keras_model(inputs)
    rule = keras_optimizers.wrap(optimizers.GradientDescent(inputs["learning_rate"]))
    loss = keras.losses.CategoricalCrossentropy(from_logits=True)
    net.compile(optimizer=rule, loss=loss, metrics=[keras_trace.BatchLoss(loss)])
    return net


def run_keras(inputs, on_epoch=None):
    """``model.fit`` over the shared batches in their order, TF1's GradientDescent rule as a Keras optimizer."""
    net = compiled(inputs)
    train_y = tf.constant(inputs["train_y"])
    rows = tf.data.Dataset.from_tensor_slices(inputs["schedule"].reshape(-1, inputs["schedule"].shape[-1]))
    everything = keras_x(inputs, "train", np.arange(len(inputs["train_y"])))
    if isinstance(everything, list):
        images, masks = (tf.constant(a) for a in everything)
        batches = rows.map(lambda r: ((tf.gather(images, r), tf.gather(masks, r)), tf.gather(train_y, r)))
    else:
        images = tf.constant(everything)
        batches = rows.map(lambda r: (tf.gather(images, r), tf.gather(train_y, r)))
    trace, labels = {"test_accuracy": [], "epoch_loss": [], "loss": []}, inputs["test_y"].argmax(1)

    def after_epoch(epoch):
        logits = net.predict(keras_x(inputs, "test", np.arange(len(labels))), batch_size=len(labels), verbose=0)
        record_epoch(trace, predict(logits).numpy(), labels, len(inputs["schedule"][epoch - 1]))
        if on_epoch:
            on_epoch(epoch, trace)
    # steps_per_epoch: fit reads the one pipeline on across epochs, each epoch's batches in turn.
    net.fit(batches, epochs=inputs["epochs"], steps_per_epoch=len(inputs["schedule"][0]), shuffle=False,
            verbose=0, callbacks=[keras_trace.Trace(trace, after_epoch=after_epoch)])
    return finish(trace, tf1_state(net, inputs))


def step_from_keras(inputs, states):
    """``step_from`` for ``model.fit``: each update as ``train_on_batch``, which runs fit's own train
    function; the Keras weights set from the TF1 state and read back as TF1's (to_keras, to_tf1)."""
    net, after = compiled(inputs), {}
    for k, before in states.items():
        set_tf1_state(net, before, inputs)
        epoch, i = divmod(k - 1, inputs["schedule"].shape[1])
        batch = inputs["schedule"][epoch][i]
        logs = net.train_on_batch(keras_x(inputs, "train", batch), inputs["train_y"][batch], return_dict=True)
        after[k] = inputs["output/weights"].dtype.type(logs["batch_loss"]), tf1_state(net, inputs)
    return after


if __name__ == "__main__":
    from shared_data.mnist_rnn import make_inputs

    run(make_inputs(seed=0), on_epoch=lambda e, t: print(f"epoch {e} test accuracy {t['test_accuracy'][-1]}"))
