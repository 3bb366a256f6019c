"""mlp, TF2 eager twin: 784-15-10 sigmoid network on MNIST, mini-batch SGD, hand-written backprop.

A tf.Module holds the variables; each batch is a tensor argument; the step runs eager or as a
tf.function. Training follows the automatic gradient (GradientTape) or the hand-written one.
The last section is the same network as a Keras 3 model trained by ``model.fit``.
"""
import keras
import numpy as np
import tensorflow as tf

from tfparity.port import keras_optimizers, keras_trace, optimizers, teacher
from tfparity.port.keras_layers import TF1Dense

PARAMS = ("W1", "b1", "W2", "b2")


# %% model
def model(x, params):
    W1, b1, W2, b2 = params
    hidden = tf.sigmoid(tf.matmul(x, W1) + b1)
    return hidden, tf.matmul(hidden, W2) + b2


class MLP(tf.Module):
    def __init__(self, inputs):
        super().__init__(name="mlp")
        self.params = [tf.Variable(inputs[name], name=name) for name in PARAMS]

    def state(self):
        """Every variable by its TF1 name ('W1'): the weights, as plain SGD keeps nothing else."""
        return {v.name.split(":")[0]: v for v in self.params}


# %% loss
def loss_fn(logits, y):
    return tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=logits))


def manual_gradients(x, y, hidden, logits, params):
    """Backprop by hand: δ_out = (softmax − y)/n, δ_h = δ_out·W2ᵀ ⊙ σ(1 − σ)."""
    W1, b1, W2, b2 = params
    delta_out = (tf.nn.softmax(logits) - y) / tf.cast(tf.shape(x)[0], x.dtype)
    delta_hidden = tf.matmul(delta_out, W2, transpose_b=True) * hidden * (1 - hidden)
    return [tf.matmul(x, delta_hidden, transpose_a=True), tf.reduce_sum(delta_hidden, 0),
            tf.matmul(hidden, delta_out, transpose_a=True), tf.reduce_sum(delta_out, 0)]


def predict(logits):
    return tf.argmax(logits, 1)


# %% step
def train_step(x, y, mlp, learning_rate, gradients):
    with tf.GradientTape() as tape:
        hidden, logits = model(x, mlp.params)
        loss = loss_fn(logits, y)
    if gradients == "manual":
        grads = manual_gradients(x, y, hidden, logits, mlp.params)
    else:
        grads = tape.gradient(loss, mlp.params)
    for param, grad in zip(mlp.params, grads):
        param.assign_sub(learning_rate * grad)
    return loss


# %% train
def record_epoch(trace, predictions, labels, updates):
    trace["test_accuracy"].append(np.float32(np.mean(predictions == labels)))
    trace["epoch_loss"].append(np.mean(trace["loss"][-updates:], dtype=np.float32))


def finish(trace, final):
    """Per-step and per-epoch fields as arrays; the final weights and predictions as one step."""
    trace = {name: np.array(values) for name, values in trace.items()}
    return dict(trace, **{name: value[np.newaxis] for name, value in final.items()})


def run(inputs, function=False, on_epoch=None, on_step=None):
    mlp = MLP(inputs)
    step = tf.function(train_step) if function else train_step
    evaluate = tf.function(model) if function else model
    trace = {"test_accuracy": [], "epoch_loss": [], "loss": []}
    labels = inputs["test_y"].argmax(1)
    read_state = lambda: {name: v.numpy() for name, v in mlp.state().items()}  # noqa: E731
    if on_step:
        on_step(0, read_state)
    for epoch in range(inputs["epochs"]):
        learning_rate = tf.constant(inputs["learning_rates"][epoch])
        for batch in inputs["schedule"][epoch]:
            x, y = tf.constant(inputs["train_x"][batch]), tf.constant(inputs["train_y"][batch])
            loss_now = step(x, y, mlp, learning_rate, inputs["gradients"]).numpy()
            trace["loss"].append(loss_now)
            if on_step:
                on_step(len(trace["loss"]), read_state)
        predictions = predict(evaluate(tf.constant(inputs["test_x"]), mlp.params)[1]).numpy()
        record_epoch(trace, predictions, labels, len(inputs["schedule"][epoch]))
        if on_epoch:
            on_epoch(epoch + 1, trace)
    final = dict(zip(PARAMS, [p.numpy() for p in mlp.params]), test_predictions=predictions)
    return finish(trace, final)


