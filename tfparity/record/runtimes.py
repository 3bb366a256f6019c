"""Other TensorFlow runtimes for ``tfparity record --runtime VERSION``: a cached virtual environment
per version, made on first use, in which tfparity's own record path runs (this checkout, on the
environment's TensorFlow), so that a TF1 program the installed TensorFlow can no longer run (a
``tf.estimator`` program: TensorFlow 2.16 removed it) is recorded where it still runs. The
recording's format is the same; the port is checked on the installed TensorFlow.

``RUNTIMES`` is what each version installs, pinned; ``environment(version)`` gives the folder
(``${XDG_CACHE_HOME:-~/.cache}/tfparity/runtime-VERSION``), making it first when it is missing
or was made from other pins: in a temporary folder beside it (``python -m venv``, then ``pip
install``, its progress on stderr, its output kept in ``runtime-VERSION.log``, then a check that
TensorFlow imports), renamed into place only once whole, so a half-made environment is never used.
What cannot be made raises ``Unavailable``, one line. ``run(version, arguments)`` runs
``python -m tfparity.cli ARGUMENTS`` there and returns its exit status.
"""
import contextlib
import fcntl
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import threading
import time

from tfparity.core import signals

# What each runtime's environment gets, pinned: `pip freeze` of the environment these pins made
# (CPython 3.11, x86-64 Linux), so that every machine records on the same libraries.
RUNTIMES = {
    "2.15": {
        "tensorflow": "2.15.1",
        "python": ((3, 11), (3, 11)),  # tfparity's Pythons (3.11 on) that TensorFlow 2.15 has wheels for
        "requirements": (
            # what tfparity's record path imports: TensorFlow (tf.estimator, Keras 2 as its own keras),
            # NumPy (below 2, as TensorFlow 2.15 requires), tf-slim (tf.contrib.slim and .layers)
            "tensorflow-cpu==2.15.1", "numpy==1.26.4", "tf-slim==1.1.0",
            # and what they brought, as pip resolved it
            "absl-py==2.5.1", "astunparse==1.6.3", "certifi==2026.10.19.post1", "cffi==2.1.1",
            "charset-normalizer==3.5.3", "cryptography==50.0.2", "flatbuffers==25.12.19", "gast==0.7.0",
            "google-auth==2.63.0", "google-auth-oauthlib==1.5.0", "google-pasta==0.2.0", "grpcio==1.85.3",
            "h5py==3.16.0", "idna==3.20", "keras==2.15.0", "libclang==18.1.1", "Markdown==3.11.3",
            "MarkupSafe==3.0.4", "ml-dtypes==0.3.2", "oauthlib==4.0.1", "opt_einsum==3.4.0", "packaging==26.4",
            "protobuf==4.25.9", "pyasn1==0.6.5", "pyasn1_modules==0.4.2", "pycparser==3.12", "requests==2.34.2",
            "requests-oauthlib==2.0.0", "six==1.17.0", "tensorboard==2.15.2", "tensorboard-data-server==0.7.2",
            "tensorflow-estimator==2.15.0", "tensorflow-io-gcs-filesystem==0.37.1", "termcolor==3.3.0",
            "typing_extensions==4.16.0", "urllib3==2.8.0", "Werkzeug==3.1.9", "wheel==0.48.0", "wrapt==1.14.2",
        ),
    },
}
MARKER = "tfparity-runtime.json"  # written last, before the rename: what the environment was made from
# This checkout's packages, as pyproject.toml installs them: the command's parser lists the examples too
PACKAGES = ("tfparity", "shared_data", "tf1_graph", "tf2_eager")
PIP_LINES = ("Collecting", "Downloading", "Installing", "Successfully")  # pip's lines shown when not on a terminal


class Unavailable(Exception):
    """The runtime's environment cannot be made or used; the message is one line."""


def cache_folder():
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return pathlib.Path(base) / "tfparity"


def folder(version):
    return cache_folder() / f"runtime-{version}"


def _made_from(version):
    return {"tensorflow": RUNTIMES[version]["tensorflow"], "requirements": list(RUNTIMES[version]["requirements"])}


