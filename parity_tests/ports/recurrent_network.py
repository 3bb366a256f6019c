"""A TF2 port of TensorFlow-Examples' recurrent_network.py (parity_tests/legacy_corpus/), written as a
migrating engineer writes one: a tf.Module, eager, the gradient from a tape, and TF1's gradient descent
from tfparity.port. The LSTM keeps TF1's BasicLSTMCell (tf-keras's legacy_cells.py, ``call``): one
kernel [input + hidden, 4 hidden] on the concatenation [x, h], a bias_add, the gates in TF1's order
(i, j, f, o) and forget_bias added at run time; Keras's LSTM (two kernels, gates i, f, c, o, no
forget_bias) is other arithmetic. Checked against the TF1 program's recording, made with every
switchable cause off:

    tfparity record --strict --out FILE -- parity_tests/legacy_corpus/recurrent_network.py
    tfparity check --recording FILE --tf2 parity_tests/ports/recurrent_network.py:make_port

Against a recording with grappler on, the kernel's update is 1 ULP off: the Session sums the kernel's
per-step gradients in one AddN whose inputs grappler's arithmetic optimizer sorts by op name
(MatMul_10_grad ... MatMul_19_grad, MatMul_1_grad, MatMul_20_grad ...), where the tape adds them from
the last step to the first (parity_tests/test_replay_lstm.py measures both).
"""
import tensorflow as tf

from tfparity.port import optimizers

LEARNING_RATE = 0.001  # the original's
NUM_INPUT, TIMESTEPS, NUM_HIDDEN, NUM_CLASSES = 28, 28, 128, 10  # an image's rows as time steps, as the original
FORGET_BIAS = 1.0  # the original's BasicLSTMCell(forget_bias=1.0): added to f at every step, not in the bias


class RecurrentNetwork(tf.Module):
    def __init__(self):
        super().__init__()
        # Any initial values do: the replay gives the variables the TF1 run's own.
        normal = tf.random.normal
        self.w_out = tf.Variable(normal([NUM_HIDDEN, NUM_CLASSES]), name="w_out")
        self.b_out = tf.Variable(normal([NUM_CLASSES]), name="b_out")
        self.kernel = tf.Variable(normal([NUM_INPUT + NUM_HIDDEN, 4 * NUM_HIDDEN]), name="lstm/kernel")
        self.bias = tf.Variable(tf.zeros([4 * NUM_HIDDEN]), name="lstm/bias")

    def __call__(self, x):
        c = h = tf.zeros([tf.shape(x)[0], NUM_HIDDEN])  # static_rnn's zero state
        outputs = []
        for x_t in tf.unstack(x, TIMESTEPS, axis=1):
            c, h = _lstm_cell(x_t, c, h, self.kernel, self.bias)
            outputs.append(h)
        return tf.matmul(_last(outputs), self.w_out) + self.b_out


def _lstm_cell(x, c, h, kernel, bias):
    # BasicLSTMCell.call's ops in its order: tf.add and tf.multiply, forget_bias a constant of f's dtype.
    i, j, f, o = _gates(tf.nn.bias_add(tf.matmul(tf.concat([x, h], 1), kernel), bias))
    c = tf.add(tf.multiply(c, tf.sigmoid(tf.add(f, tf.constant(FORGET_BIAS, f.dtype)))),
               tf.multiply(tf.sigmoid(i), tf.tanh(j)))
    return c, tf.multiply(tf.tanh(c), tf.sigmoid(o))


def _gates(gate_inputs):
    """TF1's kernel's four column blocks: i (input gate), j (new input), f (forget gate), o (output gate)."""
    return tf.split(gate_inputs, 4, axis=1)


def _last(outputs):
    return outputs[-1]


def make_port():
    model = RecurrentNetwork()
    optimizer = optimizers.GradientDescent(learning_rate=LEARNING_RATE)
    optimizer.build(model.trainable_variables)

    def step(x, y):
        with tf.GradientTape() as tape:
            logits = model(x)
            loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=logits))
        variables = model.trainable_variables
        optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        return {"loss": loss}
    return {"model": model, "optimizer": optimizer.checkpointable()}, step
