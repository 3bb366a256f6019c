"""Replaying a recording into a TF2 port: the port's step from the TF1 run's own state before each
recorded training run (teacher-forced, the local verdict), and its steps in a row from the TF1 run's
initial state (free-running, the trajectory), against the variables the TF1 run had after each.

The port (``tfparity check --recording FILE --tf2 SPEC``) is a function ``make_port()`` that
returns ``(roots, step)``:

- ``roots``: ``{name: object}``, as ``tf.train.Checkpoint(**roots)`` takes them (a ``tf.Module``, a
  Keras model, ``optimizer.checkpointable()`` of a ``tfparity.port.optimizers`` rule, a Keras
  optimizer). Every variable of the TF1 run is found in them through a name map, the one
  ``tfparity checkpoint convert`` takes (``{TF1 name: dotted path, or null to leave it out}``),
  given or matched (``name_map``). Every variable must exist when ``make_port`` returns: build the
  model, and the optimizer's slots (``optimizer.build(variables)``). A TF1 RNN cell (``BasicLSTMCell``,
  ``LSTMCell``, ``GRUCell``) is matched to a Keras 3 ``LSTM`` or ``GRU(reset_after=False)`` cell of the
  port by shape, as one cell entry of the map; its variables are set and read through the Keras
  weights by ``tfparity.port.rnn_cells`` (gates reordered, forget_bias folded: the map's, the cell's
  default unless given, as no recording holds it).
- ``step(**feeds)``: one training run of the TF1 program. Its arguments are the tensors the run fed
  and the batch its input pipeline gave it in the graph (a queue's dequeue, a tf.data iterator's
  next element), by keyword (``feed_names`` says which placeholder each parameter gets); it returns what to compare
  with the run's fetched values: ``{name: value}`` (a name is a fetch's TF1 tensor name, with or
  without ``:0``, or its path in the fetch structure), one value (when the run fetched one), or None.

While ``step`` runs, the port's random draws are the TF1 run's (``Draws``): the raw ops under
``tf.random.uniform``, ``normal`` and ``truncated_normal``, ``tf.nn.dropout``, their stateless
forms and so ``keras.layers.Dropout`` return the recorded values of the run, in the order the
script made its random ops, eager or traced in a ``tf.function``. ``DeterministicRandomTestTool``
did this for TF1 and TF2 code under Keras 2; Keras 3 has nothing like it.

Verdicts: ``tfparity.core.compare`` on traces whose rows are the recorded training runs, a field per
TF1 variable (and ``fetch:NAME`` per compared fetch). Teacher-forced: ULPs counted at each field's
largest value, bit-identical unless a bound of the bounds file whose cause was active where the
recording was made allows more. Free-running: bit-identical, or "differs" when the teacher-forced
verdict is within a bound; a step that is bit-identical from every state cannot drift, so a
free-running difference after bit-identical steps is a MISMATCH (state the map left out).
"""
import contextlib
import dataclasses
import inspect
import re
import weakref

import numpy as np

from tfparity.checkpoint import cells, maps, matching
from tfparity.checkpoint.convert import paths
from tfparity.checkpoint.prefixes import CheckpointError
from tfparity.core.compare import Verdict, compare
from tfparity.core.confirm import confirm as confirm_rows
from tfparity.core.tolerances import BIT_IDENTICAL, Tolerance
from tfparity.port import rnn_cells

# The recorded random op types a port's draw may take the value of, by the kind of draw: a
# stateless draw of the port (Keras 3's dropout, initializers) stands for the TF1 run's stateful one.
KINDS = {"RandomUniform": "uniform", "RandomStandardNormal": "normal", "TruncatedNormal": "truncated normal"}
# The generated op wrappers the tf.random and tf.nn functions call, by the kind they draw, with the
# position of their dtype argument after the shape (stateful: dtype first; stateless: key, counter,
# alg, then dtype, float32 when not given).
PATCHED = (("gen_random_ops", "random_uniform", "uniform", 0),
           ("gen_random_ops", "random_standard_normal", "normal", 0),
           ("gen_random_ops", "truncated_normal", "truncated normal", 0),
           ("gen_stateless_random_ops_v2", "stateless_random_uniform_v2", "uniform", 3),
           ("gen_stateless_random_ops_v2", "stateless_random_normal_v2", "normal", 3),
           ("gen_stateless_random_ops_v2", "stateless_truncated_normal_v2", "truncated normal", 3))
