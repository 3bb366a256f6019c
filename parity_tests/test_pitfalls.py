"""The evidence on docs/pitfalls.md is re-measured and must match what the page shows."""
import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from tfparity.core import records
from tfparity.core.machine import same_bits
from tfparity.core.paths import DOCS
from tfparity.studies.pitfalls import NAMES, measure_one, queue_order

RECORD = json.loads(records.record_path(DOCS, "pitfalls").read_text())
# onednn_fusion depends on the CPU's default and is asserted in test_mlp.py under both settings.
PORTABLE = [name for name in NAMES if name != "onednn_fusion"]


@pytest.fixture(scope="module")
def fresh():
    # Each pitfall is its own process, mostly TensorFlow's import: two at a time use both cores.
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(PORTABLE, pool.map(measure_one, PORTABLE)))


@pytest.mark.parametrize("name", PORTABLE)
def test_recorded_evidence_is_reproduced(name, fresh):
    # Bit for bit on a machine that gives the record's bits; elsewhere the properties below.
    if same_bits(RECORD.get("machine")):
        # A queue's order with several threads changes from run to run: that is the measurement.
        kept = lambda found: {k: v for k, v in found.items() if not (name == "queue_order" and k in queue_order.VARYING)}  # noqa: E731
        assert kept(fresh[name]) == kept(RECORD[name]), f"re-measure with `tfparity docs`: {name} changed"
    else:
        says_what_the_page_says(dict(RECORD, **fresh))


def test_the_evidence_says_what_the_page_says():
    says_what_the_page_says(RECORD)


