"""tfparity.port.optimizers against tf.compat.v1.train, bit for bit: every variable, slot and non-slot
variable after every step, eager and with the step inside a tf.function, with oneDNN on and off
(the other setting in a fresh process). TF1 is fed the same gradients through placeholders, so
only the optimizers can differ; one end-to-end regression lets each framework take its own
gradients. Keras 3's RMSprop, the namesake a porter reaches for, is measured to differ."""
import inspect
import os

import numpy as np
import pytest
import tensorflow as tf
import tensorflow.compat.v1 as tf1

from tfparity.core import fresh
from tfparity.core.compare import compare
from tfparity.port import optimizers

SEED = 0
STEPS = 20
# A length that fills AVX-512 float packets (Adam's kernel takes its vectorized path only then),
# one that does not, and a scalar.
SHAPES = ((4, 8), (3, 5), ())
# variant: (TF1 class in tf1.train, factory in tfparity.port.optimizers, arguments for both). The
# arguments beyond TF1's defaults are large enough that every term moves the values.
VARIANTS = {
    "GradientDescent": ("GradientDescentOptimizer", "GradientDescent", dict(learning_rate=0.1)),
    "Momentum": ("MomentumOptimizer", "Momentum", dict(learning_rate=0.1, momentum=0.9)),
    "Momentum, Nesterov": ("MomentumOptimizer", "Momentum",
                           dict(learning_rate=0.1, momentum=0.9, use_nesterov=True)),
    "Adam": ("AdamOptimizer", "Adam", {}),
    "RMSProp": ("RMSPropOptimizer", "RMSProp", dict(learning_rate=0.01)),
    "RMSProp, momentum": ("RMSPropOptimizer", "RMSProp", dict(learning_rate=0.01, momentum=0.9)),
    "RMSProp, centered": ("RMSPropOptimizer", "RMSProp",
                          dict(learning_rate=0.01, momentum=0.9, centered=True)),
    "Adagrad": ("AdagradOptimizer", "Adagrad", dict(learning_rate=0.1)),
    "Adadelta": ("AdadeltaOptimizer", "Adadelta", dict(learning_rate=1.0)),
    "Ftrl": ("FtrlOptimizer", "Ftrl", dict(learning_rate=0.1)),
    "Ftrl, l1 l2 beta power": ("FtrlOptimizer", "Ftrl",
                               dict(learning_rate=0.1, learning_rate_power=-0.7,
                                    l1_regularization_strength=0.01,
                                    l2_regularization_strength=0.1, beta=0.5)),
    "Ftrl, l2 shrinkage (V2)": ("FtrlOptimizer", "Ftrl",
                                dict(learning_rate=0.1, l1_regularization_strength=0.01,
                                     l2_shrinkage_regularization_strength=0.1)),
    "ProximalGradientDescent": ("ProximalGradientDescentOptimizer", "ProximalGradientDescent",
                                dict(learning_rate=0.1)),
    "ProximalGradientDescent, l1 l2": ("ProximalGradientDescentOptimizer",
                                       "ProximalGradientDescent",
                                       dict(learning_rate=0.1, l1_regularization_strength=0.01,
                                            l2_regularization_strength=0.1)),
    "ProximalAdagrad, l1 l2": ("ProximalAdagradOptimizer", "ProximalAdagrad",
                               dict(learning_rate=0.1, l1_regularization_strength=0.01,
                                    l2_regularization_strength=0.1)),
}
MODES = ("eager", "function")


def make_inputs(seed=SEED, steps=STEPS, dtype="float32"):
    rng = np.random.default_rng(seed)
    draw = lambda: [rng.standard_normal(shape).astype(dtype) for shape in SHAPES]
    return draw(), [draw() for _ in range(steps)]


def _record(trace, values):
    for key, value in values.items():
        trace.setdefault(key, []).append(value)


def tf1_trace(variant, initial, gradients):
    """{field: per-step array} and {slot field: TF1 variable name} from the TF1 optimizer."""
    cls, _, kwargs = VARIANTS[variant]
    graph = tf1.Graph()
    with graph.as_default():
        variables = [tf1.Variable(value, name=f"w{i}") for i, value in enumerate(initial)]
        feeds = [tf1.placeholder(value.dtype, value.shape) for value in initial]
        opt = getattr(tf1.train, cls)(**kwargs)
        train = opt.apply_gradients(zip(feeds, variables))
        fields = {f"w{i}": v for i, v in enumerate(variables)}
        fields.update({f"w{i}/{slot}": opt.get_slot(v, slot) for i, v in enumerate(variables)
                       for slot in opt.get_slot_names()})
        fields.update({v.op.name: v for v in tf1.global_variables() if "power" in v.op.name})
        names = {key: v.op.name for key, v in fields.items()}
        init = tf1.global_variables_initializer()
    trace = {}
    with tf1.Session(graph=graph) as sess:
        sess.run(init)
        for step in gradients:
            sess.run(train, dict(zip(feeds, step)))
            _record(trace, sess.run(fields))
    return {k: np.array(v) for k, v in trace.items()}, names


