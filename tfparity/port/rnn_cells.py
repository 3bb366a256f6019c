"""TF1's RNN cells' weights as Keras 3's LSTM and GRU take them, and back: the layouts as data, the
transforms as code, NumPy only (checkpoints, replays and ports share them).

TF1 (tensorflow/python/ops/rnn_cell_impl.py at r1.15, ``BasicLSTMCell``/``LSTMCell``/``GRUCell``
``build`` and ``call``; in TF 2.x the same cells live on in tf-keras's ``legacy_cells.py``):

- ``BasicLSTMCell`` and ``LSTMCell`` (no peepholes, no projection): ``kernel`` [input + units,
  4 units] multiplies ``concat([x, h])``; ``bias`` [4 units]; the four column blocks are the gates
  i, j, f, o (input gate, new input, forget gate, output gate); ``forget_bias`` (1.0 unless the
  program set it) is added to f's pre-activation at every step and is in no variable.
- ``GRUCell``: ``gates/kernel`` [input + units, 2 units] and ``gates/bias`` (blocks r, u: reset,
  update), ``candidate/kernel`` [input + units, units] and ``candidate/bias``; the reset gate
  multiplies the state *before* its matrix product: ``tanh([x, r * h] @ candidate/kernel + b)``,
  and ``new_h = u * h + (1 - u) * candidate``.

Keras 3 (keras/src/layers/rnn/lstm.py and gru.py, ``LSTMCell``/``GRUCell``): ``kernel`` [input,
n units] multiplies x, ``recurrent_kernel`` [units, n units] multiplies h, one ``bias``. LSTM's
blocks are i, f, c, o (c is TF1's j) and nothing is added to f at run time (``unit_forget_bias``
only initializes the bias), so forget_bias is folded into f's bias. GRU's blocks are z, r, h (z is
TF1's u) and ``h = z * h_prev + (1 - z) * hh``; with ``reset_after=False`` the reset gate
multiplies the state before the recurrent product, as TF1's does, and the bias is one row [3 units];
Keras 3's default ``reset_after=True`` applies it after (``r * (h @ U_h + b_rh)``), another
function, with a bias of two rows [2, 3 units]: TF1's GRUCell has no such weights to carry.

An optimizer's slots (Adam's m and v, a momentum's accumulator) follow their weights through the
same reshuffle, with nothing folded: forget_bias is a constant, its gradient's state is the bias's.
"""
import numpy as np

# The layouts: for each TF1 cell, its variables under the cell's scope (shape in terms of the
# input size I and the units U), the Keras layer that takes them, and each side's gate blocks.
LAYOUTS = {
    "BasicLSTMCell": {"tf1": {"kernel": ("I+U", "4U"), "bias": ("4U",)}, "keras": "LSTM",
                      "tf1_gates": "ijfo", "keras_gates": "ifco", "forget_bias": 1.0},
    "LSTMCell": {"tf1": {"kernel": ("I+U", "4U"), "bias": ("4U",)}, "keras": "LSTM",
                 "tf1_gates": "ijfo", "keras_gates": "ifco", "forget_bias": 1.0},
    "GRUCell": {"tf1": {"gates/kernel": ("I+U", "2U"), "gates/bias": ("2U",),
                        "candidate/kernel": ("I+U", "U"), "candidate/bias": ("U",)},
                "keras": "GRU(reset_after=False)", "tf1_gates": "ruc", "keras_gates": "zrh",
                "forget_bias": None},
}
# Which of TF1's variables each Keras weight is made from: setting one TF1 variable rewrites only
# these (an LSTM's kernel leaves its bias as it is, whose forget_bias fold would round again).
KERAS_FROM = {"LSTM": {"kernel": ("kernel",), "recurrent_kernel": ("kernel",), "bias": ("bias",)},
              "GRU(reset_after=False)": {w: tuple(LAYOUTS["GRUCell"]["tf1"]) for w in ("kernel", "recurrent_kernel", "bias")}}
KERAS_WEIGHTS = ("kernel", "recurrent_kernel", "bias")
# Keras's LSTM blocks (i, f, c, o) as TF1's block numbers (i, j, f, o): c is TF1's j.
LSTM_ORDER = (0, 2, 1, 3)
# Variables that make an LSTMCell something Keras's LSTM does not compute: peepholes (w_*_diag)
# and the projection (num_proj); cell_clip and proj_clip leave no variable and cannot be seen.
UNSUPPORTED = {"w_f_diag": "use_peepholes", "w_i_diag": "use_peepholes", "w_o_diag": "use_peepholes",
               "projection/kernel": "num_proj"}


