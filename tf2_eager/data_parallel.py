"""data_parallel, TF2 eager twin: the 784-15-10 MLP with each global batch split over replicas by tf.distribute.

MirroredStrategy over two logical CPUs in one process, or MultiWorkerMirroredStrategy when TF_CONFIG
names a cluster (one replica per worker process). strategy.run takes each replica's half from a
distributed dataset; its loss is scaled by the global batch, and an all-reduce sums the gradients.
"""
import functools
import os

import numpy as np
import tensorflow as tf

from tfparity.core import cluster
from tfparity.port import teacher

PARAMS = ("W1", "b1", "W2", "b2")
SUM = tf.distribute.ReduceOp.SUM
# This module as a fresh or worker process imports it, to run its functions there.
HERE = __name__


# %% devices
@functools.cache
def replication(replicas):
    """The process's one strategy: a replica per worker process when TF_CONFIG names a cluster,
    else one per logical CPU (configured here; None where TensorFlow had fixed its devices before).
    One per process: strategies made after it would share its collective instance keys."""
    if "TF_CONFIG" in os.environ:
        return tf.distribute.MultiWorkerMirroredStrategy()
    try:
        tf.config.set_logical_device_configuration(
            tf.config.list_physical_devices("CPU")[0], [tf.config.LogicalDeviceConfiguration()] * replicas)
    except RuntimeError:
        pass  # initialized already: usable if it was given the devices
    devices = [d.name for d in tf.config.list_logical_devices("CPU")]
    return tf.distribute.MirroredStrategy(devices[:replicas]) if len(devices) >= replicas else None


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
        """Every variable by its TF1 name ('mlp/W1', the towers' variable scope): the weights, as
        plain SGD keeps nothing else."""
        return {f"{self.name}/{name}": v for name, v in zip(PARAMS, self.params)}


# %% loss
def loss_fn(logits, y):
    """The replica's loss: summed over its examples, divided by the global batch, so that the
    replicas' losses (and gradients) add up to the global batch's mean."""
    return tf.nn.compute_average_loss(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=logits))


def predict(logits):
    return tf.argmax(logits, 1)


# %% batches
def replica_batches(inputs, epoch):
    """A dataset function: this worker's replicas' halves of each global batch, in step order."""
    batches = inputs["schedule"][epoch]
    halves = batches.reshape(len(batches), inputs["replicas"], -1)

    def dataset(context):
        per_worker = context.num_replicas_in_sync // context.num_input_pipelines
        first = context.input_pipeline_id * per_worker
        mine = halves[:, first:first + per_worker].reshape(-1, halves.shape[-1])
        return tf.data.Dataset.from_tensor_slices((inputs["train_x"][mine], inputs["train_y"][mine]))
    return dataset


# %% step
def replica_step(x, y, params):
    with tf.GradientTape() as tape:
        loss = loss_fn(model(x, params)[1], y)
    return loss, tape.gradient(loss, params)