def _tf2_fields(opt, variables):
    fields = {f"w{i}": v for i, v in enumerate(variables)}
    fields.update({f"w{i}/{slot}": opt.slot(v, slot) for i, v in enumerate(variables)
                   for slot in opt.slot_names()})
    return dict(fields, **opt.non_slots)


def tf2_trace(variant, initial, gradients, mode):
    _, factory, kwargs = VARIANTS[variant]
    variables = [tf.Variable(value, name=f"w{i}") for i, value in enumerate(initial)]
    opt = getattr(optimizers, factory)(**kwargs)
    step = lambda grads: opt.apply_gradients(zip(grads, variables))
    if mode == "function":
        step = tf.function(step)  # builds the slots inside the first trace
    trace = {}
    for grads in gradients:
        step([tf.constant(g) for g in grads])
        _record(trace, {k: v.numpy() for k, v in _tf2_fields(opt, variables).items()})
    return {k: np.array(v) for k, v in trace.items()}


def difference(desired, actual):
    """None when every field is bit-identical, else the verdict (or the fields that differ)."""
    if set(actual) != set(desired):
        return f"fields {sorted(actual)} != {sorted(desired)}"
    if all(desired[k].tobytes() == actual[k].tobytes() for k in desired):
        return None
    return str(compare(desired, actual))


def measure(variants=None, dtype="float32"):
    """{variant: {mode: verdict}} for every variant not bit-identical to TF1, {} when all are;
    fresh.call runs it in another process."""
    initial, gradients = make_inputs(dtype=dtype)
    failures = {}
    for variant in variants or VARIANTS:
        desired, _ = tf1_trace(variant, initial, gradients)
        for mode in MODES:
            found = difference(desired, tf2_trace(variant, initial, gradients, mode))
            if found:
                failures.setdefault(variant, {})[mode] = found
    return failures


def onednn():
    return os.environ.get("TF_ENABLE_ONEDNN_OPTS", "default")


def measure_here():
    """measure() with the oneDNN setting it ran under, for fresh.call."""
    return {"TF_ENABLE_ONEDNN_OPTS": onednn(), "failures": measure()}


@pytest.mark.parametrize("variant", VARIANTS)
def test_bit_identical_to_tf1_eager_and_in_tf_function(variant):
    assert measure([variant]) == {}, f"oneDNN {onednn()}"


def test_bit_identical_with_the_other_onednn_setting_in_a_fresh_process():
    other = "1" if onednn() == "0" else "0"
    there = fresh.call("parity_tests.test_optimizers:measure_here", {},
                       {"TF_ENABLE_ONEDNN_OPTS": other})
    assert there == {"TF_ENABLE_ONEDNN_OPTS": other, "failures": {}}


def test_slots_and_names_are_tf1s():
    initial, gradients = make_inputs(steps=1)
    for variant, (_, factory, kwargs) in VARIANTS.items():
        _, names = tf1_trace(variant, initial, gradients)
        opt = getattr(optimizers, factory)(**kwargs)
        opt.build([tf.Variable(value, name=f"w{i}") for i, value in enumerate(initial)])
        for key, tf1_name in names.items():
            var, _, slot = key.partition("/")
            if slot:
                assert opt.tf1_names(var)[slot] == tf1_name, (variant, key)
                assert opt.slot(opt.var_list[int(var[1:])], slot).name == tf1_name + ":0"
            elif "power" in key:
                assert key in opt.non_slots, variant


def test_defaults_are_tf1s():
    dropped = {"self", "name", "use_own_namescope_for_non_slot_vars"}
    for cls, factory, _ in VARIANTS.values():
        tf1_params = inspect.signature(getattr(tf1.train, cls).__init__).parameters
        expected = {k: p.default for k, p in tf1_params.items() if k not in dropped}
        ours = inspect.signature(getattr(optimizers, factory)).parameters
        assert {k: p.default for k, p in ours.items()} == expected, factory


