"""Pitfall: an op created inside the training loop grows the graph every step; finalize() stops it."""
import tensorflow.compat.v1 as tf1

import tf1_graph.regression as twin
from shared_data.regression import make_inputs


def measure():
    inputs = make_inputs(0)
    graph = tf1.Graph()
    with graph.as_default():
        x, y, A, loss, train_op = twin.train_step(inputs)
        init = tf1.global_variables_initializer()
        built = len(graph.get_operations())
        with tf1.Session(graph=graph) as session:
            session.run(init)
            for i in inputs["schedule"]:
                feed = {x: inputs["x"][i:i + 1], y: inputs["y"][i:i + 1]}
                session.run(train_op, feed)
                session.run(tf1.square(x * A - y), feed)  # the mistake: a new op every step
        grown = len(graph.get_operations())
    graph.finalize()
    try:
        with graph.as_default():
            tf1.square(x)
        finalized = "op added"
    except RuntimeError as error:
        finalized = f"RuntimeError: {error}"
    return {"steps": len(inputs["schedule"]), "ops after building": built,
            "ops after the loop": grown, "adding an op after graph.finalize()": finalized}
