"""The ``tensorflow`` a TF1 script imports under the runtime: compat.v1's attributes, and the parts
TF 2 dropped served by the libraries that kept them.

``modules()`` gives the module objects to put in ``sys.modules`` for the script's run, by name.
Each looks an attribute up in what serves it (loaded on first use, with the real ``tensorflow`` in
``sys.modules`` so a library never keeps the shim), then in its base module of ``tf.compat.v1``;
what neither has raises ``Unserved`` (an ``AttributeError``, or an ``ImportError`` for an import,
so a script's own fallback still works) naming the TF1 symbol and what to do in one line.

Served here (tf-keras 2.21 and tf-slim 1.1, ``pip install 'tfparity[legacy]' && pip install --no-deps 'tf-keras==2.21.*'``):
``tf.contrib.rnn`` and ``tf.nn.rnn_cell``: tf-keras's legacy cells and wrappers (its
``__internal__.legacy.rnn_cell``), with ``static_rnn`` and ``static_bidirectional_rnn`` of
compat.v1; ``tf.layers``: tf-keras's ``__internal__.legacy.layers``; ``tf.keras``: tf-keras's v1 API
(TF1's ``tf.keras`` was Keras 2); ``tf.contrib.slim`` and ``tf.contrib.layers``: ``tf_slim``;
``tensorflow.examples.tutorials.mnist.input_data``: ``tfparity.record.input_data``. ``tf.app``,
``tf.flags``, ``tf.logging`` and ``tf.gfile`` are compat.v1's, which are TF1's.
"""
import contextlib
import importlib
import importlib.abc
import importlib.util
import logging
import sys
import types

LEGACY = "pip install 'tfparity[legacy]' && pip install --no-deps 'tf-keras==2.21.*'"
# Symbols with a particular answer; any other missing one gets a general line.
NOT_SERVED = {
    "tf.enable_eager_execution": "a script that turns eager execution on is not a graph program: it runs on "
                                 "TensorFlow 2 as it is (python SCRIPT), no legacy runtime needed",
    "tf.contrib.eager": "tf.contrib.eager is TensorFlow 2's eager API under an old name: the script runs on "
                        "TensorFlow 2 once it uses tf.* for tfe.* (tfparity scan names each)",
}
# What the installed TensorFlow's compat.v1 lacks because a later release removed it: the answer
# when it does (under TensorFlow 2.15, tfparity record --runtime 2.15, compat.v1 serves it).
REMOVED = {
    "tf.estimator": "tf.estimator was removed in TensorFlow 2.16: record the script under TensorFlow 2.15, "
                    "tfparity record --runtime 2.15 --out FILE -- SCRIPT",
}
NOT_IN_CONTRIB = ("tf.contrib was removed in TensorFlow 2.0 and no installed library serves this part: "
                  "port it (tfparity scan names a replacement where there is one)")
NOT_IN_COMPAT = "TensorFlow {version}'s tf.compat.v1 has no such symbol and nothing here serves it"
# compat.v1.nn functions TF1 also exported as tf.contrib.rnn.*
CONTRIB_RNN_FUNCTIONS = ("static_rnn", "static_bidirectional_rnn", "static_state_saving_rnn")
SHIM = "__tfparity_legacy__"  # set on every shim module, so that what holds one can be told


class Unserved(Exception):
    """A TF1 symbol the runtime cannot serve; the message is one line: the symbol, then what to do."""

    def __init__(self, symbol, remedy, environment=False):
        super().__init__(f"{symbol}: {remedy}")
        self.symbol, self.remedy, self.environment = symbol, remedy, environment


class UnservedAttribute(Unserved, AttributeError):
    pass


class UnservedImport(Unserved, ImportError):
    pass


@contextlib.contextmanager
def real_tensorflow():
    """The real ``tensorflow`` (and its ``tensorflow.*``) in ``sys.modules`` for the block, the shims
    put back after: a library imported meanwhile binds the real one."""
    shims = {name: module for name, module in sys.modules.items() if getattr(module, SHIM, False)}
    for name in shims:
        del sys.modules[name]
    sys.modules["tensorflow"] = REAL["tensorflow"]
    try:
        yield
    finally:
        sys.modules.update(shims)


REAL = {}  # "tensorflow": the real module, while shims are installed


@contextlib.contextmanager
def notices_held():
    """TensorFlow's Python warnings held back in the block: what the runtime itself does (loading a
    library, switching TF1's behaviour on) is not the script's to be told about."""
    logger = logging.getLogger("tensorflow")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _load(symbol, library, module_name):
    """``module_name`` imported with the real tensorflow; ``Unserved`` (environment) when ``library``
    is not installed."""
    with real_tensorflow(), notices_held():
        try:
            return importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name and module_name.startswith(error.name):
                raise UnservedImport(symbol, f"served by {library}, which is not installed: {LEGACY}",
                                     environment=True) from None
            raise