def test_float64_follows_tf1s_casts():
    """Python float hyperparameters reach a float64 kernel rounded to float32, as in TF1; the
    Proximal optimizers are float32 only in TF1 (uncast float32 hyperparameters) and here."""
    assert measure([v for v in VARIANTS if "Proximal" not in v], dtype="float64") == {}
    initial, gradients = make_inputs(steps=1, dtype="float64")
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf2_trace("ProximalAdagrad, l1 l2", initial, gradients, "eager")


def _kernels(graph):
    attrs = ("use_locking", "use_nesterov", "update_slots", "multiply_linear_by_lr")
    return sorted((op.type, tuple((a, op.get_attr(a)) for a in attrs if a in op.node_def.attr))
                  for op in graph.get_operations() if "Apply" in op.type)


def test_same_kernels_and_attributes_as_tf1():
    initial, _ = make_inputs()
    specs = [tf.TensorSpec(v.shape, tf.float32) for v in initial]
    for variant, (cls, factory, kwargs) in VARIANTS.items():
        graph = tf1.Graph()
        with graph.as_default():
            variables = [tf1.Variable(value) for value in initial]
            getattr(tf1.train, cls)(**kwargs).apply_gradients(
                zip([tf1.placeholder(tf.float32, v.shape) for v in initial], variables))
        variables = [tf.Variable(value) for value in initial]
        opt = getattr(optimizers, factory)(**kwargs)
        step = tf.function(lambda *grads: opt.apply_gradients(zip(grads, variables)))
        assert _kernels(step.get_concrete_function(*specs).graph) == _kernels(graph), variant


# A linear regression: each framework takes its own gradients of the same loss.
E2E_BATCH, E2E_FEATURES = 16, 8


def _e2e_inputs():
    rng = np.random.default_rng(SEED)
    x = rng.standard_normal((STEPS, E2E_BATCH, E2E_FEATURES)).astype("float32")
    y = rng.standard_normal((STEPS, E2E_BATCH, 1)).astype("float32")
    return x, y, [rng.standard_normal((E2E_FEATURES, 1)).astype("float32"), np.zeros(1, "float32")]


def _loss(ops, x, y, w, b):
    return ops.reduce_mean(ops.square(ops.matmul(x, w) + b - y))


def e2e_tf1(variant):
    cls, _, kwargs = VARIANTS[variant]
    xs, ys, initial = _e2e_inputs()
    graph = tf1.Graph()
    with graph.as_default():
        w, b = (tf1.Variable(value) for value in initial)
        x, y = tf1.placeholder(tf.float32, xs.shape[1:]), tf1.placeholder(tf.float32, ys.shape[1:])
        loss = _loss(tf1, x, y, w, b)
        train = getattr(tf1.train, cls)(**kwargs).minimize(loss)
        init = tf1.global_variables_initializer()
    trace = {}
    with tf1.Session(graph=graph) as sess:
        sess.run(init)
        for x_now, y_now in zip(xs, ys):
            value, _ = sess.run([loss, train], {x: x_now, y: y_now})
            _record(trace, dict(zip(("loss", "w", "b"), [value] + sess.run([w, b]))))
    return {k: np.array(v) for k, v in trace.items()}


def e2e_tf2(variant, mode):
    _, factory, kwargs = VARIANTS[variant]
    xs, ys, initial = _e2e_inputs()
    w, b = (tf.Variable(value) for value in initial)
    opt = getattr(optimizers, factory)(**kwargs)
    step = lambda x, y: opt.minimize(lambda: _loss(tf, x, y, w, b), [w, b])
    step = tf.function(step) if mode == "function" else step
    trace = {}
    for x_now, y_now in zip(xs, ys):
        value = step(tf.constant(x_now), tf.constant(y_now))
        _record(trace, {"loss": value.numpy(), "w": w.numpy(), "b": b.numpy()})
    return {k: np.array(v) for k, v in trace.items()}


def test_end_to_end_regression_bit_identical():
    found = {(variant, mode): difference(e2e_tf1(variant), e2e_tf2(variant, mode))
             for variant in VARIANTS for mode in MODES}
    assert {k: v for k, v in found.items() if v} == {}, f"oneDNN {onednn()}"


# False friends: what a porter would write instead, measured against the same TF1 trace.
def keras_rmsprop_step(variables):
    """Keras 3's namesake with TF1's epsilon (its rms starts at zeros, TF1's at ones)."""
    import keras
    opt = keras.optimizers.RMSprop(VARIANTS["RMSProp"][2]["learning_rate"], epsilon=1e-10)
    return lambda grads: opt.apply_gradients(zip(grads, variables))


