"""The program's own graph beside its checkpoint: each TF1 LSTM cell's forget_bias, which is in no
variable, read from ``SRC.meta`` (the MetaGraphDef ``tf1.train.Saver.save`` writes there unless
``write_meta_graph=False``).

TF1's ``BasicLSTMCell.call`` splits the gates' pre-activations four ways and adds
``constant(forget_bias)`` to the third block, f; ``LSTMCell.call`` adds the Python float, which
becomes a ``Const`` input of the same add (tensorflow/python/ops/rnn_cell_impl.py at r1.15, and
tf-keras's legacy_cells.py, ``call``). So the forget_bias is an ``Add``/``AddV2`` whose inputs are
output 2 of a four-way ``Split`` and a scalar ``Const``. Where that add lives depends on the loop:
under ``static_rnn`` in the graph, once per step, named under the cell's scope
(``rnn/basic_lstm_cell/Add``); under ``dynamic_rnn`` inside the while loop, in the graph with TF1's
control flow (``rnn/while/basic_lstm_cell/Add``) or in the loop body's function with TF2's
(``basic_lstm_cell/Add``, or the full scope under a ``MultiRNNCell``). An add belongs to a cell when
its scope, without the loop's ``while`` parts, and the cell's scope end alike (one is the end of the
other). A cell's forget_bias is known only where every add that may be its says the same value:
two cells of one name in two loop bodies (a bidirectional RNN's) with different values are not
told apart, and stay unknown.
"""
import os

from tfparity.checkpoint.prefixes import CheckpointError
from tfparity.core.quiet import import_tensorflow
from tfparity.port.rnn_cells import LAYOUTS

tf = import_tensorflow()

# A MetaGraphDef is a protobuf, which cannot exceed 2 GiB; a program's graph with its loop bodies
# is far smaller unless constants are embedded. Past this it is not read (the forget_bias stays
# unknown) rather than holding the process's memory for a statement of one number per cell.
MAX_BYTES = 512 * 2 ** 20
ADDS = ("Add", "AddV2")  # BasicLSTMCell's math_ops.add and LSTMCell's +: AddV2 since TF 2.x, Add before


def meta_path(prefix):
    return f"{prefix}.meta"


def _graph_def(prefix):
    """The GraphDef of ``prefix.meta``, or (None, why not) where there is none to read."""
    path = meta_path(prefix)
    if not os.path.isfile(path):
        return None, f"no {os.path.basename(path)} beside the checkpoint"
    if os.path.getsize(path) > MAX_BYTES:
        return None, f"{os.path.basename(path)} is over {MAX_BYTES:,} bytes: not read"
    meta = tf.compat.v1.MetaGraphDef()
    try:
        with open(path, "rb") as file:
            meta.ParseFromString(file.read())
    except OSError as error:
        return None, f"cannot read {os.path.basename(path)}: {error.strerror}"
    except Exception as error:  # protobuf's DecodeError, whose module differs by implementation
        return None, f"{os.path.basename(path)} is not a MetaGraphDef ({type(error).__name__})"
    return meta.graph_def, None


def _forget_adds(nodes, output):
    """[(scope of the add, the constant)] of the adds in ``nodes`` (one graph or function body)
    of a four-way Split's output 2 and a scalar Const; ``output(input)`` -> (node name, index)."""
    by_name = {node.name: node for node in nodes}
    found = []
    for node in nodes:
        if node.op not in ADDS or len([i for i in node.input if not i.startswith("^")]) != 2:
            continue
        (split, index), (const, _) = (output(i) for i in node.input[:2])
        split, const = by_name.get(split), by_name.get(const)
        if split is None or const is None or split.op != "Split" or split.attr["num_split"].i != 4 or index != 2 \
                or const.op != "Const" or const.attr["value"].tensor.tensor_shape.dim:
            continue
        found.append((node.name.rpartition("/")[0], tf.make_ndarray(const.attr["value"].tensor)[()]))
    return found


def _graph_output(name):
    node, _, index = name.partition(":")
    return node, int(index or 0)


def _function_output(name):
    node, _, rest = name.partition(":")  # a body's inputs: node:output_arg:index
    return node, int(rest.rpartition(":")[2] or 0) if rest else 0


def _alike(add_scope, scope):
    """Whether the add's scope (the loop's ``while`` parts left out) and the cell's end alike."""
    mine, theirs = [p for p in add_scope.split("/") if p != "while"], scope.split("/")
    shorter = min(len(mine), len(theirs))
    return shorter > 0 and mine[-shorter:] == theirs[-shorter:]


def forget_biases(prefix, cells):
    """({scope: the program's forget_bias, a NumPy scalar of the graph's dtype} for each LSTM cell of
    ``cells`` ({scope: (cell, ...)}, ``rnn_cells.recognise``'s) whose add is found and unambiguous,
    why the rest are not known (a sentence, or None))."""
    lstm = [scope for scope, (cell, *_) in cells.items() if LAYOUTS[cell]["forget_bias"] is not None]
    if not lstm:
        return {}, None
    graph, why = _graph_def(prefix)
    if graph is None:
        return {}, why
    adds = _forget_adds(graph.node, _graph_output)
    for function in graph.library.function:
        adds += _forget_adds(function.node_def, _function_output)
    known = {}
    for scope in lstm:
        values = {value for add_scope, value in adds if _alike(add_scope, scope)}
        if len(values) == 1:
            known[scope] = values.pop()
    missing = [scope for scope in lstm if scope not in known]
    return known, (f"{os.path.basename(meta_path(prefix))} does not say it unambiguously" if missing else None)


def shown(value):
    """A forget_bias read from the graph, as the map states it: the shortest decimal of its dtype."""
    return float(str(value))


def check(scope, entry, stated, known, prefix):
    """A cell entry's forget_bias (``stated``: its own or the cell's default) against the program's
    read from the graph: one line if they differ (exit 2)."""
    if scope not in known:
        return
    value = known[scope]
    if value.dtype.type(stated) != value:
        default = "" if entry.get("forget_bias") is not None else " (the cell's default: the entry states none)"
        raise CheckpointError(f"cell entry {scope}: forget_bias {stated!r}{default}, but the program's graph "
                              f"({os.path.basename(meta_path(prefix))}) adds {shown(value)!r} to {scope}'s forget "
                              f"gate: state \"forget_bias\": {shown(value)!r}")