def ready(version):
    """Whether ``version``'s environment exists, whole and made from the current pins."""
    place = folder(version)
    try:
        made = json.loads((place / MARKER).read_text())
    except (OSError, ValueError):
        return False
    return made == _made_from(version) and (place / "bin" / "python").exists()


def environment(version, log=None):
    """``version``'s environment folder, made first when it is not ``ready``; its progress on ``log``
    (standard error)."""
    log = log or sys.stderr
    if version not in RUNTIMES:
        raise Unavailable(f"--runtime {version}: no such runtime; the one offered is "
                          f"{', '.join(sorted(RUNTIMES))} (TensorFlow {RUNTIMES['2.15']['tensorflow']}, "
                          "the last with tf.estimator)")
    if ready(version):
        return folder(version)
    low, high = RUNTIMES[version]["python"]
    if not low <= sys.version_info[:2] <= high:
        raise Unavailable(f"the TensorFlow {version} runtime needs CPython {low[0]}.{low[1]} to {high[0]}.{high[1]} "
                          f"(its wheels' versions); this is Python {sys.version_info[0]}.{sys.version_info[1]}: run "
                          "tfparity from such a Python's environment")
    parent = cache_folder()
    try:
        parent.mkdir(parents=True, exist_ok=True)
        lock = open(parent / f".runtime-{version}.lock", "w")
    except OSError as error:
        raise Unavailable(f"cannot make the TensorFlow {version} runtime in {parent}: {error.strerror or error}") from None
    with lock:
        if not _locked(lock):
            print(f"tfparity: waiting for another tfparity that is making the TensorFlow {version} runtime",
                  file=log, flush=True)
            _wait(lock)
        if ready(version):  # the other one made it
            return folder(version)
        for stale in parent.glob(f".tmp-runtime-{version}-*"):  # left by a run that was killed (we hold the lock)
            shutil.rmtree(stale, ignore_errors=True)
        _make(version, parent, log)
    return folder(version)


def _locked(lock):
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def _wait(lock):
    while not _locked(lock):  # a blocking flock would not let Ctrl-C land
        time.sleep(signals.WAKE)


def _make(version, parent, log):
    spec, started = RUNTIMES[version], time.monotonic()
    place, journal = folder(version), parent / f"runtime-{version}.log"
    staging = None
    try:
        with signals.deferred():
            staging = pathlib.Path(tempfile.mkdtemp(prefix=f".tmp-runtime-{version}-", dir=parent))
        print(f"tfparity: making the TensorFlow {spec['tensorflow']} runtime, once (a 240 MB download, 1.3 GB on disk): "
              f"{place}", file=log, flush=True)
        with open(journal, "w") as kept:
            _step(version, [sys.executable, "-m", "venv", str(staging)], kept, log, started, "python -m venv")
            python = str(staging / "bin" / "python")
            _step(version, [python, "-m", "pip", "install", "--disable-pip-version-check", "--no-input",
                            "--progress-bar", "off", *spec["requirements"]], kept, log, started, "pip install")
            _step(version, [python, "-c", "import tensorflow as tf, sys; tf.compat.v1.estimator.Estimator; "
                            f"sys.exit(tf.__version__ != {spec['tensorflow']!r})"], kept, log, started,
                  "the check that its TensorFlow imports")
        (staging / MARKER).write_text(json.dumps(_made_from(version), indent=1) + "\n")
        with signals.deferred():
            if place.exists():  # made from other pins (ready said no): the old one goes
                old = staging.with_name(staging.name + "-old")
                os.rename(place, old)
                shutil.rmtree(old, ignore_errors=True)
            os.rename(staging, place)
            staging = None
        print(f"tfparity: made the TensorFlow {spec['tensorflow']} runtime in {time.monotonic() - started:.0f} s, "
              f"{_size(place) / 1e6:.0f} MB: {place}", file=log, flush=True)
    except OSError as error:
        raise Unavailable(f"cannot make the TensorFlow {version} runtime in {parent}: {error.strerror or error}") from None
    finally:
        if staging is not None:
            with signals.deferred():
                shutil.rmtree(staging, ignore_errors=True)