FETCH = "fetch:"  # the trace field of a compared fetch: FETCH + its TF1 tensor name
REFORMULATION = "reformulation"  # the cause only the float64 confirmation admits (tfparity.core.tolerances)


class ReplayError(ValueError):
    """The recording and the port cannot be put side by side (one line): bad input, exit 2."""


class DrawMismatch(Exception):
    """The port drew a random tensor the TF1 run did not draw there: a MISMATCH, in words."""


# --- the port's variables and the name map

def port_variables(roots):
    """[(dotted path, variable)] of every variable under ``roots``, each once (at its shortest
    path), in the order they were made."""
    try:
        return matching.in_order(paths(roots))
    except CheckpointError as error:
        raise ReplayError(f"make_port's roots: {error}") from None


def name_map(recorded, ported, given=None):
    """``(mapping, how)``: {TF1 name: path or None} for every recorded variable (``recorded``: [{name,
    shape, dtype}] in the TF1 run's order) onto ``ported`` (``port_variables``), and {TF1 name: how
    it was matched}. ``given`` (a map read by ``tfparity.checkpoint.maps``) is checked, not changed.
    Otherwise: by name (a port variable named as the TF1 one), then by shape and dtype in the order
    both made them, then each optimizer slot (``A/Adam``) after its variable (``A``'s match ``B``:
    ``B/Adam``), then by shape and order again. ``ReplayError`` for what cannot be matched."""
    by_path = dict(ported)
    wanted = {v["name"]: (tuple(v["shape"]), v["dtype"]) for v in recorded}
    if given is not None:
        return _checked(given, wanted, by_path), {name: "--map" for name in given}
    mapping, how = {}, {}
    free = dict(ported)  # path -> variable, not yet taken

    def take(name, path, why):
        mapping[name], how[name] = path, why
        del free[path]

    for scope, entry in _cells(wanted, free).items():  # TF1 cells into Keras's LSTM and GRU layers
        mapping[scope], how[scope] = entry, f"cell ({entry['cell']} as Keras's {keras_layer(entry['cell'])})"
        for path in maps.cell_paths(entry).values():
            del free[path]
    wanted = {name: signature for name, signature in wanted.items() if _cell_of(name, mapping) is None}

    for name in wanted:
        named = [p for p, var in free.items() if name in matching.names(var) and matching.signature(var) == wanted[name]]
        if len(named) == 1:
            take(name, named[0], "name")
    slots = {n for n in wanted if any(n.startswith(other + "/") for other in wanted if other != n)}
    port_names = {name for var in by_path.values() for name in matching.names(var)}
    port_slots = {p for p, var in by_path.items()
                  if any(n.startswith(other + "/") for n in matching.names(var) for other in port_names if other != n)}
    _by_order([n for n in wanted if n not in mapping and n not in slots], wanted,
              {p: var for p, var in free.items() if p not in port_slots}, take, slots=False)
    for name in [n for n in wanted if n in slots and n not in mapping]:
        owner = max((o for o in mapping if name.startswith(o + "/")), key=len, default=None)
        if owner is None:
            continue
        suffix = name[len(owner):]
        named = [p for p, var in free.items() if matching.signature(var) == wanted[name]
                 and any(n.endswith(suffix) and n[:-len(suffix)] in matching.names(by_path[mapping[owner]]) for n in matching.names(var))]
        if len(named) == 1:
            take(name, named[0], f"slot of {owner}")
    _by_order([n for n in wanted if n not in mapping], wanted, free, take, slots=True)
    missing = [n for n in wanted if n not in mapping]
    if missing:
        shape, dtype = wanted[missing[0]]
        raise ReplayError(f"TF1 variable {missing[0]} ({dtype} {list(shape)}) has no variable of its shape left in the "
                          f"port ({len(missing)} unmatched): give --map FILE with it mapped, or null to leave it out")
    return mapping, how