def says_what_the_page_says(evidence):
    seeds = evidence["random_seeds"]
    assert seeds["tf1, global seed 0 only"] != seeds["tf2, global seed 0 only"]
    assert seeds["tf1, global 0 and op seed 1"] == seeds["tf2, global 0 and op seed 1"]
    rate = evidence["float64_learning_rate"]
    assert rate["GradientDescentOptimizer(0.1)"] != rate["exact"]
    assert rate["GradientDescentOptimizer(tf1.constant(0.1, tf1.float64))"] == rate["exact"]
    assert evidence["grappler_arithmetic"]["eager vs tf.function, arithmetic_optimization off"] == "bit-identical"
    assert all(v.startswith("MISMATCH") for v in evidence["xla"].values())
    assert all(v.startswith("AttributeError") for v in evidence["keras3"].values())
    assert evidence["disable_eager_execution"]["the TF2 eager twin"].startswith("NotImplementedError")
    loop = evidence["ops_in_loop"]
    assert loop["ops after the loop"] > loop["ops after building"]
    assert loop["adding an op after graph.finalize()"].startswith("RuntimeError")
    dropout = evidence["dropout_keep_prob"]
    assert abs(dropout["tf1.nn.dropout(x, keep_prob=0.9): fraction kept"] - 0.9) < 0.01
    assert abs(dropout["tf.nn.dropout(x, 0.9) (rate): fraction kept"] - 0.1) < 0.01
    assert dropout["keep_prob=0.5 against rate=0.5, global seed 0 and op seed 1: units treated alike"] == 1.0
    assert dropout["keep_prob=0.5 against rate=0.5, global seed 0 only: units treated alike"] < 0.6
    reuse = evidence["auto_reuse"]
    assert reuse["variables created by 3 eager calls, AUTO_REUSE"] == 3 * reuse["variables created by 3 eager calls, make_template"] == 24
    trained, stuck = reuse["loss of 4 eager Adam steps, make_template"], reuse["loss of 4 eager Adam steps, AUTO_REUSE"]
    assert trained[0] == stuck[0] and trained[-1] < stuck[-1]
    tracked = evidence["keras_variables"]
    assert tracked["tf.Module.trainable_variables, holding a Keras Dense, a keras.Variable and a tf.Variable"] == ["weights:0"]
    assert tracked["keras.Variable(name='conv1/weights')"].startswith("ValueError")
    assert tracked["tf.Variable(name='weights') inside tf.name_scope('conv1')"] == "conv1/weights:0"
    # RNN cells: a slip is millions of ULP of the largest output; the fix leaves a reformulation's
    # few (measured up to 2.5 ULP; a rounding of Keras's x W + h U against TF1's [x, h] W)
    few, millions = 8, 1e6
    gates = evidence["lstm_gate_order"]
    assert gates["TF1 kernel [input + units, 4 units] split at the input's rows: Keras's shapes"] is True
    assert gates["gates as they are: in ULP of the largest output"] > millions
    assert gates["blocks moved by rnn_cells.to_keras: in ULP of the largest output"] <= few
    forget = evidence["lstm_forget_bias"]
    assert forget["forget_bias not folded: in ULP of the largest output"] > millions
    assert forget["forget_bias folded into the forget block by rnn_cells.to_keras: in ULP of the largest output"] <= few
    gru = evidence["gru_reset_after"]
    assert gru["keras.layers.GRU's default reset_after"] is True
    assert gru["reset_after=True: in ULP of the largest output"] > millions
    assert gru["reset_after=False, weights by rnn_cells.to_keras: in ULP of the largest output"] <= few
    lengths = evidence["sequence_length_mask"]
    assert lengths["TF1 dynamic_rnn, sequence_length: outputs past the end, largest |value|"] == 0
    assert lengths["TF1: final h is each sequence's last output, bit for bit"] is True
    assert lengths["Keras LSTM with the mask: outputs up to the end, in ULP of TF1's largest"] <= few
    assert lengths["Keras LSTM with the mask: outputs past the end, largest |value|"] > 0
    assert lengths["Keras LSTM with the mask: outputs past the end are the last step's repeated, bit for bit"] is True
    assert lengths["Keras LSTM with the mask: all outputs against TF1's, in ULP of the largest"] > millions
    assert lengths["Keras LSTM with the mask and zero_output_for_mask=True: all outputs, in ULP of the largest"] <= few
    assert lengths["Keras LSTM with the mask: final state (h, c), in ULP of TF1's largest"] <= few
    assert lengths["Keras LSTM without a mask: final h, largest |difference| from TF1's"] > 0.01
    major = evidence["time_major"]
    assert major["TF1 time_major=True: outputs' shape"] == major["Keras LSTM fed the time-major array as it is: outputs' shape"]
    assert major["fed as it is: in ULP of the largest output"] > millions
    assert major["transposed in and out: in ULP of the largest output"] <= few
    assert major["keras.layers.LSTM(units, time_major=True)"].startswith("ValueError")
    # The training loop's pitfalls (batch norm, the schedule, summaries, queues).
    updates = evidence["bn_update_ops"]
    assert updates["3 steps with UPDATE_OPS as the control dependency: moving mean's largest |value|"] > 0
    assert updates["3 steps without UPDATE_OPS: moving mean's largest |value|"] == 0
    assert updates["3 steps without UPDATE_OPS: moving variance is still all ones"] is True
    assert updates["port's BatchNorm, 3 steps: moving mean against TF1's with UPDATE_OPS, in ULP"] == 0
    assert updates["port's BatchNorm, 3 steps: moving variance against TF1's with UPDATE_OPS, in ULP"] == 0
    flag = evidence["bn_training_flag"]
    assert flag["TF1 is_training fed False: output against fed True, in ULP"] > millions
    assert flag["Keras 3 BatchNormalization(x) (training forgotten): output against TF1's, in ULP"] > millions
    assert flag["Keras 3 BatchNormalization(x) (training forgotten): moving mean's largest |value| after the call"] == 0
    assert flag["TF1 is_training fed False: moving mean's largest |value| after the step"] == 0
    assert flag["Keras 3 BatchNormalization(x, training=True): output against TF1's, in ULP"] <= few
    momentum = evidence["bn_momentum"]
    assert momentum["slim.batch_norm's defaults"] == {"decay": 0.999, "center": True, "scale": False, "epsilon": 0.001}
    assert momentum["tf.layers.batch_normalization's variables"] == ["beta", "gamma", "moving_mean", "moving_variance"]
    assert momentum["3 steps, momentum 0.99: port's BatchNorm moving mean and variance against tf.layers', in ULP"] == 0
    assert momentum["3 steps, momentum 0.99: Keras 3 moving variance against tf.layers', in ULP"] > 1000  # Bessel's n/(n-1)
    assert momentum["3 steps, Keras 3 momentum=1 - 0.99 (decay read as PyTorch's momentum): moving mean in ULP"] > millions
    staircase = evidence["lr_staircase"]
    assert staircase["Keras 3 ExponentialDecay(staircase=True): bit-identical at every step"] is True
    assert staircase["Keras 3 ExponentialDecay without staircase: the first step that differs"] == 1
    steps = evidence["summary_step"]
    assert steps["TF1 add_summary at the global step after the update: steps"] == [1, 2, 3]
    assert steps["TF2 tf.summary.scalar at the step after the update: steps"] == [1, 2, 3]
    assert steps["TF2 tf.summary.scalar at the step before the update: steps"] == [0, 1, 2]
    queue = evidence["queue_order"]
    assert queue["tf.train.batch, 1 thread: distinct orders in 5 runs"] == 1
    assert queue["tf.train.batch, 1 thread: the file's order"] is True

def test_remeasure_keeps_the_rest_and_refuses_another_machines_record(tmp_path):
    from tfparity.core.machine import fingerprint
    from tfparity.studies.pitfalls import remeasure
    records.save(tmp_path, dict(RECORD, machine=dict(fingerprint(), cpu="another")))
    with pytest.raises(RuntimeError, match="run the whole study here"):
        remeasure(tmp_path, ["keras3"])
    records.save(tmp_path, dict(RECORD, keras3={"planted": "stale"}, machine=fingerprint()))
    remeasure(tmp_path, ["keras3"])
    again = records.load_plain(tmp_path, "pitfalls")
    assert again["keras3"] != {"planted": "stale"} and again["auto_reuse"] == RECORD["auto_reuse"]

