"""The command under hostile use: signals, files that are not ours, start-up noise, inputs
checked against what exists, exit statuses that tell a mismatch from a bug, exact NaN bits.

Signal tests run the real command in a subprocess; the signal is injected at a chosen point
(inside the atomic write, inside the guide build) so each window is hit every time."""
import json
import os
import stat
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

from shared_data import mnist
from tfparity.cli import main
from tfparity.core import files, jsonio

TFPARITY = os.path.join(os.path.dirname(sys.executable), "tfparity")
QUICK = ["run", "regression", "--steps", "20"]


def _python(code, *args, timeout=120):
    """Run ``code`` then ``main(args)`` in a fresh interpreter: (exit status, stdout, stderr)."""
    script = textwrap.dedent(code) + "\nfrom tfparity.cli import main\nsys.exit(main(sys.argv[1:]))\n"
    done = subprocess.run([sys.executable, "-c", "import os, signal, sys\n" + script, *args],
                          capture_output=True, text=True, timeout=timeout)
    return done.returncode, done.stdout, done.stderr


def _leftovers(folder):
    return [p for p in os.listdir(folder) if p.startswith(files.TEMPORARY_PREFIX)]


# --- signals -------------------------------------------------------------------------------

@pytest.mark.parametrize("signum, status", [("SIGINT", 130), ("SIGTERM", 143)])
@pytest.mark.parametrize("where", ["fdopen", "replace"])
def test_signal_inside_the_write_leaves_no_temporary_file(tmp_path, signum, status, where):
    code = f"""
    real = os.{where}
    def hit(*args, **kwargs):
        if ".tmp-" in str(args[0]) or isinstance(args[0], int):
            os.kill(os.getpid(), signal.{signum})
        return real(*args, **kwargs)
    os.{where} = hit
    """
    path = tmp_path / "out.json"
    rc, out, err = _python(code, *QUICK, "--json", str(path))
    assert (rc, err) == (status, "tfparity: interrupted\n")
    assert _leftovers(tmp_path) == []
    assert json.loads(path.read_text())["example"] == "regression"  # held until the write ended


@pytest.mark.parametrize("signum, status", [("INT", 130), ("TERM", 143)])
def test_signal_during_a_long_run_is_one_line(tmp_path, signum, status):
    signal = __import__("signal")
    # PYTHONFAULTHANDLER: a run still going a minute after the signal is stopped with SIGABRT, which
    # then writes every thread's stack to its stderr, the failure's message (once seen in a loaded CI run).
    process = subprocess.Popen([TFPARITY, "run", "regression", "--steps", "1000000", "--json",
                                str(tmp_path / "long.json")], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=dict(os.environ, PYTHONFAULTHANDLER="1"))
    time.sleep(3)  # loading or running: both must end the same way
    process.send_signal(getattr(signal, f"SIG{signum}"))
    try:
        out, err = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGABRT)
        out, err = process.communicate(timeout=60)
        raise AssertionError(f"still running 60 s after SIG{signum}; its stacks:\n{err[-6000:]}") from None
    assert (process.returncode, err) == (status, "tfparity: interrupted\n")
    assert os.listdir(tmp_path) == []


def _tree(folder):
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_interrupted_docs_leaves_the_old_guide(tmp_path):
    guide = tmp_path / "guide"
    (guide / "img").mkdir(parents=True)
    (guide / "README.md").write_text("old guide\n")
    (guide / "img" / "a.png").write_bytes(b"old")
    before = _tree(guide)
    code = """
    from tfparity.guide import book
    def build(folder, **options):
        (folder / "README.md").write_text("half new")
        (folder / "img" / "a.png").write_bytes(b"new")
        os.kill(os.getpid(), signal.SIGINT)
    book.build = build
    """
    rc, out, err = _python(code, "docs", "--render-only", "--out", str(guide))
    assert (rc, err) == (130, "tfparity: interrupted\n")
    assert _tree(guide) == before and _leftovers(tmp_path) == []


def test_a_second_interrupt_while_the_first_is_handled_is_ignored(tmp_path):
    # A second SIGINT (timeout forwards Ctrl-C to a child that got it too) landed as the first was
    # reported: a traceback ending in Interrupted: SIGINT, and exit 1. Both are sent here at will.
    (tmp_path / "guide").mkdir()
    code = """
    import builtins
    from tfparity.guide import book
    real_print = builtins.print
    def reporting(*args, **keywords):
        if args == ("tfparity: interrupted",):
            os.kill(os.getpid(), signal.SIGINT)
            os.kill(os.getpid(), signal.SIGTERM)
        real_print(*args, **keywords)
    builtins.print = reporting
    def build(folder, **options):
        os.kill(os.getpid(), signal.SIGINT)
    book.build = build
    """
    rc, out, err = _python(code, "docs", "--render-only", "--out", str(tmp_path / "guide"))
    assert (rc, err) == (130, "tfparity: interrupted\n")


