"""What the replay tests share (test_replay.py, test_replay_lstm.py): a program of the legacy corpus
recorded, its port imported as check imports it (so that a test may plant a slip in it), and check
run on the pair, its two verdict lines read back."""
import importlib
import json
import pathlib
import subprocess
import sys

import pytest

from tfparity.cli import main

HERE = pathlib.Path(__file__).parent
CORPUS, PORTS = HERE / "legacy_corpus", HERE / "ports"


def record(name, folder, steps, strict=False):
    """The recording of corpus program ``name`` (its first ``steps`` training runs) in ``folder``;
    ``strict`` in a process of its own (oneDNN is switched off as TensorFlow loads)."""
    out = folder / f"{name}{'_strict' * strict}.npz"
    options = ["record", *["--strict"] * strict, "--steps", str(steps), "--stop", "--out", str(out), "--",
               str(CORPUS / f"{name}.py")]
    if strict:
        subprocess.run([sys.executable, "-m", "tfparity.cli", *options], check=True, stdout=subprocess.DEVNULL)
    else:
        assert main(options) == 0
    return str(out)


def port(monkeypatch, name):
    monkeypatch.syspath_prepend(str(PORTS))
    return importlib.import_module(name)


def check(recorded, name, *options):
    return main(["check", "--recording", recorded, "--tf2", f"{name}:make_port", *options])


def teacher_line(out):
    return next(line for line in out.splitlines() if line.startswith("teacher-forced"))


def bit_identical(recorded, name, steps, tmp_path, capsys):
    """The port passes bit for bit, taught and free, and again with the map it wrote: its JSON report."""
    report, kept = tmp_path / "report.json", tmp_path / "map.json"
    assert check(recorded, name, "--json", str(report), "--write-map", str(kept)) == 0
    out = capsys.readouterr().out
    assert "teacher-forced (tf2_eager, each step from the TF1 run's state before it): bit-identical" in out
    assert f"free-running (tf2_eager, {steps} steps from the TF1 run's initial state): bit-identical" in out
    assert check(recorded, name, "--map", str(kept)) == 0  # the map written is the map that passes
    capsys.readouterr()
    return json.loads(report.read_text())


def recording_fixture(name, steps, strict=False):
    """A module-scoped fixture: the recording of ``name``, made once for the module's tests."""
    @pytest.fixture(scope="module")
    def recorded(tmp_path_factory):
        return record(name, tmp_path_factory.mktemp("replay"), steps, strict)
    return recorded


def port_fixture(name):
    """A fixture: the port's module, as check imports it, for the test to plant a slip in."""
    @pytest.fixture
    def port_module(monkeypatch):
        return port(monkeypatch, name)
    return port_module
