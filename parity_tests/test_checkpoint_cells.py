"""``tfparity checkpoint`` on TF1 RNN cells: real TF1 programs (tf-keras's legacy BasicLSTMCell,
LSTMCell, GRUCell and MultiRNNCell under ``tf1.nn.dynamic_rnn``, saved by ``tf1.train.Saver``)
converted by cell entries into stock Keras 3 LSTM and GRU cells, proven by ``convert --verify``;
each slip (the gate order left as TF1's, forget_bias dropped, GRU's reset_after) fails it; training
resumed from a converted checkpoint, Adam's state included, takes TF1's next step within the local
bound. The float64 reference of ``verify`` is tested against the real cells here too."""
import json
import re
import sys

import numpy as np
import pytest

from tfparity import cli
from tfparity.checkpoint import verify
from tfparity.core.exits import Exit
from tfparity.port import rnn_cells

INPUT, UNITS, GRU_UNITS, STEPS, BATCH = 3, 4, 5, 5, 6
HERE = "parity_tests.test_checkpoint_cells"
PROGRAMS = {  # name: (cells as (kind, units, forget_bias), the scopes dynamic_rnn gives them)
    "basic": ([("BasicLSTMCell", UNITS, 1.0)], ["rnn/basic_lstm_cell"]),
    "lstm": ([("LSTMCell", UNITS, 0.5)], ["rnn/lstm_cell"]),
    "gru": ([("GRUCell", GRU_UNITS, None)], ["rnn/gru_cell"]),
    "multi": ([("BasicLSTMCell", UNITS, 1.0), ("GRUCell", GRU_UNITS, None)],
              ["rnn/multi_rnn_cell/cell_0/basic_lstm_cell", "rnn/multi_rnn_cell/cell_1/gru_cell"]),
}


def _cells(specs):
    from tf_keras.api._v1.keras.__internal__.legacy import rnn_cell
    made = [rnn_cell.BasicLSTMCell(u, forget_bias=f) if k == "BasicLSTMCell" else
            rnn_cell.LSTMCell(u, **({"use_peepholes": True} if f == "peep" else {"forget_bias": f})) if k == "LSTMCell" else
            rnn_cell.GRUCell(u) for k, u, f in specs]
    return made[0] if len(made) == 1 else rnn_cell.MultiRNNCell(made)


def tf1_save(specs, prefix, seed=0, inputs=INPUT, loop="dynamic", meta=False):
    """A TF1 program over its cells (two GradientDescent steps on seeded data, ``inputs`` wide), saved;
    ``loop``: dynamic_rnn, static_rnn, or bidirectional_dynamic_rnn (specs: forward's, backward's);
    ``meta``: the Saver's MetaGraph beside it too (its default)."""
    import tensorflow.compat.v1 as tf1
    draw = np.random.default_rng(seed)
    graph = tf1.Graph()
    with graph.as_default():
        tf1.set_random_seed(seed)
        x = tf1.placeholder(tf1.float32, [None, STEPS, inputs])
        if loop == "static":
            outputs = tf1.stack(tf1.nn.static_rnn(_cells(specs), tf1.unstack(x, axis=1), dtype=tf1.float32)[0])
        elif loop == "bidirectional":
            outputs = tf1.concat(tf1.nn.bidirectional_dynamic_rnn(_cells(specs[:1]), _cells(specs[1:]), x,
                                                                  dtype=tf1.float32)[0], -1)
        else:
            outputs, _ = tf1.nn.dynamic_rnn(_cells(specs), x, dtype=tf1.float32)
        loss = tf1.reduce_mean(tf1.square(outputs - 0.3))
        train = tf1.train.GradientDescentOptimizer(0.5).minimize(loss)
        saver = tf1.train.Saver()
        with tf1.Session(graph=graph) as session:
            session.run(tf1.global_variables_initializer())
            for _ in range(2):
                session.run(train, {x: draw.normal(size=(BATCH, STEPS, inputs)).astype(np.float32)})
            saver.save(session, prefix, write_meta_graph=meta)


def _layers(specs, reset_after=False):
    import keras
    layers, size = [], INPUT
    for kind, units, _ in specs:
        layer = (keras.layers.LSTM(units, return_sequences=True) if kind != "GRUCell" else
                 keras.layers.GRU(units, return_sequences=True, reset_after=reset_after))
        layer.build((None, STEPS, size))
        layers.append(layer)
        size = units
    return layers


def _port(program, reset_after=False):
    import tensorflow as tf
    model = tf.Module()
    for i, layer in enumerate(_layers(PROGRAMS[program][0], reset_after)):
        setattr(model, f"rnn{i}", layer.cell)
    return {"model": model}