class LayoutError(ValueError):
    """Weights that are not the layout named: one line, saying which and why."""


def _blocks(array, count, order):
    """``array``'s last axis cut into ``count`` equal blocks, put in ``order``."""
    parts = np.split(array, count, axis=-1)
    return np.concatenate([parts[g] for g in order], axis=-1)


def units_of(cell, values):
    """(input size, units) of TF1 ``values`` ({variable under the cell's scope: array}) of ``cell``."""
    if cell not in LAYOUTS:
        raise LayoutError(f"{cell} is not a cell whose layout is known ({', '.join(LAYOUTS)})")
    expected = LAYOUTS[cell]["tf1"]
    missing = sorted(set(expected) - set(values))
    if missing:
        raise LayoutError(f"{cell} has no {missing[0]} among {', '.join(sorted(values)) or 'nothing'}")
    kernel = values["kernel" if "kernel" in expected else "gates/kernel"]
    blocks = 4 if "kernel" in expected else 2
    if kernel.ndim != 2 or kernel.shape[1] % blocks:
        raise LayoutError(f"{cell}'s kernel is {list(kernel.shape)}: expected [input + units, {blocks} × units]")
    units = kernel.shape[1] // blocks
    inputs = kernel.shape[0] - units
    sizes = {"I+U": inputs + units, "4U": 4 * units, "2U": 2 * units, "U": units}
    for name, shape in expected.items():
        wanted = tuple(sizes[s] for s in shape)
        if values[name].shape != wanted or inputs < 1:
            raise LayoutError(f"{cell}'s {name} is {list(values[name].shape)}: with {units} units and an input "
                              f"of {inputs} it would be {list(wanted)}")
    return inputs, units


def to_keras(cell, values, forget_bias=None):
    """TF1 ``values`` of ``cell`` as Keras's {kernel, recurrent_kernel, bias}. ``forget_bias``: the
    LSTM's (its default if None), folded into the bias; 0 for an optimizer's slots."""
    inputs, units = units_of(cell, values)
    if LAYOUTS[cell]["keras"] == "LSTM":
        forget_bias = LAYOUTS[cell]["forget_bias"] if forget_bias is None else forget_bias
        kernel = _blocks(values["kernel"], 4, LSTM_ORDER)
        bias = _blocks(values["bias"], 4, LSTM_ORDER).copy()
        bias[units:2 * units] += bias.dtype.type(forget_bias)  # Keras's f, the second block
        return {"kernel": kernel[:inputs], "recurrent_kernel": kernel[inputs:], "bias": bias}
    if forget_bias:
        raise LayoutError(f"{cell} has no forget_bias")
    gates = _blocks(values["gates/kernel"], 2, (1, 0))  # (r, u) -> (z, r): z is TF1's u
    candidate = values["candidate/kernel"]
    return {"kernel": np.concatenate([gates[:inputs], candidate[:inputs]], axis=1),
            "recurrent_kernel": np.concatenate([gates[inputs:], candidate[inputs:]], axis=1),
            "bias": np.concatenate([_blocks(values["gates/bias"], 2, (1, 0)), values["candidate/bias"]])}


