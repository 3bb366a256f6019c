"""A user's function named on the command line: ``module:function`` (imported from the current
directory and ``sys.path``) or ``path/to/file.py:function``; and the way back, a function to the
spec a fresh process can import it by.

Bad specs raise ``SpecError`` (one line: the user typed something that does not exist). Whatever
the user's own code does to stop (an exception, ``sys.exit``, ``os._exit``), while it is imported
here or called under ``running``, becomes ``UserCodeError`` naming which code it was: never a
silent end of the process, never a status the user's code chose. But for ``Reimport``: a module
whose top-level code would start tfparity again, importing it again without end
(``tfparity.core.fresh.importing``), is refused with one line.
"""
import atexit
import contextlib
import importlib
import importlib.util
import inspect
import os
import sys
import threading

from tfparity.core.exits import Exit

from tfparity.core import fresh
from tfparity.core.files import kind_of


# The contract's role of each function (tfparity.check.parity.check) and the option naming it.
ROLES = {"make_inputs": "inputs", "tf1_run": "tf1", "tf2_run": "tf2", "tf2_loop": "loop", "tf2_step": "step"}


class SpecError(ValueError):
    pass


class EagerOff(SpecError):
    """Eager execution found off for the whole process, where the TF2 port must run eagerly."""


def eager_on(which):
    """``EagerOff`` naming ``which`` (the code that ran last) when eager execution is off for the
    process: a TF1 program's ``disable_eager_execution()`` or ``disable_v2_behavior()`` lasts for
    the process, so the TF2 port would run as a graph and be compared as one. Call it outside any
    graph context (inside one, TensorFlow reports eager off by design)."""
    tf = sys.modules.get("tensorflow")
    if tf is not None and not tf.executing_eagerly():
        raise EagerOff(f"{which}, switched eager execution off for the whole process (tf.compat.v1."
                       "disable_eager_execution() or disable_v2_behavior()), so the TF2 port would run as a graph: "
                       "leave that call out; tfparity runs tf1_run in a tf.Graph() of its own "
                       "(the pitfall, measured: docs/pitfalls.md)")


class UserCodeError(Exception):
    """The user's own code failed or stopped the run: ``which`` names it (a function and its mode,
    or a module being imported); ``error`` is what it raised (None when it broke the contract
    without raising); ``how`` says what it did, in words."""

    def __init__(self, which, error, how=None):
        how = how or f"{type(error).__name__}: {error}"
        super().__init__(f"{which}: {how}")
        self.which, self.error, self.how = which, error, how


class Exited(BaseException):
    """``os._exit`` called by the user's code under ``running``: unwound instead, to be reported."""

    def __init__(self, status):
        super().__init__(status)
        self.status = status


@contextlib.contextmanager
def running(which):
    """Run the user's code ``which`` in the block: an exception it raises, ``sys.exit`` or
    ``os._exit`` becomes ``UserCodeError``. ``os._exit`` is unwound in the calling thread only; in
    another thread it ends the process with USER_CODE after one line naming ``which``, and a
    forked child's exits as asked. Ctrl-C (not an Exception) passes."""
    real, pid, thread = os._exit, os.getpid(), threading.get_ident()

    def _exit(status):
        if os.getpid() != pid:  # a forked child (multiprocessing ends its children so)
            real(status)
        if threading.get_ident() != thread:
            print(f"tfparity: error inside your own code, in {which}: a thread called os._exit({status!r}), "
                  "which ends the run: nothing was compared", file=sys.stderr, flush=True)
            atexit._run_exitfuncs()  # the end is ours now: the command's temporary folder goes too
            real(Exit.USER_CODE)
        raise Exited(status)

    os._exit = _exit
    try:
        yield
    except fresh.Recursion:  # not the user's code failing: tfparity refusing to start it again
        raise
    except Exception as error:
        raise UserCodeError(which, error) from error
    except SystemExit as error:
        raise UserCodeError(which, error, f"it called sys.exit({_code(error.code)}), which ends the run: "
                                          "nothing was compared") from error
    except Exited as error:
        raise UserCodeError(which, error, f"it called os._exit({error.status!r}), which ends the run at once: "
                                          "nothing was compared") from error
    finally:
        os._exit = real


def _code(code):
    return "" if code is None else repr(code)


def is_path(name):
    """Whether a spec's module part names a file (path/to/file.py) rather than a module."""
    return name.endswith(".py") or os.sep in name or "/" in name


class Reimport(SpecError, fresh.Recursion):
    """A module imported again by a process its own import started: one line, in that process
    (a fresh process's ``Recursion`` reaches its parent too)."""