def train_step(strategy, x, y, mlp, learning_rate, compute=replica_step):
    def update(x, y):
        loss, grads = compute(x, y, mlp.params)
        grads = tf.distribute.get_replica_context().all_reduce(SUM, grads)
        for param, grad in zip(mlp.params, grads):
            param.assign_sub(learning_rate * grad)
        return loss
    loss = strategy.reduce(SUM, strategy.run(update, (x, y)), axis=None)
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
    strategy = replication(inputs["replicas"])
    if strategy is None:  # this process fixed its devices before: the same run in a fresh one
        return cluster.run_fresh(f"{HERE}:run", inputs, function=function)
    with strategy.scope():
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
        for x, y in strategy.distribute_datasets_from_function(replica_batches(inputs, epoch)):
            loss_now = step(strategy, x, y, mlp, learning_rate).numpy()
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
    a state is every variable by its TF1 name: the towers' shared weights, as plain SGD keeps nothing
    else), set into the mirrored variables. From each, one update on update k's global batch, a half
    per replica, at its epoch's rate; returns {k: (its loss, the state after it)}."""
    strategy = replication(inputs["replicas"])
    if strategy is None:  # this process fixed its devices before: the same steps in a fresh one
        return cluster.run_fresh(f"{HERE}:step_from", inputs, states=states, function=function)
    with strategy.scope():
        mlp = MLP(inputs)
    step = tf.function(train_step) if function else train_step
    state = mlp.state()
    after = {}
    for k, epoch, i in teacher.each_update(states, state, inputs["schedule"].shape[1]):
        learning_rate = tf.constant(inputs["learning_rates"][epoch])
        one = dict(inputs, schedule=inputs["schedule"][epoch:epoch + 1, i:i + 1])  # update k's batch alone
        x, y = next(iter(strategy.distribute_datasets_from_function(replica_batches(one, 0))))
        loss_now = step(strategy, x, y, mlp, learning_rate).numpy()
        after[k] = loss_now, teacher.values(state)
    return after


# %% one device
def one_device_loss(x, y, params, parts):
    """One device, the whole global batch: one mean over it (parts 1), or the replicas' arithmetic
    without their devices (parts = replicas): a mean per part, the parts' gradients averaged."""
    steps = [replica_step(xs, ys, params) for xs, ys in zip(tf.split(x, parts), tf.split(y, parts))]
    loss = tf.reduce_mean(tf.stack([s[0] for s in steps]))
    return loss, [tf.reduce_mean(tf.stack(per_part), 0) for per_part in zip(*[s[1] for s in steps])]


def one_device_update(inputs):
    """The one-device model, its variables under the towers' names (the local layer sets this state by
    them), and its update on the whole global batch as a tf.function returning the loss."""
    mlp = MLP(inputs)
    parts = inputs["replicas"] if inputs["one_device_sum"] == "halves" else 1

    @tf.function
    def step(x, y, learning_rate):
        loss, grads = one_device_loss(x, y, mlp.params, parts)
        for param, grad in zip(mlp.params, grads):
            param.assign_sub(learning_rate * grad)
        return loss
    return mlp, step


def run_one_device(inputs, on_epoch=None):
    mlp, step = one_device_update(inputs)
    trace = {"test_accuracy": [], "epoch_loss": [], "loss": []}
    labels = inputs["test_y"].argmax(1)
    for epoch in range(inputs["epochs"]):
        learning_rate = tf.constant(inputs["learning_rates"][epoch])
        for batch in inputs["schedule"][epoch]:
            x, y = tf.constant(inputs["train_x"][batch]), tf.constant(inputs["train_y"][batch])
            trace["loss"].append(step(x, y, learning_rate).numpy())
        predictions = predict(tf.function(model)(tf.constant(inputs["test_x"]), mlp.params)[1]).numpy()
        record_epoch(trace, predictions, labels, len(inputs["schedule"][epoch]))
        if on_epoch:
            on_epoch(epoch + 1, trace)
    final = dict(zip(PARAMS, [p.numpy() for p in mlp.params]), test_predictions=predictions)
    return finish(trace, final)


def step_from_one_device(inputs, states):
    """``step_from`` for the one-device run: from the towers' state before update k (the same TF1
    names), one update on the whole global batch on one device."""
    mlp, step = one_device_update(inputs)
    state = mlp.state()
    after = {}
    for k, epoch, i in teacher.each_update(states, state, inputs["schedule"].shape[1]):
        batch, learning_rate = inputs["schedule"][epoch][i], tf.constant(inputs["learning_rates"][epoch])
        x, y = tf.constant(inputs["train_x"][batch]), tf.constant(inputs["train_y"][batch])
        after[k] = step(x, y, learning_rate).numpy(), teacher.values(state)
    return after


