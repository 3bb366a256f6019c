"""Pitfall: TF1's tf.nn.dropout(x, keep_prob) and TF2's tf.nn.dropout(x, rate) take the opposite
probability, so a port that moves the number across keeps the wrong units; and at 0.5, where the
meaning agrees, the Session and eager draw the same mask only when the op has a seed of its own."""
import numpy as np
import tensorflow as tf
import tensorflow.compat.v1 as tf1

SHAPE, SEED, OP_SEED = (1000, 1000), 0, 1


def tf1_dropout(keep_prob, op_seed=OP_SEED):
    graph = tf1.Graph()
    with graph.as_default():
        tf1.set_random_seed(SEED)
        dropped = tf1.nn.dropout(tf1.ones(SHAPE), keep_prob=keep_prob, seed=op_seed)
        with tf1.Session(graph=graph) as session:
            return session.run(dropped)


def tf2_dropout(rate, op_seed=OP_SEED):
    tf.random.set_seed(SEED)
    return tf.nn.dropout(tf.ones(SHAPE), rate, seed=op_seed).numpy()


def measure():
    tf1_kept, tf2_kept = tf1_dropout(0.9), tf2_dropout(0.9)
    masks = tf1_dropout(0.5) > 0, tf2_dropout(0.5) > 0
    global_only = tf1_dropout(0.5, None) > 0, tf2_dropout(0.5, None) > 0
    return {"tf1.nn.dropout(x, keep_prob=0.9): fraction kept": float(np.mean(tf1_kept > 0)),
            "tf1.nn.dropout(x, keep_prob=0.9): kept units scaled by": float(tf1_kept.max()),
            "tf.nn.dropout(x, 0.9) (rate): fraction kept": float(np.mean(tf2_kept > 0)),
            "tf.nn.dropout(x, 0.9) (rate): kept units scaled by": float(tf2_kept.max()),
            "keep_prob=0.5 against rate=0.5, global seed 0 and op seed 1: units treated alike":
                float(np.mean(masks[0] == masks[1])),
            "keep_prob=0.5 against rate=0.5, global seed 0 only: units treated alike":
                float(np.mean(global_only[0] == global_only[1]))}
