"""Recording a TF1 script's run: its ``Session.run`` calls intercepted under the legacy runtime.

``record(path, argv, steps, stop)`` runs the script (``runtime.run_script``) with
``BaseSession.run`` replaced for the run, which covers ``tf.Session``, ``tf.InteractiveSession``,
``Tensor.eval``/``Operation.run`` (they call the default session's ``run``) and ``MonitoredSession``
(its wrappers and hooks end in a ``Session``'s ``run``: each of those calls is recorded with the
fetches the hooks merged in). What each call keeps is in ``tfparity.record.recording``; the rules:

- **Random ops**: the run's fetches get the outputs of the random ops (``RANDOM_OPS``) the run
  evaluates: those the fetched tensors and ops depend on (inputs and control inputs, stopping at
  fed tensors), by op name and type, in the order the script made them. One run evaluates each op once, so a random op fetched alongside
  is the draw its consumers got; an op not evaluated anyway is never fetched (that would advance
  its generator). A random op inside a ``tf.cond`` or ``tf.while_loop`` cannot be fetched from
  outside it: its name is listed as unrecorded.
- **Batches from the graph**: the outputs of the queue dequeues and tf.data iterators (``DEQUEUING``)
  the run evaluates are fetched beside it, as random draws are: the batch a training run took from
  its input pipeline, which no feed shows.
- **Initial values**: after each run, until it succeeds, every global variable of the session's
  graph is read (in a run of its own, fetching the variables themselves: no op is added to the
  script's graph, which would shift the op-level seeds of the ops it makes next). The first read
  that succeeds is after the initializer ran (or a checkpoint was restored).
- **A training run**: a run, after the initial values, whose fetched ops depend on an op that
  writes a global variable (``ASSIGNING``: ``Apply*``, ``ResourceApply*``, ``Assign*``, ``Scatter*``,
  ...) other than a variable's own initializer (a metric's update op writes local variables). After each of the first ``steps`` of them, every
  global variable is read again. After the last, nothing more is recorded and the script goes on;
  with ``stop`` it is ended there (``record`` returns as if it had finished).
- **Seeds**: every ``tf.Graph`` made during the run, and the default one, gets the graph-level seed
  ``SEED`` when made; a script's own ``tf.set_random_seed`` replaces it for the ops made after it,
  as in TF1, but ``set_random_seed(None)`` (which Estimator calls) leaves ``SEED``.
- **Threads**: only the runs of the thread that started the script are recorded; an input
  pipeline's threads (queue runners) run theirs as they are, in an order only the scheduler knows. NumPy's global generator is seeded with ``SEED`` before the script starts (TF1's
  ``input_data`` reseeds it from the graph-level seed; a script's unseeded ``np.random`` draws
  would otherwise differ). Python's ``random`` is not seeded. So one script recorded twice on
  one machine gives the same file, byte for byte, unless it draws from fresh entropy: Estimator's
  ``numpy_input_fn(shuffle=True)`` calls ``random.seed(None)``
  (tensorflow_estimator's ``feeding_functions.py``), and a queue with several threads dequeues in
  the scheduler's order; such recordings differ run to run, and each holds the batches its run saw.
"""
import contextlib
import hashlib
import os
import re
import statistics
import threading
import time

import numpy as np

from tfparity.core.tolerances import GRAPPLER
from tfparity.record import recording, runtime

SEED = 1  # any fixed number: the recording must be reproducible, not tuned
DEFAULT_STEPS = 3  # enough to see an update's effect twice, small enough to record a large model
# Stateful random ops (stateless ones are functions of their inputs, recorded as feeds or fetches).
RANDOM_OPS = frozenset({
    "RandomUniform", "RandomUniformInt", "RandomStandardNormal", "TruncatedNormal",
    "ParameterizedTruncatedNormal", "RandomShuffle", "Multinomial", "RandomGamma", "RandomPoisson",
    "RandomPoissonV2", "RandomCrop", "StatefulStandardNormalV2", "StatefulUniform", "StatefulUniformInt",
    "StatefulUniformFullInt", "StatefulTruncatedNormal", "StatefulRandomBinomial"})