def port_basic():
    return _port("basic")


def port_lstm():
    return _port("lstm")


def port_gru():
    return _port("gru")


def port_multi():
    return _port("multi")


def port_gru_reset_after():
    return _port("gru", reset_after=True)


def cell_map(program, forget_bias=None):
    """The program's cell entries onto ``_port``'s cells; ``forget_bias``: each LSTM's instead of its own."""
    specs, scopes = PROGRAMS[program]
    mapping = {}
    for i, ((kind, _, own), scope) in enumerate(zip(specs, scopes)):
        mapping[scope] = {"cell": kind, **{w: f"model.rnn{i}.{w}" for w in rnn_cells.KERAS_WEIGHTS}}
        if own is not None:
            mapping[scope]["forget_bias"] = own if forget_bias is None else forget_bias
    return mapping


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cells")
    for program, (specs, _) in PROGRAMS.items():
        tf1_save(specs, str(folder / program))
    return folder


def _convert(saved, tmp_path, program, mapping, *extra):
    (tmp_path / "map.json").write_text(json.dumps(mapping))
    return cli.main(["checkpoint", "convert", str(saved / program), str(tmp_path / "tf2"),
                     "--map", str(tmp_path / "map.json"), *extra])


@pytest.mark.parametrize("program", list(PROGRAMS))
def test_each_cell_converts_restores_and_computes_tf1s_cell(saved, tmp_path, capsys, program):
    assert _convert(saved, tmp_path, program, cell_map(program), "--verify", f"{HERE}:port_{program}") == Exit.OK
    assert "verified in the port" in capsys.readouterr().out
    import tensorflow as tf
    roots = getattr(sys.modules[__name__], f"port_{program}")()
    tf.train.Checkpoint(**roots).restore(str(tmp_path / "tf2")).expect_partial()
    for scope, entry in cell_map(program).items():  # the restored cell computes TF1's, as verify found
        assert verify.check_cell(scope, entry, roots, _read(saved / program))[0] <= verify.FLOAT32_ULP


def _read(prefix):
    from tfparity.checkpoint import convert
    return convert.read_tf1(str(prefix))


@pytest.mark.parametrize("program", list(PROGRAMS))
def test_reverse_gives_back_tf1s_variables_bit_for_bit_where_nothing_is_folded(saved, tmp_path, program):
    mapping = cell_map(program, forget_bias=0.0)  # folding 1.0 into a float32 bias rounds: not undone exactly
    assert _convert(saved, tmp_path, program, mapping) == Exit.OK
    assert cli.main(["checkpoint", "convert", str(tmp_path / "tf2"), str(tmp_path / "back"), "--map",
                     str(tmp_path / "map.json"), "--reverse"]) == Exit.OK
    before, after = _read(saved / program), _read(tmp_path / "back")
    assert sorted(before) == sorted(after)
    assert all(before[n][2]().tobytes() == after[n][2]().tobytes() for n in before)


def test_the_float64_reference_is_tf1s_cells(saved):
    """verify's NumPy equations against the real tf-keras cells run by dynamic_rnn (float64)."""
    import tensorflow.compat.v1 as tf1
    for program in ("basic", "lstm", "gru"):
        specs, (scope,) = PROGRAMS[program]
        found = _read(saved / program)
        values = {n[len(scope) + 1:]: found[n][2]().astype(np.float64) for n in found}
        x = verify.probe(INPUT, np.float64)
        graph = tf1.Graph()
        with graph.as_default():
            outputs, _ = tf1.nn.dynamic_rnn(_cells(specs), tf1.constant(x), dtype=tf1.float64)
            with tf1.Session(graph=graph) as session:
                for v in tf1.global_variables():
                    v.load(values[v.op.name[len(scope) + 1:]], session)
                real = np.transpose(session.run(outputs), (1, 0, 2))
        mine = verify.reference(specs[0][0], values, x, specs[0][2] or 0.0)
        # float64 ULPs of the largest output: measured 0-2 (the same sums, NumPy's order and Eigen's)
        assert np.abs(mine - real).max() / np.spacing(np.abs(real).max()) <= verify.FLOAT64_ULP


def _tf1_layout(program):
    """A hand-written plain map of TF1's variables onto the Keras cell (gates left in TF1's order)."""
    specs, (scope,) = PROGRAMS[program]
    return {f"{scope}/bias": "model.rnn0.bias", f"{scope}/kernel": None}


