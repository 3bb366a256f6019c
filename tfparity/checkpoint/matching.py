"""Which Keras cell of a port takes which TF1 RNN cell: the one rule ``convert --auto`` and
``check --recording`` (``tfparity.record.replay``) share.

A TF1 cell is recognised by its variables (``tfparity.port.rnn_cells.recognise``); a Keras cell is
three variables ``kernel``, ``recurrent_kernel`` and ``bias`` under one dotted path (Keras 3's
``LSTMCell`` and ``GRUCell``, keras/src/layers/rnn/lstm.py and gru.py, ``build``). Their names
cannot match: Keras splits TF1's kernel in two. So each TF1 cell, in the order the TF1 program
made them, goes to the Keras cell whose weights have the TF1 cell's shapes once transformed (and
its dtype), in the order the port made them, where both sides have as many cells of those shapes;
where they have not, the layout is ambiguous and the cell is left unmatched (a map by hand says
which is which). An optimizer slot of the TF1 cell's variables (``scope/kernel/Adam``) goes with
it where the port has one named after each of the three Keras weights (``.../kernel/Adam``, as
``tfparity.port.optimizers`` names its slots). The entry's forget_bias is the cell's default unless
the caller knows the program's.
"""
import re

import numpy as np

from tfparity.checkpoint.cells import cell_of
from tfparity.checkpoint.prefixes import CheckpointError
from tfparity.port import rnn_cells
from tfparity.port.optimizers_state import tf_variable
from tfparity.port.rnn_cells import KERAS_WEIGHTS, LAYOUTS, LayoutError


def made(var):
    """When the variable was made: TensorFlow numbers its variables' unique ids in creation order."""
    found = re.search(r"(\d+)$", getattr(tf_variable(var), "_unique_id", ""))
    return int(found.group(1)) if found else 0


def names(var):
    """The names a port variable answers to: its TensorFlow name, and a Keras variable's path."""
    found = {tf_variable(var).name.split(":")[0]}
    if isinstance(getattr(var, "path", None), str):
        found.add(var.path)
    return found


def signature(var):
    """(shape, dtype name) of a port variable, as a TF1 variable's are compared with it."""
    return tuple(var.shape), np.dtype(tf_variable(var).dtype.as_numpy_dtype).name


def in_order(found):
    """[(dotted path, variable)] of {path: variable} (``convert.paths``, shortest path first), each
    variable once at its shortest path, in the order they were made."""
    once = {}
    for path, var in found.items():
        once.setdefault(id(tf_variable(var)), (path, var))
    return sorted(once.values(), key=lambda item: made(item[1]))


def keras_shapes(scope, cell, shape_of):
    """{Keras weight: shape} TF1's ``cell`` at ``scope`` takes in Keras's layout, from
    ``shape_of(TF1 name)``; a cell of shapes no Keras cell has raises LayoutError."""
    values = {v: np.zeros(shape_of(f"{scope}/{v}"), np.float32) for v in LAYOUTS[cell]["tf1"]}
    return {w: tuple(v.shape) for w, v in rnn_cells.to_keras(cell, values, 0.0).items()}


def keras_cells(free):
    """{path of a Keras cell: (kernel, recurrent_kernel, bias) signatures} among ``free`` ({path:
    variable}, in the order made): the three weights of a Keras LSTM or GRU cell under one path."""
    found = {}
    for path in free:
        if path.endswith(".recurrent_kernel"):
            cell = path[:-len(".recurrent_kernel")]
            weights = [f"{cell}.{w}" for w in KERAS_WEIGHTS]
            if all(w in free for w in weights):
                found[cell] = tuple(signature(free[w]) for w in weights)
    return found


def tf1_cells(wanted):
    """{scope: (cell, input size, units)} of the TF1 cells among ``wanted`` ({TF1 name: (shape,
    dtype)}); an LSTMCell Keras cannot compute raises CheckpointError, one line."""
    try:
        return rnn_cells.recognise({name: shape for name, (shape, _) in wanted.items()})
    except LayoutError as error:
        raise CheckpointError(str(error)) from None


