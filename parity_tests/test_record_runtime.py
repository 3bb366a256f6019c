"""The legacy runtime (tfparity.record): TF1 scripts run as written by ``tfparity record --plain``,
TF1's input_data on the verified MNIST, and real public TF1 programs run unmodified."""
import os
import pathlib
import sys

import numpy as np
import pytest

from tfparity.cli import main

CORPUS = pathlib.Path(__file__).parent / "legacy_corpus"
needs_mnist = pytest.mark.skipif(not os.environ.get("MNIST_DIR"), reason="needs the real MNIST (MNIST_DIR)")


def _script(tmp_path, text, name="script.py"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def _record(path, *args):
    return main(["record", "--plain", "--", path, *args])


def test_a_tf1_script_runs_as_written_with_its_own_argv_and_folder(tmp_path, capsys):
    (tmp_path / "helper.py").write_text("import tensorflow as tf\nSCALE = tf.constant(2.0)\n")
    path = _script(tmp_path, """
import sys
import tensorflow as tf
import helper
from tensorflow.contrib import rnn
x = tf.placeholder(tf.float32, [None, 3])
w = tf.Variable(tf.random_normal([3, 2], seed=1))
cell = tf.nn.rnn_cell.BasicLSTMCell(4)
outputs, _ = rnn.static_rnn(cell, [x, x], dtype=tf.float32)
y = tf.layers.dense(outputs[-1], 2) + tf.contrib.layers.flatten(tf.matmul(x, w)) * helper.SCALE
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    print("shape", sess.run(y, {x: [[1.0, 2.0, 3.0]]}).shape, "argv", sys.argv[1:], __name__)
tf.logging.set_verbosity(tf.logging.ERROR)
print("gfile", tf.gfile.Exists(__file__), "slim", tf.contrib.slim.fully_connected.__module__)
""")
    import tensorflow as tf
    earlier = tf.compat.v1.logging.get_verbosity()  # an earlier test's command may have quietened it
    tf.compat.v1.logging.set_verbosity(tf.compat.v1.logging.WARN)  # not the script's ERROR: its setting would show
    state, verbosity = np.random.get_state()[1].copy(), tf.compat.v1.logging.get_verbosity()
    devices = tf.config.list_logical_devices("CPU")  # conftest's two logical CPUs stay
    logging_module = tf.compat.v1.logging  # an earlier test's import of tf-keras may have rebound it: as it was
    try:
        assert _record(path, "--steps", "3") == 0
    finally:
        after = tf.compat.v1.logging.get_verbosity()
        tf.compat.v1.logging.set_verbosity(earlier)
    out = capsys.readouterr().out
    assert "shape (1, 2) argv ['--steps', '3'] __main__" in out
    assert "gfile True slim tf_slim." in out
    # The process is as it was: eager on, the real tensorflow, Keras 3, no shim or helper left.
    assert tf.executing_eagerly() and sys.modules["tensorflow"] is tf
    assert tf.keras.layers.Dense.__module__.startswith("keras.")
    assert "tensorflow.contrib" not in sys.modules and "helper" not in sys.modules
    assert str(tmp_path) not in sys.path and (np.random.get_state()[1] == state).all()
    assert after == verbosity
    assert tf.compat.v1.logging is logging_module, tf.compat.v1.logging  # not a submodule the run imported
    assert len(tf.config.list_logical_devices("CPU")) == len(devices)
    assert os.environ.get("TF_USE_LEGACY_KERAS") is None


def test_tf_app_run_parses_the_scripts_flags_and_a_second_run_defines_them_again(tmp_path, capsys):
    path = _script(tmp_path, """
import tensorflow as tf
tf.app.flags.DEFINE_integer("steps", 1, "how many")
FLAGS = tf.app.flags.FLAGS
def main(_):
    print("steps", FLAGS.steps)
if __name__ == "__main__":
    tf.app.run()
""")
    assert _record(path, "--steps=5") == 0
    assert _record(path) == 0  # no DuplicateFlagError: the first run's flag went with it
    assert capsys.readouterr().out.split() == ["steps", "5", "steps", "1"]


def test_an_error_in_the_script_is_exit_3_with_its_own_traceback(tmp_path, capsys):
    path = _script(tmp_path, "import tensorflow as tf\n\ndef build():\n    return 1 / 0\n\nbuild()\n", "boom.py")
    assert _record(path) == 3
    err = capsys.readouterr().err
    assert f'File "{path}", line 4, in build' in err and "ZeroDivisionError" in err
    assert "tfparity/record" not in err and "runpy" not in err
    assert err.strip().splitlines()[-1] == (f"tfparity: error inside your own code, in {path}: "
                                           "ZeroDivisionError: division by zero (traceback above)")


@pytest.mark.parametrize("code, status", [("sys.exit(0)", 0), ("sys.exit()", 0), ("sys.exit(4)", 3)])
def test_the_scripts_exit_status(tmp_path, capsys, code, status):
    assert _record(_script(tmp_path, f"import sys\n{code}\n")) == status


@pytest.mark.parametrize("line, symbol", [
    ("import tensorflow as tf\ntf.estimator.Estimator", "tf.estimator: tf.estimator was removed in TensorFlow 2.16"),
    ("from tensorflow.contrib.factorization import KMeans", "tf.contrib.factorization: tf.contrib was removed"),
    ("import tensorflow as tf\ntf.contrib.learn.RunConfig", "tf.contrib.learn: tf.contrib was removed"),
    ("import tensorflow as tf\ntf.contrib.rnn.stack_bidirectional_rnn", "tf.contrib.rnn.stack_bidirectional_rnn: "),
    ("import tensorflow as tf\ntf.no_such_thing", "tf.no_such_thing: TensorFlow 2."),
])
def test_what_cannot_be_served_is_one_line_and_exit_2(tmp_path, capsys, line, symbol):
    assert _record(_script(tmp_path, line + "\n")) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"tfparity: error: {symbol}"), err