def test_a_plain_copy_of_a_cells_bias_is_refused_with_the_entry_to_write(saved, tmp_path, capsys):
    status = _convert(saved, tmp_path, "basic", _tf1_layout("basic"), "--verify", f"{HERE}:port_basic")
    err = capsys.readouterr().err
    assert status == Exit.USAGE and err.count("\n") == 1, err
    assert "rnn/basic_lstm_cell is a TF1 BasicLSTMCell (gates i, j, f, o" in err and '"cell": "BasicLSTMCell"' in err
    assert not list(tmp_path.glob("tf2*"))


@pytest.mark.parametrize("slip, hint", [
    ("gates", "likely gate order: TF1's i, j, f, o left as they were"),
    ("forget_bias", "likely forget_bias: the bias lacks the 1.0"),
])
def test_a_slip_in_the_ports_weights_fails_verify_with_the_first_differing_output(saved, tmp_path, slip, hint):
    from tfparity.checkpoint import cells
    found = _read(saved / "basic")
    scope = "rnn/basic_lstm_cell"
    entry = cell_map("basic")[scope]
    values = {v: found[f"{scope}/{v}"][2]() for v in ("kernel", "bias")}
    right = rnn_cells.to_keras("BasicLSTMCell", values, 1.0)
    wrong = ({n: rnn_cells._blocks(v, 4, rnn_cells.LSTM_ORDER) for n, v in right.items()} if slip == "gates" else
             rnn_cells.to_keras("BasicLSTMCell", values, 0.0))
    roots = port_basic()
    for name, value in wrong.items():
        getattr(roots["model"].rnn0, name).assign(value)
    with pytest.raises(verify.Mismatch, match=r"differs at step \d+, row \d+, unit \d+: TF1 [-0-9.e]+, port ") as failure:
        verify.check_cell(scope, entry, roots, found)
    assert hint in str(failure.value) and cells.forget_bias(entry) == 1.0


def test_a_gru_with_reset_after_is_refused_by_name(saved, tmp_path, capsys):
    status = _convert(saved, tmp_path, "gru", cell_map("gru"), "--verify", f"{HERE}:port_gru_reset_after")
    err = capsys.readouterr().err
    assert status == Exit.USAGE and "reset_after=True" in err and err.count("\n") == 1, err
    assert not list(tmp_path.glob("tf2*"))


def test_a_gru_with_reset_after_computes_another_function(saved):
    """Given a bias of its shape (TF1's in the first row), verify still fails it, naming reset_after."""
    found = _read(saved / "gru")
    scope = "rnn/gru_cell"
    roots = port_gru_reset_after()
    cell = roots["model"].rnn0
    right = rnn_cells.to_keras("GRUCell", {v: found[f"{scope}/{v}"][2]() for v in rnn_cells.LAYOUTS["GRUCell"]["tf1"]})
    cell.kernel.assign(right["kernel"]), cell.recurrent_kernel.assign(right["recurrent_kernel"])
    cell.bias.assign(np.stack([right["bias"], np.zeros_like(right["bias"])]))
    with pytest.raises(verify.Mismatch, match="likely reset_after"):
        verify.check_cell(scope, cell_map("gru")[scope], roots, found)


def test_inspect_names_each_cell_and_its_layout(saved, tmp_path, capsys):
    assert cli.main(["checkpoint", "inspect", str(saved / "multi"), "--json", str(tmp_path / "rows.json")]) == Exit.OK
    out = capsys.readouterr().out
    assert ("rnn/multi_rnn_cell/cell_0/basic_lstm_cell: TF1 BasicLSTMCell, input 3, units 4, gates i, j, f, o -> "
            "Keras LSTM, gates i, f, c, o; forget_bias is in no checkpoint") in out
    assert "rnn/multi_rnn_cell/cell_1/gru_cell: TF1 GRUCell, input 4, units 5, gates r, u, c -> Keras GRU(reset_after=False)" in out
    rows = {row["name"]: row for row in json.loads((tmp_path / "rows.json").read_text())}
    assert rows["rnn/multi_rnn_cell/cell_1/gru_cell/gates/bias"]["rnn_cell"] == {
        "scope": "rnn/multi_rnn_cell/cell_1/gru_cell", "cell": "GRUCell"}


