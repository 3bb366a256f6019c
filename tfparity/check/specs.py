"""A user's function named on the command line: ``module:function`` (imported from the current
directory and ``sys.path``) or ``path/to/file.py:function``; and the way back, a function to the
spec a fresh process can import it by.

Bad specs raise ``SpecError`` (one line: the user typed something that does not exist). An
exception raised while the user's own module runs is theirs and passes through untouched, but
for ``Reimport``: a module whose top-level code would start tfparity again, importing it again
without end (``tfparity.core.fresh.importing``), is refused with one line.
"""
import importlib
import importlib.util
import inspect
import os
import sys

from tfparity.core import fresh


class SpecError(ValueError):
    pass


class Reimport(SpecError, fresh.Recursion):
    """A module imported again by a process its own import started: one line, in that process
    (a fresh process's ``Recursion`` reaches its parent too)."""


def _by_path(name):
    return name.endswith(".py") or os.sep in name or "/" in name


def _locate(name):
    """(key, load): what the module is across processes (its file, or its name) and how to import it,
    found without running it; SpecError when there is no such module."""
    if _by_path(name):
        path = os.path.abspath(name)
        if not os.path.isfile(path):
            raise SpecError(f"no file {name}")

        def load():
            module_name = os.path.splitext(os.path.basename(path))[0]
            spec = importlib.util.spec_from_file_location(module_name, path)
            module = importlib.util.module_from_spec(spec)
            sys.modules.setdefault(module_name, module)
            spec.loader.exec_module(module)
            return module
        return os.path.realpath(path), load
    if "" not in sys.path and os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        found = importlib.util.find_spec(name)
    except (ImportError, ValueError):  # a parent package that does not exist
        found = None
    if found is None:
        raise SpecError(f"no module named {name!r} (from {os.getcwd()} or sys.path)")
    origin = found.origin
    return (os.path.realpath(origin) if origin and os.path.isfile(origin) else name), \
        lambda: importlib.import_module(name)


def _module(name):
    """The module, imported with the mark that lets a process it starts refuse to import it again."""
    key, load = _locate(name)
    try:
        with fresh.importing(key, name):
            return load()
    except fresh.Recursion as error:
        raise Reimport(str(error)) from None


def refuse_reimport(spec):
    """``Reimport`` now, before anything is imported or TensorFlow loads, when the module of
    ``spec`` (a file, or a top-level module: finding a dotted one would import its packages) is
    being imported by the process that started this one; otherwise nothing (``resolve`` checks the rest)."""
    name = spec.rpartition(":")[0]
    if not name or ("." in name and not _by_path(name)):
        return
    try:
        key, _ = _locate(name)
        fresh.refuse(key, name)
    except SpecError:
        return
    except fresh.Recursion as error:
        raise Reimport(str(error)) from None


def resolve(spec, option, keywords=(), positional=1):
    """The function ``spec`` names, checked (without a call) to take ``positional`` positional
    arguments and the ``keywords``, as the contract calls it."""
    module_name, colon, function_name = spec.rpartition(":")
    if not colon or not module_name or not function_name:
        raise SpecError(f"{option} {spec!r}: expected module:function or path/to/file.py:function")
    module = _module(module_name)
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


def search_path():
    """The import path a fresh process needs to import what this one imported (PYTHONPATH)."""
    return os.pathsep.join([os.getcwd()] + [p for p in sys.path if p and os.path.isdir(p)])