def test_docs_swaps_the_rebuilt_guide_in_and_keeps_its_mode(tmp_path, monkeypatch, capsys):
    from tfparity.guide import book
    out = tmp_path / "guide"
    out.mkdir()
    (out / "kept.md").write_text("untouched by the build\n")
    out.chmod(0o750)
    monkeypatch.setattr(book, "build", lambda folder, **o: files.write_atomic(folder / "README.md", "new\n"))
    assert main(["docs", "--render-only", "--out", str(out)]) == 0
    assert _tree(out) == {"README.md": b"new\n", "kept.md": b"untouched by the build\n"}
    assert stat.S_IMODE(out.stat().st_mode) == 0o750 and _leftovers(tmp_path) == []


def test_failed_docs_build_leaves_the_old_guide(tmp_path, monkeypatch, capsys):
    from tfparity.guide import book
    out = tmp_path / "guide"
    out.mkdir()
    (out / "README.md").write_text("old\n")

    def build(folder, **options):
        (folder / "README.md").write_text("half")
        raise ValueError("no record for mlp")
    monkeypatch.setattr(book, "build", build)
    assert main(["docs", "--render-only", "--out", str(out)]) == 2
    assert (out / "README.md").read_text() == "old\n" and _leftovers(tmp_path) == []
    assert capsys.readouterr().err == "tfparity: error: no record for mlp\n"


# --- output files --------------------------------------------------------------------------

def _refused(args, capsys, message):
    assert main(args) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1 and message in captured.err, captured.err


def test_device_node_folder_and_symlink_are_refused(tmp_path, capsys):
    _refused(QUICK + ["--json", os.devnull], capsys, "is a character device, not a regular file")
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    _refused(QUICK + ["--json", str(tmp_path)], capsys, "is a folder")
    target = tmp_path / "target.json"
    target.write_text("mine\n")
    (tmp_path / "link.json").symlink_to(target)
    _refused(QUICK + ["--json", str(tmp_path / "link.json")], capsys, "is a symbolic link")
    assert (tmp_path / "link.json").is_symlink() and target.read_text() == "mine\n"
    _refused(QUICK + ["--json", str(tmp_path / "new") + os.sep], capsys, "names a folder")


def test_read_only_file_needs_force_and_keeps_its_mode(tmp_path, capsys):
    path = tmp_path / "frozen.json"
    path.write_text("old\n")
    path.chmod(0o444)
    _refused(QUICK + ["--json", str(path)], capsys, "is read-only; pass --force")
    assert path.read_text() == "old\n"
    assert main(QUICK + ["--json", str(path), "--force"]) == 0
    assert json.loads(path.read_text())["example"] == "regression"
    assert stat.S_IMODE(path.stat().st_mode) == 0o444


def test_overwritten_file_keeps_its_mode(tmp_path):
    path = tmp_path / "shared.json"
    path.write_text("old\n")
    path.chmod(0o640)
    files.write_atomic(path, "new\n")
    assert path.read_text() == "new\n" and stat.S_IMODE(path.stat().st_mode) == 0o640


def test_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "kept.json"
    path.write_text("old\n")
    monkeypatch.setattr(files.os, "replace", lambda *a: (_ for _ in ()).throw(OSError(28, "No space left")))
    with pytest.raises(OSError):
        files.write_atomic(path, "new\n")
    assert path.read_text() == "old\n" and _leftovers(tmp_path) == []


# --- start-up noise and speed --------------------------------------------------------------