def test_an_lstm_cell_with_peepholes_is_refused_in_one_line(tmp_path, capsys):
    tf1_save([("LSTMCell", UNITS, "peep")], str(tmp_path / "peep"))
    assert cli.main(["checkpoint", "inspect", str(tmp_path / "peep")]) == Exit.OK
    assert "cannot convert: rnn/lstm_cell is an LSTMCell with use_peepholes" in capsys.readouterr().out
    (tmp_path / "map.json").write_text(json.dumps({"rnn/lstm_cell": {"cell": "LSTMCell", "kernel": "m.k",
                                                                     "recurrent_kernel": "m.r", "bias": "m.b"}}))
    status = cli.main(["checkpoint", "convert", str(tmp_path / "peep"), str(tmp_path / "tf2"), "--map",
                       str(tmp_path / "map.json")])
    err = capsys.readouterr().err
    assert status == Exit.USAGE and "use_peepholes" in err and err.count("\n") == 1, err


@pytest.mark.parametrize("entry, message", [
    ({"cell": "LSTMBlockCell", "kernel": "a.k", "recurrent_kernel": "a.r", "bias": "a.b"}, "is not one whose layout is known"),
    ({"cell": "BasicLSTMCell", "kernel": "a.k", "bias": "a.b"}, "recurrent_kernel is missing"),
    ({"cell": "GRUCell", "forget_bias": 1.0, "kernel": "a.k", "recurrent_kernel": "a.r", "bias": "a.b"}, "GRUCell has no forget_bias"),
    ({"cell": "BasicLSTMCell", "forget_bias": "1", "kernel": "a.k", "recurrent_kernel": "a.r", "bias": "a.b"}, "forget_bias is a string"),
    ({"cell": "BasicLSTMCell", "kernel": "a.k", "recurrent_kernel": "a.k", "bias": "a.b"}, "both go to a.k"),
    ({"cell": "BasicLSTMCell", "kernel": "a.k", "recurrent_kernel": "a.r", "bias": "a.b", "peepholes": 1}, "unknown key 'peepholes'"),
])
def test_a_bad_cell_entry_is_one_line_before_tensorflow_loads(saved, tmp_path, capsys, entry, message):
    status = _convert(saved, tmp_path, "basic", {"rnn/basic_lstm_cell": entry})
    err = capsys.readouterr().err
    assert status == Exit.USAGE and message in err and err.count("\n") == 1, err


CLASSES, SAVED_AT = 3, 3
# One Adam step of the port from the converted state against TF1's next step (weights, m and v, in
# Keras's layout), per array, in ULPs of its largest value: measured 2 (TF 2.21, CPU), doubled, to
# the next power of two. The slips below measured over 10^7.
LOCAL_ULP = 4


