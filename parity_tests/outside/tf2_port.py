"""Its TF2 port: a tf.Module per layer, the exact TF1 Adam rule, the step as a tf.function.
``train`` starts from the module and optimizer it is given, so it can resume from a checkpoint."""
import numpy as np
import tensorflow as tf

from tfparity.port import optimizers

# Written by hand, as a migrator would: the model's paths, the optimizer's slots in var_list order.
HAND_MAP = {
    "hidden/weights": "model.hidden.weights", "hidden/biases": "model.hidden.biases",
    "logits/weights": "model.logits.weights", "logits/biases": "model.logits.biases",
    "hidden/biases/Adam": "optimizer.slots.m.0", "hidden/biases/Adam_1": "optimizer.slots.v.0",
    "hidden/weights/Adam": "optimizer.slots.m.1", "hidden/weights/Adam_1": "optimizer.slots.v.1",
    "logits/biases/Adam": "optimizer.slots.m.2", "logits/biases/Adam_1": "optimizer.slots.v.2",
    "logits/weights/Adam": "optimizer.slots.m.3", "logits/weights/Adam_1": "optimizer.slots.v.3",
    "beta1_power": "optimizer.non_slots.beta1_power", "beta2_power": "optimizer.non_slots.beta2_power",
    "global_step": "step",
}


class Dense(tf.Module):
    def __init__(self, weights, biases, name):
        super().__init__(name=name)
        self.weights = tf.Variable(weights, name=f"{name}/weights")  # the TF1 names: --auto maps them
        self.biases = tf.Variable(biases, name=f"{name}/biases")


class Model(tf.Module):
    def __init__(self, inputs):
        super().__init__(name="model")
        self.hidden = Dense(inputs["w1"], inputs["b1"], "hidden")
        self.logits = Dense(inputs["w2"], inputs["b2"], "logits")

    def __call__(self, x):
        hidden = tf.nn.relu(tf.matmul(x, self.hidden.weights) + self.hidden.biases)
        return tf.matmul(hidden, self.logits.weights) + self.logits.biases


def objects(inputs):
    """The roots a checkpoint restores into: the model, the optimizer's state (built: its slots
    exist) and the step counter TF1 kept as global_step."""
    model = Model(inputs)
    optimizer = optimizers.Adam(inputs["learning_rate"])
    optimizer.build(model.trainable_variables)
    step = tf.Variable(0, dtype=tf.int64, trainable=False, name="global_step")
    return {"model": model, "optimizer": optimizer, "step": step}


def roots(objects):
    """The same, as tf.train.Checkpoint(**roots) takes them."""
    return dict(objects, optimizer=objects["optimizer"].checkpointable())


def train(inputs, objects, start, steps):
    model, optimizer, global_step = objects["model"], objects["optimizer"], objects["step"]

    @tf.function
    def step(x, y):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=model(x)))
        optimizer.apply_gradients(zip(tape.gradient(loss, model.trainable_variables), model.trainable_variables))
        global_step.assign_add(1)
        return loss
    losses = [step(tf.constant(inputs["x"][b]), tf.constant(inputs["y"][b])).numpy()
              for b in inputs["batches"][start:start + steps]]
    return np.array(losses), {v.name.split(":")[0]: v.numpy() for v in model.trainable_variables}


def checkpoint_roots():
    """For ``tfparity checkpoint convert --auto/--into``: the roots, shaped as the TF1 script's."""
    from parity_tests.outside.tf1_script import make_inputs
    return roots(objects(make_inputs(0)))


def wider_roots():
    """The same with a hidden layer one unit wider: a shape the checkpoint does not have."""
    from parity_tests.outside.tf1_script import make_inputs
    inputs = make_inputs(0)
    inputs["w1"], inputs["b1"], inputs["w2"] = (np.zeros((4, 9), np.float32), np.zeros(9, np.float32),
                                                np.zeros((9, 3), np.float32))
    return roots(objects(inputs))
