"""TF1 RNN cells in a checkpoint: which variables a cell's map entry consumes, its weights and
optimizer slots carried to Keras's layout and back (``tfparity.port.rnn_cells``, the one copy of
the transforms), the plain copy of a cell's weight into a Keras cell refused, and inspect's lines.

A cell's entry (``maps``) keyed by the TF1 cell's scope consumes ``scope/kernel`` and
``scope/bias`` (GRU: ``scope/gates/*`` and ``scope/candidate/*``) and, for each slot suffix it
names, ``scope/<variable>/<suffix>`` (Adam: ``Adam`` is m, ``Adam_1`` is v). The weights go
through ``to_keras(cell, values, forget_bias)``; the slots through the same with forget_bias 0:
forget_bias is a constant of the program, in no variable, and the bias's state is the bias's.
"""
import json

import numpy as np

from tfparity.checkpoint.maps import cell_paths, is_cell
from tfparity.checkpoint.prefixes import CheckpointError
from tfparity.port import rnn_cells
from tfparity.port.rnn_cells import KERAS_WEIGHTS, LAYOUTS, LayoutError


def forget_bias(entry):
    """The forget_bias an entry folds: its own, or its cell's default (None for a GRU)."""
    stated = entry.get("forget_bias")
    return LAYOUTS[entry["cell"]]["forget_bias"] if stated is None else float(stated)


def consumed(scope, entry):
    """{TF1 variable name: (slot suffix or None, the variable under the cell's scope)}."""
    found = {f"{scope}/{variable}": (None, variable) for variable in LAYOUTS[entry["cell"]]["tf1"]}
    for suffix in entry.get("slots") or {}:
        found.update({f"{scope}/{variable}/{suffix}": (suffix, variable) for variable in LAYOUTS[entry["cell"]]["tf1"]})
    return found


def to_paths(scope, entry, read):
    """{path: value} an entry writes, from ``read(TF1 name)``: each weight and slot in Keras's layout."""
    groups = {}
    for name, (suffix, variable) in consumed(scope, entry).items():
        groups.setdefault(suffix, {})[variable] = np.asarray(read(name))
    paths, written = cell_paths(entry), {}
    for suffix, values in groups.items():
        try:
            keras = rnn_cells.to_keras(entry["cell"], values, forget_bias(entry) if suffix is None else 0.0)
        except LayoutError as error:
            raise CheckpointError(f"cell entry {scope!r}" + (f" slot {suffix}" if suffix else "") + f": {error}") from None
        written.update({paths[(suffix, weight)]: keras[weight] for weight in KERAS_WEIGHTS})
    return written


def to_names(scope, entry, read):
    """``to_paths`` undone: {TF1 name: value} from ``read(path)`` of each Keras weight and slot."""
    paths, by_suffix = cell_paths(entry), {}
    for (suffix, weight), path in paths.items():
        by_suffix.setdefault(suffix, {})[weight] = read(path)
    found = {}
    for suffix, values in by_suffix.items():
        try:
            tf1 = rnn_cells.to_tf1(entry["cell"], values, forget_bias(entry) if suffix is None else 0.0)
        except LayoutError as error:
            raise CheckpointError(f"cell entry {scope!r}" + (f" slot {suffix}" if suffix else "") + f": {error}") from None
        found.update({f"{scope}/{variable}" + (f"/{suffix}" if suffix else ""): value for variable, value in tf1.items()})
    return found


def recognised(shapes):
    """{scope: (cell, input size, units)} of the cells among {TF1 name: shape}; an LSTMCell Keras
    cannot compute (peepholes, a projection) raises CheckpointError, one line."""
    try:
        return rnn_cells.recognise(shapes)
    except LayoutError as error:
        raise CheckpointError(str(error)) from None


