"""convnet, TF2 eager twin: two conv layers and two dense ones on MNIST, a tf.Module per layer, TF1's Adam.

Each layer is a tf.Module whose variables keep their TF1 names (model.conv1.weights is
'convnet/conv1/weights'); conv2d and max_pool2d, the same dropout masks from shared_data, and
TF1's Adam rule from tfparity.port.optimizers (or Keras 3's Adam, a measured false friend). The step
runs eager or as a tf.function; then a whole epoch in one tf.function, and last the same network as
a Keras 3 model of standard layers trained by ``model.fit``.
"""
import keras
import numpy as np
import tensorflow as tf

from tfparity.port import keras_optimizers, keras_trace, optimizers, teacher
from tfparity.port.keras_layers import TF1Dense

SCOPE = "convnet"
# Test images per forward pass: 10,000 at once would hold 500 MB of conv1 activations.
EVAL_BATCH = 1000
# The Adam rule: TF1's, bit for bit (tfparity.port.optimizers), or Keras 3's with TF1's epsilon
# (--optimizer keras: a false friend, measured in parity_tests/test_convnet.py).
ADAM = {"tf1": optimizers.Adam, "keras": lambda rate: keras.optimizers.Adam(rate, epsilon=1e-8)}


# %% model
def conv_pool(x, name, params):
    layer = getattr(params, name)
    conv = tf.nn.conv2d(x, layer.weights, strides=[1, 1, 1, 1], padding="SAME")
    hidden = tf.nn.relu(tf.nn.bias_add(conv, layer.biases))
    return tf.nn.max_pool2d(hidden, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="SAME")


def dense(x, name, params):
    layer = getattr(params, name)
    return tf.matmul(x, layer.weights) + layer.biases


def model(x, keep_mask, params):
    """Logits; ``keep_mask`` (0 or 1/keep_prob per unit, from shared_data) is fc1's dropout, None to test."""
    images = tf.reshape(x, [-1, 28, 28, 1])
    pooled = conv_pool(conv_pool(images, "conv1", params), "conv2", params)
    hidden = tf.nn.relu(dense(tf.reshape(pooled, [-1, 7 * 7 * 32]), "fc1", params))
    if keep_mask is not None:
        hidden = hidden * keep_mask
    return dense(hidden, "fc2", params)


class Layer(tf.Module):
    """One layer's variables, created inside its name scope: 'convnet/conv1/weights:0'."""

    def __init__(self, name, inputs):
        super().__init__(name=name)
        with self.name_scope:
            self.weights = tf.Variable(inputs[f"{name}/weights"], name="weights")
            self.biases = tf.Variable(inputs[f"{name}/biases"], name="biases")


class ConvNet(tf.Module):
    def __init__(self, inputs):
        super().__init__(name=SCOPE)
        with self.name_scope:
            self.conv1, self.conv2 = Layer("conv1", inputs), Layer("conv2", inputs)
            self.fc1, self.fc2 = Layer("fc1", inputs), Layer("fc2", inputs)
        # TF1's order of creation (minimize's var_list); tf.Module sorts by attribute name.
        self.ordered = [v for layer in (self.conv1, self.conv2, self.fc1, self.fc2) for v in (layer.weights, layer.biases)]

    def state(self, optimizer):
        """Every variable of the model and of ``optimizer`` (built here) by its TF1 name: TF1's rule
        names its slots as TF1 does ('convnet/conv1/weights/Adam'); Keras' Adam has names of its own."""
        optimizer.build(self.ordered)
        kept = optimizer.variables() if callable(optimizer.variables) else optimizer.variables
        return {v.name.split(":")[0]: v for v in self.ordered + list(kept)}


# %% loss
def loss_fn(logits, y):
    return tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=logits))


def predict(logits):
    return tf.argmax(logits, 1)


# %% step
def train_step(x, y, keep_mask, net, optimizer):
    with tf.GradientTape() as tape:
        loss = loss_fn(model(x, keep_mask, net), y)
    optimizer.apply_gradients(zip(tape.gradient(loss, net.ordered), net.ordered))
    return loss


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


def run(inputs, function=False, on_epoch=None, on_step=None):
    net, optimizer = ConvNet(inputs), ADAM[inputs["optimizer"]](inputs["learning_rate"])
    step = tf.function(train_step) if function else train_step
    evaluate = tf.function(model) if function else model
    trace = {"test_accuracy": [], "epoch_loss": [], "loss": []}
    labels = inputs["test_y"].argmax(1)
    read_state = lambda: {name: v.numpy() for name, v in net.state(optimizer).items()}  # noqa: E731
    if on_step:
        on_step(0, read_state)
    for epoch in range(inputs["epochs"]):
        for batch, mask in zip(inputs["schedule"][epoch], inputs["keep_masks"][epoch]):
            x, y = tf.constant(inputs["train_x"][batch]), tf.constant(inputs["train_y"][batch])
            loss_now = step(x, y, tf.constant(mask), net, optimizer).numpy()
            trace["loss"].append(loss_now)
            if on_step:
                on_step(len(trace["loss"]), read_state)
        predictions = np.concatenate([predict(evaluate(tf.constant(inputs["test_x"][i:i + EVAL_BATCH]), None, net)).numpy()
                                      for i in range(0, len(labels), EVAL_BATCH)])
        record_epoch(trace, predictions, labels, len(inputs["schedule"][epoch]))
        if on_epoch:
            on_epoch(epoch + 1, trace)
    final = {field(v): v.numpy() for v in net.ordered}
    return finish(trace, final)