def _cells(wanted, free):
    """The map's cell entries for the TF1 cells among ``wanted`` matched to Keras cells of ``free``,
    by ``tfparity.checkpoint.matching``'s rule (the one ``convert --auto`` follows)."""
    try:
        return matching.cell_entries(wanted, free)
    except CheckpointError as error:
        raise ReplayError(str(error)) from None


def held(mapping):
    """{TF1 name: the scope of its cell entry, or None} of every TF1 variable a map holds."""
    found = {name: None for name, entry in mapping.items() if not maps.is_cell(entry)}
    for scope, entry in mapping.items():
        if maps.is_cell(entry):
            found.update(dict.fromkeys(_cell_names(scope, entry), scope))
    return found


def keras_layer(cell):
    """The Keras layer that computes TF1's ``cell`` ("LSTM", "GRU(reset_after=False)")."""
    return rnn_cells.LAYOUTS[cell]["keras"]


def _cell_of(name, mapping):
    """The scope of the cell entry of ``mapping`` that holds TF1 variable ``name``, or None."""
    for scope, entry in mapping.items():
        if maps.is_cell(entry) and name in _cell_names(scope, entry):
            return scope
    return None


def _cell_names(scope, entry):
    """The TF1 variables a cell entry holds: the cell's, and each slot's (``scope/kernel/Adam``)."""
    return list(cells.consumed(scope, entry))


def _by_order(names, wanted, free, take, slots):
    """Match ``names`` to the ``free`` port variables of the same shape and dtype, in order, where
    both sides have as many of that shape (``slots``: the last pass, in order whatever the counts)."""
    groups = {}
    for name in names:
        groups.setdefault(wanted[name], []).append(name)
    for signature, group in groups.items():
        candidates = [p for p, var in free.items() if matching.signature(var) == signature]
        if len(candidates) != len(group) and not slots:
            continue
        for number, (name, path) in enumerate(zip(group, candidates)):
            take(name, path, "shape" if len(group) == 1 else f"shape and order ({number + 1} of {len(group)})")


def _checked(given, wanted, by_path):
    try:
        maps.check(given, "--map")
    except CheckpointError as error:
        raise ReplayError(str(error)) from None
    held = {name: scope for scope, entry in given.items() if maps.is_cell(entry) for name in _cell_names(scope, entry)}
    left_out = [n for n in wanted if n not in given and n not in held]
    if left_out:
        raise ReplayError(f"--map: TF1 variable {left_out[0]} of the recording is not in the map ({len(left_out)} "
                          "left out): map it, or to null to leave it out")
    unknown = [n for n in given if n not in wanted and not maps.is_cell(given[n])] + [n for n in held if n not in wanted]
    if unknown:
        raise ReplayError(f"--map: entry {held.get(unknown[0], unknown[0])}: the recording has no variable {unknown[0]}")
    for name, path in given.items():
        if maps.is_cell(path):
            _check_cell(name, path, wanted, by_path)
            continue
        if path is None:
            continue
        if isinstance(path, dict) or path not in by_path:
            raise ReplayError(f"--map: entry {name}: no variable at {maps.path_of(path)} in make_port's roots "
                              f"(known: {', '.join(sorted(by_path)[:6])}...)")
        if matching.signature(by_path[path]) != wanted[name]:
            (shape, dtype), (theirs, their_dtype) = wanted[name], matching.signature(by_path[path])
            raise ReplayError(f"--map: {name} is {dtype} {list(shape)} in the recording, but {path} is "
                              f"{their_dtype} {list(theirs)}")
    return dict(given)


def _check_cell(scope, entry, wanted, by_path):
    """A cell entry of a given map: its Keras paths in the port, shaped as the TF1 cell's transform."""
    cell = entry["cell"]
    try:
        shapes = matching.keras_shapes(scope, cell, lambda name: wanted[name][0])
    except rnn_cells.LayoutError as error:
        raise ReplayError(f"--map: entry {scope}: {error}") from None
    for (suffix, weight), path in maps.cell_paths(entry).items():
        if path not in by_path:
            raise ReplayError(f"--map: entry {scope}: no variable at {path} in make_port's roots "
                              f"(known: {', '.join(sorted(by_path)[:6])}...)")
        if tuple(by_path[path].shape) != shapes[weight]:
            raise ReplayError(f"--map: entry {scope}: {path} is {list(by_path[path].shape)}, but {cell}'s "
                              f"{weight} as Keras's {rnn_cells.LAYOUTS[cell]['keras']} takes it is {list(shapes[weight])}")