def _adam_program(seed=0):
    """A TF1 LSTM classifier (BasicLSTMCell, a dense head, AdamOptimizer) trained SAVED_AT steps and
    saved, then one more step: {TF1 name: value} after it, and the batch that step took."""
    import tensorflow.compat.v1 as tf1
    draw = np.random.default_rng(seed)
    batches = [(draw.normal(size=(BATCH, STEPS, INPUT)).astype(np.float32), draw.integers(0, CLASSES, BATCH))
               for _ in range(SAVED_AT + 1)]
    graph = tf1.Graph()
    with graph.as_default():
        tf1.set_random_seed(seed)
        x, y = tf1.placeholder(tf1.float32, [None, STEPS, INPUT]), tf1.placeholder(tf1.int64, [None])
        outputs, _ = tf1.nn.dynamic_rnn(_cells([("BasicLSTMCell", UNITS, 1.0)]), x, dtype=tf1.float32)
        with tf1.variable_scope("dense"):
            w = tf1.get_variable("kernel", [UNITS, CLASSES])
            b = tf1.get_variable("bias", [CLASSES], initializer=tf1.zeros_initializer())
        logits = tf1.matmul(outputs[:, -1], w) + b
        loss = tf1.reduce_mean(tf1.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
        train = tf1.train.AdamOptimizer(0.01).minimize(loss)
        saver = tf1.train.Saver()
        with tf1.Session(graph=graph) as session:
            session.run(tf1.global_variables_initializer())
            for k, (bx, by) in enumerate(batches):
                if k == SAVED_AT:
                    saver.save(session, _adam_program.prefix, write_meta_graph=False)
                session.run(train, {x: bx, y: by})
            return {v.op.name: session.run(v) for v in tf1.global_variables()}, batches[SAVED_AT]


def adam_port():
    import keras
    import tensorflow as tf
    from tfparity.port import optimizers
    lstm, dense = keras.layers.LSTM(UNITS), keras.layers.Dense(CLASSES, name="dense")
    lstm.build((None, STEPS, INPUT)), dense.build((None, UNITS))  # outside the model: dense/kernel as TF1 names it (--auto)
    model = keras.Sequential([keras.Input((STEPS, INPUT)), lstm, dense])
    optimizer = optimizers.Adam(0.01)
    optimizer.build([lstm.cell.kernel, lstm.cell.recurrent_kernel, lstm.cell.bias, dense.kernel, dense.bias])
    roots = {"lstm": lstm.cell, "dense": dense, "optimizer": optimizer.checkpointable()}
    adam_port.last = (model, optimizer, roots)
    return dict(roots, model=tf.Module())  # the model itself is reached through lstm and dense


def adam_map(forget_bias=1.0):
    slot = lambda s, first: {w: f"optimizer.slots.{s}.{first + i}" for i, w in enumerate(rnn_cells.KERAS_WEIGHTS)}  # noqa: E731
    return {"rnn/basic_lstm_cell": {"cell": "BasicLSTMCell", "forget_bias": forget_bias, "kernel": "lstm.kernel",
                                    "recurrent_kernel": "lstm.recurrent_kernel", "bias": "lstm.bias",
                                    "slots": {"Adam": slot("m", 0), "Adam_1": slot("v", 0)}},
            "dense/kernel": "dense._kernel", "dense/bias": "dense.bias",
            "dense/kernel/Adam": "optimizer.slots.m.3", "dense/kernel/Adam_1": "optimizer.slots.v.3",
            "dense/bias/Adam": "optimizer.slots.m.4", "dense/bias/Adam_1": "optimizer.slots.v.4",
            "beta1_power": "optimizer.non_slots.beta1_power", "beta2_power": "optimizer.non_slots.beta2_power"}


def _resumed_step(tmp_path, mapping, slip=None):
    """The port restored from the converted TF1 checkpoint (verified), one Adam step on TF1's next
    batch: the largest per-array ULPs against TF1's state after that step, in Keras's layout."""
    import tensorflow as tf
    (tmp_path / "map.json").write_text(json.dumps(mapping))
    assert cli.main(["checkpoint", "convert", _adam_program.prefix, str(tmp_path / "tf2"), "--map",
                     str(tmp_path / "map.json"), "--verify", f"{HERE}:adam_port", "--force"]) == Exit.OK
    adam_port()
    model, optimizer, roots = adam_port.last
    tf.train.Checkpoint(**roots).restore(str(tmp_path / "tf2")).assert_existing_objects_matched()
    if slip == "slots":  # the bias's moments left in TF1's gate order
        for s in ("m", "v"):
            optimizer.slots[s][2].assign(rnn_cells._blocks(optimizer.slots[s][2].numpy(), 4, rnn_cells.LSTM_ORDER))
    after, (x, y) = _adam_program.after
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=model(x)))
    variables = optimizer.var_list
    optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
    scope = "rnn/basic_lstm_cell"
    tf1 = lambda suffix, fb: rnn_cells.to_keras("BasicLSTMCell", {v: after[f"{scope}/{v}{suffix}"] for v in ("kernel", "bias")}, fb)  # noqa: E731
    desired = [*tf1("", 1.0).values(), after["dense/kernel"], after["dense/bias"]]
    desired += [*tf1("/Adam", 0.0).values(), after["dense/kernel/Adam"], after["dense/bias/Adam"]]
    desired += [*tf1("/Adam_1", 0.0).values(), after["dense/kernel/Adam_1"], after["dense/bias/Adam_1"]]
    actual = [v.numpy() for v in variables] + [v.numpy() for v in optimizer.slots["m"]] + [v.numpy() for v in optimizer.slots["v"]]
    return max(float(np.abs(a - d).max() / np.spacing(np.abs(d).max())) for a, d in zip(actual, desired))


@pytest.fixture(scope="module")
def adam_saved(tmp_path_factory):
    _adam_program.prefix = str(tmp_path_factory.mktemp("adam") / "tf1")
    _adam_program.after = _adam_program()


def test_training_resumed_from_a_converted_lstm_checkpoint_takes_tf1s_next_step(adam_saved, tmp_path):
    assert _resumed_step(tmp_path, adam_map()) <= LOCAL_ULP
    assert _resumed_step(tmp_path, adam_map(), slip="slots") > 10 ** 5
    assert _resumed_step(tmp_path, adam_map(forget_bias=0.0)) > 10 ** 5


# --- convert --auto: each TF1 cell into the Keras cell tfparity.checkpoint.matching finds for it

def _auto(saved, tmp_path, program, spec, *extra):
    return cli.main(["checkpoint", "convert", str(saved / program), str(tmp_path / "tf2"), "--auto", spec,
                     "--write-map", str(tmp_path / "auto.json"), *extra])