class LegacyModule(types.ModuleType):
    """A module of the shim: ``served`` attributes (name -> function giving the value, called once),
    then ``base``'s (a function giving the module), else ``Unserved``."""

    def __init__(self, name, symbol, base=None, served=None, missing=None, path=None, package=False):
        super().__init__(name)
        setattr(self, SHIM, True)
        self.__symbol, self.__base, self.__served = symbol, base, dict(served or {})
        self.__missing = missing
        if path is not None or package:
            self.__path__ = path or []

    def __getattr__(self, attribute):
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        if attribute in self.__served:
            value = self.__served[attribute]()
            setattr(self, attribute, value)
            return value
        symbol = f"{self.__symbol}.{attribute}"
        if symbol in NOT_SERVED:
            raise UnservedAttribute(symbol, NOT_SERVED[symbol])
        with notices_held():  # a library's first use of a moved TF module warns: not the script's doing
            base = self.__base() if self.__base is not None else None
            if base is not None and hasattr(base, attribute):
                return getattr(base, attribute)
        raise UnservedAttribute(symbol, REMOVED.get(symbol) or self.__missing
                                or NOT_IN_COMPAT.format(version=REAL["tensorflow"].__version__))

    def __dir__(self):
        base = self.__base() if self.__base is not None else None
        return sorted(set(super().__dir__()) | set(self.__served) | set(dir(base) if base is not None else ()))


def _once(make):
    """``make`` called on first use only; its value kept."""
    kept = []

    def value():
        if not kept:
            kept.append(make())
        return kept[0]
    return value


def _keras2(tensorflow):
    """The package that serves Keras 2 and its distribution's name: TensorFlow's own ``keras`` up to
    2.15 (``tfparity record --runtime 2.15``), tf-keras from 2.16 on (Keras 3 took the name)."""
    if tuple(int(part) for part in tensorflow.__version__.split(".")[:2]) < (2, 16):
        return "keras", "keras"
    return "tf_keras", "tf-keras"


def modules():
    """The shim's modules by their name in ``sys.modules``; ``REAL["tensorflow"]`` must be set."""
    real = REAL["tensorflow"]
    v1 = real.compat.v1
    keras2, library = _keras2(real)
    cells = _once(lambda: _load("tf.nn.rnn_cell", library, f"{keras2}.api._v1.keras.__internal__.legacy.rnn_cell"))
    slim = _once(lambda: _load("tf.contrib.slim", "tf-slim", "tf_slim"))
    made = {}

    def module(name, symbol, base=None, served=None, missing=None, package=False):
        made[name] = LegacyModule(name, symbol, base, served, missing, [] if package else None)
        return lambda: made[name]

    rnn_functions = {name: (lambda name=name: getattr(v1.nn, name)) for name in CONTRIB_RNN_FUNCTIONS}
    contrib = {"rnn": module("tensorflow.contrib.rnn", "tf.contrib.rnn", cells, rnn_functions, NOT_IN_CONTRIB),
               "slim": module("tensorflow.contrib.slim", "tf.contrib.slim", slim, missing=NOT_IN_CONTRIB),
               "layers": module("tensorflow.contrib.layers", "tf.contrib.layers", slim, missing=NOT_IN_CONTRIB)}
    input_data = lambda: importlib.import_module("tfparity.record.input_data")  # noqa: E731
    mnist = module("tensorflow.examples.tutorials.mnist", "tensorflow.examples.tutorials.mnist",
                   served={"input_data": input_data}, package=True)
    tutorials = module("tensorflow.examples.tutorials", "tensorflow.examples.tutorials", served={"mnist": mnist},
                       package=True)
    served = {
        "contrib": module("tensorflow.contrib", "tf.contrib", served=contrib, missing=NOT_IN_CONTRIB, package=True),
        "examples": module("tensorflow.examples", "tensorflow.examples", served={"tutorials": tutorials}, package=True),
        "nn": module("tensorflow.nn", "tf.nn", lambda: v1.nn,
                     {"rnn_cell": module("tensorflow.nn.rnn_cell", "tf.nn.rnn_cell", cells)}),
        "layers": module("tensorflow.layers", "tf.layers",
                         _once(lambda: _load("tf.layers", library, f"{keras2}.api._v1.keras.__internal__.legacy.layers"))),
        "keras": module("tensorflow.keras", "tf.keras", _once(lambda: _load("tf.keras", library, f"{keras2}.api._v1.keras")),
                        package=True),
    }
    made["tensorflow"] = LegacyModule("tensorflow", "tf", lambda: v1, served, path=list(real.__path__))
    made["tensorflow.examples.tutorials.mnist.input_data"] = input_data()
    return made


class Finder(importlib.abc.MetaPathFinder):
    """Imports below the shim's modules: a part a shim serves (``import tensorflow.keras.layers``)
    comes as a shim of its own; tf.estimator (where TensorFlow has none) and an unknown part of
    tf.contrib are ``Unserved``;
    the real tensorflow's own submodules (``tensorflow.python``) are left to its path."""

    def __init__(self, shims):
        self.shims = shims

    def find_spec(self, fullname, path=None, target=None):
        parent, _, last = fullname.rpartition(".")
        if parent not in self.shims or (parent == "tensorflow" and fullname != "tensorflow.estimator"):
            return None
        try:
            value = getattr(self.shims[parent], last)
        except Unserved as unserved:
            raise UnservedImport(unserved.symbol, unserved.remedy, unserved.environment) from None
        if not isinstance(value, types.ModuleType):
            return None  # an attribute, not a module: the import fails as it would have in TF1
        if not getattr(value, SHIM, False) and value.__name__ != "tfparity.record.input_data":
            value = LegacyModule(fullname, fullname.replace("tensorflow.", "tf.", 1), lambda: value, package=True)
        self.shims[fullname] = value
        return importlib.util.spec_from_loader(fullname, _Served(value))


class _Served(importlib.abc.Loader):
    """A loader giving a shim module made already."""

    def __init__(self, module):
        self.module = module

    def create_module(self, spec):
        return self.module

    def exec_module(self, module):
        pass
