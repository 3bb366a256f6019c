"""TF1 ``Saver`` checkpoints into TF2 object-based checkpoints, and back, by a map of names.

A map is ``{TF1 variable name: dotted attribute path from a root object}``, e.g.
``{"conv1/weights": "model.conv1.weights", "conv1/weights/Adam": "optimizer.slots.m.0"}``; a
value of None leaves a TF1 variable out on purpose (``global_step``); a value
``{"path": P, "iterations_from_beta": 0.9}`` writes the step count a power ``beta^(t+1)`` encodes
(TF1 Adam's ``beta1_power`` into a Keras 3 optimizer's ``iterations``). The TF2 checkpoint written
restores with ``tf.train.Checkpoint(model=..., optimizer=...).restore(DST)`` for roots of those
names (``tfparity.port.optimizers``' state: ``optimizer.checkpointable()``). ``auto_map`` derives the
map from objects whose variables carry the TF1 names, and takes each TF1 RNN cell into the Keras
cell ``matching`` finds for it. Bad input raises ``CheckpointError`` with
one line naming the variable or file; DST is written in a temporary folder and renamed into place,
never over the checkpoint being read, and over another only with ``force``.
"""
import os

from tfparity.checkpoint import cells, maps, matching, metagraph, prefixes
from tfparity.checkpoint.files import staged, tree
from tfparity.checkpoint.prefixes import CheckpointError  # noqa: F401 (raised here too)
from tfparity.core.quiet import import_tensorflow

tf = import_tensorflow()
KEY = "/.ATTRIBUTES/VARIABLE_VALUE"  # the suffix of a variable's key in an object-based checkpoint
GRAPH = "_CHECKPOINTABLE_OBJECT_GRAPH"  # the entry only an object-based (TF2) checkpoint has
TRACKABLE = "a tf.Module, tf.Variable, Keras layer, model or optimizer, or optimizer.checkpointable()"


def resolve(path):
    """The prefix of the checkpoint at ``path``: itself, or for a folder the latest its Saver named."""
    return prefixes.latest(path) if os.path.isdir(path) else path


def read(path, what="checkpoint"):
    """{name: (shape, dtype, value getter)} of every variable in a checkpoint, TF1 or TF2."""
    prefixes.check_source(path, what)
    try:
        reader = tf.train.load_checkpoint(resolve(path))
        shapes, dtypes = reader.get_variable_to_shape_map(), reader.get_variable_to_dtype_map()
    except (tf.errors.OpError, ValueError) as error:
        raise CheckpointError(f"cannot read checkpoint {path}: {_first_line(error)}") from None

    def getter(name):
        def get():
            try:
                return reader.get_tensor(name)
            except (tf.errors.OpError, IndexError, RuntimeError) as error:  # a truncated or corrupt .data file
                raise CheckpointError(f"cannot read {name} from {path}: {_first_line(error)}") from None
        return get
    return {name: (tuple(shapes[name]), dtypes[name].name, getter(name)) for name in sorted(shapes) if name != GRAPH}


def program_forget_biases(prefix, found):
    """({scope: forget_bias} of the TF1 LSTM cells among ``found`` (``read``'s) that the program's
    graph beside ``prefix`` states unambiguously, why the others are not known or None)."""
    return metagraph.forget_biases(prefix, cells.recognised({name: shape for name, (shape, _, _) in found.items()}))


def object_based(found):
    """Whether the variables ``read`` found are a TF2 object-based checkpoint's."""
    return any(name.endswith(KEY) for name in found)


def read_tf1(path, what="SRC"):
    """``read`` for a TF1 Saver checkpoint: a TF2 one is refused (``reverse`` carries it back)."""
    found = read(path, what)
    if object_based(found):
        raise CheckpointError(f"{what} {path} is a TF2 object-based checkpoint: convert reads a TF1 Saver "
                              f"checkpoint (--reverse carries a TF2 one back to TF1)")
    return found


def _first_line(error):
    return str(getattr(error, "message", error)).strip().splitlines()[0]