@pytest.mark.parametrize("program", ["basic", "gru", "multi"])
def test_auto_takes_each_cell_into_its_keras_cell_and_verify_proves_it(saved, tmp_path, capsys, program):
    status = _auto(saved, tmp_path, program, f"{HERE}:port_{program}", "--verify", f"{HERE}:port_{program}")
    assert status == Exit.OK, capsys.readouterr().err
    assert "verified in the port" in capsys.readouterr().out
    # the map --auto wrote is the one written by hand (forget_bias: the cell's default, 1.0 here)
    assert json.loads((tmp_path / "auto.json").read_text()) == cell_map(program, forget_bias=1.0)


def twin_port():
    """The basic program's Keras LSTM cell, and another of the same shapes beside it."""
    roots = _port("basic")
    roots["model"].other = _layers(PROGRAMS["basic"][0])[0].cell
    return roots


def port_basic_wider():
    import tensorflow as tf
    model = tf.Module()
    model.rnn0 = _layers([("BasicLSTMCell", UNITS + 1, 1.0)])[0].cell
    return {"model": model}


@pytest.mark.parametrize("spec, message", [
    ("twin_port", "the TF1 program has 1 such cells and the objects 2, so which is which is ambiguous"),
    ("port_basic_wider", "the objects have no such Keras cell"),
])
def test_auto_refuses_a_cell_it_cannot_place_in_one_line(saved, tmp_path, capsys, spec, message):
    status = _auto(saved, tmp_path, "basic", f"{HERE}:{spec}")
    err = capsys.readouterr().err
    assert status == Exit.USAGE and err.count("\n") == 1, err
    assert "rnn/basic_lstm_cell is a TF1 BasicLSTMCell, which Keras's LSTM takes as a cell of float32 kernel [3, 16]" in err
    assert message in err and "map it by hand with --map" in err
    assert not list(tmp_path.glob("tf2*")) and not (tmp_path / "auto.json").exists()


def test_auto_names_a_gru_with_reset_after(saved, tmp_path, capsys):
    status = _auto(saved, tmp_path, "gru", f"{HERE}:port_gru_reset_after")
    err = capsys.readouterr().err
    assert status == Exit.USAGE and err.count("\n") == 1, err
    assert "model.rnn0 has its kernels and a bias of two rows: a Keras GRU with reset_after=True" in err


SAME = 4  # a stacked program whose two cells have the same shapes: its input is as wide as its units


@pytest.fixture(scope="module")
def stacked(tmp_path_factory):
    prefix = tmp_path_factory.mktemp("stacked") / "tf1"
    tf1_save([("BasicLSTMCell", SAME, 1.0), ("BasicLSTMCell", SAME, 1.0)], str(prefix), inputs=SAME)
    return prefix


def port_stacked(reverse=False):
    """Two Keras LSTM cells for the stacked program; ``reverse``: the second built first, so the
    order the port made them is not the program's."""
    import keras
    import tensorflow as tf
    layers = [keras.layers.LSTM(SAME, return_sequences=True) for _ in range(2)]
    for layer in (layers[::-1] if reverse else layers):
        layer.build((None, STEPS, SAME))
    model = tf.Module()
    model.rnn0, model.rnn1 = layers[0].cell, layers[1].cell
    return {"model": model}


def port_stacked_reversed():
    return port_stacked(reverse=True)


def test_auto_does_not_guess_between_cells_of_the_same_shapes(stacked, tmp_path, capsys):
    """Paired by the order each side made them, a port that builds its second layer first would get
    the cells swapped, and --verify (each cell alone) would pass them: --auto refuses both ports."""
    for spec in ("port_stacked", "port_stacked_reversed"):
        status = cli.main(["checkpoint", "convert", str(stacked), str(tmp_path / "tf2"), "--auto", f"{HERE}:{spec}",
                           "--verify", f"{HERE}:{spec}"])
        err = capsys.readouterr().err
        assert status == Exit.USAGE and "the TF1 program has 2 such cells and the objects 2" in err, err
        assert "a guess --verify cannot check" in err
    from tfparity.checkpoint import matching
    from tfparity.checkpoint.convert import paths
    found = {n: (s, d) for n, (s, d, _) in _read(stacked).items()}
    swapped = matching.cell_entries(found, dict(matching.in_order(paths(port_stacked_reversed()))))
    assert [e["kernel"] for e in swapped.values()] == ["model.rnn1.kernel", "model.rnn0.kernel"]  # what order would do


