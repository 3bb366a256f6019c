"""Proof by resuming, for the convnet (Adam, so the checkpoint holds each weight's two slots and
the two powers as well): the TF1 twin's graph trains the first epochs and a Saver saves; the map
is derived from the TF2 twin's modules and TF1's Adam rule (``tfparity.port.optimizers``), whose slots
keep TF1's names; the TF2 twin restores model and optimizer and trains the other epochs."""
import os
import tempfile

import numpy as np
import tensorflow as tf
import tensorflow.compat.v1 as tf1

import tf1_graph.convnet as tf1_twin
import tf2_eager.convnet as tf2_twin
from shared_data.convnet import make_inputs
from tfparity.checkpoint import convert as checkpoints
from tfparity.checkpoint import inspect as checkpoint_inspect
from tfparity.port import optimizers
from tfparity.studies.checkpoints import saved_model

# Two short epochs on the first 2,000 images (40 updates each), saved after the first; every
# test image, for the SavedModel's predictions.
EPOCHS, SAVED_AFTER, TRAIN_SIZE, TEST_SIZE = 2, 1, 2_000, 10_000


def tf1_first_epochs(inputs, epochs, prefix):
    graph = tf1.Graph()
    with graph.as_default():
        x, y, keep_mask, loss, _, train_op = tf1_twin.train_step(inputs)
        saver = tf1.train.Saver()
        init = tf1.global_variables_initializer()
    losses = []
    with tf1.Session(graph=graph) as session:
        session.run(init)
        for epoch in range(epochs):
            for batch, mask in zip(inputs["schedule"][epoch], inputs["keep_masks"][epoch]):
                feed = {x: inputs["train_x"][batch], y: inputs["train_y"][batch], keep_mask: mask}
                losses.append(session.run([train_op, loss], feed)[1])
        saver.save(session, prefix, write_meta_graph=False, write_state=False)
    return np.array(losses)


def tf1_predictions(inputs, weights):
    """The TF1 twin's test pass in a Session, with ``weights`` ({'conv1.weights': value, ...})."""
    graph = tf1.Graph()
    with graph.as_default():
        x = tf1.placeholder(tf1.float32, [None, 784])
        with tf1.variable_scope(tf1_twin.SCOPE):
            prediction = tf1_twin.predict(tf1_twin.model(x, None, {k.replace(".", "/"): v for k, v in weights.items()}))
        init = tf1.global_variables_initializer()
    with tf1.Session(graph=graph) as session:
        session.run(init)
        return np.concatenate([session.run(prediction, {x: inputs["test_x"][i:i + saved_model.EVAL_BATCH]})
                               for i in range(0, len(inputs["test_x"]), saved_model.EVAL_BATCH)])


def objects(inputs):
    """The TF2 twin's model and TF1's Adam rule built on its variables, as checkpoint roots."""
    net, optimizer = tf2_twin.ConvNet(inputs), optimizers.Adam(inputs["learning_rate"])
    optimizer.build(net.ordered)
    return net, optimizer, {"model": net, "optimizer": optimizer.checkpointable()}


def tf2_other_epochs(inputs, start, prefix, function, folder=None):
    """The other epochs from the converted checkpoint; with ``folder``, the model is then exported
    as a SavedModel there (``saved_model.export``), returned as a third value."""
    net, optimizer, roots = objects(inputs)
    tf.train.Checkpoint(**roots).restore(prefix).assert_existing_objects_matched()
    step = tf.function(tf2_twin.train_step) if function else tf2_twin.train_step
    losses = []
    for epoch in range(start, inputs["epochs"]):
        for batch, mask in zip(inputs["schedule"][epoch], inputs["keep_masks"][epoch]):
            x, y = tf.constant(inputs["train_x"][batch]), tf.constant(inputs["train_y"][batch])
            losses.append(step(x, y, tf.constant(mask), net, optimizer).numpy())
    exported = saved_model.export(net, tf2_twin.model, folder) if folder else None
    return np.array(losses), {tf2_twin.field(v): v.numpy() for v in net.ordered}, exported


def resume(seed=0, epochs=EPOCHS, saved_after=SAVED_AFTER, train_size=TRAIN_SIZE, test_size=TEST_SIZE,
           keras=True):
    """As ``tfparity.studies.checkpoints.mlp.resume``: the inspection, the map, the traces after the save; and
    (``keras``, as the MLP's export is called) the eager-resumed model as a SavedModel, loaded in a
    fresh process, its predictions against the uninterrupted TF1 run's."""
    inputs = make_inputs(seed, epochs=epochs, train_size=train_size, test_size=test_size)
    whole = tf1_twin.run(inputs)
    with tempfile.TemporaryDirectory() as folder:
        tf1_prefix, tf2_prefix = os.path.join(folder, "tf1"), os.path.join(folder, "tf2")
        first = tf1_first_epochs(inputs, saved_after, tf1_prefix)
        rows = checkpoint_inspect.inspect(tf1_prefix)
        mapping = checkpoints.auto_map([r["name"] for r in rows], objects(inputs)[2])
        checkpoints.convert(tf1_prefix, tf2_prefix, mapping)
        names = [tf2_twin.field(v) for v in tf2_twin.ConvNet(inputs).ordered]
        traces = {"uninterrupted": {"loss": whole["loss"][len(first):], **{n: whole[n][-1] for n in names}}}
        served = None
        for mode, function in (("tf2_eager", False), ("tf2_function", True)):
            losses, weights, exported = tf2_other_epochs(inputs, saved_after, tf2_prefix, function,
                                                         folder if keras and not function else None)
            traces[mode] = {"loss": losses, **weights}
            if exported:
                served = saved_model.compare_saved(exported, tf1_predictions(inputs, traces["uninterrupted"]), {
                    "seed": seed, "epochs": epochs, "train_size": train_size, "test_size": test_size})
    assert np.array_equal(first, whole["loss"][:len(first)]), "the TF1 graph trained apart is not the twin's run"
    return {"inspect": rows, "map": mapping, "traces": traces, "saved_model": served,
            "settings": {"epochs": epochs, "saved_after": saved_after, "train_size": train_size,
                         "steps_saved": len(first), "steps_resumed": len(traces["tf2_eager"]["loss"])}}