# What hands a run its batch inside the graph: a queue's dequeue (queue runners, Estimator's
# numpy_input_fn) and a tf.data iterator's next element. Their outputs are the run's inputs.
DEQUEUING = frozenset({"QueueDequeueV2", "QueueDequeueManyV2", "QueueDequeueUpToV2", "QueueDequeue",
                       "QueueDequeueMany", "QueueDequeueUpTo", "IteratorGetNext", "IteratorGetNextSync"})
ASSIGNING = re.compile(r"(Resource)?(Sparse)?Apply\w+|Assign(Add|Sub)?(VariableOp)?|(Resource)?Scatter\w+")


class Misread(runtime.NotTheScripts):
    """A ``Session.run`` TensorFlow runs but the recorder cannot read: tfparity's failure, not the script's."""


class Stop(BaseException):
    """``--stop``: the script ends after the last recorded training run. Not an Exception, so that
    the script's own ``except Exception`` does not take it for an error and go on."""


def record(path, argv=(), steps=DEFAULT_STEPS, stop=False, timing=None, timed_stop=False):
    """Run the script at ``path`` under the legacy runtime and record it; returns ``(index,
    arrays)`` for ``recording.to_bytes``. Raises what ``runtime.run_script`` raises. ``timing``, a
    dict, gets the seconds of each recorded training run ("recorded") and of the first ``steps``
    training runs after them ("unrecorded": none with ``stop``): never in the recording, which
    would then differ from run to run. ``timed_stop``: the script ends once those are timed (the
    bench's measurement of the overhead)."""
    recorder = Recorder(steps, stop, timed_stop)
    try:
        runtime.run_script(path, argv, within=recorder.intercepting)
    except Stop:
        pass
    if timing is not None:
        timing.update(recorder.timing)
    return recorder.index(os.path.basename(path), list(argv)), recorder.arrays


def overhead(timing):
    """(a recorded training run's seconds, an unrecorded one's, their ratio): the medians of ``record``'s
    ``timing``; None unless both were timed."""
    if not (timing.get("recorded") and timing.get("unrecorded")):
        return None
    recorded, unrecorded = (statistics.median(timing[key]) for key in ("recorded", "unrecorded"))
    return recorded, unrecorded, recorded / unrecorded