def paths(roots):
    """{dotted path: variable} for every path to a variable from ``roots``, shortest first (a
    variable reachable two ways, as a Keras optimizer's slots are, has both paths)."""
    check_roots(roots)
    found, queue, seen = {}, list(roots.items()), set()
    while queue:
        path, obj = queue.pop(0)
        if isinstance(obj, tf.Variable) or _keras_variable(obj):
            found[path] = obj
            continue
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        children = tf.train.TrackableView(obj).children(obj)
        queue += [(f"{path}.{edge}", child) for edge, child in children.items()]
    return found


def check_roots(roots):
    """Every root a non-empty name and an object a checkpoint can track."""
    for root, obj in roots.items():
        if not isinstance(root, str) or not root:
            raise CheckpointError(f"root name {root!r}: the objects' names must be non-empty strings")
        if not (isinstance(obj, (tf.Variable, tf.__internal__.tracking.Trackable)) or _keras_variable(obj)):
            raise CheckpointError(f"root {root!r} is {type(obj).__name__}, not an object a checkpoint tracks "
                                  f"({TRACKABLE})")


def _keras_variable(obj):
    """A Keras 3 variable: not a tf.Variable, but a leaf of the object graph all the same."""
    return type(obj).__name__ == "Variable" and callable(getattr(obj, "assign", None)) and hasattr(obj, "dtype")


def auto_map(names, roots, signatures=None, forget_bias=None):
    """The map for TF1 ``names`` onto the variables of ``roots``: each to the variable named as it
    (its TensorFlow name, or a Keras variable's path). With ``signatures`` ({TF1 name: (shape,
    dtype)}), each TF1 RNN cell whose variables are not so named goes to a Keras cell of the objects
    by ``matching``'s rule (the replay's), as a cell entry with its slots, where no other cell has its
    shapes (``--verify`` could not tell two alike swapped); ``forget_bias``: {scope: the program's
    forget_bias} where known, else the cell's default."""
    found = paths(roots)
    by_name = {}
    for path, var in found.items():  # shortest path first
        for name in sorted(matching.names(var)):
            by_name.setdefault(name, path)
    plain = {name: by_name[name] for name in names if name in by_name}
    entries, wanted, free = {}, {}, {}
    if signatures is not None:
        wanted = {name: signatures[name] for name in names if name not in plain}
        taken = set(plain.values())
        free = {path: var for path, var in matching.in_order(found) if path not in taken}
        entries = matching.cell_entries(wanted, free, forget_bias, by_order=False)
    held = {name: scope for scope, entry in entries.items() for name in cells.consumed(scope, entry)}
    missing = [n for n in names if n not in plain and n not in held]
    if missing:
        why = matching.unmatched_cell(missing[0], wanted, free, entries) if signatures is not None else None
        raise CheckpointError(f"TF1 variable {missing[0]} has no TF2 variable of that name in the objects "
                              f"({len(missing)} unmatched)" + (f": {why}" if why else "") + ": map it by hand with --map")
    mapping = {}
    for name in names:  # in the checkpoint's order, a cell's entry where its first variable is
        if name in plain:
            mapping[name] = plain[name]
        elif held[name] not in mapping:
            mapping[held[name]] = entries[held[name]]
    return mapping