# %% whole loop (TF2 only)
def train_epoch(strategy, dataset, mlp, learning_rate, compute):
    """One epoch's steps and losses in one graph, iterating the distributed dataset."""
    losses = tf.TensorArray(mlp.params[0].dtype, size=0, dynamic_size=True)
    for x, y in dataset:
        losses = losses.write(losses.size(), train_step(strategy, x, y, mlp, learning_rate, compute))
    return losses.stack()


def run_loop(inputs, jit_compile=False, on_epoch=None):
    """The whole epoch as one tf.function; with jit_compile each replica's forward and backward
    pass is compiled by XLA (the all-reduce and the update stay outside it)."""
    strategy = replication(inputs["replicas"])
    if strategy is None:  # this process fixed its devices before: the same run in a fresh one
        return cluster.run_fresh(f"{HERE}:run_loop", inputs, jit_compile=jit_compile)
    with strategy.scope():
        mlp = MLP(inputs)
    epoch_loop = tf.function(train_epoch)
    compute = tf.function(replica_step, jit_compile=True) if jit_compile else replica_step
    evaluate = tf.function(model)
    trace = {"test_accuracy": [], "epoch_loss": [], "loss": []}
    labels = inputs["test_y"].argmax(1)
    for epoch in range(inputs["epochs"]):
        learning_rate = tf.constant(inputs["learning_rates"][epoch])
        dataset = strategy.distribute_datasets_from_function(replica_batches(inputs, epoch))
        trace["loss"].extend(epoch_loop(strategy, dataset, mlp, learning_rate, compute).numpy())
        predictions = predict(evaluate(tf.constant(inputs["test_x"]), mlp.params)[1]).numpy()
        record_epoch(trace, predictions, labels, len(inputs["schedule"][epoch]))
        if on_epoch:
            on_epoch(epoch + 1, trace)
    final = dict(zip(PARAMS, [p.numpy() for p in mlp.params]), test_predictions=predictions)
    return finish(trace, final)


def step_from_loop(inputs, states, jit_compile=False):
    """``step_from`` for the whole-loop modes: each update as an epoch of one global batch of
    train_epoch, the state set into the mirrored variables."""
    strategy = replication(inputs["replicas"])
    if strategy is None:  # this process fixed its devices before: the same steps in a fresh one
        return cluster.run_fresh(f"{HERE}:step_from_loop", inputs, states=states, jit_compile=jit_compile)
    with strategy.scope():
        mlp = MLP(inputs)
    epoch_loop = tf.function(train_epoch)
    compute = tf.function(replica_step, jit_compile=True) if jit_compile else replica_step
    state = mlp.state()
    after = {}
    for k, epoch, i in teacher.each_update(states, state, inputs["schedule"].shape[1]):
        learning_rate = tf.constant(inputs["learning_rates"][epoch])
        one = dict(inputs, schedule=inputs["schedule"][epoch:epoch + 1, i:i + 1])  # update k's batch alone
        dataset = strategy.distribute_datasets_from_function(replica_batches(one, 0))
        after[k] = epoch_loop(strategy, dataset, mlp, learning_rate, compute).numpy()[0], teacher.values(state)
    return after


def run_multiworker(inputs, on_epoch=None):
    """The TF2 twin's run (step as a tf.function) in one worker process per replica on this
    machine, each with its own TF_CONFIG; the trace is the chief's (tfparity/core/cluster.py)."""
    return cluster.run(f"{HERE}:run", inputs, inputs["replicas"], function=True)


def step_from_multiworker(inputs, states):
    """``step_from`` in the worker processes: each sets the state into its mirrored variables and
    takes the updates with the step as a tf.function; the chief's result."""
    return cluster.run(f"{HERE}:step_from", inputs, inputs["replicas"], states=states, function=True)


if __name__ == "__main__":
    from shared_data.data_parallel import make_inputs

    run(make_inputs(seed=0), on_epoch=lambda e, t: print(f"epoch {e} test accuracy {t['test_accuracy'][-1]}"))