# %% one step from a state
def step_from(inputs, states, function=False):
    """Teacher forcing: ``states`` is {k: the state before update k} (k counted from 1 over the run;
    a state is every variable by its TF1 name, Adam's slots and powers included). From each, one
    update on update k's batch and mask; returns {k: (its loss, the state after it)}."""
    net, optimizer = ConvNet(inputs), ADAM[inputs["optimizer"]](inputs["learning_rate"])
    step = tf.function(train_step) if function else train_step
    state = net.state(optimizer)
    after = {}
    for k, epoch, i in teacher.each_update(states, state, inputs["schedule"].shape[1]):
        batch, mask = inputs["schedule"][epoch][i], inputs["keep_masks"][epoch][i]
        x, y = tf.constant(inputs["train_x"][batch]), tf.constant(inputs["train_y"][batch])
        loss_now = step(x, y, tf.constant(mask), net, optimizer).numpy()
        after[k] = loss_now, teacher.values(state)
    return after


# %% whole loop (TF2 only)
def train_epoch(train_x, train_y, batches, masks, net, optimizer):
    """One epoch's steps and losses in one graph: a tf.range loop writing a TensorArray."""
    losses = tf.TensorArray(train_x.dtype, size=tf.shape(batches)[0])
    for step in tf.range(tf.shape(batches)[0]):
        x, y = tf.gather(train_x, batches[step]), tf.gather(train_y, batches[step])
        losses = losses.write(step, train_step(x, y, masks[step], net, optimizer))
    return losses.stack()


def run_loop(inputs, jit_compile=False, on_epoch=None):
    net, optimizer = ConvNet(inputs), ADAM[inputs["optimizer"]](inputs["learning_rate"])
    epoch_loop = tf.function(train_epoch, jit_compile=jit_compile)
    evaluate = tf.function(model, jit_compile=jit_compile)
    data = tf.constant(inputs["train_x"]), tf.constant(inputs["train_y"])
    trace = {"test_accuracy": [], "epoch_loss": [], "loss": []}
    labels = inputs["test_y"].argmax(1)
    for epoch in range(inputs["epochs"]):
        batches, masks = tf.constant(inputs["schedule"][epoch]), tf.constant(inputs["keep_masks"][epoch])
        trace["loss"].extend(epoch_loop(*data, batches, masks, net, optimizer).numpy())
        predictions = np.concatenate([predict(evaluate(tf.constant(inputs["test_x"][i:i + EVAL_BATCH]), None, net)).numpy()
                                      for i in range(0, len(labels), EVAL_BATCH)])
        record_epoch(trace, predictions, labels, len(inputs["schedule"][epoch]))
        if on_epoch:
            on_epoch(epoch + 1, trace)
    final = {field(v): v.numpy() for v in net.ordered}
    return finish(trace, final)


def step_from_loop(inputs, states, jit_compile=False):
    """``step_from`` for the whole-loop modes: each update as an epoch of one batch of train_epoch."""
    net, optimizer = ConvNet(inputs), ADAM[inputs["optimizer"]](inputs["learning_rate"])
    epoch_loop = tf.function(train_epoch, jit_compile=jit_compile)
    data = tf.constant(inputs["train_x"]), tf.constant(inputs["train_y"])
    state = net.state(optimizer)
    after = {}
    for k, epoch, i in teacher.each_update(states, state, inputs["schedule"].shape[1]):
        batches, masks = (tf.constant(inputs[key][epoch][i:i + 1]) for key in ("schedule", "keep_masks"))
        loss_now = epoch_loop(*data, batches, masks, net, optimizer).numpy()[0]
        after[k] = loss_now, teacher.values(state)
    return after


