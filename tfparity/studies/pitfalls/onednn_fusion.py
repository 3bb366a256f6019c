"""Pitfall: with oneDNN on, graph mode fuses MatMul with its bias add; eager does not."""
import tensorflow as tf
import tensorflow.compat.v1 as tf1

import tf1_graph.mlp as t1
import tf2_eager.mlp as t2
from shared_data.mlp import make_inputs
from tfparity.core.compare import compare
from tfparity.core.machine import onednn_active


def model_tf1(x, params):
    W1, b1, W2, b2 = params
    hidden = tf1.sigmoid(tf1.nn.bias_add(tf1.matmul(x, W1), b1))
    return hidden, tf1.nn.bias_add(tf1.matmul(hidden, W2), b2)


def model_tf2(x, params):
    W1, b1, W2, b2 = params
    hidden = tf.sigmoid(tf.nn.bias_add(tf.matmul(x, W1), b1))
    return hidden, tf.nn.bias_add(tf.matmul(hidden, W2), b2)


def measure():
    inputs = make_inputs(0, epochs=1, train_size=3200, test_size=1000)
    as_written = compare(t1.run(inputs), t2.run(inputs))
    t1.model, t2.model = model_tf1, model_tf2  # this process only: the twins with tf.nn.bias_add
    session = t1.run(inputs)
    return {"oneDNN active": onednn_active(), "x·W + b, eager vs Session": str(as_written),
            "bias_add, eager vs Session": str(compare(session, t2.run(inputs))),
            "bias_add, tf.function vs Session": str(compare(session, t2.run(inputs, function=True)))}
