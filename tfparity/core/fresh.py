"""Call a function in a fresh Python process with its own environment.

For settings that are fixed when TensorFlow loads (TF_ENABLE_ONEDNN_OPTS): the function is
named ``module:function``, takes JSON keyword arguments and returns something ``jsonable``;
``python -m tfparity.core.fresh`` prints it as the last line of its output.

A fresh process imports the user's modules again, and runs their top-level code again: code
that starts tfparity there (a check at the bottom of a port, not under ``if __name__ ==
"__main__":``) would start itself again without end. ``importing(key, label)`` marks a user's
module as being imported, for every process started meanwhile; a process asked to import a
module that the process which started it is still importing refuses with ``Recursion`` (one
line), and a fresh process that refuses makes ``call`` raise it in its parent too.
"""
import contextlib
import importlib
import json
import os
import sys

from tfparity.core import signals
from tfparity.core.exits import Exit
from tfparity.core.jsonio import jsonable
from tfparity.core.paths import ROOT

# The user's modules being imported, as a JSON list of [pid, module file]: in the environment, so
# every process started during an import (fresh, or a `tfparity` the module's code runs) sees it.
IMPORTING = "TFPARITY_IMPORTING"
REFUSED = Exit.USAGE  # a fresh process's status when it refuses to import a module again


class Recursion(ValueError):
    """A process that would import a module the process which started it is still importing."""


def _importing():
    try:
        found = json.loads(os.environ.get(IMPORTING, "[]"))
        return [(pid, key) for pid, key in found]
    except (ValueError, TypeError):  # not ours: nothing is being imported
        return []


def refuse(key, label):
    """``Recursion`` if another process (the one that started this one, or its own starter) is
    importing the user's module ``key`` (its file, or its name); ``label`` names it as the user did."""
    if any(key == marked and pid != os.getpid() for pid, marked in _importing()):
        raise Recursion(f"{label} is being imported by the process that started this one: its top-level "
                        f"code runs tfparity again, which would import it again without end; put that code "
                        f"under `if __name__ == \"__main__\":`")


@contextlib.contextmanager
def importing(key, label):
    """Mark the user's module ``key`` as being imported by this process while the block runs, for
    every process started meanwhile; ``refuse`` first."""
    refuse(key, label)
    previous = os.environ.get(IMPORTING)
    os.environ[IMPORTING] = json.dumps(_importing() + [(os.getpid(), key)])
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(IMPORTING, None)
        else:
            os.environ[IMPORTING] = previous


def call(target, kwargs=None, environment=None):
    """``target(**kwargs)`` in a fresh process; ``environment`` values of None unset a variable."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    for key, value in (environment or {}).items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    done = signals.child([sys.executable, "-m", "tfparity.core.fresh", target, json.dumps(kwargs or {})],
                         env=env, cwd=ROOT)  # never left running when interrupted
    if done.returncode == REFUSED:
        raise Recursion(done.stderr.strip().splitlines()[-1])
    if done.returncode:
        raise RuntimeError(f"{target} failed in a fresh process: {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _function(target):
    module, _, function = target.partition(":")
    return getattr(importlib.import_module(module), function)


def each(calls):
    """``[target(**kwargs) for target, kwargs in calls]``, in this process: given to ``call``, several
    functions run under one setting for the start of one process (TensorFlow's import)."""
    return [_function(target)(**kwargs) for target, kwargs in calls]


def main(argv=None):
    target, kwargs = (argv or sys.argv[1:])[:2]
    try:
        result = _function(target)(**json.loads(kwargs))
    except Recursion as error:
        print(error, file=sys.stderr)
        sys.exit(REFUSED)
    print(json.dumps(jsonable(result), allow_nan=False))


if __name__ == "__main__":
    from tfparity.core import fresh  # the module the rest imports: its Recursion is theirs, not __main__'s
    fresh.main()