class Recorder:
    def __init__(self, steps, stop, timed_stop=False):
        self.steps, self.stop, self.timed_stop = steps, stop, timed_stop
        self.sessions, self.runs, self.arrays = [], [], {}
        self.trained = 0
        self._kept = {}  # (dtype, shape, digest of the bytes) -> the member that holds that array
        # Seconds per training run: each recorded one (the run and the recording), and the first
        # ``steps`` after them, run as they are (the overhead's denominator, when the script goes on).
        self.timing = {"recorded": [], "unrecorded": []}
        self._held = {}  # id(session) -> (session, its entry); held, so that no id is reused
        self._plans = {}

    def after(self, real_run, session, fetches, feed_dict, options, run_metadata):
        """A run after the last recorded one: run as it is; the first ``steps`` training runs timed
        (what the recorded ones cost without the recording: ``timing``)."""
        if len(self.timing["unrecorded"]) >= self.steps:
            return real_run(session, fetches, feed_dict, options, run_metadata)
        start = time.perf_counter()
        result = real_run(session, fetches, feed_dict, options, run_metadata)
        seconds = time.perf_counter() - start
        try:
            training = self._plan(session.graph, fetches, feed_dict)["training"]
        except Exception:  # timing only: a run the recorder cannot read is not timed
            training = False
        if training:
            self.timing["unrecorded"].append(seconds)
            if self.timed_stop and len(self.timing["unrecorded"]) >= self.steps:
                raise Stop()
        return result

    @property
    def done(self):
        return self.trained >= self.steps

    @contextlib.contextmanager
    def intercepting(self):
        import tensorflow as tf
        from tensorflow.python.client.session import BaseSession
        from tensorflow.python.framework import ops
        real_run, real_init, real_seed = BaseSession.run, ops.Graph.__init__, ops.Graph.seed
        recorder, main = self, threading.current_thread()

        def run(session, fetches, feed_dict=None, options=None, run_metadata=None):
            if threading.current_thread() is not main:  # an input pipeline's thread (queue runners): its
                return real_run(session, fetches, feed_dict, options, run_metadata)  # order is the scheduler's
            if recorder.done:
                return recorder.after(real_run, session, fetches, feed_dict, options, run_metadata)
            return recorder.run(real_run, session, fetches, feed_dict, options, run_metadata)

        def init(graph, *args, **kwargs):
            real_init(graph, *args, **kwargs)
            if type(graph) is ops.Graph and graph.seed is None:
                graph.seed = SEED

        state = np.random.get_state()
        np.random.seed(SEED)
        graph = tf.compat.v1.get_default_graph()
        if graph.seed is None:
            graph.seed = SEED
        def seeded(graph, seed):  # set_random_seed(None) (Estimator calls it) keeps the recording's seed
            real_seed.fset(graph, SEED if seed is None else seed)

        BaseSession.run, ops.Graph.__init__, ops.Graph.seed = run, init, real_seed.setter(seeded)
        try:
            yield
        finally:
            BaseSession.run, ops.Graph.__init__, ops.Graph.seed = real_run, real_init, real_seed
            np.random.set_state(state)
            self._held.clear()

    # --- one Session.run

    def run(self, real_run, session, fetches, feed_dict, options, run_metadata):
        import tensorflow as tf
        start = time.perf_counter()
        entry = self._session(session)
        try:
            plan = self._plan(session.graph, fetches, feed_dict)
        except Exception as error:  # a fetch or feed TensorFlow refuses: the run raises the script's error in its words
            misread = error
        else:
            misread = None
        if misread is not None:
            real_run(session, fetches, feed_dict, options, run_metadata)
            raise Misread(f"tfparity could not read a Session.run that TensorFlow runs ({type(misread).__name__}: "
                          f"{misread}): please report it") from misread
        if plan["random"] or plan["dequeued"]:
            both = real_run(session, {"script": fetches, "random": plan["random"], "dequeued": plan["dequeued"]},
                            feed_dict, options, run_metadata)
            result, drawn, dequeued = both["script"], both["random"], both["dequeued"]
        else:
            result, drawn, dequeued = real_run(session, fetches, feed_dict, options, run_metadata), [], []
        training = plan["training"] and entry["initialized_after_run"] is not None
        self.runs.append({
            "session": entry["number"],
            "feeds": [{"name": name, "value": self._keep(value)} for name, value in self._feeds(session.graph, feed_dict)],
            "fetches": [{"path": path, "name": name, "value": None if value is None else self._keep(value)}
                        for path, name, value in _fetched(session.graph, fetches, result)],
            "random": [{"name": tensor.op.name, "type": tensor.op.type, "value": self._keep(value)}
                       for tensor, value in zip(plan["random"], drawn)],
            "unrecorded_random": plan["unrecorded"],
            "dequeued": [{"name": tensor.name, "value": self._keep(value)} for tensor, value in zip(plan["dequeued"], dequeued)],
            "training": training, "step": None, "variables": None})
        if entry["initialized_after_run"] is None:
            entry["graph_variables"] = session.graph.get_collection(tf.compat.v1.GraphKeys.GLOBAL_VARIABLES)
            values = _read(real_run, session, entry["graph_variables"]) if entry["graph_variables"] else None
            if values is not None:  # every variable initialized (a graph without any yet: not yet)
                entry["initialized_after_run"] = len(self.runs) - 1
                entry["variables"] = [{**_describe(v), "value": self._keep(value)}
                                      for v, value in zip(entry["graph_variables"], values)]
                entry["last"] = {state["name"]: state["value"] for state in entry["variables"]}
        elif training:
            self.trained += 1
            values = real_run(session, entry["graph_variables"])
            last = entry["last"]
            states = [{"name": v.op.name, "value": self._kept_state(value, last.get(v.op.name))}
                      for v, value in zip(entry["graph_variables"], values)]
            entry["last"] = {state["name"]: state["value"] for state in states}
            self.runs[-1].update(step=self.trained, variables=states)
            self.timing["recorded"].append(time.perf_counter() - start)
            if self.done and self.stop:
                raise Stop()
        return result

    def _keep(self, value):
        """The member name of ``value``: an array equal to one kept before (the same dtype, shape and
        bytes: a data set fed at every run, an initial value its draw) is kept once."""
        array = recording.storable(value)
        key = (array.dtype.str, array.shape, hashlib.blake2b(np.ascontiguousarray(array).data, digest_size=16).digest())
        if key not in self._kept:
            self._kept[key] = self._store(array)
        return self._kept[key]

    def _kept_state(self, value, previous):
        """The member name of a variable's value after a training run: its member before it when the
        run left it as it was (a frozen or non-trainable variable), else a member of its own (a
        trained value is new: not worth ``_keep``'s digest, which cost more than the step itself on
        the corpus's raw convolutional network)."""
        array = recording.storable(value)
        if previous is not None:
            kept = self.arrays[previous]
            if kept.dtype == array.dtype and kept.shape == array.shape and \
                    np.array_equal(np.ascontiguousarray(kept).view(np.uint8), np.ascontiguousarray(array).view(np.uint8)):
                return previous
        return self._store(array)

    def _store(self, array):
        name = f"a{len(self.arrays)}"
        self.arrays[name] = array
        return name

    def _session(self, session):
        held = self._held.get(id(session))
        if held is None:
            entry = {"number": len(self.sessions), "graph_seed": session.graph.seed, "initialized_after_run": None,
                     "last": {},
                     "variables": [], "graph_variables": []}
            self.sessions.append(entry)
            held = self._held[id(session)] = (session, entry)
        return held[1]

    def _plan(self, graph, fetches, feed_dict):
        """The random op outputs to fetch, those that cannot be, and whether the run trains: kept
        per graph, fetched names and fed names (what a run evaluates depends on nothing else)."""
        leaves = [_element(graph, f) for _, f in _leaves(fetches) if f is not None]
        leaves = [part for leaf in leaves for part in _parts(leaf)]
        fed = frozenset(name for name, _ in self._feeds(graph, feed_dict, values=False))
        key = (id(graph), tuple(leaf.name for leaf in leaves), fed)
        if key not in self._plans:
            self._plans[key] = _plan(graph, leaves, fed)
        return self._plans[key]

    @staticmethod
    def _feeds(graph, feed_dict, values=True):
        """(tensor name, value as the graph gets it) for each fed tensor."""
        for key, value in (feed_dict or {}).items():
            for subkey, subvalue in _subfeeds(key, value):
                tensor = graph.as_graph_element(subkey, allow_tensor=True, allow_operation=False)
                yield tensor.name, (np.asarray(subvalue, tensor.dtype.as_numpy_dtype) if values else None)

    def index(self, script, argv):
        import tensorflow as tf

        from tfparity.core import machine
        sessions = [{key: entry[key] for key in ("graph_seed", "initialized_after_run", "variables")}
                    for entry in self.sessions]
        return {"format": recording.FORMAT, "version": recording.VERSION, "script": script, "argv": argv,
                "tensorflow": tf.__version__, "machine": machine.fingerprint(), "grappler": {
                    cause: tf.config.optimizer.get_experimental_options().get(option, True)
                    for cause, option in GRAPPLER.items()},
                "seeds": {"graph": SEED, "numpy": SEED}, "steps": self.steps, "stop": self.stop,
                "trained": self.trained, "sessions": sessions, "runs": self.runs}