# %% keras fit (TF2 only)
def keras_model(inputs):
    """Conv2D and MaxPooling2D (their bias add is bias_add, as above), TF1Dense for the dense layers
    (``+``, as above; Keras' Dense would bias_add), the shared dropout mask as a second input
    (ones to test), layers named as the tf.Modules, the shared initial values, in their dtype."""
    units = {name: inputs[f"{name}/biases"].shape[0] for name in ("conv1", "conv2", "fc1", "fc2")}
    dtype = inputs["fc1/weights"].dtype.name
    images, keep_mask = keras.Input((784,), dtype=dtype), keras.Input((units["fc1"],), dtype=dtype)
    x = keras.layers.Reshape((28, 28, 1), dtype=dtype)(images)
    for name in ("conv1", "conv2"):
        x = keras.layers.Conv2D(units[name], 5, padding="same", activation="relu", name=name, dtype=dtype)(x)
        x = keras.layers.MaxPooling2D(2, padding="same", dtype=dtype)(x)
    hidden = TF1Dense(units["fc1"], activation="relu", name="fc1", dtype=dtype)(keras.layers.Flatten(dtype=dtype)(x))
    logits = TF1Dense(units["fc2"], name="fc2", dtype=dtype)(keras.layers.Multiply(dtype=dtype)([hidden, keep_mask]))
    net = keras.Model([images, keep_mask], logits)
    for name in ("conv1", "conv2", "fc1", "fc2"):
        net.get_layer(name).set_weights([inputs[f"{name}/weights"], inputs[f"{name}/biases"]])
    return net


def run_keras(inputs, on_epoch=None, optimizer=None):
    """``model.fit`` over the shared batches and masks in their order; TF1's Adam rule as a Keras
    optimizer ("tf1") or Keras 3's Adam ("keras"), by default the inputs' ``optimizer``."""
    net, rule = keras_model(inputs), ADAM[optimizer or inputs["optimizer"]](inputs["learning_rate"])
    rule = keras_optimizers.wrap(rule) if isinstance(rule, optimizers.Optimizer) else rule
    loss = keras.losses.CategoricalCrossentropy(from_logits=True)
    net.compile(optimizer=rule, loss=loss, metrics=[keras_trace.BatchLoss(loss)])
    train_x, train_y = tf.constant(inputs["train_x"]), tf.constant(inputs["train_y"])
    masks = inputs["keep_masks"]
    steps = tf.data.Dataset.from_tensor_slices((inputs["schedule"].reshape(-1, masks.shape[2]),
                                                masks.reshape(-1, *masks.shape[2:])))
    batches = steps.map(lambda rows, mask: ((tf.gather(train_x, rows), mask), tf.gather(train_y, rows)))
    trace, labels = {"test_accuracy": [], "epoch_loss": [], "loss": []}, inputs["test_y"].argmax(1)
    test = [inputs["test_x"], np.ones((len(labels), masks.shape[-1]), np.float32)]

    def after_epoch(epoch):
        logits = net.predict(test, batch_size=EVAL_BATCH, verbose=0)
        record_epoch(trace, predict(logits).numpy(), labels, len(inputs["schedule"][epoch - 1]))
        if on_epoch:
            on_epoch(epoch, trace)
    # steps_per_epoch: fit reads the one pipeline on across epochs, each epoch's batches in turn.
    net.fit(batches, epochs=inputs["epochs"], steps_per_epoch=len(inputs["schedule"][0]), shuffle=False,
            verbose=0, callbacks=[keras_trace.Trace(trace, after_epoch=after_epoch)])
    final = {f"{name}.{kind}": value for name in ("conv1", "conv2", "fc1", "fc2")
             for kind, value in zip(("weights", "biases"), net.get_layer(name).get_weights())}
    return finish(trace, final)


def step_from_keras(inputs, states):
    """``step_from`` for ``model.fit``: each update as ``train_on_batch``, which runs fit's own train
    function; the layers' variables and the rule's slots set through their TF1 names."""
    net, rule = keras_model(inputs), ADAM[inputs["optimizer"]](inputs["learning_rate"])
    tf1_rule = isinstance(rule, optimizers.Optimizer)  # Keras' own Adam has no TF1 names to set
    loss = keras.losses.CategoricalCrossentropy(from_logits=True)
    net.compile(optimizer=keras_optimizers.wrap(rule) if tf1_rule else rule, loss=loss,
                metrics=[keras_trace.BatchLoss(loss)])
    net.optimizer.build(net.trainable_variables)
    state = {}
    for name in ("conv1", "conv2", "fc1", "fc2"):
        for kind, v in zip(("weights", "biases"), net.get_layer(name).trainable_variables):
            state[f"{SCOPE}/{name}/{kind}"] = v.value
            slots = rule.tf1_names(f"{SCOPE}/{name}/{kind}").items() if tf1_rule else ()
            state.update({slot_name: rule.slot(v.value, slot) for slot, slot_name in slots})
    state.update(rule.non_slots if tf1_rule else {})
    after = {}
    for k, epoch, i in teacher.each_update(states, state, inputs["schedule"].shape[1]):
        batch, mask = inputs["schedule"][epoch][i], inputs["keep_masks"][epoch][i]
        logs = net.train_on_batch([inputs["train_x"][batch], mask], inputs["train_y"][batch], return_dict=True)
        after[k] = inputs["fc1/weights"].dtype.type(logs["batch_loss"]), teacher.values(state)
    return after


if __name__ == "__main__":
    from shared_data.convnet import make_inputs

    run(make_inputs(seed=0), on_epoch=lambda e, t: print(f"epoch {e} test accuracy {t['test_accuracy'][-1]}"))
