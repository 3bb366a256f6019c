"""Run a function in worker processes on this machine: a local cluster for tf.distribute, or one
fresh process (for settings TensorFlow fixes when it first initializes its devices).

``run`` starts one process per worker (``python -m tfparity.core.cluster``), each with its own
TF_CONFIG naming every worker at 127.0.0.1 on ports chosen free at run time, and returns the
chief's result. A worker that exits with an error, a port already taken or a cluster that does not
finish within the timeout is one ``ClusterError`` line; every worker is stopped before it is raised,
on success, on failure and on Ctrl-C (``tfparity.core.signals.Interrupted``), and a worker dies with
its launcher (PR_SET_PDEATHSIG), so none is left behind.
"""
import contextlib
import ctypes
import importlib
import json
import os
import pickle
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tfparity.core import signals
from tfparity.core.paths import ROOT

HOST = "127.0.0.1"
# A worker imports TensorFlow (seconds on a loaded machine) and trains the example; ten minutes
# bounds the full documented run, the tests pass far less.
TIMEOUT = 600
# How long workers get to exit by themselves (once the chief is done: its exit can hold them in
# TensorFlow's shutdown) and on SIGTERM before SIGKILL; and how often workers are polled.
GRACE, POLL = 5, 0.05
PR_SET_PDEATHSIG = 1  # prctl(2): the signal a child gets when its parent dies
# TensorFlow's notices that ignore TF_CPP_MIN_LOG_LEVEL (absl's "I0000 ..." lines and its warning about them).
NOTICE = re.compile(r"^([IWE]\d{4} |WARNING: All log messages before absl|To enable the following instructions)")


class ClusterError(RuntimeError):
    """A worker failed, a port was taken or the cluster timed out (one line, no traceback needed)."""


def free_ports(count):
    """``count`` distinct ports nobody listens on now, chosen by the kernel."""
    with contextlib.ExitStack() as stack:
        sockets = [stack.enter_context(socket.socket()) for _ in range(count)]
        for s in sockets:
            s.bind((HOST, 0))
        return [s.getsockname()[1] for s in sockets]


def check_free(ports):
    for port in ports:
        with socket.socket() as s:
            try:
                s.bind((HOST, port))
            except OSError:
                raise ClusterError(f"port {port} on {HOST} is already taken") from None


def tf_config(ports, index):
    return json.dumps({"cluster": {"worker": [f"{HOST}:{p}" for p in ports]}, "task": {"type": "worker", "index": index}})


def _die_with_parent():
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def _start(target, folder, index, environment):
    env = {key: value for key, value in os.environ.items() if key != "TF_CONFIG"}
    env.update(TF_CPP_MIN_LOG_LEVEL="3", **environment)
    with open(Path(folder) / f"worker-{index}.err", "w") as err:
        return subprocess.Popen([sys.executable, "-m", "tfparity.core.cluster", target, str(folder), str(index)],
                                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err,
                                start_new_session=True, preexec_fn=_die_with_parent)


def stop(processes):
    """SIGTERM every worker still running, then SIGKILL what is left after the grace period; reap all."""
    for p in processes:
        if p.poll() is None:
            p.terminate()
    deadline = time.monotonic() + GRACE
    for p in processes:
        try:
            p.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def _last_line(folder, index):
    """The worker's last line on stderr, but for TensorFlow's start-up notices (tfparity.core.quiet)."""
    lines = (Path(folder) / f"worker-{index}.err").read_text(errors="replace").strip().splitlines()
    lines = [line for line in lines if not NOTICE.match(line)]
    return lines[-1] if lines else "no message"


def _settle(processes):
    deadline = time.monotonic() + GRACE
    while any(p.poll() is None for p in processes) and time.monotonic() < deadline:
        time.sleep(POLL)


def _wait(processes, folder, timeout):
    deadline = time.monotonic() + timeout
    while True:
        for index, p in enumerate(processes):
            if p.poll() not in (None, 0):
                raise ClusterError(f"worker {index} exited with status {p.returncode}: {_last_line(folder, index)}")
        if processes[0].poll() == 0:  # the chief has its result: the others get the grace period
            _settle(processes[1:])   # to exit (the chief's exit can hold them in TF's shutdown)
            return
        if time.monotonic() > deadline:
            running = [str(i) for i, p in enumerate(processes) if p.poll() is None]
            raise ClusterError(f"the cluster did not finish within {timeout:g} s (worker {', '.join(running)} still running)")
        time.sleep(POLL)


def launch(targets, inputs, environments, timeout, kwargs):
    """Each target ('module:function') in its own process with its environment; worker 0's result."""
    with tempfile.TemporaryDirectory(prefix="tfparity-cluster-") as folder:
        (Path(folder) / "inputs.pkl").write_bytes(pickle.dumps((inputs, kwargs)))
        processes = []
        try:
            for index, (target, environment) in enumerate(zip(targets, environments)):
                with signals.deferred():  # a Ctrl-C between a worker's fork and its Popen would orphan it
                    processes.append(_start(target, folder, index, environment))
            _wait(processes, folder, timeout)
        finally:
            with signals.deferred():  # a second Ctrl-C waits until every worker is stopped
                stop(processes)
        return pickle.loads((Path(folder) / "result.pkl").read_bytes())


def run(target, inputs, workers, timeout=TIMEOUT, ports=None, **kwargs):
    """``target(inputs, **kwargs)`` in ``workers`` processes forming one TF_CONFIG cluster; the
    chief's (worker 0's) result. ``target`` may be a list, one per worker."""
    targets = target if isinstance(target, list) else [target] * workers
    ports = ports or free_ports(workers)
    check_free(ports)
    return launch(targets, inputs, [{"TF_CONFIG": tf_config(ports, i)} for i in range(workers)], timeout, kwargs)


def run_fresh(target, inputs, timeout=TIMEOUT, **kwargs):
    """``target(inputs, **kwargs)`` in one fresh process without TF_CONFIG."""
    return launch([target], inputs, [{}], timeout, kwargs)


def main(argv=None):
    target, folder, index = argv or sys.argv[1:]
    inputs, kwargs = pickle.loads((Path(folder) / "inputs.pkl").read_bytes())
    module, _, function = target.partition(":")
    result = getattr(importlib.import_module(module), function)(inputs, **kwargs)
    if index == "0":  # the chief
        (Path(folder) / "result.pkl").write_bytes(pickle.dumps(result))


if __name__ == "__main__":
    main()
