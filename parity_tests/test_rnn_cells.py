"""``tfparity.port.rnn_cells`` against the real cells: TF1's ``BasicLSTMCell``, ``LSTMCell`` and
``GRUCell`` (tf-keras's legacy cells, run by ``tf1.nn.dynamic_rnn`` in a Session) with their weights,
and stock ``keras.layers.LSTM``/``GRU`` with the transformed ones, on the same sequences. Keras's two
products x W + h U for TF1's one on [x, h] are a reformulation (measured: at most 3 ULP of the
largest output in float32 and float64); each slip a converter can make is millions
of ULP off."""
import numpy as np
import pytest

from tfparity.port import rnn_cells

INPUT, UNITS, STEPS, BATCH = 5, 7, 6, 3
# Keras's x W + h U and TF1's [x, h] W sum in another order: the largest difference measured over
# these cells and dtypes (this test's shapes, seed 0), doubled, to the next power of two.
REFORMULATION_ULP = 8
SLIP_ULP = 1e5  # well under the smallest slip measured below


def _tf1_cell(cell, dtype, forget_bias=1.0):
    """(TF1's variables by their name under the cell's scope, its outputs) on seeded weights."""
    import tensorflow.compat.v1 as tf1
    from tf_keras.api._v1.keras.__internal__.legacy import rnn_cell
    draw = np.random.default_rng(0)
    graph = tf1.Graph()
    with graph.as_default():
        x = tf1.constant(draw.normal(size=(BATCH, STEPS, INPUT)).astype(dtype))
        made = {"BasicLSTMCell": lambda: rnn_cell.BasicLSTMCell(UNITS, forget_bias=forget_bias),
                "LSTMCell": lambda: rnn_cell.LSTMCell(UNITS, forget_bias=forget_bias),
                "GRUCell": lambda: rnn_cell.GRUCell(UNITS)}[cell]()
        outputs, _ = tf1.nn.dynamic_rnn(made, x, dtype=dtype)
        variables = tf1.global_variables()
        values = [tf1.placeholder(dtype, v.shape) for v in variables]
        load = [v.assign(p) for v, p in zip(variables, values)]
        with tf1.Session(graph=graph) as session:
            weights = {v.op.name.split("/", 2)[2]: (0.5 * draw.normal(size=v.shape)).astype(dtype) for v in variables}
            session.run(load, dict(zip(values, weights.values())))
            return weights, session.run(x), session.run(outputs)


def _keras(cell, weights, x, reset_after=False):
    import keras
    dtype = x.dtype
    layer = (keras.layers.LSTM(UNITS, return_sequences=True, dtype=dtype) if "LSTM" in cell else
             keras.layers.GRU(UNITS, return_sequences=True, reset_after=reset_after, dtype=dtype))
    layer.build(x.shape)
    for name, value in weights.items():
        getattr(layer.cell, name).assign(value)
    return layer(x).numpy()


def _ulp(reference, other):
    return float(np.abs(reference - other).max() / np.spacing(np.abs(reference).max()))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("cell", list(rnn_cells.LAYOUTS))
def test_keras_computes_the_tf1_cell_from_the_transformed_weights(cell, dtype):
    weights, x, outputs = _tf1_cell(cell, dtype)
    assert _ulp(outputs, _keras(cell, rnn_cells.to_keras(cell, weights), x)) <= REFORMULATION_ULP


@pytest.mark.parametrize("cell", list(rnn_cells.LAYOUTS))
def test_the_transform_is_undone_exactly_where_no_bias_is_folded(cell):
    weights, _, _ = _tf1_cell(cell, np.float32)
    back = rnn_cells.to_tf1(cell, rnn_cells.to_keras(cell, weights, 0.0), 0.0)
    assert all(np.array_equal(back[name], weights[name]) for name in weights)


def _swapped(values):
    """An LSTM's Keras weights with TF1's gate order left as it was (i, j, f, o read as i, f, c, o)."""
    return {n: rnn_cells._blocks(v, 4, rnn_cells.LSTM_ORDER) for n, v in values.items()}