def _describe(variable):
    return {"name": variable.op.name, "shape": variable.shape.as_list(), "dtype": variable.dtype.base_dtype.name}


def _read(real_run, session, variables):
    """Every variable's value, or None while one is not initialized."""
    import tensorflow as tf
    try:
        return real_run(session, variables)
    except tf.errors.FailedPreconditionError:
        return None


def _subfeeds(key, value):
    """A feed_dict entry as (tensor or name, value) pairs: a tuple of placeholders takes a tuple of
    values, a SparseTensor its three components (as Session.run expands them)."""
    import tensorflow as tf
    if isinstance(key, (tuple, list)):
        for subkey, subvalue in zip(key, value):
            yield from _subfeeds(subkey, subvalue)
    elif isinstance(key, tf.compat.v1.SparseTensor):
        yield from zip((key.indices, key.values, key.dense_shape), tuple(value))
    else:
        yield key, value


def _key(key, number):
    """A dict key as a path part: a string or number as itself; an object (MonitoredSession keys its
    hooks' fetches by the hook) by its type and place, never its address, which changes run to run."""
    return str(key) if isinstance(key, (str, int)) else f"{type(key).__name__}#{number}"


def _leaves(fetches, path=()):
    """(path, fetch) of each leaf of a fetch structure (lists, tuples, namedtuples, dicts)."""
    if isinstance(fetches, dict):
        for number, (key, value) in enumerate(fetches.items()):
            yield from _leaves(value, (*path, _key(key, number)))
    elif isinstance(fetches, (list, tuple)):
        for number, value in enumerate(fetches):
            yield from _leaves(value, (*path, str(number)))
    else:
        yield "/".join(path), fetches