# %% one step from a state
def step_from(inputs, states, function=False):
    """Teacher forcing: ``states`` is {k: the state before update k} (k counted from 1 over the run;
    a state is every variable by its TF1 name: the weights, as plain SGD keeps nothing else). From
    each, one update on update k's batch at its epoch's rate; returns {k: (its loss, the state after it)}."""
    mlp = MLP(inputs)
    step = tf.function(train_step) if function else train_step
    state = mlp.state()
    after = {}
    for k, epoch, i in teacher.each_update(states, state, inputs["schedule"].shape[1]):
        batch, learning_rate = inputs["schedule"][epoch][i], tf.constant(inputs["learning_rates"][epoch])
        x, y = tf.constant(inputs["train_x"][batch]), tf.constant(inputs["train_y"][batch])
        loss_now = step(x, y, mlp, learning_rate, inputs["gradients"]).numpy()
        after[k] = loss_now, teacher.values(state)
    return after


# %% gradient check
def gradients(inputs, batch):
    """Hand-written and automatic gradients at the initial weights, on one batch of indices."""
    mlp = MLP(inputs)
    x, y = tf.constant(inputs["train_x"][batch]), tf.constant(inputs["train_y"][batch])
    with tf.GradientTape() as tape:
        hidden, logits = model(x, mlp.params)
        loss = loss_fn(logits, y)
    grads = manual_gradients(x, y, hidden, logits, mlp.params), tape.gradient(loss, mlp.params)
    return [[g.numpy() for g in group] for group in grads]


# %% whole loop (TF2 only)
def train_epoch(train_x, train_y, batches, mlp, learning_rate, gradients):
    """One epoch's steps and losses in one graph: a tf.range loop writing a TensorArray."""
    losses = tf.TensorArray(train_x.dtype, size=tf.shape(batches)[0])
    for step in tf.range(tf.shape(batches)[0]):
        x, y = tf.gather(train_x, batches[step]), tf.gather(train_y, batches[step])
        losses = losses.write(step, train_step(x, y, mlp, learning_rate, gradients))
    return losses.stack()


def run_loop(inputs, jit_compile=False, on_epoch=None):
    mlp = MLP(inputs)
    epoch_loop = tf.function(train_epoch, jit_compile=jit_compile)
    evaluate = tf.function(model, jit_compile=jit_compile)
    data = tf.constant(inputs["train_x"]), tf.constant(inputs["train_y"])
    trace = {"test_accuracy": [], "epoch_loss": [], "loss": []}
    labels = inputs["test_y"].argmax(1)
    for epoch in range(inputs["epochs"]):
        learning_rate = tf.constant(inputs["learning_rates"][epoch])
        batches = tf.constant(inputs["schedule"][epoch])
        trace["loss"].extend(epoch_loop(*data, batches, mlp, learning_rate, inputs["gradients"]).numpy())
        predictions = predict(evaluate(tf.constant(inputs["test_x"]), mlp.params)[1]).numpy()
        record_epoch(trace, predictions, labels, len(inputs["schedule"][epoch]))
        if on_epoch:
            on_epoch(epoch + 1, trace)
    final = dict(zip(PARAMS, [p.numpy() for p in mlp.params]), test_predictions=predictions)
    return finish(trace, final)


def step_from_loop(inputs, states, jit_compile=False):
    """``step_from`` for the whole-loop modes: each update as an epoch of one batch of train_epoch."""
    mlp = MLP(inputs)
    epoch_loop = tf.function(train_epoch, jit_compile=jit_compile)
    data = tf.constant(inputs["train_x"]), tf.constant(inputs["train_y"])
    state = mlp.state()
    after = {}
    for k, epoch, i in teacher.each_update(states, state, inputs["schedule"].shape[1]):
        batches, learning_rate = tf.constant(inputs["schedule"][epoch][i:i + 1]), tf.constant(inputs["learning_rates"][epoch])
        loss_now = epoch_loop(*data, batches, mlp, learning_rate, inputs["gradients"]).numpy()[0]
        after[k] = loss_now, teacher.values(state)
    return after


# %% keras fit (TF2 only)
class HandWritten(keras.Sequential):
    """fit on the hand-written gradient: overriding train_step is Keras' way to change fit's step."""

    def train_step(self, data):
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)  # fit gives (x, y), train_on_batch adds a weight
        hidden = self.layers[0](x)
        logits = self.layers[1](hidden)
        grads = manual_gradients(x, y, hidden, logits, [v.value for v in self.trainable_variables])
        self.optimizer.apply(grads, self.trainable_variables)
        return self.compute_metrics(x, y, logits)