def _check_map(found, mapping, src, keras_cell_of=None):
    """The entries that write (null ones dropped), every variable of ``src`` consumed by one entry."""
    maps.check(mapping)
    for name, entry in mapping.items():
        if maps.is_cell(entry):
            cells.refuse_unsupported(name, found)
    used = {}
    for name, entry in mapping.items():
        for consumed in (cells.consumed(name, entry) if maps.is_cell(entry) else [name]):
            if consumed in used:
                raise CheckpointError(f"map entries {used[consumed]} and {name} both take {consumed}")
            used[consumed] = name
    left_out = [n for n in found if n not in used]
    if left_out:
        raise CheckpointError(f"variable {left_out[0]} of {src} is not in the map "
                              f"({len(left_out)} left out): map it, or to null to leave it out")
    no_source = [n for n in used if n not in found]
    if no_source:
        name = used[no_source[0]]
        raise CheckpointError(f"map entry {name}: {src} has no variable " + (f"{no_source[0]} (the {mapping[name]['cell']}'s)"
                              if maps.is_cell(mapping[name]) else "of that name"))
    cells.refuse_plain_copies(mapping, {n: found[n][0] for n in found}, keras_cell_of)
    kept = {n: e for n, e in mapping.items() if e is not None}
    for name, entry in kept.items():  # Checkpoint(write=...) would hide the method that writes it
        for _, path in maps.targets(name, entry):
            root = path.split(".")[0]
            if hasattr(tf.train.Checkpoint, root):
                raise CheckpointError(f"map entry {name}: root {root!r} is an attribute of tf.train.Checkpoint, "
                                      f"so no checkpoint can restore a root of that name: call it otherwise")
    return kept


def _value(name, entry, value):
    """The value to write: the checkpoint's, or the step count ``t`` of a power ``beta^(t+1)``."""
    if not isinstance(entry, dict):
        return value
    import math
    beta = entry["iterations_from_beta"]
    exponent = math.log(float(value)) / math.log(beta)
    if not 0.5 <= exponent < 2 ** 40 or abs(exponent - round(exponent)) > 1e-3:
        raise CheckpointError(f"{name} = {float(value)!r} is not a power of {beta}: no step count to derive")
    import numpy as np
    return np.int64(round(exponent) - 1)  # TF1 starts the power at beta and multiplies after each step


def written(found, mapping):
    """{path: (what, value)} the kept ``mapping`` writes from ``found`` (``read``'s): a plain entry's
    value as read (or its step count), a cell's weights and slots in Keras's layout."""
    out = {}
    for name, entry in mapping.items():
        if maps.is_cell(entry):
            values = cells.to_paths(name, entry, lambda n: found[n][2]())
            out.update({path: (what, values[path]) for what, path in maps.targets(name, entry)})
        else:
            out[maps.path_of(entry)] = (name, _value(name, entry, found[name][2]()))
    return out


def owner(roots, path):
    """The object holding the variable at dotted ``path`` from ``roots`` (None if there is none)."""
    *parents, _ = path.split(".")
    obj = roots.get(parents[0]) if parents else None
    for part in parents[1:]:
        if obj is None:
            return None
        obj = tf.train.TrackableView(obj).children(obj).get(part)
    return obj


def keras_cell(obj):
    """Whether ``obj`` is a Keras recurrent cell whose weights follow Keras's layout (LSTM, GRU)."""
    import keras
    return isinstance(obj, (keras.layers.LSTMCell, keras.layers.GRUCell))


def _check_into(values, into):
    """Every written path exists in the objects ``into``, with the value's shape and dtype; a TF1
    GRUCell's bias into a GRU(reset_after=True) is refused by name."""
    targets = paths(into)
    for path, (name, value) in values.items():
        if path not in targets:
            raise CheckpointError(f"map entry {name}: no variable at {path} in the objects "
                                  f"(known: {', '.join(sorted(targets)[:6])}...)")
        shape, dtype = tuple(value.shape), value.dtype.name
        var = targets[path]
        cell = owner(into, path)
        if getattr(cell, "reset_after", False) and keras_cell(cell) and tuple(var.shape) != shape:
            raise CheckpointError(f"{name}: {path} belongs to a Keras GRU with reset_after=True (a bias of two rows "
                                  f"{list(var.shape)}), which computes another function than TF1's GRUCell: build the "
                                  f"port's GRU with reset_after=False")
        if tuple(var.shape) != shape or tf.as_dtype(var.dtype).name != dtype:
            raise CheckpointError(f"{name}: {dtype} {list(shape)} " + ("converted" if " " in name else "in the checkpoint")
                                  + f", but {path} is {tf.as_dtype(var.dtype).name} {list(var.shape)}")