def _parts(element):
    """The tensors and ops a fetched element is made of (a SparseTensor's or IndexedSlices' tensors)."""
    if hasattr(element, "dense_shape"):
        return [t for t in (element.indices, element.values, element.dense_shape) if t is not None]
    return [element]


def _element(graph, fetch):
    """A fetch as the graph's element; an IndexedSlices (a sparse gradient), which the graph does not
    look up, as itself."""
    if hasattr(fetch, "dense_shape") and hasattr(fetch, "indices") and not hasattr(fetch, "to_sparse_tensor"):
        return fetch
    return graph.as_graph_element(fetch, allow_tensor=True, allow_operation=True)


def _fetched(graph, fetches, result, path=()):
    """(path, name, value) of each fetched leaf, walking the fetches and Session.run's result (the
    same structure) together; the value is None for an op."""
    if isinstance(fetches, dict):
        for number, (key, fetch) in enumerate(fetches.items()):
            yield from _fetched(graph, fetch, result[key], (*path, _key(key, number)))
    elif isinstance(fetches, (list, tuple)):
        for number, (fetch, value) in enumerate(zip(fetches, result)):
            yield from _fetched(graph, fetch, value, (*path, str(number)))
    else:
        element = _element(graph, fetches)
        if hasattr(element, "dense_shape"):  # a SparseTensorValue or IndexedSlicesValue: its arrays
            for part in ("indices", "values", "dense_shape"):
                tensor, array = getattr(element, part), getattr(result, part)
                if tensor is not None:
                    yield "/".join((*path, part)), tensor.name, array
        else:
            yield "/".join(path), element.name, result


def _plan(graph, leaves, fed):
    """What a run of ``leaves`` with ``fed`` tensors evaluates: its random ops (fetchable, and not)
    and whether it writes a variable other than by its initializer."""
    import tensorflow as tf
    initializers = {v.initializer.name for key in (tf.compat.v1.GraphKeys.GLOBAL_VARIABLES,
                                                   tf.compat.v1.GraphKeys.LOCAL_VARIABLES)
                    for v in graph.get_collection(key)}
    trained = {v.op.name for v in graph.get_collection(tf.compat.v1.GraphKeys.GLOBAL_VARIABLES)}
    stack = [leaf if isinstance(leaf, tf.Operation) else leaf.op for leaf in leaves]
    seen, random, unrecorded, dequeued, training = set(), [], [], [], False
    while stack:
        op = stack.pop()
        if op.name in seen:
            continue
        seen.add(op.name)
        if op.type in RANDOM_OPS:
            if op._get_control_flow_context() is None:
                random.append(op.outputs[0])
            else:
                unrecorded.append(op.name)
        if op.type in DEQUEUING and op._get_control_flow_context() is None:
            dequeued.extend(op.outputs)
        if ASSIGNING.fullmatch(op.type) and op.name not in initializers and op.inputs and \
                op.inputs[0].op.name in trained:  # a metric's update writes a local variable: not training
            training = True
        stack.extend(t.op for t in op.inputs if t.name not in fed)
        stack.extend(op.control_inputs)
    random.sort(key=lambda t: t.op._id)  # the order the script made them: the order a port draws in
    dequeued.sort(key=lambda t: (t.op._id, t.value_index))
    return {"random": random, "unrecorded": sorted(unrecorded), "dequeued": dequeued, "training": training}