def test_a_script_may_catch_what_is_not_served_as_tf1_code_catches_a_missing_module(tmp_path, capsys):
    path = _script(tmp_path, """
try:
    from tensorflow.contrib import factorization
except ImportError:
    factorization = None
print("fallback", factorization is None)
""")
    assert _record(path) == 0 and "fallback True" in capsys.readouterr().out


def test_a_missing_tf_keras_names_the_symbol_and_the_extra(tmp_path, capsys, monkeypatch):
    for name in [n for n in sys.modules if n == "tf_keras" or n.startswith("tf_keras.")] or ["tf_keras"]:
        monkeypatch.setitem(sys.modules, name, None)  # as if not installed
    assert _record(_script(tmp_path, "import tensorflow as tf\ntf.layers.dense\n")) == 2
    assert capsys.readouterr().err == ("tfparity: error: tf.layers: served by tf-keras, which is not installed: "
                                       "pip install 'tfparity[legacy]' && pip install --no-deps 'tf-keras==2.21.*'\n")


@pytest.mark.parametrize("args, message", [
    (["record", "parity_tests/legacy_corpus/helloworld.py"],
     "name the recording's file with --out FILE (or run without recording: --plain)"),
    (["record", "--plain", "no_such_script.py"], "no file no_such_script.py"),
    (["record", "--plain", "."], ". is a folder: name the script, a .py file"),
    (["record", "--plain", "pyproject.toml"], "pyproject.toml is not a .py file: name the script to run"),
])
def test_bad_input_is_one_line_and_exit_2(args, message, capsys, monkeypatch):
    monkeypatch.chdir(pathlib.Path(__file__).parents[1])
    assert main(args) == 2
    assert capsys.readouterr().err == f"tfparity: error: {message}\n"


# --- input_data: TF1's behaviour (contrib/learn/python/learn/datasets/mnist.py), on the verified MNIST

@pytest.fixture
def numpy_state():
    state = np.random.get_state()
    yield
    np.random.set_state(state)