def test_auto_finds_the_cell_its_adam_slots_and_the_rest_by_name(adam_saved, tmp_path, capsys):
    status = cli.main(["checkpoint", "convert", _adam_program.prefix, str(tmp_path / "tf2"), "--auto", f"{HERE}:adam_port",
                       "--verify", f"{HERE}:adam_port", "--write-map", str(tmp_path / "auto.json")])
    assert status == Exit.OK, capsys.readouterr().err
    assert json.loads((tmp_path / "auto.json").read_text()) == adam_map()


# --- convert --verify through the command: a port whose Keras cells end up computing another
# function after the restore exits 1 at the first differing output, and nothing is written

def port_hard_sigmoid():
    """The basic program's port with Keras 2.0's default recurrent activation, hard_sigmoid."""
    import keras
    import tensorflow as tf
    layer = keras.layers.LSTM(UNITS, recurrent_activation="hard_sigmoid", return_sequences=True)
    layer.build((None, STEPS, INPUT))
    model = tf.Module()
    model.rnn0 = layer.cell
    return {"model": model}


def port_tf1_gate_order():
    """A port whose cell reads its restored weights as TF1's gates (i, j, f, o), not Keras's."""
    import keras
    import tensorflow as tf

    class TF1OrderLSTMCell(keras.layers.LSTMCell):
        def _compute_carry_and_output_fused(self, z, c_tm1):
            i, j, f, o = tf.split(z, 4, axis=-1)
            return super()._compute_carry_and_output_fused(tf.concat([i, f, j, o], axis=-1), c_tm1)

    cell = TF1OrderLSTMCell(UNITS)
    cell.build((None, INPUT))
    model = tf.Module()
    model.rnn0 = cell
    return {"model": model}


@pytest.mark.parametrize("spec", ["port_hard_sigmoid", "port_tf1_gate_order"])
def test_verify_through_the_command_fails_a_port_that_computes_another_function(saved, tmp_path, capsys, spec):
    status = _convert(saved, tmp_path, "basic", cell_map("basic"), "--verify", f"{HERE}:{spec}")
    err = capsys.readouterr().err
    assert status == Exit.MISMATCH, err
    assert f"MISMATCH under --verify, nothing written to {tmp_path / 'tf2'}: cell rnn/basic_lstm_cell" in err
    assert re.search(r"differs at step \d+, row \d+, unit \d+: TF1 [-0-9.e]+, port [-0-9.e]+, [0-9.e+]+ ULP", err), err
    assert "likely the weights are TF1's, converted: the port's cell computes otherwise" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.json"]  # no DST, no staging left behind


@pytest.fixture(scope="module")
def peepholes(tmp_path_factory):
    prefix = tmp_path_factory.mktemp("peep") / "tf1"
    tf1_save([("LSTMCell", UNITS, "peep")], str(prefix))
    return prefix


@pytest.mark.parametrize("how", ["--map", "--auto"])
@pytest.mark.parametrize("case, spec, message", [
    ("peepholes", "port_lstm", "rnn/lstm_cell is an LSTMCell with use_peepholes (rnn/lstm_cell/w_f_diag)"),
    ("gru", "port_gru_reset_after", "a Keras GRU with reset_after=True"),
])
def test_the_refusals_hold_through_the_command_with_verify(saved, peepholes, tmp_path, capsys, how, case, spec, message):
    source, mapping = (peepholes, cell_map("lstm")) if case == "peepholes" else (saved / "gru", cell_map("gru"))
    (tmp_path / "map.json").write_text(json.dumps(mapping))
    given = ["--map", str(tmp_path / "map.json")] if how == "--map" else ["--auto", f"{HERE}:{spec}"]
    status = cli.main(["checkpoint", "convert", str(source), str(tmp_path / "tf2"), *given, "--verify", f"{HERE}:{spec}"])
    err = capsys.readouterr().err
    assert status == Exit.USAGE and message in err and err.count("\n") == 1, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.json"]


# --- the program's forget_bias, read from the MetaGraph the Saver writes beside the checkpoint

MIXED = [("BasicLSTMCell", UNITS, 0.25), ("LSTMCell", UNITS, 0.75)]