def _locate(name, option):
    """(key, load, which): what the module is across processes (its file, or its name), how to import
    it and how to name it, found without running it (finding a dotted module imports its packages:
    the user's code, run under ``running``); SpecError when there is no such module."""
    if is_path(name):
        path = os.path.abspath(name)
        if not os.path.exists(path):
            raise SpecError(f"no file {name}")
        if not os.path.isfile(path):  # a named pipe would block the import, a device never end
            raise SpecError(f"{option} {name}: it is {kind_of(path)}, not a regular file")

        def load():
            module_name = os.path.splitext(os.path.basename(path))[0]
            spec = importlib.util.spec_from_file_location(module_name, path)
            module = importlib.util.module_from_spec(spec)
            sys.modules.setdefault(module_name, module)
            spec.loader.exec_module(module)
            return module
        return os.path.realpath(path), load, f"file {name}, imported for {option}"
    if "" not in sys.path and os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    which = f"module {name}, imported for {option}"
    with running(which):
        try:
            found = importlib.util.find_spec(name)
        except ModuleNotFoundError as error:
            if not _is_parent(error.name, name):  # a package of the user's imports what is not there
                raise
            found = None
        except ValueError:  # a module whose __spec__ is None
            found = None
    if found is None:
        raise SpecError(f"no module named {name!r} (from {os.getcwd()} or sys.path)")
    origin = found.origin
    key = os.path.realpath(origin) if origin and os.path.isfile(origin) else name
    return key, lambda: importlib.import_module(name), which


def _module(name, option):
    """The module, imported under ``running`` with the mark that lets a process it starts refuse to
    import it again."""
    key, load, which = _locate(name, option)
    try:
        with fresh.importing(key, name):
            with running(which):
                module = load()
    except fresh.Recursion as error:
        raise Reimport(str(error)) from None
    eager_on(which)
    return module


def refuse_reimport(spec):
    """``Reimport`` now, before anything is imported or TensorFlow loads, when the module of
    ``spec`` (a file, or a top-level module: finding a dotted one would import its packages) is
    being imported by the process that started this one; otherwise nothing (``resolve`` checks the rest)."""
    name = spec.rpartition(":")[0]
    if not name or ("." in name and not is_path(name)):
        return
    try:
        key, _, _ = _locate(name, spec)
        fresh.refuse(key, name)
    except (SpecError, UserCodeError):
        return
    except fresh.Recursion as error:
        raise Reimport(str(error)) from None


def _is_parent(missing, name):
    """Whether the module ``missing`` is ``name`` or one of the packages it is in."""
    return missing is not None and (name == missing or name.startswith(missing + "."))


def parse(spec, option):
    """(module, function) of ``spec``; ``SpecError`` when it is not of either form. Needs nothing
    imported: the command checks every spec so before TensorFlow loads."""
    module_name, colon, function_name = spec.rpartition(":")
    if not colon or not module_name or not function_name:
        raise SpecError(f"{option} {spec!r}: expected module:function or path/to/file.py:function")
    return module_name, function_name


def resolve(spec, option, keywords=(), positional=1):
    """The function ``spec`` names, checked (without a call) to take ``positional`` positional
    arguments and the ``keywords``, as the contract calls it."""
    module_name, function_name = parse(spec, option)
    module = _module(module_name, option)
    function = getattr(module, function_name, None)
    if not callable(function):
        raise SpecError(f"{option} {spec!r}: {module_name} has no function {function_name!r}")
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):  # a builtin: nothing to check
        return function
    try:
        signature.bind(*[None] * positional, **dict.fromkeys(keywords))
    except TypeError:
        count = {0: "no argument", 1: "one positional argument"}.get(positional, f"{positional} arguments")
        wanted = " and ".join([count] + [f"{k}=" for k in keywords])
        raise SpecError(f"{option} {spec!r}: {function_name}{signature} cannot be called with {wanted}") from None
    return function


def spec_of(function):
    """``module:function`` for a module-level function a fresh process can import; None otherwise
    (a lambda, a closure, a function of ``__main__``)."""
    module, name = getattr(function, "__module__", None), getattr(function, "__qualname__", "")
    if not module or module == "__main__" or "<" in name or "." in name:
        return None
    file = getattr(sys.modules.get(module), "__file__", None)
    if file and importlib.util.find_spec(module) is None:  # loaded from a path: name it by path
        return f"{file}:{name}"
    return f"{module}:{name}"


def absolute(spec):
    """A path spec made absolute: a fresh process starts in another directory."""
    module, _, function = spec.rpartition(":")
    return f"{os.path.abspath(module)}:{function}" if module.endswith(".py") else spec


def names(args):
    """{role: spec} of the command line's options, path specs made absolute."""
    return {role: absolute(getattr(args, option)) for role, option in ROLES.items() if getattr(args, option)}


def search_path():
    """The import path a fresh process needs to import what this one imported (PYTHONPATH)."""
    return os.pathsep.join([os.getcwd()] + [p for p in sys.path if p and os.path.isdir(p)])
