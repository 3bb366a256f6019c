"""Pitfall: one seed, two random streams. TF1 and TF2 draw different numbers for a global seed
alone; with an op seed too they agree; a tf.random.Generator is a third stream."""
import tensorflow as tf
import tensorflow.compat.v1 as tf1


def tf1_draw(op_seed):
    graph = tf1.Graph()
    with graph.as_default():
        tf1.set_random_seed(0)
        draw = tf1.random_normal([3], seed=op_seed)
        with tf1.Session(graph=graph) as session:
            return session.run(draw).tolist()


def tf2_draw(op_seed):
    tf.random.set_seed(0)
    return tf.random.normal([3], seed=op_seed).numpy().tolist()


def measure():
    return {"tf1, global seed 0 only": tf1_draw(None), "tf2, global seed 0 only": tf2_draw(None),
            "tf1, global 0 and op seed 1": tf1_draw(1), "tf2, global 0 and op seed 1": tf2_draw(1),
            "tf2 Generator.from_seed(0)": tf.random.Generator.from_seed(0).normal([3]).numpy().tolist()}