def assign_rmsprop_step(variables):
    """TF1's RMSProp functor written as assign arithmetic, in the kernel's order: right eager,
    but grappler's arithmetic optimizer rewrites it inside a tf.function."""
    lr, rho, epsilon = VARIANTS["RMSProp"][2]["learning_rate"], tf.constant(0.9), 1e-10
    mss = [tf.Variable(tf.ones_like(v)) for v in variables]
    moms = [tf.Variable(tf.zeros_like(v)) for v in variables]

    def step(grads):
        for var, g, ms, mom in zip(variables, grads, mss, moms):
            ms.assign_add((tf.square(g) - ms) * (1 - rho))
            mom.assign(mom * 0.0 + (g * lr) / tf.sqrt(ms + epsilon))
            var.assign_sub(mom)
    return step


def false_friend(make_step, mode, grappler_options=None):
    """The variables' verdict against TF1 RMSProp; grappler options apply to this process."""
    if grappler_options:
        tf.config.optimizer.set_experimental_options(grappler_options)
    initial, gradients = make_inputs()
    desired, _ = tf1_trace("RMSProp", initial, gradients)
    variables = [tf.Variable(value) for value in initial]
    step = make_step(variables)
    step = tf.function(step) if mode == "function" else step
    trace = {}
    for grads in gradients:
        step([tf.constant(g) for g in grads])
        _record(trace, {f"w{i}": v.numpy() for i, v in enumerate(variables)})
    return difference({k: desired[k] for k in trace}, {k: np.array(v) for k, v in trace.items()})


def grappler_false_friend(mode, arithmetic_optimization):
    """false_friend(assign_rmsprop_step) by name, for fresh.call."""
    return false_friend(assign_rmsprop_step, mode,
                        {"arithmetic_optimization": arithmetic_optimization})


def test_keras_rmsprop_is_not_tf1_rmsprop():
    for mode in MODES:
        assert "MISMATCH at step 1" in false_friend(keras_rmsprop_step, mode)


def test_assign_arithmetic_rmsprop_differs_only_through_grappler():
    assert false_friend(assign_rmsprop_step, "eager") is None
    rewritten = false_friend(assign_rmsprop_step, "function")
    assert rewritten is not None and "1 ULP" in rewritten
    target = "parity_tests.test_optimizers:grappler_false_friend"
    # Grappler's options are process-wide: switched off in a process of its own.
    assert fresh.call(target, {"mode": "function", "arithmetic_optimization": False}) is None


# A learning-rate schedule: fed through a placeholder in TF1, a tf.Variable read at each step here.
SCHEDULED = ("Momentum, Nesterov", "Adam", "Ftrl, l1 l2 beta power", "ProximalAdagrad, l1 l2")


def _schedule():
    return 0.1 * 0.9 ** np.arange(STEPS, dtype="float32")


def test_learning_rate_schedule_read_at_every_step():
    initial, gradients = make_inputs()
    for variant in SCHEDULED:
        cls, factory, kwargs = VARIANTS[variant]
        graph = tf1.Graph()
        with graph.as_default():
            lr = tf1.placeholder(tf.float32, [])
            variables = [tf1.Variable(value) for value in initial]
            feeds = [tf1.placeholder(tf.float32, v.shape) for v in initial]
            train = getattr(tf1.train, cls)(**dict(kwargs, learning_rate=lr)).apply_gradients(
                zip(feeds, variables))
            init = tf1.global_variables_initializer()
        desired = {}
        with tf1.Session(graph=graph) as sess:
            sess.run(init)
            for rate, step in zip(_schedule(), gradients):
                sess.run(train, {lr: rate, **dict(zip(feeds, step))})
                _record(desired, {f"w{i}": v for i, v in enumerate(sess.run(variables))})
        for mode in MODES:
            rate = tf.Variable(0.0)
            variables = [tf.Variable(value) for value in initial]
            opt = getattr(optimizers, factory)(**dict(kwargs, learning_rate=rate))
            step = lambda grads: opt.apply_gradients(zip(grads, variables))
            step = tf.function(step) if mode == "function" else step
            actual = {}
            for value, grads in zip(_schedule(), gradients):
                rate.assign(value)
                step([tf.constant(g) for g in grads])
                _record(actual, {f"w{i}": v.numpy() for i, v in enumerate(variables)})
            assert difference({k: np.array(v) for k, v in desired.items()},
                              {k: np.array(v) for k, v in actual.items()}) is None, (variant, mode)


def test_dense_gradients_only():
    var = tf.Variable(tf.zeros([4, 2]))
    sparse = tf.IndexedSlices(tf.ones([1, 2]), tf.constant([1]), tf.constant([4, 2]))
    with pytest.raises(TypeError, match="dense gradients only"):
        optimizers.Adam().apply_gradients([(sparse, var)])