@pytest.mark.parametrize("loop, control_flow_v1", [("dynamic", False), ("dynamic", True), ("static", False)])
def test_the_programs_forget_bias_is_read_from_its_graph(tmp_path, monkeypatch, loop, control_flow_v1):
    """dynamic_rnn's adds in the loop body's function (TF2's control flow) or in the graph under
    rnn/while/ (TF1's, as TF 1.x built it); static_rnn's in the graph, once per step."""
    from tensorflow.python.ops import control_flow_util
    from tfparity.checkpoint import convert
    monkeypatch.setattr(control_flow_util, "ENABLE_CONTROL_FLOW_V2", not control_flow_v1)
    tf1_save(MIXED, str(tmp_path / "tf1"), loop=loop, meta=True)
    known, why = convert.program_forget_biases(str(tmp_path / "tf1"), _read(tmp_path / "tf1"))
    assert {scope: float(value) for scope, value in known.items()} == {
        "rnn/multi_rnn_cell/cell_0/basic_lstm_cell": 0.25, "rnn/multi_rnn_cell/cell_1/lstm_cell": 0.75} and why is None
    for scope, value in known.items():
        assert value.dtype == np.float32


@pytest.mark.parametrize("backward, known", [(1.0, {"fw": 1.0, "bw": 1.0}), (0.5, {})])
def test_two_cells_the_graph_cannot_tell_apart_are_known_only_where_they_agree(tmp_path, backward, known):
    """A bidirectional RNN's two loop bodies both name their add basic_lstm_cell/Add."""
    from tfparity.checkpoint import convert
    tf1_save([("BasicLSTMCell", UNITS, 1.0), ("BasicLSTMCell", UNITS, backward)], str(tmp_path / "tf1"),
             loop="bidirectional", meta=True)
    found, why = convert.program_forget_biases(str(tmp_path / "tf1"), _read(tmp_path / "tf1"))
    assert {scope.split("/")[1]: float(value) for scope, value in found.items()} == known
    assert (why is None) == bool(known)


@pytest.fixture(scope="module")
def with_meta(tmp_path_factory):
    folder = tmp_path_factory.mktemp("meta")
    for program in ("lstm", "multi"):
        tf1_save(PROGRAMS[program][0], str(folder / program), meta=True)
    return folder


def test_a_map_whose_forget_bias_is_not_the_programs_is_refused_in_one_line(with_meta, tmp_path, capsys):
    """The lstm program's LSTMCell has forget_bias 0.5: an entry stating none (the default, 1.0),
    with or without --verify (which, told 1.0, would prove the conversion against 1.0)."""
    entry = dict(cell_map("lstm")["rnn/lstm_cell"])
    del entry["forget_bias"]
    for extra in ([], ["--verify", f"{HERE}:port_lstm"]):
        status = _convert(with_meta, tmp_path, "lstm", {"rnn/lstm_cell": entry}, *extra)
        err = capsys.readouterr().err
        assert status == Exit.USAGE and err.count("\n") == 1, err
        assert ("cell entry rnn/lstm_cell: forget_bias 1.0 (the cell's default: the entry states none), but the "
                "program's graph (lstm.meta) adds 0.5 to rnn/lstm_cell's forget gate: state \"forget_bias\": 0.5") in err
        assert sorted(p.name for p in tmp_path.iterdir()) == ["map.json"]
    assert _convert(with_meta, tmp_path, "lstm", cell_map("lstm"), "--verify", f"{HERE}:port_lstm") == Exit.OK


@pytest.mark.parametrize("program", ["lstm", "multi"])
def test_auto_states_the_programs_forget_bias_and_inspect_shows_it(with_meta, tmp_path, capsys, program):
    status = _auto(with_meta, tmp_path, program, f"{HERE}:port_{program}", "--verify", f"{HERE}:port_{program}")
    assert status == Exit.OK, capsys.readouterr().err
    assert json.loads((tmp_path / "auto.json").read_text()) == cell_map(program)
    capsys.readouterr()
    assert cli.main(["checkpoint", "inspect", str(with_meta / program), "--json", str(tmp_path / "rows.json")]) == Exit.OK
    scope, (_, _, forget_bias) = PROGRAMS[program][1][0], PROGRAMS[program][0][0]
    assert f"{scope}: TF1 " in (out := capsys.readouterr().out)
    assert f"forget_bias {forget_bias!r}, read from the program's graph (CKPT.meta)" in out, out
    rows = json.loads((tmp_path / "rows.json").read_text())
    assert [r["rnn_cell"].get("forget_bias") for r in rows if r["name"] == f"{scope}/kernel"] == [forget_bias]


def test_a_meta_file_that_is_not_a_metagraph_leaves_the_forget_bias_unknown(with_meta, tmp_path, capsys):
    import shutil
    for path in with_meta.glob("lstm.*"):
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "lstm.meta").write_bytes(b"\xff" * 64)
    assert cli.main(["checkpoint", "inspect", str(tmp_path / "lstm")]) == Exit.OK
    assert "forget_bias is in no checkpoint" in capsys.readouterr().out