@needs_mnist
def test_read_data_sets_splits_and_converts_as_tf1(numpy_state):
    from shared_data import mnist as verified
    from tfparity.record.input_data import read_data_sets
    data = read_data_sets("/nowhere", one_hot=True)
    assert [data.train.num_examples, data.validation.num_examples, data.test.num_examples] == [55000, 5000, 10000]
    assert data.train.images.shape == (55000, 784) and data.train.images.dtype == np.float32
    assert data.train.labels.shape == (55000, 10) and data.train.labels.dtype == np.float64
    assert data.train.images.min() == 0.0 and data.train.images.max() == 1.0
    raw = verified.raw()["train-images-idx3-ubyte"].reshape(60000, 784)
    tf1 = raw.astype(np.float32) * (1.0 / 255.0)
    assert data.validation.images.tobytes() == tf1[:5000].tobytes()  # the validation split is the front
    assert (raw / np.float32(255)).astype(np.float32).tobytes() != tf1.tobytes()  # a division is another number
    plain = read_data_sets("/nowhere", validation_size=0)
    assert plain.train.num_examples == 60000 and plain.train.labels.dtype == np.uint8
    with pytest.raises(ValueError, match="Validation size should be between 0 and 60000"):
        read_data_sets("/nowhere", validation_size=60001)


def test_next_batch_shuffles_each_epoch_with_numpys_global_state_seeded_by_the_graph(numpy_state):
    import tensorflow as tf

    from tfparity.record.input_data import DataSet
    n = 10
    images = np.arange(n * 4, dtype=np.uint8).reshape(n, 2, 2, 1)
    with tf.Graph().as_default():
        tf.compat.v1.set_random_seed(7)
        data = DataSet(images, np.arange(n), dtype=tf.uint8)
    batches = [data.next_batch(4) for _ in range(3)]
    tf1 = np.random.RandomState(7)  # the global generator as TF1's DataSet seeded it: the graph-level seed
    first, second = np.arange(n), np.arange(n)
    tf1.shuffle(first)
    tf1.shuffle(second)
    assert data.images.shape == (n, 4)  # reshape=True: flattened
    assert [list(b[1]) for b in batches[:2]] == [list(first[:4]), list(first[4:8])]
    # The epoch's rest, then the start of the next, whose shuffle permutes the order the first left.
    assert list(batches[2][1]) == list(first[8:]) + list(first[second][:2])
    assert data.epochs_completed == 1
    assert (batches[2][0][-1] == images[first[second[1]]].ravel()).all()  # images travel with their labels


# --- real public TF1 programs (TensorFlow-Examples, MIT; parity_tests/legacy_corpus/README.md), unmodified

RUNS = ["helloworld.py", "basic_operations.py", "nearest_neighbor.py", "neural_network_raw.py", "linear_regression.py"]
RUNS_SLOW = ["convolutional_network_raw.py", "logistic_regression.py", "multilayer_perceptron.py"]
NOT_SERVED = {
    "kmeans.py": "tf.contrib.factorization: tf.contrib was removed",
    "random_forest.py": "tf.contrib.tensor_forest: tf.contrib was removed",
    "neural_network.py": "tf.estimator: tf.estimator was removed in TensorFlow 2.16",
    "basic_eager_api.py": "tf.contrib.eager: ",
}


def _run_corpus(name, monkeypatch):
    monkeypatch.chdir(CORPUS)
    return main(["record", "--plain", name])


@needs_mnist
@pytest.mark.parametrize("name", RUNS)
def test_a_public_tf1_program_runs_unmodified(name, monkeypatch, capsys, numpy_state):
    assert _run_corpus(name, monkeypatch) == 0, capsys.readouterr().err[-3000:]


@needs_mnist
@pytest.mark.slow
@pytest.mark.parametrize("name", RUNS_SLOW)
def test_a_public_tf1_program_trains_to_its_end_unmodified(name, monkeypatch, capsys, numpy_state):
    assert _run_corpus(name, monkeypatch) == 0, capsys.readouterr().err[-3000:]


@pytest.mark.parametrize("name", sorted(NOT_SERVED))
def test_a_public_tf1_program_that_cannot_be_served_stops_with_one_line(name, monkeypatch, capsys, numpy_state):
    assert _run_corpus(name, monkeypatch) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"tfparity: error: {NOT_SERVED[name]}"), err


def test_the_corpus_is_every_file_the_tests_name_and_its_licence():
    named = set(RUNS) | set(RUNS_SLOW) | set(NOT_SERVED) | set(LONG)
    assert {p.name for p in CORPUS.glob("*.py")} == named
    assert (CORPUS / "LICENSE").read_text().startswith("The MIT License")


# Training loops of thousands of steps, fixed at the top of each file (not edited): they run under
# the runtime (the report's bench), too long for a test on shared cores.
LONG = ["recurrent_network.py", "bidirectional_rnn.py", "dynamic_rnn.py", "autoencoder.py"]