def test_error_after_tensorflow_loads_is_still_one_line(tmp_path):
    done = subprocess.run([TFPARITY, "run", "regression", "--steps", "3", "--json", str(tmp_path / "x.json"),
                           "--loss", "l1"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stderr == ""  # TensorFlow loaded: not a line of notices
    if os.environ.get("MNIST_DIR"):
        done = subprocess.run([TFPARITY, "run", "mlp", "--batch-size", "100", "--train-size", "50"],
                              capture_output=True, text=True)
        assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr


@pytest.mark.parametrize("args", [["--help"], ["list"], ["run", "--help"], ["run", "--all", "nosuch"],
                                  ["run", "regression", "--steps", "0"]])
def test_help_list_and_bad_arguments_answer_without_tensorflow(args):
    start = time.perf_counter()
    code = "import sys\nfrom tfparity.cli import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n" \
           "print('tensorflow' in sys.modules, 'keras' in sys.modules, file=sys.stderr)"
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    assert done.stderr.splitlines()[-1] == "False False"
    assert time.perf_counter() - start < 3  # measured 0.1 s; TensorFlow alone takes 2 s here


def test_help_documents_every_exit_status(capsys):
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    text = capsys.readouterr().out
    for status in ("0 ", "1 ", "2 ", "3 ", "4 ", "5 ", "130 ", "143 "):
        assert f"\n  {status}" in text, status


# --- inputs checked against what exists ----------------------------------------------------

@pytest.mark.parametrize("args, message", [
    (["run", "--all", "nosuch"], "name examples or give --all, not both"),
    (["run", "--all", "regression"], "name examples or give --all, not both"),
    (["run", "mlp", "--train-size", "70000"], "MNIST has 60000 train images (available: 60000 train, 10000 test)"),
    (["run", "mlp", "--test-size", "20000"], "MNIST has 10000 test images"),
    (["run", "regression", "--steps", "1000000000"], "--steps: at most 1,000,000"),
    (["run", "mlp", "--epochs", "1000000000"], "--epochs: at most 1,000"),
    (["run", "regression", "--download"], "--download does not apply to regression: no MNIST is read"),
    (["docs", "--out", os.devnull], "not a folder"),
])
def test_input_checked_against_what_exists(args, message, capsys):
    _refused(args, capsys, message)


def test_duplicate_names_run_once(capsys):
    assert main(["run", "regression", "regression", "--steps", "5"]) == 0
    out = capsys.readouterr().out
    assert out.count("== regression") == 1 and out.count("\nregression  tf1_graph ") == 1


def test_learning_rate_that_overflows_at_once_is_diverged_not_parity(tmp_path, capsys):
    path = tmp_path / "diverged.json"
    assert main(["run", "regression", "--learning-rate", "1e308", "--steps", "5", "--json", str(path)]) == 5
    out = capsys.readouterr().out
    assert "regression: diverged: every mode is inf or NaN from step 1" in out and "bit-identical" not in out
    document = json.loads(path.read_text())  # diverging runs are data: the traces are written
    assert document["parity"]["diverged"] is True
    assert np.isnan(jsonio.traces_from_json(document)["tf1_graph"]["A"][-1])


def test_download_offline_is_one_line_and_leaves_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("MNIST_DIR", raising=False)
    monkeypatch.setattr(mnist, "CACHE", tmp_path / "cache" / "tfparity" / "mnist")
    monkeypatch.setattr(mnist, "MIRROR", "http://127.0.0.1:9/")  # nothing listens there
    _refused(["run", "mlp", "--download", "--epochs", "1"], capsys, "cannot download http://127.0.0.1:9/")
    assert os.listdir(tmp_path) == []


def test_download_goes_into_the_cache_not_mnist_dir(tmp_path, monkeypatch):
    shared = os.environ.get("MNIST_DIR")
    if not shared or not os.path.exists(os.path.join(shared, "t10k-labels-idx1-ubyte.gz")):
        pytest.skip("serves the real MNIST .gz files from MNIST_DIR")
    empty = tmp_path / "env"
    empty.mkdir()
    monkeypatch.setenv("MNIST_DIR", str(empty))
    monkeypatch.setattr(mnist, "CACHE", tmp_path / "cache")
    monkeypatch.setattr(mnist, "MIRROR", f"file://{os.path.abspath(shared)}/")
    data = mnist.load(download=True)
    assert data["test_x"].shape == (10000, 784) and os.listdir(empty) == []
    assert sorted(os.listdir(tmp_path / "cache")) == sorted(f"{n}.gz" for n in mnist.RAW_SHA256)


# --- exit statuses: a crash is never a mismatch --------------------------------------------

def test_error_in_the_examples_own_code_is_3_with_its_traceback(monkeypatch, capsys):
    from tf1_graph import regression
    monkeypatch.setattr(regression, "tf1", None)  # the twin's own line now raises
    assert main(["run", "regression", "--steps", "3"]) == 3
    err = capsys.readouterr().err
    assert "Traceback" in err and "tf1_graph/regression.py" in err
    assert err.splitlines()[-1].startswith("tfparity: error inside the example's own code: AttributeError")


def test_internal_error_is_4_and_asks_for_a_report(monkeypatch, capsys):
    from tfparity.core import report
    monkeypatch.setattr(report, "summary", lambda *a: 1 / 0)
    assert main(["run", "regression", "--steps", "3"]) == 4
    last = capsys.readouterr().err.splitlines()[-1]
    assert last.startswith("tfparity: internal error: ZeroDivisionError") and "please report it" in last


# --- NaN bits through JSON -----------------------------------------------------------------

@pytest.mark.parametrize("dtype, bits", [(np.float32, [0xffc00000, 0x7fc00001, 0xff800001, 0x7f800000, 0xff800000]),
                                         (np.float64, [0xfff8000000000000, 0x7ff0000000000001, 0x7ff8000000000000])])
def test_nan_sign_and_payload_round_trip(dtype, bits):
    unsigned = {4: np.uint32, 8: np.uint64}[np.dtype(dtype).itemsize]
    values = np.concatenate([np.array(bits, unsigned).view(dtype), np.array([1.5, -0.0], dtype)])
    text = jsonio.dumps(jsonio.jsonable(values.reshape(-1, 1)))
    back = jsonio.decode_array(json.loads(text), dtype)
    assert back.tobytes() == values.reshape(-1, 1).tobytes()
    assert '"NaN:0x' in text and ("-Infinity" in text) == (dtype == np.float32)


def test_old_spellings_still_read_and_plain_readers_keep_the_sign():
    old = jsonio.decode_array(["NaN", "Infinity", "-Infinity", 2.0], "float32")
    assert np.isnan(old[0]) and list(old[1:]) == [np.inf, -np.inf, 2.0]
    negative = jsonio.jsonable(np.float32(-np.nan))
    assert np.signbit(np.float32(jsonio.NON_FINITE.get(negative, negative)))
    assert jsonio.jsonable(float("nan")) == "NaN"  # the default NaN keeps its old spelling