def cell_entries(wanted, free, forget_bias=None, by_order=True):
    """The map's cell entries {scope: entry} for the TF1 cells among ``wanted`` ({TF1 name: (shape,
    dtype)}, in the TF1 program's order) matched to the Keras cells of ``free`` ({path: variable}, in
    the order made), by the rule of this module's docstring; ``forget_bias``: {scope: the program's},
    where known. ``by_order``: several cells of the same shapes are paired in the order both sides
    made them (a replay, whose steps run the whole model, catches a wrong pairing); otherwise only a
    cell whose shapes no other has on either side is matched (``convert --auto``: ``--verify`` runs
    each cell alone, so two cells swapped would pass it). A TF1 cell left out is one no Keras cell
    takes unambiguously."""
    cells = tf1_cells(wanted)
    theirs = keras_cells(free)
    groups = {}
    for scope, (cell, _, _) in cells.items():
        groups.setdefault(keras_signature(scope, cell, wanted), []).append((scope, cell))
    entries = {}
    for wanted_signature, group in groups.items():
        candidates = [path for path, signatures in theirs.items() if signatures == wanted_signature]
        if len(candidates) != len(group) or (len(group) > 1 and not by_order):
            continue
        for (scope, cell), path in zip(group, candidates):
            entry = {"cell": cell, **{w: f"{path}.{w}" for w in KERAS_WEIGHTS}}
            if LAYOUTS[cell]["forget_bias"] is not None:  # in no variable: the program's where known, else the default
                entry["forget_bias"] = (forget_bias or {}).get(scope, LAYOUTS[cell]["forget_bias"])
            slots = cell_slots(scope, cell, entry, wanted, free)
            entries[scope] = dict(entry, slots=slots) if slots else entry
    return entries


def cell_slots(scope, cell, entry, wanted, free):
    """{TF1 slot suffix: {Keras weight: path}} for the slots of the cell's variables (``scope/kernel/Adam``)
    that the port has for each of its three weights, named after them."""
    first = f"{scope}/{next(iter(LAYOUTS[cell]['tf1']))}/"
    slots = {}
    for suffix in sorted(n[len(first):] for n in wanted if n.startswith(first)):
        found = {}
        for weight in KERAS_WEIGHTS:
            weight_names = names(free[entry[weight]])
            paths = [p for p, var in free.items() if any(n.endswith("/" + suffix) and n[:-len(suffix) - 1] in weight_names
                                                         for n in names(var))]
            if len(paths) == 1:
                found[weight] = paths[0]
        if len(found) == len(KERAS_WEIGHTS):
            slots[suffix] = found
    return slots


def keras_signature(scope, cell, wanted):
    """(kernel, recurrent_kernel, bias) signatures the TF1 cell at ``scope`` has in Keras's layout."""
    shapes = keras_shapes(scope, cell, lambda name: wanted[name][0])
    dtype = wanted[f"{scope}/{next(iter(LAYOUTS[cell]['tf1']))}"][1]
    return tuple((shapes[w], dtype) for w in KERAS_WEIGHTS)


def unmatched_cell(name, wanted, free, entries):
    """Why TF1 variable ``name`` of a recognised cell is in none of the cell ``entries`` (one
    sentence), or None when it is no cell's."""
    cells = tf1_cells(wanted)
    found = cell_of(name, cells)
    if found is None:
        return None
    scope, cell = found
    if scope in entries:
        return (f"{name} is an optimizer slot of TF1 {cell} {scope}, and the objects have no variable named "
                f"after each of the Keras cell's weights with its suffix (e.g. {entries[scope]['kernel']} named "
                f".../kernel/{name.rpartition('/')[2]}, as tfparity.port.optimizers names its slots)")
    mine = keras_signature(scope, cell, wanted)
    same = sum(keras_signature(s, c, wanted) == mine for s, (c, _, _) in cells.items())
    theirs = keras_cells(free)
    alike = sum(signature == mine for signature in theirs.values())
    shown = ", ".join(f"{w} {list(shape)}" for w, (shape, _) in zip(KERAS_WEIGHTS, mine))
    start = f"{scope} is a TF1 {cell}, which Keras's {LAYOUTS[cell]['keras']} takes as a cell of {mine[0][1]} {shown}; "
    if alike == 0:
        reset_after = [path for path, (kernel, recurrent, bias) in theirs.items() if (kernel, recurrent) == mine[:2]
                       and bias == ((2, *mine[2][0]), mine[2][1])]
        return start + (f"{reset_after[0]} has its kernels and a bias of two rows: a Keras GRU with reset_after=True, "
                        f"which computes another function than TF1's GRUCell (build the port's GRU with "
                        f"reset_after=False)" if reset_after else "the objects have no such Keras cell")
    return start + (f"the TF1 program has {same} such cells and the objects {alike}, so which is which is ambiguous"
                    + (" (pairing them in the order each side made them would be a guess --verify cannot check: it "
                       "runs each cell alone)" if same == alike else ""))