def refuse_unsupported(scope, names):
    """A cell entry for an LSTMCell with peepholes or a projection: refused, one line."""
    for variable, option in rnn_cells.UNSUPPORTED.items():
        if f"{scope}/{variable}" in names:
            raise CheckpointError(f"cell entry {scope!r}: {scope} is an LSTMCell with {option} ({scope}/{variable}): "
                                  f"Keras's LSTM has no such weights, so it cannot be converted to one")


def cell_of(name, cells):
    """(scope, cell) of the recognised cell whose variable or slot ``name`` is, or None."""
    for scope, (cell, _, _) in cells.items():
        for variable in LAYOUTS[cell]["tf1"]:
            if name == f"{scope}/{variable}" or name.startswith(f"{scope}/{variable}/"):
                return scope, cell
    return None


def example(scope, cell, names=()):
    """The entry to write for the cell at ``scope`` (one line of JSON), with its Adam-like slots
    among ``names``; the paths are placeholders to replace with the port's."""
    first = next(iter(LAYOUTS[cell]["tf1"]))
    suffixes = sorted({n[len(f"{scope}/{first}/"):] for n in names if n.startswith(f"{scope}/{first}/")})
    entry = {"cell": cell, **({"forget_bias": LAYOUTS[cell]["forget_bias"]} if LAYOUTS[cell]["forget_bias"] is not None else {}),
             **{weight: f"model.LAYER.cell.{weight}" for weight in KERAS_WEIGHTS}}
    if suffixes:
        entry["slots"] = {suffix: {weight: "..." for weight in KERAS_WEIGHTS} for suffix in suffixes}
    return json.dumps({scope: entry})


def refuse_plain_copies(mapping, shapes, keras_cell_of=None):
    """A plain entry carrying a recognised TF1 cell's variable (or its slot) is refused, one line
    showing the cell entry to write: its shape may match Keras's (the bias does) and its layout does
    not. With the objects at hand (``keras_cell_of(path)``: whether a Keras recurrent cell owns the
    variable at ``path``), a copy into anything else (a tf.Module keeping TF1's arithmetic) is kept."""
    cells = recognised(shapes)
    for name, entry in mapping.items():
        if entry is None or is_cell(entry):
            continue
        found = cell_of(name, cells)
        if found is None:
            continue
        path = entry["path"] if isinstance(entry, dict) else entry
        if keras_cell_of is not None and not keras_cell_of(path):
            continue
        scope, cell = found
        layout = LAYOUTS[cell]
        raise CheckpointError(
            f"map entry {name}: {scope} is a TF1 {cell} (gates {', '.join(layout['tf1_gates'])}"
            + (", forget_bias added at run time" if layout["forget_bias"] is not None else "")
            + f") and Keras's {layout['keras']} takes its weights in another layout (gates {', '.join(layout['keras_gates'])}, "
            + ("forget_bias folded, " if layout["forget_bias"] is not None else "")
            + "kernel and recurrent_kernel apart), so a plain copy computes another function: map the cell "
            f"instead, {example(scope, cell, shapes)}"
            + ("" if keras_cell_of else " (a port that keeps TF1's layout: give --into SPEC, and copies into it are kept)"))


def describe(shapes, known=None):
    """inspect's lines on the cells among {TF1 name: shape}: each cell's layout, or why it cannot
    be converted; ``known``: {scope: forget_bias} the program's graph states."""
    try:
        cells = rnn_cells.recognise(shapes)
    except LayoutError as error:
        return [f"cannot convert: {error}"]
    lines = []
    for scope, (cell, inputs, units) in cells.items():
        layout = LAYOUTS[cell]
        lines.append(f"{scope}: TF1 {cell}, input {inputs}, units {units}, gates {', '.join(layout['tf1_gates'])} "
                     f"-> Keras {layout['keras']}, gates {', '.join(layout['keras_gates'])}"
                     + ("" if layout["forget_bias"] is None else
                        f"; forget_bias {known[scope]!r}, read from the program's graph (CKPT.meta)" if scope in (known or {}) else
                        f"; forget_bias is in no checkpoint (the cell's default {layout['forget_bias']}): "
                        f"state the program's in the entry"))
    return lines
