"""Running a TF1 script as written: as ``__main__``, with its own argv and its folder first on
``sys.path`` (as ``python script.py ARGS`` would), under the shims of ``tfparity.record.shims``.

TF1's graph mode (``tf.compat.v1.disable_v2_behavior()``) and the shims last for the script's run
only: afterwards ``sys.modules`` (the shims, and the modules the script imported that hold one),
``sys.argv``, ``sys.path``, the working directory, the environment, NumPy's global generator,
the absl flags the script defined, TensorFlow's log level, its default graph and (when it was on)
v2 behaviour are as they were. ``TF_USE_LEGACY_KERAS`` is never set: Keras 2 is served by its
package, tf-keras, directly.
"""
import contextlib
import os
import random
import runpy
import sys
import types

from tfparity.record import shims
from tfparity.record.shims import Unserved  # noqa: F401  (part of run_script's contract)


class NotTheScripts(Exception):
    """Raised by tfparity's own code inside the script's run (the recorder's interception): its
    failure, passed on as it is, never blamed on the script."""


class ScriptFailed(Exception):
    """The script raised, or exited with a status other than 0: ``error`` is what it raised (its
    traceback is the script's), ``how`` says what happened in words."""

    def __init__(self, script, error, how=None):
        how = how or f"{type(error).__name__}: {error}"
        super().__init__(f"{script}: {how}")
        self.script, self.error, self.how = script, error, how


def run_script(path, argv=(), within=contextlib.nullcontext):
    """Run the TF1 script at ``path`` with ``argv`` as its arguments under the legacy runtime.

    ``within()`` is a context entered once the runtime is in place (graph mode on, a fresh default
    graph) and left before it is taken down: the recorder's interception. Returns when the script
    ends (or exits with status 0 or None, as ``tf.app.run`` does). Raises
    ``Unserved`` when it uses what the runtime cannot serve (one line: the symbol and what to do)
    and ``ScriptFailed`` when its own code raised or exited with another status."""
    import tensorflow as tf
    path = os.path.abspath(path)
    with _scoped(tf, path, argv), within():
        try:
            runpy.run_path(path, run_name="__main__")
        except (Unserved, NotTheScripts):
            raise
        except SystemExit as error:
            if error.code not in (0, None):
                raise ScriptFailed(path, error, f"it exited with sys.exit({error.code!r})") from error
        except Exception as error:
            unserved = _unserved_cause(error)
            if unserved is not None:  # raised inside a library the script called, and wrapped there
                raise unserved from None
            if type(error).__name__ == "MnistError":  # input_data's MNIST is not here: bad input, in one line
                raise Unserved("input_data.read_data_sets", f"{error}; set MNIST_DIR to a folder with MNIST's four "
                               "IDX .gz files", environment=True) from None
            raise ScriptFailed(path, error) from error


def _unserved_cause(error):
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, Unserved):
            return error
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return None


@contextlib.contextmanager
def _scoped(tf, path, argv):
    import numpy as np
    from absl import flags
    before = set(sys.modules)
    # An import of a submodule sets it on its parent module ("tensorflow.compat.v1.logging" on
    # compat.v1, in place of the API's own): each TensorFlow module's names, whose modules are put back.
    names = {id(module): (module, dict(vars(module))) for name, module in list(sys.modules.items())
             if name.startswith("tensorflow") and isinstance(module, types.ModuleType)}
    saved = sys.argv, list(sys.path), os.getcwd(), dict(os.environ), np.random.get_state(), random.getstate()
    verbosity = tf.compat.v1.logging.get_verbosity()
    defined, parsed = set(flags.FLAGS), flags.FLAGS.is_parsed()
    v2_on = tf.executing_eagerly() and tf.__internal__.tf2.enabled()
    shims.REAL["tensorflow"] = sys.modules["tensorflow"]
    made = shims.modules()
    saved_modules = {name: sys.modules.get(name) for name in ("__main__", *made)}
    finder = shims.Finder(made)
    tf.compat.v1.reset_default_graph()
    with shims.notices_held():  # its deprecation notice would be the runtime's, not the script's
        tf.compat.v1.disable_v2_behavior()
    sys.argv = [path, *argv]
    sys.path[0:0] = [os.path.dirname(path)]
    sys.modules.update(made)
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)
        for module, held in names.values():
            for child, value in list(vars(module).items()):
                if isinstance(value, types.ModuleType) and child in held and held[child] is not value:
                    setattr(module, child, held[child])
        for name in set(sys.modules) - before:
            if name in finder.shims or _holds_a_shim(sys.modules[name], path):
                del sys.modules[name]
        for name, module in saved_modules.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
        shims.REAL.clear()
        sys.argv, sys.path[:] = saved[0], saved[1]
        os.chdir(saved[2])
        os.environ.clear()
        os.environ.update(saved[3])
        np.random.set_state(saved[4])
        random.setstate(saved[5])
        for name in set(flags.FLAGS) - defined:
            delattr(flags.FLAGS, name)
        if not parsed:
            flags.FLAGS.unparse_flags()
        tf.compat.v1.logging.set_verbosity(verbosity)
        tf.compat.v1.reset_default_graph()  # the script's graph goes, and with it graph mode's hold
        if v2_on:
            tf.compat.v1.enable_v2_behavior()


def _holds_a_shim(module, script):
    """A module the script's run imported that was made against the shim: one of the script's
    folder, or one whose names include a shim module."""
    folder = os.path.dirname(script) + os.sep
    if (getattr(module, "__file__", None) or "").startswith(folder):
        return True
    return any(type(value) is shims.LegacyModule for value in list(getattr(module, "__dict__", {}).values()))
