"""A user's function named on the command line: ``module:function`` (imported from the current
directory and ``sys.path``) or ``path/to/file.py:function``; and the way back, a function to the
spec a fresh process can import it by.

Bad specs raise ``SpecError`` (one line: the user typed something that does not exist). An
exception raised while the user's own module runs is theirs and passes through untouched.
"""
import importlib
import importlib.util
import inspect
import os
import sys


class SpecError(ValueError):
    pass


def _module(name):
    if name.endswith(".py") or os.sep in name or "/" in name:
        path = os.path.abspath(name)
        if not os.path.isfile(path):
            raise SpecError(f"no file {name}")
        module_name = os.path.splitext(os.path.basename(path))[0]
        spec = importlib.util.spec_from_file_location(module_name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules.setdefault(module_name, module)
        spec.loader.exec_module(module)
        return module
    if "" not in sys.path and os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        found = importlib.util.find_spec(name)
    except (ImportError, ValueError):  # a parent package that does not exist
        found = None
    if found is None:
        raise SpecError(f"no module named {name!r} (from {os.getcwd()} or sys.path)")
    return importlib.import_module(name)


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
