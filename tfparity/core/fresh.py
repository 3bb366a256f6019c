"""Call a function in a fresh Python process with its own environment.

For settings that are fixed when TensorFlow loads (TF_ENABLE_ONEDNN_OPTS): the function is
named ``module:function``, takes JSON keyword arguments and returns something ``jsonable``;
``python -m tfparity.core.fresh`` prints it as the last line of its output.
"""
import importlib
import json
import os
import sys

from tfparity.core import signals
from tfparity.core.jsonio import jsonable
from tfparity.core.paths import ROOT


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
    if done.returncode:
        raise RuntimeError(f"{target} failed in a fresh process: {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None):
    target, kwargs = (argv or sys.argv[1:])[:2]
    module, _, function = target.partition(":")
    result = getattr(importlib.import_module(module), function)(**json.loads(kwargs))
    print(json.dumps(jsonable(result), allow_nan=False))


if __name__ == "__main__":
    main()