def keras_model(inputs):
    """TF1Dense layers: TF1's ``x @ W + b`` (Keras' Dense adds its bias with bias_add, which
    differs in the gradient); the shared initial values."""
    net = (HandWritten if inputs["gradients"] == "manual" else keras.Sequential)(
        [keras.Input((784,)), TF1Dense(15, activation="sigmoid"), TF1Dense(10)])
    for layer, names in zip(net.layers, (PARAMS[:2], PARAMS[2:])):
        layer.set_weights([inputs[name] for name in names])
    return net


def run_keras(inputs, on_epoch=None, optimizer="tf1"):
    """``model.fit`` over the shared batches in their order; TF1's GradientDescent rule as a Keras
    optimizer ("tf1"), or Keras 3's SGD ("keras"), reading each epoch's rate from one variable."""
    net, rate = keras_model(inputs), tf.Variable(inputs["learning_rates"][0])
    rule = (keras_optimizers.wrap(optimizers.GradientDescent(rate)) if optimizer == "tf1"
            else keras.optimizers.SGD(lambda: rate))
    loss = keras.losses.CategoricalCrossentropy(from_logits=True)
    net.compile(optimizer=rule, loss=loss, metrics=[keras_trace.BatchLoss(loss)])
    train_x, train_y = tf.constant(inputs["train_x"]), tf.constant(inputs["train_y"])
    rows = tf.data.Dataset.from_tensor_slices(inputs["schedule"].reshape(-1, inputs["batch_size"]))
    batches = rows.map(lambda r: (tf.gather(train_x, r), tf.gather(train_y, r)))
    trace, labels = {"test_accuracy": [], "epoch_loss": [], "loss": []}, inputs["test_y"].argmax(1)
    predicted = []  # each epoch's test predictions; the last are the run's

    def after_epoch(epoch):
        predicted.append(predict(net.predict(inputs["test_x"], batch_size=len(labels), verbose=0)).numpy())
        record_epoch(trace, predicted[-1], labels, len(inputs["schedule"][epoch - 1]))
        if on_epoch:
            on_epoch(epoch, trace)
    rates = keras.callbacks.LambdaCallback(on_epoch_begin=lambda e, logs: rate.assign(inputs["learning_rates"][e]))
    # steps_per_epoch: fit reads the one pipeline on across epochs, each epoch's batches in turn.
    net.fit(batches, epochs=inputs["epochs"], steps_per_epoch=len(inputs["schedule"][0]), shuffle=False,
            verbose=0, callbacks=[rates, keras_trace.Trace(trace, after_epoch=after_epoch)])
    return finish(trace, dict(zip(PARAMS, net.get_weights()), test_predictions=predicted[-1]))


def step_from_keras(inputs, states, optimizer="tf1"):
    """``step_from`` for ``model.fit``: each update as ``train_on_batch``, which runs fit's own train
    function at its epoch's rate; the layers' variables set through their TF1 names."""
    net, rate = keras_model(inputs), tf.Variable(inputs["learning_rates"][0])
    rule = (keras_optimizers.wrap(optimizers.GradientDescent(rate)) if optimizer == "tf1"
            else keras.optimizers.SGD(lambda: rate))
    loss = keras.losses.CategoricalCrossentropy(from_logits=True)
    net.compile(optimizer=rule, loss=loss, metrics=[keras_trace.BatchLoss(loss)])
    state = dict(zip(PARAMS, (v.value for layer in net.layers for v in (layer.kernel, layer.bias))))
    after = {}
    for k, epoch, i in teacher.each_update(states, state, inputs["schedule"].shape[1]):
        batch = inputs["schedule"][epoch][i]
        rate.assign(inputs["learning_rates"][epoch])
        logs = net.train_on_batch(inputs["train_x"][batch], inputs["train_y"][batch], return_dict=True)
        after[k] = np.float32(logs["batch_loss"]), teacher.values(state)
    return after


if __name__ == "__main__":
    from shared_data.mlp import make_inputs

    run(make_inputs(seed=0), on_epoch=lambda e, t: print(f"epoch {e} test accuracy {t['test_accuracy'][-1]}"))