def convert(src, dst, mapping, into=None, force=False, verify=None, plain=False):
    """TF1 checkpoint ``src`` -> TF2 object-based checkpoint at prefix ``dst``; ``into``
    ({root name: object}), if given, is checked against: paths, shapes and dtypes. ``force``:
    replace a checkpoint at ``dst`` (never ``src`` itself). ``verify`` ({root name: object}, the
    port's): the checkpoint written is restored into them and proven before it is renamed into place
    (``tfparity.checkpoint.verify``; a failure raises ``verify.Mismatch`` and leaves nothing at DST).
    ``plain``: the map was derived from variables that carry the TF1 names (``auto_map``), so a
    TF1 cell's weights copied as they are go to a port that keeps TF1's layout. A cell entry whose
    forget_bias is not the one the program's graph beside ``src`` adds (``metagraph``) is refused."""
    src = resolve(src)
    prefixes.check_target(dst, [src], force=force)
    found = read_tf1(src)
    objects = verify if verify is not None else into
    keras_cell_of = (lambda path: keras_cell(owner(objects, path))) if objects is not None else None
    mapping = _check_map(found, mapping, src, (lambda path: False) if plain else keras_cell_of)
    known, _ = program_forget_biases(src, found)
    for scope, entry in mapping.items():
        if maps.is_cell(entry) and cells.forget_bias(entry) is not None:
            metagraph.check(scope, entry, cells.forget_bias(entry), known, src)
    values = written(found, mapping)
    if objects is not None:
        _check_into(values, objects)

    def write(prefix):
        checkpoint = tf.train.Checkpoint(**tree({path: path for path in values}, {p: v for p, (_, v) in values.items()}))
        checkpoint.save_counter  # created by every restore: written too, so it matches
        checkpoint.write(prefix)
        if verify is not None:
            from tfparity.checkpoint import verify as proof
            proof.verify(prefix, verify, mapping, values, found)
    staged(dst, write)
    return mapping


def reverse(src, dst, mapping, force=False):
    """TF2 object-based checkpoint ``src`` -> TF1 ``Saver`` checkpoint at prefix ``dst``, for a
    roll-back: the same map, read the other way (``save_counter``, the Checkpoint's own, is skipped)."""
    import tensorflow.compat.v1 as tf1
    src = resolve(src)
    prefixes.check_target(dst, [src], force=force)
    maps.check(mapping)
    everything = read(src)
    if everything and not object_based(everything):
        raise CheckpointError(f"SRC {src} is a TF1 Saver checkpoint: --reverse reads a TF2 object-based one "
                              f"(convert without --reverse carries TF1 to TF2)")
    found = {key[:-len(KEY)].replace("/", "."): entry for key, entry in everything.items()
             if key.endswith(KEY) and key != "save_counter" + KEY}
    by_path = {path: what for name, entry in mapping.items() for what, path in maps.targets(name, entry)}
    left_out = [p for p in found if p not in by_path]
    if left_out:
        raise CheckpointError(f"variable {left_out[0]} of {src} is not in the map ({len(left_out)} left out)")
    missing = [p for p in by_path if p not in found]
    if missing:
        raise CheckpointError(f"map entry {by_path[missing[0]]}: {src} has no variable at {missing[0]}")
    values = {}
    for name, entry in mapping.items():
        if maps.is_cell(entry):
            values.update(cells.to_names(name, entry, lambda path: found[path][2]()))
        elif entry is not None:
            values[name] = found[maps.path_of(entry)][2]()

    def write(prefix):
        graph = tf1.Graph()
        with graph.as_default():
            # Saved under the dict's keys: the op names are not, and a TF1 name need not be a valid one.
            variables = {name: tf1.Variable(value, name="variable") for name, value in values.items()}
            saver = tf1.train.Saver(var_list=variables)
            with tf1.Session(graph=graph) as session:
                session.run(tf1.variables_initializer(list(variables.values())))
                saver.save(session, prefix, write_meta_graph=False, write_state=False)
    staged(dst, write)