def to_tf1(cell, values, forget_bias=None):
    """``to_keras`` undone: Keras's {kernel, recurrent_kernel, bias} as TF1's variables of ``cell``."""
    if cell not in LAYOUTS:
        raise LayoutError(f"{cell} is not a cell whose layout is known ({', '.join(LAYOUTS)})")
    kernel, recurrent, bias = (np.asarray(values[k]) for k in KERAS_WEIGHTS)
    blocks = 4 if LAYOUTS[cell]["keras"] == "LSTM" else 3
    if recurrent.ndim != 2 or kernel.ndim != 2 or recurrent.shape[1] != blocks * recurrent.shape[0] \
            or kernel.shape[1] != recurrent.shape[1] or bias.shape != (recurrent.shape[1],):
        raise LayoutError(f"kernel {list(kernel.shape)}, recurrent_kernel {list(recurrent.shape)} and bias "
                          f"{list(bias.shape)} are not a Keras {LAYOUTS[cell]['keras']}'s weights")
    units = recurrent.shape[0]
    joined = np.concatenate([kernel, recurrent])
    if blocks == 4:
        forget_bias = LAYOUTS[cell]["forget_bias"] if forget_bias is None else forget_bias
        bias = bias.copy()
        bias[units:2 * units] -= bias.dtype.type(forget_bias)
        return {"kernel": _blocks(joined, 4, LSTM_ORDER), "bias": _blocks(bias, 4, LSTM_ORDER)}
    return {"gates/kernel": _blocks(joined[:, :2 * units], 2, (1, 0)), "gates/bias": _blocks(bias[:2 * units], 2, (1, 0)),
            "candidate/kernel": joined[:, 2 * units:], "candidate/bias": bias[2 * units:]}


def recognise(shapes):
    """The TF1 cells among a checkpoint's variables ({name: shape}): {scope: (cell, input size,
    units)}, e.g. ``{"rnn/basic_lstm_cell": ("BasicLSTMCell", 28, 128)}``. A scope whose last part
    names an LSTM cell (``basic_lstm_cell``, ``lstm_cell``) and holds kernel and bias is one; with
    ``recurrent_kernel`` beside them it is already Keras's layout and is not. Raises LayoutError for
    an LSTMCell with peepholes or a projection, which Keras's LSTM does not compute."""
    found = {}
    for name in shapes:
        scope, _, leaf = name.rpartition("/")
        base = scope.rpartition("/")[2]
        if leaf == "kernel" and base in ("basic_lstm_cell", "lstm_cell") and f"{scope}/bias" in shapes \
                and f"{scope}/recurrent_kernel" not in shapes:
            for variable, option in UNSUPPORTED.items():
                if f"{scope}/{variable}" in shapes:
                    raise LayoutError(f"{scope} is an LSTMCell with {option} ({scope}/{variable}): Keras's LSTM has "
                                      f"no such weights, so it cannot be converted to one")
            cell = "BasicLSTMCell" if base == "basic_lstm_cell" else "LSTMCell"
        elif name.endswith("/gates/kernel") and all(f"{name[:-len('gates/kernel')]}{v}" in shapes for v in LAYOUTS["GRUCell"]["tf1"]):
            scope, cell = name[:-len("/gates/kernel")], "GRUCell"
        else:
            continue
        values = {v: np.empty(shapes[f"{scope}/{v}"], np.float32) for v in LAYOUTS[cell]["tf1"]}
        try:
            found[scope] = (cell, *units_of(cell, values))
        except LayoutError:
            continue  # named like a cell but not shaped like one: plain variables
    return found


class TF1View:
    """One of a cell's TF1 variables seen through the Keras weights that hold it: ``assign`` sets
    them from it (the cell's other TF1 variables as they are), ``numpy`` reads it back by
    ``to_tf1``, as ``tfparity.port.teacher`` and a replay use a variable. ``weights``: {kernel,
    recurrent_kernel, bias: the Keras variable}."""

    def __init__(self, cell, name, weights, forget_bias=None):
        if name not in LAYOUTS.get(cell, {}).get("tf1", ()):
            raise LayoutError(f"{cell} has no variable {name}")
        self.cell, self.name, self.weights, self.forget_bias = cell, name, weights, forget_bias
        self.shape, self.dtype = self.numpy().shape, self.weights["kernel"].dtype

    def _tf1(self):
        return to_tf1(self.cell, {k: np.asarray(w.numpy()) for k, w in self.weights.items()}, self.forget_bias)

    def assign(self, value):
        state = dict(self._tf1(), **{self.name: np.asarray(value)})
        made_from = KERAS_FROM[LAYOUTS[self.cell]["keras"]]
        for weight, now in to_keras(self.cell, state, self.forget_bias).items():
            if self.name in made_from[weight]:
                self.weights[weight].assign(now)

    def numpy(self):
        return self._tf1()[self.name]


def tf1_views(cell, weights, forget_bias=None):
    """{TF1 variable name under the cell's scope: its TF1View} for a Keras cell's ``weights``."""
    return {name: TF1View(cell, name, weights, forget_bias) for name in LAYOUTS[cell]["tf1"]}
