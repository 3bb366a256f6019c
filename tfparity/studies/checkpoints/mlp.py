"""Proof by resuming, for the MLP (plain SGD, so the checkpoint is the weights): the TF1 twin's
graph trains the first epochs and a Saver saves; ``tfparity.checkpoint.convert`` converts the checkpoint
by the map derived from the TF2 twin's module; the TF2 twin's step restores it and trains the
other epochs, eager or as a tf.function. Compared with the TF1 twin run without interruption."""
import os
import tempfile

import numpy as np
import tensorflow as tf
import tensorflow.compat.v1 as tf1

import tf1_graph.mlp as tf1_twin
import tf2_eager.mlp as tf2_twin
from shared_data.mlp import make_inputs
from tfparity.checkpoint import convert as checkpoints
from tfparity.checkpoint import inspect as checkpoint_inspect
from tfparity.studies.checkpoints import keras_export

# Two epochs on the first 10,000 images, saved after the first: minutes, not the full run.
EPOCHS, SAVED_AFTER, TRAIN_SIZE, TEST_SIZE = 2, 1, 10_000, 1_000


def tf1_first_epochs(inputs, epochs, prefix):
    """The TF1 twin's graph (its train_step) trained ``epochs`` epochs, then saved; returns the
    losses and the test images' logits as saved."""
    graph = tf1.Graph()
    with graph.as_default():
        x, y, learning_rate, params, loss, _, _, train_op = tf1_twin.train_step(inputs)
        logits = tf1_twin.model(x, params)[1]
        saver = tf1.train.Saver()
        init = tf1.global_variables_initializer()
    losses = []
    with tf1.Session(graph=graph) as session:
        session.run(init)
        for epoch in range(epochs):
            for batch in inputs["schedule"][epoch]:
                feed = {x: inputs["train_x"][batch], y: inputs["train_y"][batch],
                        learning_rate: inputs["learning_rates"][epoch]}
                losses.append(session.run([train_op, loss], feed)[1])
        saver.save(session, prefix, write_meta_graph=False, write_state=False)
        test_logits = session.run(logits, {x: inputs["test_x"]})
    return np.array(losses), test_logits


def tf2_other_epochs(inputs, start, prefix, function):
    """The TF2 twin's module restored from the converted checkpoint, trained from epoch ``start``."""
    mlp = tf2_twin.MLP(inputs)
    tf.train.Checkpoint(model=mlp).restore(prefix).assert_existing_objects_matched()
    step = tf.function(tf2_twin.train_step) if function else tf2_twin.train_step
    losses = []
    for epoch in range(start, inputs["epochs"]):
        learning_rate = tf.constant(inputs["learning_rates"][epoch])
        for batch in inputs["schedule"][epoch]:
            x, y = tf.constant(inputs["train_x"][batch]), tf.constant(inputs["train_y"][batch])
            losses.append(step(x, y, mlp, learning_rate, inputs["gradients"]).numpy())
    return np.array(losses), dict(zip(tf2_twin.PARAMS, [p.numpy() for p in mlp.params]))


def resume(seed=0, epochs=EPOCHS, saved_after=SAVED_AFTER, train_size=TRAIN_SIZE, test_size=TEST_SIZE,
           keras=True):
    """{"inspect", "map", "traces": {"uninterrupted", "tf2_eager", "tf2_function"}, "keras"}: the
    traces are the losses after the save and the final weights; ``keras``: also the checkpoint
    into a Keras model, saved, and loaded again in fresh processes (``keras_export``)."""
    inputs = make_inputs(seed, epochs=epochs, train_size=train_size, test_size=test_size)
    whole = tf1_twin.run(inputs)
    with tempfile.TemporaryDirectory() as folder:
        tf1_prefix, tf2_prefix = os.path.join(folder, "tf1"), os.path.join(folder, "tf2")
        first, test_logits = tf1_first_epochs(inputs, saved_after, tf1_prefix)
        rows = checkpoint_inspect.inspect(tf1_prefix)
        mapping = checkpoints.auto_map([r["name"] for r in rows], {"model": tf2_twin.MLP(inputs)})
        checkpoints.convert(tf1_prefix, tf2_prefix, mapping)
        traces = {"uninterrupted": {"loss": whole["loss"][len(first):],
                                    **{p: whole[p][-1] for p in tf2_twin.PARAMS}}}
        for mode, function in (("tf2_eager", False), ("tf2_function", True)):
            losses, weights = tf2_other_epochs(inputs, saved_after, tf2_prefix, function)
            traces[mode] = {"loss": losses, **weights}
        if keras:
            keras = keras_export.compare_saved(keras_export.export(inputs, tf1_prefix, folder), test_logits, {
                "seed": seed, "epochs": epochs, "train_size": train_size, "test_size": test_size})
    assert np.array_equal(first, whole["loss"][:len(first)]), "the TF1 graph trained apart is not the twin's run"
    return {"inspect": rows, "map": mapping, "traces": traces, "keras": keras or None,
            "settings": {"epochs": epochs, "saved_after": saved_after, "train_size": train_size,
                         "steps_saved": len(first), "steps_resumed": len(traces["tf2_eager"]["loss"])}}