def _step(version, argv, kept, log, started, what):
    """Run ``argv``, its output into ``kept`` and its progress onto ``log``; ``Unavailable`` when it fails."""
    kept.write(f"$ {' '.join(argv)}\n")
    kept.flush()
    live = _Progress(log, started, what)
    process = None
    try:
        with signals.deferred():
            process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                       stdin=subprocess.DEVNULL, errors="replace")
        lines = []
        reader = threading.Thread(target=lambda: [lines.append(line) for line in process.stdout], daemon=True)
        reader.start()
        shown = 0
        while reader.is_alive() or shown < len(lines):
            reader.join(timeout=signals.WAKE)  # wakes so that a Ctrl-C lands
            for line in lines[shown:]:
                kept.write(line)
                live.line(line.strip())
            shown = len(lines)
            live.tick()
        kept.flush()
        status = process.wait()
    finally:
        live.done()
        if process is not None and process.returncode is None:
            process.kill()
            process.wait()
    if status != 0:
        errors = [line.strip() for line in lines if line.lstrip().startswith(("ERROR", "Error", "error"))]
        last = errors[-1] if errors else next((line.strip() for line in reversed(lines) if line.strip()), "no output")
        raise Unavailable(f"cannot make the TensorFlow {RUNTIMES[version]['tensorflow']} runtime: {what} failed "
                          f"(exit {status}): {last} (all its output: {kept.name}); nothing was kept")


class _Progress:
    """On a terminal, one live line (the current pip line and the seconds so far); elsewhere pip's
    main lines, one each."""

    def __init__(self, stream, started, what):
        self.stream, self.started, self.what, self.text = stream, started, what, ""
        self.live = getattr(stream, "isatty", lambda: False)()
        self.width = shutil.get_terminal_size().columns - 1

    def line(self, text):
        if not text:
            return
        self.text = text
        if not self.live and text.startswith(PIP_LINES):
            print(f"tfparity: {self._elapsed()} {text}", file=self.stream, flush=True)

    def tick(self):
        if self.live:
            shown = f"tfparity: {self._elapsed()} {self.what}: {self.text}"
            self.stream.write("\r\033[K" + shown[:self.width])
            self.stream.flush()

    def done(self):
        if self.live:
            self.stream.write("\r\033[K")
            self.stream.flush()

    def _elapsed(self):
        return f"[{time.monotonic() - self.started:4.0f} s]"


def _size(place):
    total = 0
    for root, _, names in os.walk(place):
        for name in names:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(root, name)).st_size
    return total


def run(version, arguments, log=None):
    """``python -m tfparity.cli ARGUMENTS`` in ``version``'s environment (made first when missing),
    with this checkout's packages on its path; its exit status. An interrupt is passed on to it, and
    its status (128 + the signal) returned once it has ended."""
    python = environment(version, log) / "bin" / "python"
    checkout = pathlib.Path(__file__).resolve().parents[2]
    with tempfile.TemporaryDirectory(prefix="tfparity-runtime-path-") as path:
        # This checkout's packages alone (where tfparity is installed, their folder holds TensorFlow too)
        for package in PACKAGES:
            os.symlink(checkout / package, os.path.join(path, package))
        environ = dict(os.environ)
        environ["PYTHONPATH"] = os.pathsep.join([path, *filter(None, [environ.get("PYTHONPATH")])])
        process = None
        try:
            with signals.deferred():
                process = subprocess.Popen([str(python), "-m", "tfparity.cli", *arguments], env=environ)
            while True:
                try:
                    return _status(process.wait(timeout=signals.WAKE))
                except subprocess.TimeoutExpired:
                    continue
        except signals.Interrupted as interrupted:  # Ctrl-C reaches both; a SIGTERM this process only
            if process is None:
                raise
            with contextlib.suppress(ProcessLookupError):  # the child ignores a second one
                process.send_signal(interrupted.status - signals.SIGNAL_EXIT_BASE)
            try:  # its own line said it: its status, without a second line of ours
                return _status(process.wait(timeout=10))
            except subprocess.TimeoutExpired:
                raise interrupted from None
        finally:
            if process is not None and process.returncode is None:
                process.kill()
                process.wait()


def _status(code):
    return signals.SIGNAL_EXIT_BASE - code if code < 0 else code  # killed by a signal: as the shell says it
