"""The RNN pitfalls' common runs: TF1's real cells (tf-keras's legacy ``BasicLSTMCell`` and ``GRUCell``,
as ``tf.compat.v1.nn.rnn_cell`` served them) through ``tf1.nn.dynamic_rnn`` in a Session, and Keras 3's
``LSTM``/``GRU`` layers on given weights, on the same seeded sequences."""
import numpy as np

# Small enough to run in a second, and no two sizes alike, so a transposition or a misread gate
# block cannot pass by coincidence of shapes.
INPUT, UNITS, STEPS, BATCH = 5, 7, 6, 4
SEED = 0


def sequences(seed=SEED):
    """[batch, time, features] float32 inputs and a draw for the weights after them."""
    draw = np.random.default_rng(seed)
    return draw.normal(size=(BATCH, STEPS, INPUT)).astype(np.float32), draw


def tf1_cell(cell, x, draw, forget_bias=1.0, sequence_length=None, time_major=False):
    """TF1's ``cell`` ("BasicLSTMCell" or "GRUCell") run by ``dynamic_rnn`` on ``x`` with seeded weights:
    (its weights by name under the cell's scope, the outputs, the final state: (c, h) for the LSTM,
    (h,) for the GRU). The variables start at zeros (no unseeded draw) and are loaded from ``draw``."""
    import tensorflow.compat.v1 as tf1
    from tf_keras.api._v1.keras.__internal__.legacy import rnn_cell
    graph = tf1.Graph()
    with graph.as_default():
        made = (rnn_cell.BasicLSTMCell(UNITS, forget_bias=forget_bias) if cell == "BasicLSTMCell"
                else rnn_cell.GRUCell(UNITS))
        with tf1.variable_scope("rnn", initializer=tf1.zeros_initializer()) as scope:
            pass
        outputs, state = tf1.nn.dynamic_rnn(made, tf1.constant(x), sequence_length=sequence_length,
                                            time_major=time_major, dtype=tf1.float32, scope=scope)
        variables = made.variables
        weights = {v.op.name.split("/", 2)[2]: (0.5 * draw.normal(size=v.shape)).astype(np.float32)
                   for v in variables}
        values = [tf1.placeholder(tf1.float32, v.shape) for v in variables]
        load = [v.assign(p) for v, p in zip(variables, values)]
        init = tf1.global_variables_initializer()
        with tf1.Session(graph=graph) as session:
            session.run(init)
            session.run(load, dict(zip(values, weights.values())))
            outputs, state = session.run([outputs, state])
    return weights, outputs, (tuple(state) if cell == "BasicLSTMCell" else (state,))


def keras_layer(kind, weights, x, mask=None, **options):
    """Keras 3's ``kind`` ("LSTM" or "GRU") with ``weights`` ({kernel, recurrent_kernel, bias}) on
    ``x``, every step's output and the final state: (outputs, h, c) for the LSTM, (outputs, h) for the
    GRU, as NumPy arrays."""
    import keras
    layer = getattr(keras.layers, kind)(UNITS, return_sequences=True, return_state=True, **options)
    layer.build(x.shape)
    for name, value in weights.items():
        getattr(layer.cell, name).assign(value)
    return tuple(np.asarray(a) for a in layer(x, mask=mask))


def ulp(reference, other):
    """The largest difference in units of the last place of ``reference``'s largest magnitude, to
    3 significant digits (the pitfalls' sizes; a reformulation is a few, a slip millions)."""
    scale = np.spacing(np.abs(reference).max())
    return float(f"{np.abs(np.asarray(reference) - np.asarray(other)).max() / scale:.3g}")


def largest(difference):
    """The largest magnitude of ``difference``, to 3 significant digits."""
    return float(f"{np.abs(np.asarray(difference)).max():.3g}")