# --- the fed tensors, as the step's arguments

def parameter_name(tensor_name):
    """A tensor's name as a parameter name: its op's last name part (and its output's number past the first)."""
    op, _, index = tensor_name.partition(":")
    return re.sub(r"\W", "_", op.rsplit("/", 1)[-1]) + (f"_{index}" if index not in ("", "0") else "")


def feed_names(fed, step):
    """{TF1 tensor name: the step's parameter}, for the tensors ``fed`` (in the script's feed order):
    by name (a parameter named as the placeholder's op, case aside), then the rest by position.
    ``ReplayError`` when the step cannot take them."""
    try:
        parameters = inspect.signature(step).parameters.values()
    except (TypeError, ValueError):
        raise ReplayError("the port's step has no signature to read: make it a plain function (or a tf.function "
                          "of one)") from None
    if any(p.kind == p.VAR_KEYWORD for p in parameters):
        return {name: parameter_name(name) for name in fed}
    named = [p.name for p in parameters if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    found = {}
    for name in fed:
        same = [p for p in named if p.lower() == parameter_name(name).lower() and p not in found.values()]
        if same:
            found[name] = same[0]
    rest = [name for name in fed if name not in found]
    open_ = [p for p in named if p not in found.values()]
    required = [p.name for p in parameters if p.name in open_ and p.default is p.empty]
    if len(rest) > len(open_) or len(required) > len(rest):
        raise ReplayError(f"the port's step takes ({', '.join(named)}), but the TF1 run feeds {', '.join(fed)}: "
                          "give it a parameter per fed tensor (named as the placeholder, or in the script's feed "
                          "order), or **feeds")
    found.update(zip(rest, open_))
    return found


# --- the recorded random draws, served to the port

class Draws:
    """The TF1 run's random draws for the port's step: ``serving()`` patches the generated random
    ops for the replay; ``run(random)`` gives one step's draws. Eager, a draw is the recorded value
    itself; traced in a tf.function, a read of a variable made for that place in the order, which
    ``run`` fills before each call (a trace is reused, its reads see the next run's draws)."""

    def __init__(self):
        self.queue, self.used, self.slots = [], 0, []
        self._traced = weakref.WeakKeyDictionary()  # a traced graph: the draws it has made

    @contextlib.contextmanager
    def serving(self):
        import importlib
        real = []
        for module_name, function, kind, where in PATCHED:
            module = importlib.import_module(f"tensorflow.python.ops.{module_name}")
            real.append((module, function, getattr(module, function)))
            setattr(module, function, self._drawer(kind, where))
        try:
            yield self
        finally:
            for module, function, original in real:
                setattr(module, function, original)

    @contextlib.contextmanager
    def run(self, random):
        """One step's draws: ``random`` the run's [{name, type, value}]."""
        self.queue = [r for r in random if r["type"] in KINDS]
        if len(self.slots) > len(self.queue):
            raise DrawMismatch(f"the port's traced step draws {len(self.slots)} random tensors, this TF1 run drew "
                               f"{len(self.queue)}")
        for slot, recorded in zip(self.slots, self.queue):
            slot.assign(recorded["value"])
        self.used = len(self.slots)
        yield self

    def unused(self):
        return [r["name"] for r in self.queue[self.used:]]

    def _drawer(self, kind, where):
        def draw(shape, *args, **kwargs):
            return self._next(kind, shape, kwargs.get("dtype", args[where] if len(args) > where else "float32"))
        return draw

    def _next(self, kind, shape, dtype):
        import tensorflow as tf
        if tf.executing_eagerly():
            number = self.used = self.used + 1
        else:  # counted per trace: a tf.function that makes variables is traced twice
            graph = tf.compat.v1.get_default_graph()
            number = self._traced[graph] = self._traced.get(graph, 0) + 1
        if number > len(self.queue):
            raise DrawMismatch(f"the port's random draw {number} ({kind}, shape {_shape(shape)}) has no counterpart: "
                               f"the TF1 run drew {len(self.queue)} random tensor{'s' * (len(self.queue) != 1)}")
        recorded = self.queue[number - 1]
        value = recorded["value"]
        got_dtype, shape_here = tf.as_dtype(dtype).name, _shape(shape)
        if KINDS[recorded["type"]] != kind or got_dtype != value.dtype.name or (
                shape_here is not None and list(shape_here) != list(value.shape)):
            raise DrawMismatch(f"the port's random draw {number} is a {kind} of shape {shape_here}, {got_dtype}; the "
                               f"TF1 run's draw {number} ({recorded['name']}) is a {KINDS[recorded['type']]} of shape "
                               f"{list(value.shape)}, {value.dtype}")
        if tf.executing_eagerly():
            return tf.constant(value)
        if number > len(self.slots):
            with tf.init_scope():
                self.slots.append(tf.Variable(value, shape=tf.TensorShape(None), trainable=False,
                                              name=f"replayed_draw_{number}"))
            self.used = len(self.slots)
        return self.slots[number - 1].read_value()


def _shape(shape):
    import tensorflow as tf
    value = tf.get_static_value(shape) if tf.is_tensor(shape) else shape
    return None if value is None else [int(n) for n in np.ravel(value)]


# --- the replay

def training_runs(recording):
    """(the session that trained, its recorded training runs in order): the first session with one."""
    runs = [run for run in recording["runs"] if run["step"] is not None]
    if not runs:
        return None, []
    session = runs[0]["session"]
    return recording["sessions"][session], [run for run in runs if run["session"] == session]


def _inputs(run):
    """What the run was given: its feeds, then the batches its input pipeline handed it in the graph."""
    return run["feeds"] + run.get("dequeued", [])


def _fetch_values(run):
    return [f for f in run["fetches"] if f["value"] is not None]


def _returned_fields(returned, run, which):
    """The step's result as {FETCH + TF1 tensor name: value} of the run's fetches it names; and the
    names it returned that name no fetch."""
    fetched = _fetch_values(run)
    if returned is None:
        return {}, []
    if not isinstance(returned, dict):
        if len(fetched) != 1:
            raise ReplayError(f"{which} returned one value, but the TF1 run fetched {len(fetched)}: return "
                              "{name: value}, a name being a fetched tensor's")
        returned = {fetched[0]["name"]: returned}
    fields, unknown = {}, []
    for key, value in returned.items():
        match = [f for f in fetched if key in (f["name"], f["name"].split(":")[0], f["path"])]
        if match:
            fields[FETCH + match[0]["name"]] = np.asarray(value)
        else:
            unknown.append(str(key))
    return fields, unknown


def mode_of(step):
    """The mode the port's step runs in: a tf.function's is traced, a plain function's eager."""
    return "tf2_function" if hasattr(step, "get_concrete_function") else "tf2_eager"


def _widened(value):
    """A float32 array as float64 (the float64 confirmation's inputs); anything else as it is."""
    return value.astype(np.float64) if isinstance(value, np.ndarray) and value.dtype == np.float32 else value


class _Port:
    """One port made by ``make_port``: its variables by TF1 name (through ``mapping``), its step, its
    feeds' parameters; ``widen``: the float64 port of the confirmation, given float64 inputs."""

    def __init__(self, made, mapping, arguments, widen=False):
        roots, self.step = made
        by_path = dict(port_variables(roots))
        self.kept = {name: by_path.get(path) for name, path in mapping.items() if path is not None and not maps.is_cell(path)}
        for scope, entry in mapping.items():
            if maps.is_cell(entry):
                self.kept.update(_views(scope, entry, by_path))
        self.arguments, self.widen = arguments, widen
        self.draws = Draws()

    def run(self, runs, states, guarded, found):
        """The trace of the port's steps over ``runs`` (rows), each from ``states[i]`` when not None;
        or (None, a DrawMismatch's words, the step it happened at)."""
        import tensorflow as tf
        cast = _widened if self.widen else (lambda value: value)
        rows = []
        try:
            with self.draws.serving():
                for run, state in zip(runs, states):
                    if state is not None:
                        for name, var in self.kept.items():
                            var.assign(cast(state[name]))
                    feeds = {self.arguments[f["name"]]: tf.constant(cast(f["value"]))
                             for f in _inputs(run) if f["name"] in self.arguments}
                    draws = [{**r, "value": cast(r["value"])} for r in run["random"]]
                    with self.draws.run(draws):
                        returned = guarded(f"the port's step (training run {run['step']})", self.step, **feeds)
                        found["unused_draws"].update(self.draws.unused())
                    fields, unknown = _returned_fields(returned, run, "the port's step")
                    found["unknown"].update(unknown)
                    rows.append({**{name: var.numpy() for name, var in self.kept.items()}, **fields})
        except DrawMismatch as error:
            return None, str(error), len(rows) + 1
        return {field: np.stack([row[field] for row in rows]) for field in rows[0]}, None, None


def _views(scope, entry, by_path):
    """{TF1 name: a view of it} for a cell entry (the names ``cells.consumed`` gives): the cell's
    variables through its Keras weights (``cells.forget_bias`` folded), each slot's through its
    three slots (nothing folded); None where the port has no variable at a path."""
    views = {}
    for suffix in [None, *(entry.get("slots") or {})]:
        weights = {w: by_path.get(p) for (s, w), p in maps.cell_paths(entry).items() if s == suffix}
        made = None if any(w is None for w in weights.values()) else rnn_cells.tf1_views(
            entry["cell"], weights, cells.forget_bias(entry) if suffix is None else 0.0)
        views.update({name: made and made[variable]
                      for name, (s, variable) in cells.consumed(scope, entry).items() if s == suffix})
    return views


def takes_dtype(make_port):
    try:
        return "dtype" in inspect.signature(make_port).parameters
    except (TypeError, ValueError):
        return False


def replay(recording, make_port, given_map=None, tolerance_of=lambda mode: BIT_IDENTICAL, guarded=None):
    """The verdicts of the port ``make_port`` against ``recording`` (``recording.load``'s): a dict
    with "teacher_forced" and "free_running" (``Verdict``), "confirmation" (the float64 one, or
    None), "mode", "map", "how", "feeds", "steps", "not_compared" (fetched values the step does not
    return), "unknown_returned" (names the step returned that no fetch has), "unused_draws", and
    "reference" (the TF1 trace compared: the bounds a measurement writes are checked against it).
    ``tolerance_of(mode)`` bounds the teacher-forced updates; a bound of the cause "reformulation"
    passes only where the float64 confirmation does (``make_port(dtype="float64")`` builds the port in
    float64; a ``make_port`` without ``dtype`` cannot be confirmed). ``guarded(which, function,
    *args)`` runs the user's code (``tfparity.check.specs``), plain calls by default."""
    guarded = guarded or (lambda which, function, *args, **kwargs: function(*args, **kwargs))
    session, runs = training_runs(recording)
    if not runs:
        raise ReplayError("the recording has no training run (no Session.run that wrote a variable after the "
                          "initializer): nothing to replay")
    made = _port_made(guarded("make_port", make_port))
    tolerance = tolerance_of(mode_of(made[1]))
    mapping, how = name_map(session["variables"], port_variables(made[0]), given_map)
    arguments = feed_names([f["name"] for f in _inputs(runs[0])], made[1])
    port = _Port(made, mapping, arguments)
    initial = {v["name"]: v["value"] for v in session["variables"]}
    before = [initial] + [{v["name"]: v["value"] for v in run["variables"]} for run in runs[:-1]]
    after = [{v["name"]: v["value"] for v in run["variables"]} for run in runs]
    desired = {name: np.stack([state[name] for state in after]) for name in port.kept}
    found = {"unused_draws": set(), "unknown": set()}
    forced, forced_draw, forced_at = port.run(runs, before, guarded, found)
    # A port of its own for the trajectory: state the map leaves out (a Keras optimizer's step count)
    # starts afresh, as the TF1 run's did, not where the teacher-forced steps left it.
    fresh = _Port(_port_made(guarded("make_port", make_port)), mapping, arguments)
    free, free_draw, free_at = fresh.run(runs, [initial] + [None] * (len(runs) - 1), guarded, found)
    fetched = {}
    for run in runs:  # the fetched values the step returned, as the TF1 run fetched them (once a run:
        for name, value in {f["name"]: f["value"] for f in reversed(_fetch_values(run))}.items():  # hooks fetch a loss again)
            fetched.setdefault(FETCH + name, []).append(value)
    compared = set(forced or {}) | set(free or {})
    desired.update({field: np.stack(values) for field, values in fetched.items() if field in compared})
    local = _verdict(desired, forced, forced_draw, forced_at, tolerance, scaled=True)
    confirmation = None
    if forced is not None and local.status != "bit-identical" and not (local.first_mismatch or {}).get("kind"):
        confirmation = _confirm(make_port, mapping, arguments, runs, before, desired, forced, guarded)
        if local.status == "within" and REFORMULATION in local.causes and not confirmation["ok"]:
            local = dataclasses.replace(local, status="mismatch", first_mismatch={
                "kind": "unconfirmed", "field": confirmation.get("field"), "detail": confirmation["detail"]})
    trajectory = _verdict(desired, free, free_draw, free_at,
                          Tolerance(0, 0.0, tolerance.causes, differs=local.status == "within"), scaled=False)
    not_compared = [name[len(FETCH):] for name in fetched if name not in compared]
    return {"teacher_forced": local, "free_running": trajectory, "confirmation": confirmation,
            "mode": mode_of(made[1]), "map": mapping, "how": how, "feeds": arguments, "steps": len(runs),
            "not_compared": not_compared, "unknown_returned": sorted(found["unknown"]),
            "unused_draws": sorted(found["unused_draws"]), "reference": desired}


def _port_made(made):
    if not (isinstance(made, tuple) and len(made) == 2 and isinstance(made[0], dict) and callable(made[1])):
        raise ReplayError(f"make_port returned {type(made).__name__}, not (roots: {{name: object}}, step)")
    return made


def _confirm(make_port, mapping, arguments, runs, before, desired, forced, guarded):
    """The float64 confirmation of the teacher-forced updates (``tfparity.core.confirm``): the port
    made again with ``dtype="float64"``, each step taken from the TF1 state cast to float64."""
    if not takes_dtype(make_port):
        return {"ok": False, "detail": "cannot be checked in float64: make_port takes no dtype (make_port(dtype=None) "
                                       "building its variables in that dtype when given)"}
    port = _Port(_port_made(guarded("make_port(dtype='float64')", make_port, dtype="float64")), mapping, arguments, widen=True)
    if any(var is None for var in port.kept.values()):
        return {"ok": False, "detail": "cannot be checked in float64: make_port(dtype='float64') has not the same paths"}
    exact, problem, _ = port.run(runs, before, guarded, {"unused_draws": set(), "unknown": set()})
    if exact is None:
        return {"ok": False, "detail": f"cannot be checked in float64: {problem}"}
    return confirm_rows(desired, forced, exact, list(range(1, len(runs) + 1)))


def bound_for(bounds, mode, recording):
    """The bound for ``mode`` from ``bounds`` ({mode: [Bound]}, a bounds file's) whose causes acted
    where ``recording`` was made: the port runs here, eagerly or traced; the TF1 program ran in a
    Session there, with oneDNN and grappler's passes as its record says. A reformulation bound passes
    only where the float64 confirmation does (``replay``)."""
    active = {"onednn": bool(recording["machine"].get("onednn")), **recording["grappler"], REFORMULATION: True}
    here = [b for b in bounds.get(mode, ()) if active.get(b.cause, False)]
    if not here:
        return BIT_IDENTICAL
    return Tolerance(max(b.ulp for b in here), max(b.atol for b in here), tuple(b.cause for b in here))


def _verdict(desired, actual, draw_problem, at, tolerance, scaled):
    if draw_problem is not None:
        place = {"kind": "draw", "step": at, "field": None, "detail": draw_problem}
        return Verdict("mismatch", np.inf, np.inf, tolerance.ulp, tolerance.atol, place, place)
    return compare(desired, actual, tolerance.ulp, tolerance.atol, tolerance.causes,
                   differs=tolerance.differs, scaled=scaled, series=())
