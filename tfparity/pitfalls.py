"""What breaks parity, each measured in a fresh process: the evidence behind docs/pitfalls.md."""
import json
import os
import subprocess
import sys

PRELUDE = "import json, os, numpy as np, tensorflow as tf, tensorflow.compat.v1 as tf1\n"
SCRIPTS = {
    "random_seeds": """
def tf1_draw(op_seed):
    g = tf1.Graph()
    with g.as_default():
        tf1.set_random_seed(0)
        r = tf1.random_normal([3], seed=op_seed)
        with tf1.Session(graph=g) as s:
            return s.run(r).tolist()
def tf2_draw(op_seed):
    tf.random.set_seed(0)
    return tf.random.normal([3], seed=op_seed).numpy().tolist()
print(json.dumps({"tf1, global seed 0 only": tf1_draw(None), "tf2, global seed 0 only": tf2_draw(None),
                  "tf1, global 0 and op seed 1": tf1_draw(1), "tf2, global 0 and op seed 1": tf2_draw(1),
                  "tf2 Generator.from_seed(0)": tf.random.Generator.from_seed(0).normal([3]).numpy().tolist()}))
""",
    "float64_learning_rate": """
def one_step(rate):
    g = tf1.Graph()
    with g.as_default():
        w = tf1.Variable(0.8, dtype=tf1.float64)
        step = tf1.train.GradientDescentOptimizer(rate(tf1)).minimize(tf1.square(2 * w - 1))
        with tf1.Session(graph=g) as s:
            s.run(tf1.global_variables_initializer()); s.run(step); return repr(float(s.run(w)))
print(json.dumps({"GradientDescentOptimizer(0.1)": one_step(lambda t: 0.1),
                  "GradientDescentOptimizer(tf1.constant(0.1, tf1.float64))": one_step(lambda t: t.constant(0.1, t.float64)),
                  "exact": repr(0.8 - 0.1 * 2.4)}))
""",
    "grappler_arithmetic": """
from shared_data.classification import make_inputs
import tf2_eager.classification as twin
from tfparity.compare import compare
inputs = make_inputs(0)
eager = twin.run(inputs)
default = compare(eager, twin.run(inputs, function=True))
tf.config.optimizer.set_experimental_options({"arithmetic_optimization": False})
print(json.dumps({"eager vs tf.function, default": str(default),
                  "eager vs tf.function, arithmetic_optimization off": str(compare(eager, twin.run(inputs, function=True)))}))
""",
    "xla": """
import functools
from shared_data import classification, regression
import tf1_graph.regression as r1, tf2_eager.regression as r2
import tf1_graph.classification as c1, tf2_eager.classification as c2
from tfparity.compare import compare
tf.function = functools.partial(tf.function, jit_compile=True)
out = {}
for name, data, tf1_twin, tf2_twin in (("regression", regression, r1, r2), ("classification", classification, c1, c2)):
    inputs = data.make_inputs(0)
    out[f"{name}: tf.function(jit_compile=True) vs Session"] = str(compare(tf1_twin.run(inputs), tf2_twin.run(inputs, function=True)))
print(json.dumps(out))
""",
    "onednn_fusion": """
import tf1_graph.mlp as t1, tf2_eager.mlp as t2
from shared_data.mlp import make_inputs
from tfparity.compare import compare

def model_tf1(x, params):
    W1, b1, W2, b2 = params
    hidden = tf1.sigmoid(tf1.nn.bias_add(tf1.matmul(x, W1), b1))
    return hidden, tf1.nn.bias_add(tf1.matmul(hidden, W2), b2)

def model_tf2(x, params):
    W1, b1, W2, b2 = params
    hidden = tf.sigmoid(tf.nn.bias_add(tf.matmul(x, W1), b1))
    return hidden, tf.nn.bias_add(tf.matmul(hidden, W2), b2)

from tfparity.machine import onednn_active
inputs = make_inputs(0, epochs=1, train_size=3200, test_size=1000)
as_written = compare(t1.run(inputs), t2.run(inputs))
t1.model, t2.model = model_tf1, model_tf2
session = t1.run(inputs)
print(json.dumps({"oneDNN active": onednn_active(), "x·W + b, eager vs Session": str(as_written),
                  "bias_add, eager vs Session": str(compare(session, t2.run(inputs))),
                  "bias_add, tf.function vs Session": str(compare(session, t2.run(inputs, function=True)))}))
""",
    "keras3": """
out = {}
for name, get in (("tf.compat.v1.layers.dense", lambda: tf1.layers.dense),
                  ("tf.compat.v1.nn.rnn_cell.BasicRNNCell", lambda: tf1.nn.rnn_cell.BasicRNNCell),
                  ("tf.compat.v1.keras.utils.DeterministicRandomTestTool", lambda: tf1.keras.utils.DeterministicRandomTestTool)):
    try:
        get(); out[name] = "available"
    except Exception as e:
        out[name] = f"{type(e).__name__}: {str(e).splitlines()[0]}"
print(json.dumps(out))
""",
    "disable_eager_execution": """
tf1.disable_eager_execution()
from shared_data.regression import make_inputs
import tf2_eager.regression as twin
try:
    twin.run(make_inputs(0)); result = "ran"
except Exception as e:
    result = f"{type(e).__name__}: {str(e).splitlines()[0]}"
print(json.dumps({"tf.executing_eagerly()": tf.executing_eagerly(), "the TF2 eager twin": result}))
""",
    "ops_in_loop": """
from shared_data.regression import make_inputs
import tf1_graph.regression as twin
inputs = make_inputs(0)
g = tf1.Graph()
with g.as_default():
    x, y, A, loss, train_step = twin.build(inputs)
    init = tf1.global_variables_initializer()
    built = len(g.get_operations())
    with tf1.Session(graph=g) as sess:
        sess.run(init)
        for i in inputs["schedule"]:
            feed = {x: inputs["x"][i:i + 1], y: inputs["y"][i:i + 1]}
            sess.run(train_step, feed)
            sess.run(tf1.square(x * A - y), feed)  # the mistake: a new op every step
    grown = len(g.get_operations())
g.finalize()
try:
    with g.as_default():
        tf1.square(x)
    finalized = "op added"
except RuntimeError as e:
    finalized = f"RuntimeError: {e}"
print(json.dumps({"steps": len(inputs["schedule"]), "ops after building": built,
                  "ops after the loop": grown, "adding an op after graph.finalize()": finalized}))
""",
}


# Pitfalls measured under several environments (the variable must be set before TF starts).
# None removes the variable: TensorFlow then follows the CPU's own default.
ENVIRONMENTS = {"onednn_fusion": {"TF_ENABLE_ONEDNN_OPTS unset (this CPU's default)": {"TF_ENABLE_ONEDNN_OPTS": None},
                                  "TF_ENABLE_ONEDNN_OPTS=1": {"TF_ENABLE_ONEDNN_OPTS": "1"},
                                  "TF_ENABLE_ONEDNN_OPTS=0": {"TF_ENABLE_ONEDNN_OPTS": "0"}}}


def measure(name, environment=None):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    for key, value in (environment or {}).items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    done = subprocess.run([sys.executable, "-c", PRELUDE + SCRIPTS[name]], capture_output=True,
                          text=True, env=env, cwd=os.path.dirname(os.path.dirname(__file__)))
    if done.returncode:
        raise RuntimeError(f"pitfall {name} could not be measured: {done.stderr.strip()[-500:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure_all():
    return {name: {label: measure(name, env) for label, env in ENVIRONMENTS[name].items()}
            if name in ENVIRONMENTS else measure(name) for name in SCRIPTS}