def test_each_slip_a_converter_can_make_is_far_off():
    weights, x, outputs = _tf1_cell("BasicLSTMCell", np.float32)
    assert _ulp(outputs, _keras("BasicLSTMCell", _swapped(rnn_cells.to_keras("BasicLSTMCell", weights)), x)) > SLIP_ULP
    assert _ulp(outputs, _keras("BasicLSTMCell", rnn_cells.to_keras("BasicLSTMCell", weights, 0.0), x)) > SLIP_ULP
    weights, x, outputs = _tf1_cell("GRUCell", np.float32)
    converted = rnn_cells.to_keras("GRUCell", weights)  # reset_after=True: the bias's second row (recurrent) zero
    converted["bias"] = np.stack([converted["bias"], np.zeros_like(converted["bias"])])
    assert _ulp(outputs, _keras("GRUCell", converted, x, reset_after=True)) > SLIP_ULP


def test_the_cells_of_a_checkpoint_are_recognised_by_their_variables():
    shapes = {"rnn/multi_rnn_cell/cell_0/basic_lstm_cell/kernel": (28 + 64, 256),
              "rnn/multi_rnn_cell/cell_0/basic_lstm_cell/bias": (256,),
              "rnn/multi_rnn_cell/cell_0/basic_lstm_cell/kernel/Adam": (28 + 64, 256),
              "bidirectional_rnn/fw/gru_cell/gates/kernel": (10 + 8, 16), "bidirectional_rnn/fw/gru_cell/gates/bias": (16,),
              "bidirectional_rnn/fw/gru_cell/candidate/kernel": (18, 8), "bidirectional_rnn/fw/gru_cell/candidate/bias": (8,),
              "lstm/lstm_cell/kernel": (3, 8), "lstm/lstm_cell/recurrent_kernel": (2, 8), "lstm/lstm_cell/bias": (8,),
              "dense/kernel": (64, 10)}
    assert rnn_cells.recognise(shapes) == {"rnn/multi_rnn_cell/cell_0/basic_lstm_cell": ("BasicLSTMCell", 28, 64),
                                           "bidirectional_rnn/fw/gru_cell": ("GRUCell", 10, 8)}
    with pytest.raises(rnn_cells.LayoutError, match="use_peepholes"):
        rnn_cells.recognise({"rnn/lstm_cell/kernel": (12, 16), "rnn/lstm_cell/bias": (16,), "rnn/lstm_cell/w_f_diag": (4,)})


@pytest.mark.parametrize("cell", list(rnn_cells.LAYOUTS))
def test_a_view_sets_and_reads_one_tf1_variable_through_the_keras_weights(cell):
    import keras
    weights, x, outputs = _tf1_cell(cell, np.float32)
    layer = keras.layers.LSTM(UNITS) if "LSTM" in cell else keras.layers.GRU(UNITS, reset_after=False)
    layer.build(x.shape)
    views = rnn_cells.tf1_views(cell, {n: getattr(layer.cell, n) for n in rnn_cells.KERAS_WEIGHTS}, 0.0)
    for name, value in weights.items():
        views[name].assign(value)
    assert all(np.array_equal(views[name].numpy(), value) for name, value in weights.items())


def test_setting_an_lstm_kernel_leaves_the_folded_bias_as_it_was():
    import keras
    weights, x, _ = _tf1_cell("BasicLSTMCell", np.float32)
    layer = keras.layers.LSTM(UNITS)
    layer.build(x.shape)
    views = rnn_cells.tf1_views("BasicLSTMCell", {n: getattr(layer.cell, n) for n in rnn_cells.KERAS_WEIGHTS})
    views["bias"].assign(weights["bias"])
    folded = layer.cell.bias.numpy()
    views["kernel"].assign(weights["kernel"])
    assert np.array_equal(layer.cell.bias.numpy(), folded)
    assert np.array_equal(folded, rnn_cells.to_keras("BasicLSTMCell", weights)["bias"])
